package demo

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	"github.com/leadmail/leadmail/mail"
)

// Mailbox is the demo user's IMAP mailbox, where the demo writes the mail
// the user received and the mail they sent from elsewhere (their phone).
// *localimap.Server satisfies it. Deliver files raw in folder with flags
// (like `\Seen`) and date as its internal date.
type Mailbox interface {
	Deliver(folder string, raw []byte, flags []string, date time.Time) (uint32, error)
}

// The folders the demo writes to: the default ones of the embedded IMAP
// server.
const (
	FolderInbox = "INBOX"
	FolderSent  = "Sent"
)

// seen is the flag of a message that has been read.
const seen = `\Seen`

// original is a message being answered, as its answer needs it.
type original struct {
	MessageID  string   // without angle brackets
	References []string // without angle brackets
	Subject    string
	From       mail.Address // who wrote it
	To         mail.Address // who it went to: the one who answers
	Date       time.Time
	Text       string // its text part, quoted in a reply
	Header     []byte // its header section, returned in a bounce
}

// originalOf reads the parts of raw an answer to it needs. to is the
// recipient answering, as the envelope named them (a message may go to
// several people).
func originalOf(raw []byte, to string) (original, error) {
	in, err := mail.Inspect(raw)
	if err != nil {
		return original{}, fmt.Errorf("read the message answered: %w", err)
	}
	o := original{Text: in.Text, To: mail.Address{Email: strings.ToLower(to)}}
	for _, f := range in.Headers {
		switch strings.ToLower(f.Key) {
		case "message-id":
			o.MessageID = strings.Trim(strings.TrimSpace(f.Value), "<>")
		case "references":
			o.References = messageIDs(f.Value)
		case "subject":
			o.Subject = f.Value
		case "from":
			if a, err := mail.ParseAddress(f.Value); err == nil {
				o.From = a
			}
		case "to", "cc":
			if list, err := mail.ParseAddressList(f.Value); err == nil {
				for _, a := range list {
					if strings.EqualFold(a.Email, to) {
						o.To = a
					}
				}
			}
		case "date":
			if d, err := netmail.ParseDate(f.Value); err == nil {
				o.Date = d
			}
		}
	}
	if o.From.Email == "" {
		return original{}, fmt.Errorf("the message answered has no From address")
	}
	o.Header = headerSection(raw)
	return o, nil
}

// messageIDs splits a References or In-Reply-To value into its ids,
// without brackets.
func messageIDs(v string) []string {
	var ids []string
	for f := range strings.FieldsSeq(v) {
		if id := strings.Trim(f, "<>"); id != "" {
			ids = append(ids, id)
		}
	}
	return ids
}

// headerSection is raw up to and including the blank line that ends its
// header, with CRLF line ends.
func headerSection(raw []byte) []byte {
	for _, sep := range []string{"\r\n\r\n", "\n\n"} {
		if i := bytes.Index(raw, []byte(sep)); i >= 0 {
			h := raw[:i+len(sep)/2]
			return bytes.ReplaceAll(bytes.ReplaceAll(h, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
		}
	}
	return nil
}

// letter is one message a person writes in the demo world: a reply, an
// auto-reply or a new thread.
type letter struct {
	From, To  mail.Address
	Subject   string
	Text      string
	Date      time.Time
	MessageID string // without brackets; "" draws one
	InReplyTo *original
	Mailer    string            // X-Mailer, the person's mail program
	Headers   map[string]string // more fields (Auto-Submitted)
}

// compose writes the letter as its mail program would: text only, and for
// an answer the In-Reply-To and References that thread it and the quoted
// original.
func (l letter) compose() ([]byte, error) {
	h := map[string]string{}
	for k, v := range l.Headers {
		h[k] = v
	}
	if l.Mailer != "" {
		h["X-Mailer"] = l.Mailer
	}
	text := l.Text
	if o := l.InReplyTo; o != nil {
		refs := append(append([]string(nil), o.References...), o.MessageID)
		h["In-Reply-To"] = "<" + o.MessageID + ">"
		h["References"] = "<" + strings.Join(refs, "> <") + ">"
		text = strings.TrimRight(text, "\n") + "\n\n" + quote(*o)
	}
	_, domain, _ := strings.Cut(l.From.Email, "@")
	c, err := mail.Compose(mail.Draft{
		From:            l.From,
		To:              []mail.Address{l.To},
		Subject:         l.Subject,
		Body:            mail.Body{Text: text},
		Date:            l.Date,
		MessageIDDomain: domain,
		MessageID:       l.MessageID,
		Headers:         h,
	})
	if err != nil {
		return nil, fmt.Errorf("compose mail from %s: %w", l.From.Email, err)
	}
	return c.Raw, nil
}

// quote is the attribution line and the original's text, each line behind
// "> ", as mail programs quote below a reply.
func quote(o original) string {
	var b strings.Builder
	who := o.From.Email
	if o.From.Name != "" {
		who = o.From.Name + " <" + o.From.Email + ">"
	}
	fmt.Fprintf(&b, "On %s, %s wrote:\n", o.Date.Format("Mon, 2 Jan 2006 at 15:04"), who)
	for line := range strings.Lines(strings.TrimRight(o.Text, "\n") + "\n") {
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			b.WriteString(">\n")
			continue
		}
		b.WriteString("> " + line + "\n")
	}
	return b.String()
}

// reSubject is the subject of an answer: "Re: " once, whatever the
// original's own prefix.
func reSubject(s string) string {
	for {
		t := strings.TrimSpace(s)
		if len(t) >= 3 && strings.EqualFold(t[:3], "re:") {
			s = t[3:]
			continue
		}
		return "Re: " + t
	}
}

// randomID draws a Message-ID on domain for a message written at t.
func randomID(t time.Time, domain string) string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return t.UTC().Format("20060102150405") + "." + hex.EncodeToString(b[:]) + "@" + domain
}

// autoReply is an out-of-office answer to o from the person it went to,
// back on until: Auto-Submitted (RFC 3834), so that no mail program answers
// it back.
func autoReply(o original, at, until time.Time, id, mailer string) letter {
	return letter{
		From:    o.To,
		To:      o.From,
		Subject: "Automatic reply: " + strings.TrimSpace(o.Subject),
		Text: fmt.Sprintf("Thank you for your message. I am out of the office until %s with limited access "+
			"to email, and will reply when I am back.\n\nFor anything urgent, please write to our office team.\n",
			until.Format("Monday 2 January 2006")),
		Date:      at,
		MessageID: id,
		InReplyTo: &o,
		Mailer:    mailer,
		Headers:   map[string]string{"Auto-Submitted": "auto-replied", "X-Autoreply": "yes"},
	}
}

// bounceDSN is the delivery status notification (RFC 3464) the demo's mail
// server sends back when o could not be delivered to rcpt: a
// multipart/report with a human part, the delivery-status part (5.1.1, no
// such mailbox) and o's header section.
func bounceDSN(o original, rcpt, mta string, at time.Time, id string) []byte {
	boundary := "dsn." + strings.ReplaceAll(id, "@", ".")
	remote := "mx." + domainOf(rcpt)
	diag := fmt.Sprintf("550 5.1.1 <%s>: Recipient address rejected: User unknown in virtual mailbox table", rcpt)
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\r\n", args...) }
	w("From: Mail Delivery System <MAILER-DAEMON@%s>", mta)
	w("To: %s", o.From.Email)
	w("Subject: Undelivered Mail Returned to Sender")
	w("Date: %s", at.Format(time.RFC1123Z))
	w("Message-ID: <%s>", id)
	w("Auto-Submitted: auto-replied")
	w("MIME-Version: 1.0")
	w("Content-Type: multipart/report; report-type=delivery-status;")
	w("\tboundary=\"%s\"", boundary)
	w("")
	w("This is a MIME-encapsulated message.")
	w("")
	w("--%s", boundary)
	w("Content-Description: Notification")
	w("Content-Type: text/plain; charset=us-ascii")
	w("")
	w("This is the mail system at host %s.", mta)
	w("")
	w("I'm sorry to have to inform you that your message could not")
	w("be delivered to one or more recipients. It's attached below.")
	w("")
	w("<%s>: host %s said: %s (in reply to RCPT TO command)", rcpt, remote, diag)
	w("")
	w("--%s", boundary)
	w("Content-Description: Delivery report")
	w("Content-Type: message/delivery-status")
	w("")
	w("Reporting-MTA: dns; %s", mta)
	w("Arrival-Date: %s", o.Date.Format(time.RFC1123Z))
	w("")
	w("Final-Recipient: rfc822; %s", rcpt)
	w("Original-Recipient: rfc822;%s", rcpt)
	w("Action: failed")
	w("Status: 5.1.1")
	w("Remote-MTA: dns; %s", remote)
	w("Diagnostic-Code: smtp; %s", diag)
	w("")
	w("--%s", boundary)
	w("Content-Description: Undelivered Message Headers")
	w("Content-Type: text/rfc822-headers")
	w("")
	b.Write(o.Header)
	w("")
	w("--%s--", boundary)
	return []byte(b.String())
}

func domainOf(addr string) string {
	_, d, _ := strings.Cut(addr, "@")
	return strings.ToLower(d)
}
