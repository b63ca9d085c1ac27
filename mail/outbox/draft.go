package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/store"
)

// Recipient is one address of a Personalized send: a contact or lead picked
// from the CRM, or a typed address.
type Recipient struct {
	Name      string
	Email     string
	ContactID int64 // 0 when typed
}

// Draft is a Smart Mail being personalized for one contact: the editable
// content behind a queued message. Its JSON is stored with the message
// (store.Message.Draft) so it can be edited until it leaves.
type Draft struct {
	ContactID int64  // the primary recipient, fixed
	EmailID   int64  // the template it started from
	Subject   string // with merge variables
	Body      string // Markdown with merge variables

	FromName, FromEmail, ReplyTo string

	To, Cc, Bcc []Recipient // To = extra To recipients besides the primary
	Attachments []Attachment
	SignatureID int64     // 0 = none
	SendAt      time.Time // zero = as soon as possible (after the undo window)
	// OpportunityID is the opportunity the send is from, 0 if none: it
	// fills {{opportunity.*}} and the message is recorded on it.
	OpportunityID int64
}

// composeOptions tune compose.
type composeOptions struct {
	requireSmartMail bool   // a new send from a template (S2)
	messageID        string // keep this Message-ID (an edit before the message left)
}

// NewDraft returns the draft Personalize starts from: the template's subject,
// body, From and Reply-To (the sender's when the template has none), and the
// sender's default signature.
func (s *Service) NewDraft(ctx context.Context, contactID, emailID int64) (Draft, error) {
	if _, err := s.db.GetContact(ctx, contactID); err != nil {
		return Draft{}, fmt.Errorf("load contact %d: %w", contactID, err)
	}
	d, err := s.templateDraft(ctx, contactID, emailID)
	if err != nil {
		return Draft{}, err
	}
	d.FromName, d.FromEmail = firstNonEmpty(d.FromName, s.sender.Name), firstNonEmpty(d.FromEmail, s.sender.Email)
	sigs, err := s.Signatures(ctx)
	if err != nil {
		return Draft{}, err
	}
	for _, sg := range sigs {
		if sg.IsDefault {
			d.SignatureID = sg.ID
		}
	}
	return d, nil
}

// PreviewDraft renders d as SendDraft would compose it, queueing nothing.
// Template errors and bad addresses are refusals; missing merge variables
// are in the lint, not errors.
func (s *Service) PreviewDraft(ctx context.Context, d Draft) (Preview, error) {
	r, err := s.renderDraft(ctx, d)
	if err != nil {
		return Preview{}, err
	}
	return r.preview, nil
}

// Signatures lists the sender's signatures, the default first.
func (s *Service) Signatures(ctx context.Context) ([]store.Signature, error) {
	if s.sender.ID == 0 {
		return nil, nil
	}
	return s.db.ListSignatures(ctx, s.sender.ID)
}

// CheckRecipient refuses an address that is not valid, a recipient without
// an address, and, in CC or BCC (field "cc" or "bcc", any case), a CRM user
// (S9). The error is a *RefusalError.
func (s *Service) CheckRecipient(ctx context.Context, r Recipient, field string) error {
	f := strings.ToUpper(strings.TrimSpace(field))
	a, err := recipientAddress(r, f)
	if err != nil {
		return err
	}
	if f != "CC" && f != "BCC" {
		return nil
	}
	u, err := s.db.UserByEmail(ctx, a.Email)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check %s: %w", a.Email, err)
	}
	return refuse("%s is a leadmail user (%s): CRM users cannot be copied on Smart Mail", a.Email, u.Role)
}

// ComposeDraft composes d exactly as SendDraft would and returns the
// message unsaved (ID 0): what `leadmail send --dry-run` prints. Every
// refusal of SendDraft applies.
// It works without a mailbox, but needs the sender (user.email).
func (s *Service) ComposeDraft(ctx context.Context, d Draft) (store.Message, error) {
	if s.sender.Email == "" {
		return store.Message{}, refuse("sending is not set up: set user.email (your From address) in the config")
	}
	return s.compose(ctx, d, composeOptions{requireSmartMail: true})
}

// SendDraft composes d for its primary contact and every other recipient as
// ONE message (S10), with merge values from the primary, and writes it to
// the outbox: queued behind the undo window when d.SendAt is zero, else
// scheduled at d.SendAt. Every refusal (unverified From, a CRM user in CC or
// BCC, a missing merge variable, a past time, too many or too large
// attachments, an unreadable file, a bad address, a contact without
// address) comes before anything is written. The draft's JSON is stored
// with the message; the template is not changed (S5).
func (s *Service) SendDraft(ctx context.Context, d Draft) (store.Message, error) {
	sent, err := s.SendDraftWith(ctx, d, SendOptions{})
	return sent.Message, err
}

// SendDraftWith is SendDraft with what opts asks for besides (a reminder),
// written in the same transaction as the message.
func (s *Service) SendDraftWith(ctx context.Context, d Draft, opts SendOptions) (Sent, error) {
	if err := s.canSend(); err != nil {
		return Sent{}, err
	}
	if err := opts.check(); err != nil {
		return Sent{}, err
	}
	d, err := withOpportunity(d, opts)
	if err != nil {
		return Sent{}, err
	}
	m, err := s.ComposeDraft(ctx, d)
	if err != nil {
		return Sent{}, err
	}
	if m, err = withDraft(m, d); err != nil {
		return Sent{}, err
	}
	return s.storeWith(ctx, m, opts)
}

// DraftOf returns the draft behind message id, for editing before it is
// sent. A Quick Send message gets a draft rebuilt from its template (no
// signature, as Quick Send had none).
func (s *Service) DraftOf(ctx context.Context, messageID int64) (Draft, error) {
	m, err := s.db.GetMessage(ctx, messageID)
	if err != nil {
		return Draft{}, err
	}
	if len(m.Draft) > 0 {
		var d Draft
		if err := json.Unmarshal(m.Draft, &d); err != nil {
			return Draft{}, fmt.Errorf("message %d: stored draft: %w", messageID, err)
		}
		return d, nil
	}
	if m.EmailID == 0 {
		return Draft{}, refuse("message %d has no template to edit from", messageID)
	}
	d, err := s.templateDraft(ctx, m.ContactID, m.EmailID)
	if err != nil {
		return Draft{}, err
	}
	d.FromName, d.FromEmail = firstNonEmpty(d.FromName, s.sender.Name), firstNonEmpty(d.FromEmail, s.sender.Email)
	if m.Status == store.MessageScheduled {
		d.SendAt = m.SendAt
	}
	return d, nil
}

// ReplaceDraft recomposes message id from d and replaces the queued
// version, while it has not left (queued, scheduled or cancelled). It keeps
// the Message-ID when no attempt was ever made, so nothing that may have
// reached a server is reused. The refusals of SendDraft apply; a message
// already sending or sent is a *RefusalError and changes nothing.
func (s *Service) ReplaceDraft(ctx context.Context, messageID int64, d Draft) (store.Message, error) {
	if err := s.canSend(); err != nil {
		return store.Message{}, err
	}
	cur, err := s.db.GetMessage(ctx, messageID)
	if err != nil {
		return store.Message{}, err
	}
	switch cur.Status {
	case store.MessageQueued, store.MessageScheduled, store.MessageCancelled:
	default:
		return store.Message{}, refuse("this message is %s: only a queued, scheduled or cancelled message can be edited", cur.Status)
	}
	if d.ContactID != cur.ContactID {
		return store.Message{}, refuse("the primary recipient of a queued message cannot change")
	}
	if d.OpportunityID != cur.OpportunityID {
		return store.Message{}, refuse("the deal a queued message is about cannot change")
	}
	opts := composeOptions{}
	if cur.Attempts == 0 {
		opts.messageID = cur.MessageID
	}
	m, err := s.compose(ctx, d, opts)
	if err != nil {
		return store.Message{}, err
	}
	if m, err = withDraft(m, d); err != nil {
		return store.Message{}, err
	}
	got, err := s.runner.ReplaceUnsent(ctx, messageID, m)
	if errors.Is(err, store.ErrConflict) {
		return store.Message{}, refuse("the message left the outbox while you were editing it: nothing was changed")
	}
	if err != nil {
		return store.Message{}, fmt.Errorf("replace message %d: %w", messageID, err)
	}
	s.log.Info("edited", "message", got.ID, "send_at", got.SendAt)
	return got, nil
}

// compose checks and composes d into an unsaved message with its status and
// SendAt set.
func (s *Service) compose(ctx context.Context, d Draft, opts composeOptions) (store.Message, error) {
	now := s.now()
	if !d.SendAt.IsZero() && !d.SendAt.After(now) {
		return store.Message{}, refuse("%s is in the past: pick a later time", d.SendAt.Local().Format("Mon 2 Jan 2006 15:04"))
	}
	r, err := s.renderDraft(ctx, d)
	if err != nil {
		return store.Message{}, err
	}
	p := r.preview
	if opts.requireSmartMail && d.EmailID != 0 && !p.Email.SmartMail {
		return store.Message{}, refuse("%q is not a Smart Mail: designate it in the email's send settings first", p.Email.Name)
	}
	if p.Contact.Email == "" {
		return store.Message{}, refuse("%s has no email address: add one before sending", p.Contact.Name())
	}
	if missing := p.Missing(); len(missing) > 0 {
		return store.Message{}, &MissingVarsError{Contact: p.Contact.Name(), Names: missing, Opportunity: p.Opportunity.Name}
	}
	if err := mail.CheckFromDomain(r.from.Email, s.cfg.VerifiedDomains); err != nil {
		return store.Message{}, &RefusalError{Reason: err.Error()}
	}
	for _, f := range []struct {
		name string
		rs   []Recipient
	}{{"cc", d.Cc}, {"bcc", d.Bcc}} {
		for _, x := range f.rs {
			if err := s.CheckRecipient(ctx, x, f.name); err != nil {
				return store.Message{}, err
			}
		}
	}
	atts, err := s.loadAttachmentsContext(ctx, d.Attachments)
	if err != nil {
		return store.Message{}, err
	}
	md := mail.Draft{
		From:            r.from,
		ReplyTo:         r.replyTo,
		To:              r.to,
		Cc:              r.cc,
		Bcc:             r.bcc,
		Subject:         p.Subject,
		Body:            mail.Body{Text: p.Text, HTML: p.HTML},
		Attachments:     atts,
		Date:            now,
		MessageIDDomain: domainOf(r.from.Email),
		MessageID:       opts.messageID,
		Headers:         map[string]string{"X-Mailer": "leadmail"},
	}
	c, err := mail.Compose(md)
	if err != nil {
		return store.Message{}, refuse("cannot compose the message: %v", err)
	}
	m := store.Message{
		ContactID:  p.Contact.ID,
		EmailID:    p.Email.ID,
		UserID:     s.sender.ID,
		MessageID:  c.MessageID,
		Subject:    p.Subject,
		From:       c.From,
		Recipients: c.Recipients,
		Raw:        c.Raw,
		Status:     store.MessageQueued,
		SendAt:     now.Add(s.UndoWindow()),

		OpportunityID:  d.OpportunityID,
		CopiedContacts: copiedContacts(d),
	}
	if !d.SendAt.IsZero() {
		m.Status, m.SendAt = store.MessageScheduled, d.SendAt
	}
	return m, nil
}

// withDraft stores d's JSON with m, so the message can be edited later.
func withDraft(m store.Message, d Draft) (store.Message, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return store.Message{}, fmt.Errorf("encode draft: %w", err)
	}
	m.Draft = b
	return m, nil
}
