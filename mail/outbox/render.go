package outbox

import (
	"context"
	"fmt"
	"strings"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/store"
)

// rendered is a Smart Mail filled in for one contact, before composition.
type rendered struct {
	preview Preview
	from    mail.Address
	replyTo *mail.Address
}

// render loads the contact and the email and fills the merge variables from
// the contact (the primary recipient, S10) and the sending user.
func (s *Service) render(ctx context.Context, contactID, emailID int64) (rendered, error) {
	c, err := s.db.GetContact(ctx, contactID)
	if err != nil {
		return rendered{}, fmt.Errorf("load contact %d: %w", contactID, err)
	}
	e, err := s.db.GetEmail(ctx, emailID)
	if err != nil {
		return rendered{}, fmt.Errorf("load email %d: %w", emailID, err)
	}
	subj, err := mail.ParseTemplate(e.Subject)
	if err != nil {
		return rendered{}, refuse("the subject of %q has an error: %v", e.Name, err)
	}
	body, err := mail.ParseTemplate(e.Body)
	if err != nil {
		return rendered{}, refuse("the body of %q has an error: %v", e.Name, err)
	}
	vals := Values(c, s.sender)
	subject, _ := subj.Render(vals)
	rb, err := mail.RenderBody(body, vals)
	if err != nil {
		return rendered{}, fmt.Errorf("render %q: %w", e.Name, err)
	}
	received, err := s.db.ReceivedEmails(ctx, c.ID)
	if err != nil {
		return rendered{}, fmt.Errorf("load sent history: %w", err)
	}

	from := mail.Address{Name: firstNonEmpty(e.FromName, s.sender.Name), Email: firstNonEmpty(e.FromEmail, s.sender.Email)}
	var replyTo *mail.Address
	if e.ReplyTo != "" {
		a, err := mail.ParseAddress(e.ReplyTo)
		if err != nil {
			return rendered{}, refuse("the Reply-To of %q is not a valid address: %v", e.Name, err)
		}
		replyTo = &a
	}
	to := ""
	if c.Email != "" {
		to = mail.Address{Name: c.Name(), Email: c.Email}.String()
	}
	items := mail.Lint(vals, subj, body)
	lint := make([]LintItem, len(items))
	for i, it := range items {
		lint[i] = LintItem{Name: it.Name, Value: it.Value, Fallback: it.Fallback, Missing: it.Missing}
	}
	_, wasSent := received[e.ID]
	return rendered{
		preview: Preview{
			Contact:  c,
			Email:    e,
			From:     from.String(),
			To:       to,
			Subject:  mail.SanitizeHeader(subject),
			Text:     rb.Text,
			HTML:     rb.HTML,
			Lint:     lint,
			Received: wasSent,
		},
		from:    from,
		replyTo: replyTo,
	}, nil
}

// Values returns the merge variables for a contact sent by a user: the
// contact's fields, its custom fields as custom.KEY, and the sender's profile
// as user.*.
func Values(c store.Contact, u store.User) mail.Values {
	v := mail.Values{
		"first_name": c.FirstName,
		"last_name":  c.LastName,
		"full_name":  strings.TrimSpace(c.FirstName + " " + c.LastName),
		"email":      c.Email,
		"phone":      c.Phone,
		"company":    c.Company,
		"title":      c.Title,
		"city":       c.City,
		"country":    c.Country,
		"status":     string(c.Status),
		"kind":       string(c.Kind),
		"owner_name": c.OwnerName,
		"user.name":  u.Name,
		"user.email": u.Email,
		"user.title": u.Title,
		"user.phone": u.Phone,
	}
	for k, val := range c.Custom {
		v["custom."+k] = val
	}
	return v
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if strings.TrimSpace(x) != "" {
			return strings.TrimSpace(x)
		}
	}
	return ""
}
