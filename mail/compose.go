package mail

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"mime"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	gomail "github.com/emersion/go-message/mail"
)

// MaxAttachments is the most files one Smart Mail may carry (rule S4).
const MaxAttachments = 4

// Attachment is a file sent with a message.
type Attachment struct {
	Filename    string
	ContentType string // guessed from the extension when empty
	Data        []byte
}

// Draft is everything needed to compose one message. Compose never reads
// the clock or the host name: the caller's Date and Message-ID domain are
// used, so tests can pin them and the machine name never leaks.
type Draft struct {
	From            Address
	ReplyTo         *Address
	To, Cc, Bcc     []Address
	Subject         string
	Body            Body
	Attachments     []Attachment
	Date            time.Time // required: the caller's clock, so tests can fix it
	MessageIDDomain string    // required: the right part of the Message-ID
	// MessageID, when set, is used instead of a generated one (without <>),
	// so a message edited before it is sent keeps the identity the outbox
	// already recorded.
	MessageID string
	Headers   map[string]string // extra fields such as X-Mailer
}

// Composed is a message ready to send: the exact bytes, which the outbox
// stores so that a retry sends what was previewed, and the envelope.
type Composed struct {
	Raw        []byte
	MessageID  string   // without angle brackets
	From       string   // envelope sender (MAIL FROM)
	Recipients []string // To, Cc and Bcc, deduplicated case-insensitively
}

// hostnameRE is what a Message-ID domain may look like. Anything else would
// produce an invalid or injectable header.
var hostnameRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)

// messageIDRE is a dot-atom "left@right" Message-ID without brackets.
var messageIDRE = regexp.MustCompile("^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+$")

// headerNameRE restricts extra header names to what real ones look like.
var headerNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*$`)

// reserved are the fields Compose owns; Draft.Headers may not replace them.
const reserved = " from sender to cc bcc reply-to subject date message-id mime-version return-path "

// Compose builds the RFC 5322 message for d. Every address is validated,
// every header value is stripped of line breaks, and Bcc recipients appear
// only in the envelope, never in a header.
func Compose(d Draft) (*Composed, error) {
	from, err := d.From.normalize("From")
	if err != nil {
		return nil, err
	}
	if len(d.To) == 0 {
		return nil, errors.New("at least one To recipient is required")
	}
	to, err := normalizeAll("To", d.To)
	if err != nil {
		return nil, err
	}
	cc, err := normalizeAll("Cc", d.Cc)
	if err != nil {
		return nil, err
	}
	bcc, err := normalizeAll("Bcc", d.Bcc)
	if err != nil {
		return nil, err
	}
	if d.Date.IsZero() {
		return nil, errors.New("the message has no date")
	}
	id, err := messageID(d)
	if err != nil {
		return nil, err
	}
	if len(d.Attachments) > MaxAttachments {
		return nil, fmt.Errorf("a message may carry at most %d attachments, this one has %d", MaxAttachments, len(d.Attachments))
	}

	// go-message writes fields in the reverse order they were added, so add
	// them back to front: the result reads Date, From, Reply-To, To, Cc,
	// Subject, Message-Id, then the extras.
	var h gomail.Header
	keys := make([]string, 0, len(d.Headers))
	for k := range d.Headers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range slices.Backward(keys) {
		if !headerNameRE.MatchString(k) {
			return nil, fmt.Errorf("header name %q is not valid", k)
		}
		lk := strings.ToLower(k)
		if strings.Contains(reserved, " "+lk+" ") || strings.HasPrefix(lk, "content-") {
			return nil, fmt.Errorf("header %q is set by the composer and cannot be overridden", k)
		}
		if v := SanitizeHeader(d.Headers[k]); v != "" {
			setText(&h, k, v)
		}
	}
	h.SetMessageID(id)
	setText(&h, "Subject", SanitizeHeader(d.Subject))
	setAddressList(&h, "Cc", wire(cc))
	setAddressList(&h, "To", wire(to))
	if d.ReplyTo != nil {
		rt, err := d.ReplyTo.normalize("Reply-To")
		if err != nil {
			return nil, err
		}
		setAddressList(&h, "Reply-To", wire([]Address{rt}))
	}
	setAddressList(&h, "From", wire([]Address{from}))
	h.SetDate(d.Date)

	var buf bytes.Buffer
	if err := writeBody(&buf, h, d.Body, d.Attachments); err != nil {
		return nil, fmt.Errorf("compose message: %w", err)
	}
	return &Composed{
		Raw:        buf.Bytes(),
		MessageID:  id,
		From:       from.Email,
		Recipients: envelope(to, cc, bcc),
	}, nil
}

func normalizeAll(field string, list []Address) ([]Address, error) {
	out := make([]Address, 0, len(list))
	for _, a := range list {
		n, err := a.normalize(field)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// wire converts to go-message addresses, whose String encodes non-ASCII
// names as RFC 2047 words.
func wire(list []Address) []*gomail.Address {
	out := make([]*gomail.Address, len(list))
	for i, a := range list {
		out[i] = &gomail.Address{Name: a.Name, Address: a.Email}
	}
	return out
}

func envelope(lists ...[]Address) []string {
	var out []string
	seen := map[string]bool{}
	for _, list := range lists {
		for _, a := range list {
			k := strings.ToLower(a.Email)
			if !seen[k] {
				seen[k] = true
				out = append(out, a.Email)
			}
		}
	}
	return out
}

// messageID returns d.MessageID when set, else a new random one on
// d.MessageIDDomain. The host name is never used: it is rarely a real
// domain and leaks the machine name.
func messageID(d Draft) (string, error) {
	if d.MessageID != "" {
		id := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(d.MessageID), "<"), ">")
		if !messageIDRE.MatchString(id) {
			return "", fmt.Errorf("Message-ID %q is not valid", d.MessageID)
		}
		return id, nil
	}
	if d.MessageIDDomain == "" {
		return "", errors.New("no domain for the Message-ID: set the message id domain")
	}
	if !hostnameRE.MatchString(d.MessageIDDomain) {
		return "", fmt.Errorf("Message-ID domain %q is not a valid domain name", d.MessageIDDomain)
	}
	return strings.ToLower(rand.Text()) + "@" + d.MessageIDDomain, nil
}

// writeBody writes the header and the MIME tree: text only, text+html
// alternative, or either inside multipart/mixed with the attachments.
func writeBody(w io.Writer, h gomail.Header, body Body, atts []Attachment) error {
	var th, hh gomail.InlineHeader
	th.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	hh.SetContentType("text/html", map[string]string{"charset": "utf-8"})

	if len(atts) == 0 {
		if body.HTML == "" {
			h.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
			tw, err := gomail.CreateSingleInlineWriter(w, h)
			if err != nil {
				return err
			}
			return writeClose(tw, body.Text)
		}
		iw, err := gomail.CreateInlineWriter(w, h)
		if err != nil {
			return err
		}
		return writeAlternative(iw, th, hh, body)
	}

	mw, err := gomail.CreateWriter(w, h)
	if err != nil {
		return err
	}
	if body.HTML == "" {
		tw, err := mw.CreateSingleInline(th)
		if err != nil {
			return err
		}
		if err := writeClose(tw, body.Text); err != nil {
			return err
		}
	} else {
		iw, err := mw.CreateInline()
		if err != nil {
			return err
		}
		if err := writeAlternative(iw, th, hh, body); err != nil {
			return err
		}
	}
	for _, a := range atts {
		ah, err := attachmentHeader(a)
		if err != nil {
			return err
		}
		aw, err := mw.CreateAttachment(ah)
		if err != nil {
			return err
		}
		if _, err := aw.Write(a.Data); err != nil {
			return err
		}
		if err := aw.Close(); err != nil {
			return err
		}
	}
	return mw.Close()
}

func writeAlternative(iw *gomail.InlineWriter, th, hh gomail.InlineHeader, body Body) error {
	tw, err := iw.CreatePart(th)
	if err != nil {
		return err
	}
	if err := writeClose(tw, body.Text); err != nil {
		return err
	}
	hw, err := iw.CreatePart(hh)
	if err != nil {
		return err
	}
	if err := writeClose(hw, body.HTML); err != nil {
		return err
	}
	return iw.Close()
}

func writeClose(wc io.WriteCloser, s string) error {
	if _, err := io.WriteString(wc, s); err != nil {
		return err
	}
	return wc.Close()
}

// attachmentHeader formats the part header with mime.FormatMediaType, which
// writes non-ASCII file names as RFC 2231 extended parameters (filename*=).
// go-message's SetFilename would put an RFC 2047 word inside quotes, which
// the RFCs forbid and some clients show verbatim.
func attachmentHeader(a Attachment) (gomail.AttachmentHeader, error) {
	var ah gomail.AttachmentHeader
	name := SanitizeHeader(a.Filename)
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:] // a name, never a path
	}
	if name == "" || name == "." || name == ".." {
		return ah, fmt.Errorf("attachment %q has no usable file name", a.Filename)
	}
	ct := a.ContentType
	if ct == "" {
		ct = mime.TypeByExtension(strings.ToLower(filepath.Ext(name)))
	}
	if ct == "" {
		ct = "application/octet-stream"
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return ah, fmt.Errorf("attachment %q has an invalid content type %q", name, ct)
	}
	params["name"] = name
	ctv := mime.FormatMediaType(mt, params)
	if ctv == "" {
		return ah, fmt.Errorf("attachment %q has an invalid content type %q", name, ct)
	}
	ah.Set("Content-Type", ctv)
	ah.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	return ah, nil
}
