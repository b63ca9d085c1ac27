package mail

import (
	"mime"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"golang.org/x/text/unicode/norm"
)

// headerKind judges from the header alone whether a message was written by
// a person, answered by a machine, or is a delivery failure report.
func headerKind(h message.Header, in Inbound) InboundKind {
	if isBounceHeader(h, in) {
		return InboundBounce
	}
	if isAutoReplyHeader(h, in.Subject) {
		return InboundAutoReply
	}
	return InboundOrdinary
}

// reportType returns the report-type of a multipart/report message, "" for
// any other.
func reportType(h message.Header) string {
	v := strings.TrimSpace(h.Get("Content-Type"))
	if len(v) < len("multipart/report") || !strings.EqualFold(v[:len("multipart/report")], "multipart/report") {
		return ""
	}
	t, params, err := mime.ParseMediaType(v)
	if err != nil && params == nil {
		return ""
	}
	if !strings.EqualFold(t, "multipart/report") {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(params["report-type"]))
}

// isBounceHeader: a delivery status report (RFC 3464), an Exim
// X-Failed-Recipients, or mail from a mailer-daemon or postmaster (whose
// body ParseInbound then reads for the delivery status).
func isBounceHeader(h message.Header, in Inbound) bool {
	if reportType(h) == "delivery-status" {
		return true
	}
	if strings.TrimSpace(h.Get("X-Failed-Recipients")) != "" {
		return true
	}
	for _, a := range in.From {
		if isDaemon(a.Email) {
			return true
		}
	}
	return false
}

// daemonNames are the local parts mail systems report failures from.
var daemonNames = []string{"mailer-daemon", "mailerdaemon", "mail-daemon", "postmaster", "mdaemon"}

// isDaemon reports whether email is a mail system's own address.
func isDaemon(email string) bool {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return false
	}
	local := strings.ToLower(email[:at])
	for _, n := range daemonNames {
		if local == n {
			return true
		}
	}
	return false
}

// isAutoReplyHeader: RFC 3834's Auto-Submitted other than "no", the
// auto-responders' X-Autoreply and X-Autorespond, Precedence auto_reply,
// bulk or junk, a read receipt (RFC 8098), or a vacation subject.
func isAutoReplyHeader(h message.Header, subject string) bool {
	if v := fieldToken(h.Get("Auto-Submitted")); v != "" && v != "no" {
		return true
	}
	for _, k := range []string{"X-Autoreply", "X-Autorespond"} {
		if v := fieldToken(h.Get(k)); v != "" && v != "no" && v != "false" && v != "0" {
			return true
		}
	}
	switch fieldToken(h.Get("Precedence")) {
	case "auto_reply", "auto-reply", "bulk", "junk":
		return true
	}
	if reportType(h) == "disposition-notification" {
		return true
	}
	return isVacationSubject(subject)
}

// fieldToken is a structured field's value before any parameter or
// comment, lowercased: "auto-replied; owner-email=..." gives "auto-replied".
func fieldToken(v string) string {
	if i := strings.IndexAny(v, ";("); i >= 0 {
		v = v[:i]
	}
	return strings.ToLower(strings.TrimSpace(v))
}

// vacationPrefixes start the subjects auto-responders write, in the
// languages our users' leads write in (lowercased, accents kept).
var vacationPrefixes = []string{
	"out of office", "out of the office", "automatic reply", "auto reply", "auto-reply",
	"autoreply", "auto response", "auto-response", "autoresponse", "automated reply",
	"away from the office", "vacation reply", "on vacation", "on leave",
	"abwesenheitsnotiz", "automatische antwort", "automatische abwesenheitsnotiz",
	"réponse automatique", "reponse automatique", "absence du bureau", "absent du bureau",
	"respuesta automática", "respuesta automatica", "fuera de la oficina", "ausencia",
	"afwezig", "automatisch antwoord", "niet aanwezig", "afwezigheidsbericht",
	"risposta automatica", "fuori ufficio", "resposta automática",
}

// vacationWords are subjects auto-responders use that a person could also
// write at the start of a longer subject: they count only alone or before
// a colon ("Absence: ..." but not "Absence policy for 2027").
var vacationWords = []string{"absence", "vacation", "away", "ooo", "abwesend", "abwesenheit", "urlaub", "afwezigheid", "congés", "vacaciones"}

// isVacationSubject reports whether a subject is an auto-responder's:
// it starts with a vacation phrase (after [brackets] or "AW:"/"Re:" never,
// since a person's reply to such a mail starts with "Re:"), or says a
// person "is out of the office".
func isVacationSubject(s string) bool {
	s = strings.ToLower(norm.NFC.String(strings.TrimSpace(s)))
	s = strings.TrimLeft(s, "[(*-_ ")
	for _, p := range vacationPrefixes {
		if strings.HasPrefix(s, p) && boundary(s[len(p):]) {
			return true
		}
	}
	for _, w := range vacationWords {
		if rest, ok := strings.CutPrefix(s, w); ok {
			rest = strings.TrimLeft(rest, " ])")
			if rest == "" || rest[0] == ':' || rest[0] == '-' {
				return true
			}
		}
	}
	return strings.Contains(s, "is out of the office") || strings.Contains(s, "is out of office") ||
		strings.Contains(s, "ist nicht im büro") || strings.Contains(s, "est absent")
}

// boundary reports whether a prefix match ended on a word boundary.
func boundary(rest string) bool {
	if rest == "" {
		return true
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// finishKind settles the kind once the body was read. A bounce gets its
// Bounce; one judged from a mailer-daemon sender alone whose body holds no
// delivery status is an automatic message, not a bounce (and never a
// reply). An auto-reply gets its return date.
func finishKind(in *Inbound, h message.Header, w *walker, nt *notes) {
	if in.Kind == InboundBounce {
		b, found := w.bounce(h, *in)
		strong := reportType(h) == "delivery-status" || strings.TrimSpace(h.Get("X-Failed-Recipients")) != ""
		if found || strong {
			in.Bounce = b
		} else {
			in.Kind = InboundAutoReply
			nt.add("Mail from a mail system without a delivery status: taken for an automatic message.")
		}
	}
	if in.Kind == InboundAutoReply {
		in.AutoReplyUntil = returnDate(in.Subject, in.Text, in.Date)
	}
}
