package outbox

import (
	"fmt"
	"slices"
	"strings"

	"github.com/leadmail/leadmail/store"
)

// LintItem is one merge variable of a rendered Smart Mail: its name, the value
// it takes for this contact, and whether it is missing (empty, no fallback).
type LintItem struct {
	Name     string
	Value    string
	Fallback string // the fallback text written in the template, if any
	Missing  bool
}

// Preview is a Smart Mail rendered for one contact, as it would be sent.
type Preview struct {
	Contact  store.Contact
	Email    store.Email
	From     string   // "Name <address>"
	To       string   // the primary recipient, then any extra To
	Cc       []string // "Name <address>", in order
	Bcc      []string // envelope only: never in a header
	Subject  string
	Text     string // the text/plain part
	HTML     string // the text/html part
	Lint     []LintItem
	Received bool // the contact was already sent this email
	// Attachments are the files the message carries (Personalize).
	Attachments []Attachment
	// Opportunity is the deal the send is from; its ID is 0 when the
	// send is not from one.
	Opportunity store.Opportunity
}

// Missing lists the names of the missing merge variables, in template order.
func (p Preview) Missing() []string {
	var names []string
	for _, it := range p.Lint {
		if it.Missing {
			names = append(names, it.Name)
		}
	}
	return names
}

// RefusalError is a send refused before anything was queued. Its message is a
// sentence meant for the user.
type RefusalError struct {
	Reason string
}

func (e *RefusalError) Error() string { return e.Reason }

func refuse(format string, args ...any) error {
	return &RefusalError{Reason: fmt.Sprintf(format, args...)}
}

// MissingVarsError is a send refused because merge variables have no value
// and no fallback. Contact's fields and the sender's own profile (user.*)
// are blamed separately: a missing {{user.title}} is the sender's to fix.
type MissingVarsError struct {
	Contact string
	Names   []string
	// Opportunity is the name of the deal the send is from, "" when it
	// is not from one: then every opportunity.* variable is missing, and
	// the refusal says to send from the deal.
	Opportunity string
}

// profileWords name the sender's profile fields in a sentence.
var profileWords = map[string]string{
	"user.name": "name", "user.email": "email address", "user.title": "title", "user.phone": "phone number",
}

func (e *MissingVarsError) Error() string {
	if slices.ContainsFunc(e.Names, isOpportunityVar) {
		return e.withOpportunity()
	}
	var contact, profile, keys []string
	for _, n := range e.Names {
		if !strings.HasPrefix(n, "user.") {
			contact = append(contact, n)
			continue
		}
		w, ok := profileWords[n]
		if !ok {
			w = strings.TrimPrefix(n, "user.")
		}
		profile, keys = append(profile, fmt.Sprintf("%s (%s)", w, n)), append(keys, n)
	}
	var blame []string
	if len(contact) > 0 {
		blame = append(blame, fmt.Sprintf("%s has no value for %s", e.Contact, strings.Join(contact, ", ")))
	}
	if len(profile) > 0 {
		blame = append(blame, "your profile has no "+orList(profile))
	}
	var fix string
	switch {
	case len(profile) == 0 && len(contact) > 1:
		fix = "fill the fields"
	case len(profile) == 0:
		fix = "fill the field"
	case len(contact) == 0:
		fix = "set " + andList(keys) + " in your config"
	default:
		fix = "fill the contact's field and set " + andList(keys) + " in your config"
	}
	each := "the variable"
	if len(e.Names) > 1 {
		each = "each variable"
	}
	return fmt.Sprintf("%s: %s, or give %s a fallback like {{%s | \"...\"}}",
		strings.Join(blame, ", and "), fix, each, e.Names[0])
}

// orList joins "a", "a or b", "a, b or c".
func orList(s []string) string { return joinLast(s, " or ") }

// andList joins "a", "a and b", "a, b and c".
func andList(s []string) string { return joinLast(s, " and ") }

func joinLast(s []string, last string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + last + s[len(s)-1]
}
