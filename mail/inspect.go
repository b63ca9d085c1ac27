package mail

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // decode mail in any charset, not only UTF-8
	gomail "github.com/emersion/go-message/mail"
)

// HeaderField is one top-level header field, decoded for display.
type HeaderField struct {
	Key   string
	Value string
}

// AttachmentInfo describes an attachment without its content.
type AttachmentInfo struct {
	Filename    string
	ContentType string
	Size        int // decoded bytes
}

// Inspected is a raw message taken apart for "show exactly what was sent".
type Inspected struct {
	Headers     []HeaderField // every top-level field, in file order
	Text        string        // the first text/plain body part
	HTML        string        // the first text/html body part
	Attachments []AttachmentInfo
}

// addressFields are shown as readable addresses rather than raw words.
const addressFields = " from to cc bcc reply-to sender "

// Inspect parses raw, the bytes that were (or will be) sent. It is lenient:
// a part in an unknown charset is shown undecoded rather than refused.
func Inspect(raw []byte) (Inspected, error) {
	var in Inspected
	r, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) {
		return in, fmt.Errorf("read message: %w", err)
	}
	defer func() { _ = r.Close() }()

	fields := r.Header.Fields()
	for fields.Next() {
		in.Headers = append(in.Headers, HeaderField{Key: fields.Key(), Value: decodeField(fields)})
	}

	for {
		p, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !message.IsUnknownCharset(err) {
			return in, fmt.Errorf("read message part: %w", err)
		}
		data, err := io.ReadAll(p.Body)
		if err != nil {
			return in, fmt.Errorf("read message part: %w", err)
		}
		switch h := p.Header.(type) {
		case *gomail.InlineHeader:
			t, params, _ := h.ContentType()
			switch {
			case t == "text/plain" && in.Text == "":
				in.Text = crlfToLF(data)
			case t == "text/html" && in.HTML == "":
				in.HTML = crlfToLF(data)
			default:
				_, dparams, _ := h.ContentDisposition()
				name := dparams["filename"]
				if name == "" {
					name = params["name"]
				}
				in.Attachments = append(in.Attachments, AttachmentInfo{Filename: name, ContentType: t, Size: len(data)})
			}
		case *gomail.AttachmentHeader:
			t, _, _ := h.ContentType()
			name, _ := h.Filename()
			in.Attachments = append(in.Attachments, AttachmentInfo{Filename: name, ContentType: t, Size: len(data)})
		}
	}
	return in, nil
}

// decodeField decodes the current field: address lists are re-formatted
// readably (Address.String), other fields have their encoded words decoded.
// Undecodable values are shown raw rather than hidden.
func decodeField(f message.HeaderFields) string {
	if strings.Contains(addressFields, " "+strings.ToLower(f.Key())+" ") {
		if list, err := gomail.ParseAddressList(f.Value()); err == nil {
			parts := make([]string, len(list))
			for i, a := range list {
				parts[i] = Address{Name: a.Name, Email: a.Address}.String()
			}
			return strings.Join(parts, ", ")
		}
	}
	v, err := f.Text()
	if err != nil {
		return f.Value()
	}
	return v
}

// crlfToLF turns the wire's line endings into Go's, for display.
func crlfToLF(b []byte) string {
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}
