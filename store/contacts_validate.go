package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bounds of what a person types into a contact. A value over its bound is
// refused with a sentence, never cut silently.
const (
	// MaxFieldLen bounds names, company, title, city and country, in
	// characters.
	MaxFieldLen = 200
	// MaxEmailLen is the longest address SMTP carries (RFC 5321).
	MaxEmailLen = 254
	// MaxPhoneLen bounds a phone number, in characters.
	MaxPhoneLen = 64
	// MaxCustomKeyLen bounds a custom field's name.
	MaxCustomKeyLen = 64
	// MaxCustomValueLen bounds a custom field's value, in characters.
	MaxCustomValueLen = 2000
	// MaxCustomFields bounds how many custom fields a contact has.
	MaxCustomFields = 100
)

// DuplicateEmailError is a contact refused because another one already
// has its email address. Other is that contact, so that the caller can
// show it and ask whether to go on (ContactOptions.AllowDuplicateEmail).
type DuplicateEmailError struct {
	Email string
	Other Contact
}

func (e *DuplicateEmailError) Error() string {
	kind := "contact"
	if e.Other.Kind == KindLead {
		kind = "lead"
	}
	return fmt.Sprintf("%s is already the email of the %s %s (id %d)", e.Email, kind, e.Other.Name(), e.Other.ID)
}

// Unwrap makes errors.Is(err, ErrConflict) true.
func (e *DuplicateEmailError) Unwrap() error { return ErrConflict }

// fieldNames are the words a sentence uses for a contact's fields, keyed by
// the names edited events and the CLI use.
var fieldNames = map[string]string{
	"first_name": "first name", "last_name": "last name", "email": "email",
	"phone": "phone", "company": "company", "title": "title", "city": "city",
	"country": "country",
}

// checkText refuses a value a terminal, a mail header or an export could
// be fooled by: control characters (but none is wanted in a field) and the
// bidirectional overrides and isolates that make text read backwards. max
// is in characters; what names the field in the sentence.
func checkText(what, v string, max int) error {
	if !utf8.ValidString(v) {
		return invalid("the %s is not valid UTF-8 text", what)
	}
	if n := utf8.RuneCountInString(v); n > max {
		return invalid("the %s is %d characters long; at most %d are allowed", what, n, max)
	}
	for _, r := range v {
		switch {
		case isBidiControl(r):
			return invalid("the %s contains a right-to-left control character (U+%04X), which could disguise it: remove it", what, r)
		case unicode.IsControl(r):
			return invalid("the %s contains a control character (U+%04X): remove it", what, r)
		}
	}
	return nil
}

// isBidiControl reports the embedding, override and isolate controls
// (U+202A–U+202E, U+2066–U+2069).
func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// checkEmail refuses anything but one bare address: no display name, no
// angle brackets, no list. "" is accepted (a contact may have no email).
func checkEmail(v string) error {
	if v == "" {
		return nil
	}
	if err := checkText("email", v, MaxEmailLen); err != nil {
		return err
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Name != "" || a.Address != v || strings.ContainsAny(v, " ,;<>") {
		return invalid("%q is not an email address: write it as name@example.com", v)
	}
	return nil
}

// checkField checks one standard field's value by its name (fieldNames).
func checkField(field, v string) error {
	switch field {
	case "email":
		return checkEmail(v)
	case "phone":
		return checkText(fieldNames[field], v, MaxPhoneLen)
	}
	return checkText(fieldNames[field], v, MaxFieldLen)
}

// checkCustomKey refuses a custom field name that could not be used as
// {{custom.KEY}}: letters, digits and underscores only.
func checkCustomKey(k string) error {
	if k == "" {
		return invalid("a custom field needs a name")
	}
	if utf8.RuneCountInString(k) > MaxCustomKeyLen {
		return invalid("the custom field name %.20q… is longer than %d characters", k, MaxCustomKeyLen)
	}
	for _, r := range k {
		if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return invalid("the custom field name %q may hold only letters, digits and _ (it is used as {{custom.%s}})", k, k)
		}
	}
	return nil
}

// checkCustom checks a whole set of custom fields.
func checkCustom(m map[string]string) error {
	if len(m) > MaxCustomFields {
		return invalid("%d custom fields; at most %d are allowed", len(m), MaxCustomFields)
	}
	for k, v := range m {
		if err := checkCustomKey(k); err != nil {
			return err
		}
		if err := checkCustomValue(k, v); err != nil {
			return err
		}
	}
	return nil
}

// checkCustomValue checks a custom field's value: like checkText, but a
// value may hold lines and tabs (an imported "notes" column does).
func checkCustomValue(k, v string) error {
	flat := strings.NewReplacer("\r\n", " ", "\n", " ", "\t", " ").Replace(v)
	return checkText("custom field "+k, flat, MaxCustomValueLen)
}

// contactFields are c's standard text fields by name, in a fixed order.
func contactFields(c *Contact) []struct {
	name string
	v    *string
} {
	return []struct {
		name string
		v    *string
	}{{"first_name", &c.FirstName}, {"last_name", &c.LastName}, {"email", &c.Email},
		{"phone", &c.Phone}, {"company", &c.Company}, {"title", &c.Title},
		{"city", &c.City}, {"country", &c.Country}}
}

// validateContact checks every field of c as a person typed it (trimmed
// first). Imports go through the lighter prepareContact only.
func validateContact(c *Contact) error {
	for _, f := range contactFields(c) {
		if err := checkField(f.name, strings.TrimSpace(*f.v)); err != nil {
			return err
		}
	}
	return checkCustom(c.Custom)
}

// duplicateEmail returns a *DuplicateEmailError when a contact other than
// self has email (case-insensitively), nil otherwise or when email is "".
func duplicateEmail(ctx context.Context, tx *sql.Tx, email string, self int64) error {
	if email == "" {
		return nil
	}
	c, _, err := scanContact(tx.QueryRowContext(ctx, `SELECT `+contactCols+` FROM `+contactFrom+`
WHERE c.email = ? AND c.id <> ? ORDER BY c.id LIMIT 1`, email, self))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	}
	return &DuplicateEmailError{Email: email, Other: c}
}

// CheckContactField checks the value of one standard field of a contact
// (first_name, last_name, email, phone, company, title, city or country)
// as CreateContact and UpdateContact will, trimmed as they trim it: nil,
// or ErrInvalid with the same sentence. Forms call it to show a refusal
// next to the field before saving.
func CheckContactField(field, v string) error {
	if _, ok := fieldNames[field]; !ok {
		return invalid("%q is not a field of a contact", field)
	}
	return checkField(field, strings.TrimSpace(v))
}

// ContactFieldLimit is the most characters a standard field holds (0 for
// an unknown field).
func ContactFieldLimit(field string) int {
	switch field {
	case "email":
		return MaxEmailLen
	case "phone":
		return MaxPhoneLen
	}
	if _, ok := fieldNames[field]; ok {
		return MaxFieldLen
	}
	return 0
}

// CheckCustomFieldName checks a custom field's name as saving will.
func CheckCustomFieldName(k string) error { return checkCustomKey(k) }

// CheckCustomFieldValue checks the value of custom field k as saving will,
// trimmed as saving trims it.
func CheckCustomFieldValue(k, v string) error { return checkCustomValue(k, strings.TrimSpace(v)) }

// StatusSteps lists the statuses a person may move a contact from s to by
// hand (SetStatus), in the order a chooser offers them; none from
// contact_with_opportunity, which follows the opportunity.
func StatusSteps(s Status) []Status { return slices.Clone(leadSteps[s]) }

// KindOfStatus is the kind a contact has once it is at status s: contact
// for contact and contact_with_opportunity, lead for the others.
func KindOfStatus(s Status) Kind { return kindOf(s) }
