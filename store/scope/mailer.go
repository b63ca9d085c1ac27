package scope

import (
	"context"
	"time"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
)

// Outbox is what the app asks of the sending service (*outbox.Service
// satisfies it): Smart Mail for a contact, drafts, and the outbox's
// messages.
type Outbox interface {
	Preview(ctx context.Context, contactID, emailID int64) (outbox.Preview, error)
	PreviewWith(ctx context.Context, contactID, emailID int64, opts outbox.SendOptions) (outbox.Preview, error)
	QuickSend(ctx context.Context, contactID, emailID int64) (store.Message, error)
	Schedule(ctx context.Context, contactID, emailID int64, at time.Time) (store.Message, error)
	QuickSendWith(ctx context.Context, contactID, emailID int64, opts outbox.SendOptions) (outbox.Sent, error)
	ScheduleWith(ctx context.Context, contactID, emailID int64, at time.Time, opts outbox.SendOptions) (outbox.Sent, error)
	Cancel(ctx context.Context, id int64) (store.Message, error)
	Retry(ctx context.Context, id int64) (store.Message, error)
	MarkSent(ctx context.Context, id int64) (store.Message, error)
	Status(ctx context.Context) (outbox.Status, error)
	UndoWindow() time.Duration
	NewDraft(ctx context.Context, contactID, emailID int64) (outbox.Draft, error)
	PreviewDraft(ctx context.Context, d outbox.Draft) (outbox.Preview, error)
	CheckAttachment(path string, have []outbox.Attachment) (outbox.Attachment, error)
	CheckRecipient(ctx context.Context, r outbox.Recipient, field string) error
	SendDraft(ctx context.Context, d outbox.Draft) (store.Message, error)
	SendDraftWith(ctx context.Context, d outbox.Draft, opts outbox.SendOptions) (outbox.Sent, error)
	DraftOf(ctx context.Context, messageID int64) (outbox.Draft, error)
	ReplaceDraft(ctx context.Context, messageID int64, d outbox.Draft) (store.Message, error)
	Signatures(ctx context.Context) ([]store.Signature, error)
	Held(ctx context.Context) ([]store.Message, error)
	Release(ctx context.Context, id int64) (store.Message, error)
	Deliver(ctx context.Context, id int64) (store.Message, error)
}

// Mailer is an Outbox as the scoped store's user may use it: a send,
// preview or draft for a contact they may not work, and any action on a
// message to such a contact, is refused before the outbox is reached.
type Mailer struct {
	Outbox
	s *Store
}

// NewMailer wraps o for the user of s.
func (s *Store) NewMailer(o Outbox) *Mailer { return &Mailer{Outbox: o, s: s} }

// Preview renders Smart Mail for a contact the user may work.
func (m *Mailer) Preview(ctx context.Context, contactID, emailID int64) (outbox.Preview, error) {
	if err := m.s.contact(ctx, contactID); err != nil {
		return outbox.Preview{}, err
	}
	return m.Outbox.Preview(ctx, contactID, emailID)
}

// PreviewWith renders Smart Mail for a contact the user may work, with
// the options of the send (from a deal: its merge variables).
func (m *Mailer) PreviewWith(ctx context.Context, contactID, emailID int64, opts outbox.SendOptions) (outbox.Preview, error) {
	if err := m.s.sendFrom(ctx, contactID, opts.OpportunityID); err != nil {
		return outbox.Preview{}, err
	}
	return m.Outbox.PreviewWith(ctx, contactID, emailID, opts)
}

// QuickSend queues Smart Mail to a contact the user may work.
func (m *Mailer) QuickSend(ctx context.Context, contactID, emailID int64) (store.Message, error) {
	if err := m.s.contact(ctx, contactID); err != nil {
		return store.Message{}, err
	}
	return m.Outbox.QuickSend(ctx, contactID, emailID)
}

// Schedule queues Smart Mail for later to a contact the user may work.
func (m *Mailer) Schedule(ctx context.Context, contactID, emailID int64, at time.Time) (store.Message, error) {
	if err := m.s.contact(ctx, contactID); err != nil {
		return store.Message{}, err
	}
	return m.Outbox.Schedule(ctx, contactID, emailID, at)
}

// QuickSendWith is QuickSend with a reminder.
func (m *Mailer) QuickSendWith(ctx context.Context, contactID, emailID int64, opts outbox.SendOptions) (outbox.Sent, error) {
	if err := m.s.sendFrom(ctx, contactID, opts.OpportunityID); err != nil {
		return outbox.Sent{}, err
	}
	return m.Outbox.QuickSendWith(ctx, contactID, emailID, opts)
}

// ScheduleWith is Schedule with a reminder.
func (m *Mailer) ScheduleWith(ctx context.Context, contactID, emailID int64, at time.Time, opts outbox.SendOptions) (outbox.Sent, error) {
	if err := m.s.sendFrom(ctx, contactID, opts.OpportunityID); err != nil {
		return outbox.Sent{}, err
	}
	return m.Outbox.ScheduleWith(ctx, contactID, emailID, at, opts)
}

// NewDraft prefills a draft to a contact the user may work.
func (m *Mailer) NewDraft(ctx context.Context, contactID, emailID int64) (outbox.Draft, error) {
	if err := m.s.contact(ctx, contactID); err != nil {
		return outbox.Draft{}, err
	}
	return m.Outbox.NewDraft(ctx, contactID, emailID)
}

// PreviewDraft renders a draft to a contact the user may work.
func (m *Mailer) PreviewDraft(ctx context.Context, d outbox.Draft) (outbox.Preview, error) {
	if err := m.s.draft(ctx, d, 0); err != nil {
		return outbox.Preview{}, err
	}
	return m.Outbox.PreviewDraft(ctx, d)
}

// SendDraft queues a draft to a contact the user may work.
func (m *Mailer) SendDraft(ctx context.Context, d outbox.Draft) (store.Message, error) {
	if err := m.s.draft(ctx, d, 0); err != nil {
		return store.Message{}, err
	}
	return m.Outbox.SendDraft(ctx, d)
}

// SendDraftWith is SendDraft with a reminder.
func (m *Mailer) SendDraftWith(ctx context.Context, d outbox.Draft, opts outbox.SendOptions) (outbox.Sent, error) {
	if err := m.s.draft(ctx, d, opts.OpportunityID); err != nil {
		return outbox.Sent{}, err
	}
	return m.Outbox.SendDraftWith(ctx, d, opts)
}

// DraftOf returns the draft of a message to a contact the user may work.
func (m *Mailer) DraftOf(ctx context.Context, messageID int64) (outbox.Draft, error) {
	if err := m.s.message(ctx, messageID); err != nil {
		return outbox.Draft{}, err
	}
	return m.Outbox.DraftOf(ctx, messageID)
}

// ReplaceDraft recomposes a message to a contact the user may work.
func (m *Mailer) ReplaceDraft(ctx context.Context, messageID int64, d outbox.Draft) (store.Message, error) {
	if err := m.s.message(ctx, messageID); err != nil {
		return store.Message{}, err
	}
	if err := m.s.draft(ctx, d, 0); err != nil {
		return store.Message{}, err
	}
	return m.Outbox.ReplaceDraft(ctx, messageID, d)
}

// Cancel cancels a message to a contact the user may work.
func (m *Mailer) Cancel(ctx context.Context, id int64) (store.Message, error) {
	if err := m.s.message(ctx, id); err != nil {
		return store.Message{}, err
	}
	return m.Outbox.Cancel(ctx, id)
}

// Retry queues again a message to a contact the user may work.
func (m *Mailer) Retry(ctx context.Context, id int64) (store.Message, error) {
	if err := m.s.message(ctx, id); err != nil {
		return store.Message{}, err
	}
	return m.Outbox.Retry(ctx, id)
}

// MarkSent resolves as sent a message to a contact the user may work.
func (m *Mailer) MarkSent(ctx context.Context, id int64) (store.Message, error) {
	if err := m.s.message(ctx, id); err != nil {
		return store.Message{}, err
	}
	return m.Outbox.MarkSent(ctx, id)
}

// Held lists the held messages to contacts the user may see.
func (m *Mailer) Held(ctx context.Context) ([]store.Message, error) {
	if err := m.s.check(); err != nil {
		return nil, err
	}
	ms, err := m.Outbox.Held(ctx)
	if err != nil || !m.s.ownOnly() {
		return ms, err
	}
	kept := ms[:0]
	for _, msg := range ms {
		ok, err := m.s.MayShow(ctx, msg.ID)
		if err != nil {
			return nil, err
		}
		if ok {
			kept = append(kept, msg)
		}
	}
	return kept, nil
}

// Release queues now a held message to a contact the user may work.
func (m *Mailer) Release(ctx context.Context, id int64) (store.Message, error) {
	if err := m.s.message(ctx, id); err != nil {
		return store.Message{}, err
	}
	return m.Outbox.Release(ctx, id)
}

// Deliver sends now a message to a contact the user may work.
func (m *Mailer) Deliver(ctx context.Context, id int64) (store.Message, error) {
	if err := m.s.message(ctx, id); err != nil {
		return store.Message{}, err
	}
	return m.Outbox.Deliver(ctx, id)
}
