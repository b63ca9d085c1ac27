package seed

import (
	"bytes"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"github.com/leadmail/leadmail/store"
)

// mergeVar matches one merge variable of DESIGN §4: a dotted name and an
// optional quoted fallback, with whitespace allowed inside the braces. The
// seed cannot import package mail (store and mail never import each other),
// so it fills its own, trusted templates with this small renderer to build
// the copies of past sends; package mail stays the authority for user input.
var mergeVar = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_.]+)\s*(?:\|\s*"([^"]*)"\s*)?\}\}`)

// contactFields are the contact fields a template may name, bare or as
// contact.<field>.
var contactFields = []string{"first_name", "last_name", "full_name", "email",
	"phone", "company", "title", "city", "country", "status", "kind", "owner_name"}

// userFields are the sender fields a template may name as user.<field>.
var userFields = []string{"name", "email", "title", "phone"}

// lookup returns the value of the merge variable name for contact c sent by
// u, and whether the name is known at all.
func lookup(name string, c store.Contact, u store.User) (string, bool) {
	if key, ok := strings.CutPrefix(name, "custom."); ok {
		return c.Custom[key], key != ""
	}
	if f, ok := strings.CutPrefix(name, "user."); ok {
		switch f {
		case "name":
			return u.Name, true
		case "email":
			return u.Email, true
		case "title":
			return u.Title, true
		case "phone":
			return u.Phone, true
		}
		return "", false
	}
	switch strings.TrimPrefix(name, "contact.") {
	case "first_name":
		return c.FirstName, true
	case "last_name":
		return c.LastName, true
	case "full_name":
		return strings.TrimSpace(c.FirstName + " " + c.LastName), true
	case "email":
		return c.Email, true
	case "phone":
		return c.Phone, true
	case "company":
		return c.Company, true
	case "title":
		return c.Title, true
	case "city":
		return c.City, true
	case "country":
		return c.Country, true
	case "status":
		return string(c.Status), true
	case "kind":
		return string(c.Kind), true
	case "owner_name":
		return c.OwnerName, true
	}
	return "", false
}

// render fills the merge variables of s for contact c sent by u. It returns
// the names that are unknown or empty without a fallback; the seed only
// sends a template to someone for whom that list is empty.
func render(s string, c store.Contact, u store.User) (string, []string) {
	var missing []string
	out := mergeVar.ReplaceAllStringFunc(s, func(m string) string {
		sub := mergeVar.FindStringSubmatch(m)
		v, known := lookup(sub[1], c, u)
		if v == "" {
			v = sub[2]
		}
		if !known || v == "" {
			missing = append(missing, sub[1])
		}
		return v
	})
	return out, missing
}

// rawMessage builds a small, valid RFC 5322 message: the text part only,
// quoted-printable so every line stays short and 7-bit, CRLF line endings,
// and non-ASCII display names and subject as RFC 2047 encoded words.
func rawMessage(from, to *mail.Address, subject, body, msgID string, date time.Time) ([]byte, error) {
	var b bytes.Buffer
	hdr := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	hdr("From", from.String())
	hdr("To", to.String())
	hdr("Subject", mime.QEncoding.Encode("utf-8", subject))
	hdr("Date", date.Format(time.RFC1123Z))
	hdr("Message-ID", "<"+msgID+">")
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", "text/plain; charset=utf-8")
	hdr("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	text := strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n")
	if _, err := qp.Write([]byte(text)); err != nil {
		return nil, fmt.Errorf("encode body: %w", err)
	}
	if err := qp.Close(); err != nil {
		return nil, fmt.Errorf("encode body: %w", err)
	}
	return b.Bytes(), nil
}
