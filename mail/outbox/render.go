package outbox

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/store"
)

// rendered is a draft filled in for its primary contact, before
// composition.
type rendered struct {
	preview Preview
	from    mail.Address
	replyTo *mail.Address
	to      []mail.Address // the primary, then the extra To
	cc, bcc []mail.Address
}

// render loads the contact and the email and fills the merge variables from
// the contact (the primary recipient, S10) and the sending user: Quick
// Send's rendering, the template as-is.
func (s *Service) render(ctx context.Context, contactID, emailID int64) (rendered, error) {
	d, err := s.templateDraft(ctx, contactID, emailID)
	if err != nil {
		return rendered{}, err
	}
	return s.renderDraft(ctx, d)
}

// templateDraft is the Draft of Quick Send: the template as-is, From and
// Reply-To from the template or the sender, no signature.
func (s *Service) templateDraft(ctx context.Context, contactID, emailID int64) (Draft, error) {
	e, err := s.db.GetEmail(ctx, emailID)
	if err != nil {
		return Draft{}, fmt.Errorf("load email %d: %w", emailID, err)
	}
	return Draft{ContactID: contactID, EmailID: e.ID, Subject: e.Subject, Body: e.Body,
		FromName: e.FromName, FromEmail: e.FromEmail, ReplyTo: e.ReplyTo}, nil
}

// renderDraft fills d's merge variables from its primary contact and the
// sender, appends its signature, and parses its addresses. Template errors
// and bad addresses are refusals.
func (s *Service) renderDraft(ctx context.Context, d Draft) (rendered, error) {
	c, err := s.db.GetContact(ctx, d.ContactID)
	if err != nil {
		return rendered{}, fmt.Errorf("load contact %d: %w", d.ContactID, err)
	}
	var e store.Email
	what := "the message"
	if d.EmailID != 0 {
		if e, err = s.db.GetEmail(ctx, d.EmailID); err != nil {
			return rendered{}, fmt.Errorf("load email %d: %w", d.EmailID, err)
		}
		what = fmt.Sprintf("%q", e.Name)
	}
	subj, err := mail.ParseTemplate(d.Subject)
	if err != nil {
		return rendered{}, refuse("the subject of %s has an error: %v", what, err)
	}
	body, err := mail.ParseTemplate(d.Body)
	if err != nil {
		return rendered{}, refuse("the body of %s has an error: %v", what, err)
	}
	tmpls := []*mail.Template{subj, body}
	var sig *mail.Template
	if d.SignatureID != 0 {
		sg, err := s.db.GetSignature(ctx, d.SignatureID)
		if errors.Is(err, store.ErrNotFound) {
			return rendered{}, refuse("the signature picked no longer exists: pick another or none")
		}
		if err != nil {
			return rendered{}, fmt.Errorf("load signature %d: %w", d.SignatureID, err)
		}
		if sg.UserID != s.sender.ID {
			return rendered{}, refuse("the signature %q is not yours: pick one of your own", sg.Name)
		}
		if sig, err = mail.ParseTemplate(sg.Body); err != nil {
			return rendered{}, refuse("the signature %q has an error: %v", sg.Name, err)
		}
		tmpls = append(tmpls, sig)
	}
	vals := Values(c, s.sender)
	var opp store.Opportunity
	if d.OpportunityID != 0 {
		if opp, err = s.draftOpportunity(ctx, c.ID, d.OpportunityID); err != nil {
			return rendered{}, err
		}
		maps.Copy(vals, OpportunityValues(opp))
	}
	subject, _ := subj.Render(vals)
	rb, err := mail.RenderBody(body, vals)
	if err != nil {
		return rendered{}, fmt.Errorf("render %s: %w", what, err)
	}
	if sig != nil {
		sb, err := mail.RenderBody(sig, vals)
		if err != nil {
			return rendered{}, fmt.Errorf("render the signature: %w", err)
		}
		rb = AppendSignature(rb, sb)
	}
	received := map[int64]time.Time{}
	if d.EmailID != 0 {
		if received, err = s.db.ReceivedEmails(ctx, c.ID); err != nil {
			return rendered{}, fmt.Errorf("load sent history: %w", err)
		}
	}

	from := mail.Address{Name: firstNonEmpty(d.FromName, s.sender.Name), Email: firstNonEmpty(d.FromEmail, s.sender.Email)}
	var replyTo *mail.Address
	if strings.TrimSpace(d.ReplyTo) != "" {
		a, err := mail.ParseAddress(d.ReplyTo)
		if err != nil {
			return rendered{}, replyToRefusal(d, e, what, err)
		}
		replyTo = &a
	}
	r := rendered{from: from, replyTo: replyTo}
	var toStr []string
	if c.Email != "" {
		primary := mail.Address{Name: c.Name(), Email: c.Email}
		r.to = append(r.to, primary)
		toStr = append(toStr, primary.String())
	}
	addrs := func(field string, rs []Recipient) ([]mail.Address, []string, error) {
		var as []mail.Address
		var ss []string
		for _, x := range rs {
			a, err := recipientAddress(x, field)
			if err != nil {
				return nil, nil, err
			}
			as, ss = append(as, a), append(ss, a.String())
		}
		return as, ss, nil
	}
	extra, extraStr, err := addrs("To", d.To)
	if err != nil {
		return rendered{}, err
	}
	r.to, toStr = append(r.to, extra...), append(toStr, extraStr...)
	var ccStr, bccStr []string
	if r.cc, ccStr, err = addrs("CC", d.Cc); err != nil {
		return rendered{}, err
	}
	if r.bcc, bccStr, err = addrs("BCC", d.Bcc); err != nil {
		return rendered{}, err
	}
	items := mail.Lint(vals, tmpls...)
	lint := make([]LintItem, len(items))
	for i, it := range items {
		lint[i] = LintItem{Name: it.Name, Value: it.Value, Fallback: it.Fallback, Missing: it.Missing}
	}
	_, wasSent := received[e.ID]
	r.preview = Preview{
		Contact:     c,
		Email:       e,
		From:        from.String(),
		To:          strings.Join(toStr, ", "),
		Cc:          ccStr,
		Bcc:         bccStr,
		Subject:     mail.SanitizeHeader(subject),
		Text:        rb.Text,
		HTML:        rb.HTML,
		Lint:        lint,
		Received:    wasSent && d.EmailID != 0,
		Attachments: slices.Clone(d.Attachments),
		Opportunity: opp,
	}
	return r, nil
}

// replyToRefusal blames the template for a bad Reply-To only when the
// value is the template's own; one typed for this send (Personalize,
// --reply-to) is blamed as such.
func replyToRefusal(d Draft, e store.Email, what string, err error) error {
	if d.EmailID != 0 && strings.TrimSpace(d.ReplyTo) == strings.TrimSpace(e.ReplyTo) {
		return refuse("the Reply-To of %s is not valid: %v; fix it in the email's send settings", what, err)
	}
	return refuse("the Reply-To given for this send is not valid: %v", err)
}

// recipientAddress parses a typed or picked recipient; field names it in
// the refusal.
func recipientAddress(r Recipient, field string) (mail.Address, error) {
	em := strings.TrimSpace(r.Email)
	if em == "" {
		who := strings.TrimSpace(r.Name)
		if who == "" {
			who = "a recipient"
		}
		return mail.Address{}, refuse("%s in %s has no email address: add one or remove them", who, field)
	}
	a, err := mail.ParseAddress(em)
	if err != nil {
		return mail.Address{}, refuse("%q in %s is not a valid email address: %v", em, field, err)
	}
	if n := strings.TrimSpace(r.Name); n != "" {
		a.Name = n
	}
	return a, nil
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
