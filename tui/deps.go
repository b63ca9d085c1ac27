package tui

import (
	"context"
	"time"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
)

// Store is what the screens read. *store.DB satisfies it.
type Store interface {
	ListContacts(ctx context.Context, req store.PageRequest) (store.ContactPage, error)
	GetContact(ctx context.Context, id int64) (store.Contact, error)
	Timeline(ctx context.Context, contactID int64, limit int) ([]store.Event, error)
	// GetMessage returns the message with its Raw bytes.
	GetMessage(ctx context.Context, id int64) (store.Message, error)
	ListEmails(ctx context.Context, f store.EmailFilter) ([]store.Email, error)
	// ReceivedEmails maps each email id this contact was sent to the last
	// time it was sent.
	ReceivedEmails(ctx context.Context, contactID int64) (map[int64]time.Time, error)
}

// Mailer renders and sends Smart Mail. *outbox.Service satisfies it.
type Mailer interface {
	Preview(ctx context.Context, contactID, emailID int64) (outbox.Preview, error)
	// QuickSend composes and durably queues; *outbox.RefusalError and
	// *outbox.MissingVarsError are sentences for the user.
	QuickSend(ctx context.Context, contactID, emailID int64) (store.Message, error)
	// Deliver sends now and returns the message with its final status; a
	// non-nil error is a sentence for the user and the message stays queued
	// or failed in the database.
	Deliver(ctx context.Context, messageID int64) (store.Message, error)
}
