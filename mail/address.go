package mail

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
)

// Address is a mailbox: an optional display name and an email address.
type Address struct {
	Name  string
	Email string
}

// String formats the address for people and for ParseAddress: the name is
// quoted only when it must be, and never RFC 2047 encoded (Compose does that
// for the wire), so "Jürgen Müller <jm@example.com>" reads as typed.
func (a Address) String() string {
	name := SanitizeHeader(a.Name)
	email := emailForm(a.Email)
	if name == "" {
		return email
	}
	if needsQuoting(name) {
		name = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name) + `"`
	}
	return name + " <" + email + ">"
}

// emailForm writes a bare address so that it parses back: a local part that
// is not a dot-atom ("jane doe"@example.com, as net/mail returns it
// unquoted) is quoted again.
func emailForm(e string) string {
	if e == "" {
		return e
	}
	if p, err := mail.ParseAddress(e); err == nil && p.Address == e && p.Name == "" {
		return e
	}
	s := (&mail.Address{Address: e}).String()
	return strings.TrimSuffix(strings.TrimPrefix(s, "<"), ">")
}

// needsQuoting reports whether a display name has characters that are
// special in an address (RFC 5322 specials such as , ; < > @ ").
func needsQuoting(name string) bool {
	return strings.ContainsAny(name, "()<>[]:;@\\,.\"")
}

// ParseAddress parses one address as typed by a user or stored in the
// database: "jane@example.com", "Jane Doe <jane@example.com>" or
// "\"Doe, Jane\" <jane@example.com>". Encoded names (=?utf-8?...?=) are
// decoded.
func ParseAddress(s string) (Address, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Address{}, errors.New("email address is empty")
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return Address{}, addressError(s, err)
	}
	return Address{Name: SanitizeHeader(a.Name), Email: a.Address}, nil
}

// addressError rewords net/mail's grammar-speak ("no angle-addr") for a
// salesperson.
func addressError(s string, err error) error {
	if strings.Contains(err.Error(), "expected single address") {
		return fmt.Errorf("%q holds more than one email address", s)
	}
	return fmt.Errorf("%q is not a valid email address (expected name@domain)", s)
}

// ParseAddressList parses a comma-separated list of addresses, as typed in
// a To or Cc field. Semicolons also separate (Outlook users type them),
// empty items are skipped, and an empty string is an empty list. The error
// names the first bad address.
func ParseAddressList(s string) ([]Address, error) {
	var out []Address
	for _, item := range splitAddresses(s) {
		if strings.TrimSpace(item) == "" {
			continue
		}
		a, err := ParseAddress(item)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// splitAddresses splits on , and ; outside quoted strings, comments and
// angle brackets, so "\"Doe, Jane\" <j@x>" stays one item.
func splitAddresses(s string) []string {
	var (
		items  []string
		start  int
		quoted bool
		depth  int // inside (comment) or <angle-addr>
	)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && quoted:
			i++
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '(' || c == '<':
			depth++
		case (c == ')' || c == '>') && depth > 0:
			depth--
		case (c == ',' || c == ';') && depth == 0:
			items = append(items, s[start:i])
			start = i + 1
		}
	}
	return append(items, s[start:])
}

// normalize validates a and returns it with a bare address and a header-safe
// name. field names the header for the error ("To").
func (a Address) normalize(field string) (Address, error) {
	email := strings.TrimSpace(a.Email)
	if email == "" {
		return Address{}, fmt.Errorf("%s address is empty", field)
	}
	if strings.ContainsAny(email, "\r\n") {
		return Address{}, fmt.Errorf("%s address %q contains a line break", field, email)
	}
	p, err := mail.ParseAddress(email)
	if err != nil {
		return Address{}, fmt.Errorf("%s: %w", field, addressError(email, err))
	}
	name := SanitizeHeader(a.Name)
	if name == "" {
		name = SanitizeHeader(p.Name)
	}
	return Address{Name: name, Email: p.Address}, nil
}

// domainOf returns the part after the last @, lower-cased.
func domainOf(email string) string {
	i := strings.LastIndexByte(email, '@')
	if i < 0 {
		return ""
	}
	return strings.ToLower(strings.TrimSuffix(email[i+1:], "."))
}

// DomainError is a From address outside the verified domains (rule S6).
type DomainError struct {
	From     string   // the bare address
	Verified []string // the domains that would have been accepted
}

// Error is the sentence shown to the user.
func (e *DomainError) Error() string {
	list := "none"
	if len(e.Verified) > 0 {
		list = strings.Join(e.Verified, ", ")
	}
	return fmt.Sprintf("From address %q is not on a verified domain (verified: %s)", e.From, list)
}

// CheckFromDomain enforces S6: the From address's domain must equal one of
// verified (case-insensitive; a leading "@" or trailing "." is ignored).
// from may be bare or "Name <addr>". The error is a *DomainError, or a parse
// error when from is not an address.
func CheckFromDomain(from string, verified []string) error {
	a, err := ParseAddress(from)
	if err != nil {
		return fmt.Errorf("from address: %w", err)
	}
	d := domainOf(a.Email)
	for _, v := range verified {
		if d != "" && strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(v), "@"), ".")) == d {
			return nil
		}
	}
	return &DomainError{From: a.Email, Verified: verified}
}
