package mail

import (
	"bufio"
	"io"
	"regexp"
	"strings"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"
)

// Bounds on what a delivery status notification may make us read.
const (
	maxDSNBytes      = 64 << 10  // the message/delivery-status part
	maxDSNBlocks     = 50        // per-message block + recipients
	maxReturnedBytes = 256 << 10 // the returned message's header
)

// dsnReport is a message/delivery-status part (RFC 3464 §2.1): the
// per-message fields, then one block per recipient.
type dsnReport struct {
	message    textproto.Header
	recipients []textproto.Header
}

// readDSN reads the delivery status fields; the first such part counts.
func (w *walker) readDSN(body io.Reader) {
	if w.dsn != nil {
		return
	}
	br := bufio.NewReader(io.LimitReader(body, maxDSNBytes))
	r := &dsnReport{}
	for i := 0; i < maxDSNBlocks; i++ {
		for { // blank lines between blocks
			b, err := br.Peek(1)
			if err != nil || (b[0] != '\r' && b[0] != '\n') {
				break
			}
			_, _ = br.ReadByte()
		}
		if _, err := br.Peek(1); err != nil {
			if err != io.EOF {
				w.inputEnded(err)
			}
			break
		}
		h, _ := readHeader(br, w.nt)
		if h.Len() == 0 {
			continue
		}
		if i == 0 && !h.Has("Final-Recipient") && !h.Has("Original-Recipient") && !h.Has("Action") {
			r.message = h
			continue
		}
		r.recipients = append(r.recipients, h)
	}
	w.dsn = r
}

// readReturned reads the header of a returned message (message/rfc822 or
// text/rfc822-headers) for the original Message-ID.
func (w *walker) readReturned(body io.Reader) {
	br := bufio.NewReader(io.LimitReader(body, maxReturnedBytes))
	h, _ := readHeader(br, w.nt)
	mh := message.Header{Header: h}
	d := decoder{nt: w.nt}
	if ids := msgIDs(d.value(mh, "Message-Id"), w.nt, "The returned message's Message-ID"); len(ids) > 0 && w.returnedID == "" {
		w.returnedID = ids[0]
	}
}

var (
	enhancedStatus = regexp.MustCompile(`\b([245])\.(\d{1,3})\.(\d{1,3})\b`)
	textRecipient  = regexp.MustCompile(`(?m)^[ \t]*<([^<>\s@]+@[^<>\s]+)>:`)
	textMessageID  = regexp.MustCompile(`(?im)^[ \t>]*(?:x-original-)?message-id:[ \t]*<([^<>\s]+)>`)
	permanentWords = regexp.MustCompile(`(?i)permanent (error|failure)|user unknown|does not exist|no such user|mailbox unavailable|address rejected|unrouteable`)
	temporaryWords = regexp.MustCompile(`(?i)temporar(y|ily)|delayed|will (retry|be retried|keep trying)|still trying|not yet been delivered`)
)

// bounce builds the Bounce of a bounce message: the delivery status
// fields when there are some, else what the text and X-Failed-Recipients
// tell. found reports whether anything said a delivery failed or was
// delayed (a status part, or a status code in the text).
func (w *walker) bounce(h message.Header, in Inbound) (*Bounce, bool) {
	d := decoder{nt: w.nt}
	b := &Bounce{}
	found := false
	if w.dsn != nil && len(w.dsn.recipients) > 0 {
		found = true
		rec := pickRecipient(w.dsn.recipients)
		if len(w.dsn.recipients) > 1 {
			w.nt.add("The delivery report names %d recipients: the first failed one is kept.", len(w.dsn.recipients))
		}
		get := func(k string) string { return clean(d.utf8(rec.Get(k), k)) }
		b.Recipient = typedValue(get("Final-Recipient"))
		if b.Recipient == "" {
			b.Recipient = typedValue(get("Original-Recipient"))
		}
		b.Recipient = strings.ToLower(strings.Trim(b.Recipient, "<> "))
		b.Action = strings.ToLower(fieldToken(get("Action")))
		b.Status = enhancedStatus.FindString(get("Status"))
		b.Diagnostic = typedValue(get("Diagnostic-Code"))
		if b.OriginalMessageID == "" {
			b.OriginalMessageID = originalID(rec, w.nt)
		}
	}
	if w.dsn != nil && b.OriginalMessageID == "" {
		b.OriginalMessageID = originalID(w.dsn.message, w.nt)
	}
	if b.Recipient == "" {
		if list := strings.Split(h.Get("X-Failed-Recipients"), ","); strings.TrimSpace(list[0]) != "" {
			b.Recipient = cleanEmail(strings.Trim(strings.TrimSpace(list[0]), "<>"))
		}
	}
	if b.Recipient == "" && w.dsn == nil {
		if m := textRecipient.FindStringSubmatch(in.Text); m != nil {
			b.Recipient = cleanEmail(m[1]) // qmail, Exim: "<addr>:" then the reason
		}
	}
	if b.Status == "" {
		b.Status = enhancedStatus.FindString(b.Diagnostic)
	}
	if b.Status == "" {
		if m := enhancedStatus.FindStringIndex(in.Text); m != nil {
			b.Status = in.Text[m[0]:m[1]]
			if b.Diagnostic == "" {
				b.Diagnostic = lineAround(in.Text, m[0])
			}
		}
	}
	if b.Status == "" && w.dsn == nil {
		switch {
		case permanentWords.MatchString(in.Text):
			b.Status = "5.0.0"
		case temporaryWords.MatchString(in.Text):
			b.Status = "4.0.0"
		}
	}
	found = found || b.Status != ""
	if b.Action == "" {
		switch {
		case strings.HasPrefix(b.Status, "5"):
			b.Action = "failed"
		case strings.HasPrefix(b.Status, "4"):
			b.Action = "delayed"
		}
	}
	b.Permanent = strings.HasPrefix(b.Status, "5")
	if b.OriginalMessageID == "" {
		b.OriginalMessageID = w.returnedID
	}
	if b.OriginalMessageID == "" {
		b.OriginalMessageID = originalID(h.Header, w.nt)
	}
	if b.OriginalMessageID == "" {
		if m := textMessageID.FindStringSubmatch(in.Text); m != nil {
			b.OriginalMessageID = m[1]
		}
	}
	if b.OriginalMessageID == "" && len(in.InReplyTo) > 0 {
		b.OriginalMessageID = in.InReplyTo[0] // Exchange's reports answer the message they return
	}
	if b.OriginalMessageID == "" {
		w.nt.add("The bounce does not say which message it returns.")
	}
	return b, found
}

// pickRecipient chooses the recipient block that matters most: a failure
// before a delay before anything else, the first of each.
func pickRecipient(recs []textproto.Header) textproto.Header {
	for _, want := range []string{"failed", "delayed"} {
		for _, r := range recs {
			if strings.ToLower(fieldToken(r.Get("Action"))) == want {
				return r
			}
		}
	}
	return recs[0]
}

// originalID reads Original-Message-ID or X-Original-Message-ID.
func originalID(h textproto.Header, nt *notes) string {
	for _, k := range []string{"Original-Message-Id", "X-Original-Message-Id"} {
		if ids := msgIDs(h.Get(k), nt, k); len(ids) > 0 {
			return ids[0]
		}
	}
	return ""
}

// typedValue drops the type of a DSN field ("rfc822; jane@x" gives
// "jane@x", "smtp; 550 ..." gives "550 ...").
func typedValue(v string) string {
	if t, rest, ok := strings.Cut(v, ";"); ok && !strings.ContainsAny(t, " <@") {
		v = rest
	}
	return strings.TrimSpace(v)
}

// lineAround returns the line of s holding index i, trimmed and clipped.
func lineAround(s string, i int) string {
	start := strings.LastIndexByte(s[:i], '\n') + 1
	end := strings.IndexByte(s[i:], '\n')
	if end < 0 {
		end = len(s)
	} else {
		end += i
	}
	return clip(strings.TrimSpace(s[start:end]), 300)
}
