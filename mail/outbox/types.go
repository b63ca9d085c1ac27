package outbox

import (
	"fmt"
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

// MissingVarsError is a Quick Send refused because merge variables have no
// value for this contact and no fallback.
type MissingVarsError struct {
	Contact string
	Names   []string
}

func (e *MissingVarsError) Error() string {
	return fmt.Sprintf("%s has no value for %s: fill the field, or give the variable a fallback like {{%s | \"...\"}}",
		e.Contact, strings.Join(e.Names, ", "), e.Names[0])
}
