package mail

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Received mail is read here for Mail Sync: ParseInboundHeader takes the
// header block an IMAP header scan returns, ParseInbound a whole message
// (or the prefix of one). Both are lenient by design: mail in a mailbox was
// written by every program there is, and a message that cannot be fully
// read is still recorded with what could be read and a note, never refused.
//
// Control characters: Subject, display names and Text keep the characters
// the sender wrote (the display layer escapes them before they reach a
// terminal), except NUL, which is removed because nothing downstream can
// hold it. Every string is valid UTF-8: bytes that are neither UTF-8 nor a
// known charset are read as Windows-1252 (a superset of Latin-1) and said
// so in Notes. Notes are written here and quote mail data with %q, so they
// hold no control character at all.

// InboundKind tells a person's mail from what machines send in reply.
type InboundKind string

// The kinds of received mail.
const (
	InboundOrdinary  InboundKind = "ordinary"   // written by a person
	InboundAutoReply InboundKind = "auto_reply" // out of office, vacation, auto-responder (RFC 3834)
	InboundBounce    InboundKind = "bounce"     // a delivery status notification (RFC 3464) or a mailer-daemon's report
)

// Inbound is a message read from a mailbox, as Mail Sync needs it.
type Inbound struct {
	MessageID      string    // without angle brackets; "" when none
	InReplyTo      []string  // without brackets
	References     []string  // without brackets, at most MaxReferences kept (first + last ones)
	From           []Address // Address{Name, Email}; Email lowercased
	To, Cc, Bcc    []Address
	Subject        string    // decoded (RFC 2047, charsets via go-message/charset)
	Date           time.Time // zero when missing or unreadable
	Kind           InboundKind
	AutoReplyUntil time.Time // return date an out-of-office text gives; zero if none
	Bounce         *Bounce   // for Kind == InboundBounce once the body was parsed
	Text           string    // the text part, or a text rendering of the HTML; capped
	Truncated      bool      // Text was cut at the cap, or the message was read only in part
	Attachments    []InboundAttachment
	Notes          []string // what could not be read ("unknown charset x-foo: shown as is")
}

// Bounce is what a delivery status notification says about one recipient.
type Bounce struct {
	Recipient, Action, Status, Diagnostic string // Status like "5.1.1"
	Permanent                             bool   // Status class 5
	OriginalMessageID                     string // from the returned headers / Original-Message-ID, no brackets
}

// InboundAttachment describes an attachment of a received message without
// its content. (The name AttachmentInfo is taken by Inspect's.)
type InboundAttachment struct {
	Name string // decoded file name, "" when the part has none
	Type string // media type, lowercased ("application/pdf")
	Size int64  // decoded bytes when the part could be decoded, else its raw length
}

// MaxReferences is how many References an Inbound keeps: the first one
// (the thread's root) and the last MaxReferences-1 (the nearest parents).
const MaxReferences = 100

// DefaultTextLimit is the Text cap ParseInbound uses when given none.
const DefaultTextLimit = 256 << 10

// inboundHeaderFields are the fields ParseInboundHeader reads.
var inboundHeaderFields = []string{
	"Message-ID", "In-Reply-To", "References",
	"From", "To", "Cc", "Bcc", "Subject", "Date",
	"Content-Type", "Auto-Submitted", "X-Autoreply", "X-Autorespond",
	"Precedence", "X-Failed-Recipients", "Return-Path",
}

// InboundHeaderFields lists the header fields ParseInboundHeader uses, for
// an IMAP BODY.PEEK[HEADER.FIELDS (...)] fetch. The slice is a copy.
func InboundHeaderFields() []string {
	return append([]string(nil), inboundHeaderFields...)
}

// ParseInboundHeader reads a header block: what an IMAP HEADER.FIELDS fetch
// returns, or the start of a whole message (it stops at the blank line).
// Odd input never fails it: it fills what it can read and says in Notes
// what it could not. The error is non-nil only when r itself fails; the
// Inbound then holds what was read before. Kind is judged from the header
// alone (see ParseInbound for what the body adds); Bounce stays nil.
func ParseInboundHeader(r io.Reader) (Inbound, error) {
	var nt notes
	rd := getReader(r)
	defer putReader(rd)
	h, cut, err := readHeaderBlock(rd, &nt)
	in := fromHeader(h, &nt)
	in.Truncated = cut
	in.Kind = headerKind(h, in)
	if in.Kind == InboundAutoReply {
		in.AutoReplyUntil = returnDate(in.Subject, "", in.Date)
	}
	in.Notes = nt.list
	return in, err
}

// ParseInbound reads a whole message, or a prefix of one (a fetch cut at
// some size): it never fails on the message's content. Text is the first
// text/plain part, else the first text/html part rendered as text, capped
// at textLimit bytes (DefaultTextLimit when textLimit <= 0) on a character
// boundary. A message that ends before its MIME structure does (cut off,
// or a closing boundary missing) is read as far as it goes: Truncated is
// set and a note says so. The error is non-nil only when r itself fails
// (io.ErrUnexpectedEOF counts as the end of a prefix, not a failure).
func ParseInbound(r io.Reader, textLimit int) (Inbound, error) {
	if textLimit <= 0 {
		textLimit = DefaultTextLimit
	}
	var nt notes
	rd := getReader(r)
	defer putReader(rd)
	h, cut, err := readHeaderBlock(rd, &nt)
	in := fromHeader(h, &nt)
	in.Kind = headerKind(h, in)
	if err != nil || cut {
		in.Truncated = true
		in.Notes = nt.list
		return in, err
	}

	w := walker{nt: &nt, limit: textLimit, src: &rd.src}
	w.walk(h, rd.br, 0)
	in.Attachments = w.atts
	in.Text, in.Truncated = w.finishText()
	in.Truncated = in.Truncated || w.cut
	if w.srcErr != nil {
		err = w.srcErr
	}
	finishKind(&in, h, &w, &nt)
	in.Notes = nt.list
	return in, err
}

// Addresses returns every distinct address in From, To, Cc and Bcc,
// lowercased, in that order.
func (in Inbound) Addresses() []string {
	var out []string
	seen := make(map[string]bool)
	for _, list := range [][]Address{in.From, in.To, in.Cc, in.Bcc} {
		for _, a := range list {
			e := strings.ToLower(a.Email)
			if e == "" || seen[e] {
				continue
			}
			seen[e] = true
			out = append(out, e)
		}
	}
	return out
}

// hashTextBytes is how much of the text ContentHash covers.
const hashTextBytes = 4096

// ContentHash identifies a message that has no Message-ID, for dedupe:
// "sha256:<hex>" over From, To, Cc (lowercased addresses), the Subject and
// the first 4 KB of Text with white space collapsed, and the Date in UTC.
// Names, folders, flags and line endings do not enter it, so the same
// message gives the same hash in every folder and on every server.
func (in Inbound) ContentHash() string {
	h := sha256.New()
	field := func(name, v string) {
		_, _ = io.WriteString(h, name)
		_, _ = io.WriteString(h, "\x00")
		_, _ = io.WriteString(h, v)
		_, _ = io.WriteString(h, "\x00")
	}
	addrs := func(list []Address) string {
		parts := make([]string, len(list))
		for i, a := range list {
			parts[i] = strings.ToLower(a.Email)
		}
		return strings.Join(parts, ",")
	}
	field("from", addrs(in.From))
	field("to", addrs(in.To))
	field("cc", addrs(in.Cc))
	field("subject", collapseSpace(in.Subject, len(in.Subject)))
	date := ""
	if !in.Date.IsZero() {
		date = in.Date.UTC().Format(time.RFC3339)
	}
	field("date", date)
	field("text", collapseSpace(in.Text, hashTextBytes))
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// collapseSpace trims s, turns each run of white space into one space and
// stops at max bytes on a character boundary.
func collapseSpace(s string, max int) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v' || r == 0xa0 {
			space = b.Len() > 0
			continue
		}
		n := utf8.RuneLen(r)
		if n < 0 {
			n = 3 // utf8.RuneError as written
		}
		if space {
			if b.Len()+1+n > max {
				break
			}
			b.WriteByte(' ')
			space = false
		}
		if b.Len()+n > max {
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}
