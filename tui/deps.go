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
	// ListMessages returns messages newest first, without their Raw bytes.
	ListMessages(ctx context.Context, f store.MessageFilter) ([]store.Message, error)
	// MessageCounts counts the messages in each state.
	MessageCounts(ctx context.Context) (map[store.MessageStatus]int, error)
	ListEmails(ctx context.Context, f store.EmailFilter) ([]store.Email, error)
	// ReceivedEmails maps each email id this contact was sent to the last
	// time it was sent.
	ReceivedEmails(ctx context.Context, contactID int64) (map[int64]time.Time, error)
}

// Mailer renders Smart Mail and manages the outbox. *outbox.Service
// satisfies it. Errors of type *outbox.RefusalError and
// *outbox.MissingVarsError are sentences for the user.
type Mailer interface {
	Preview(ctx context.Context, contactID, emailID int64) (outbox.Preview, error)
	// QuickSend composes and durably queues; the message leaves at its
	// SendAt, now plus the undo window.
	QuickSend(ctx context.Context, contactID, emailID int64) (store.Message, error)
	// Schedule composes and queues for at; a time in the past is refused
	// with a sentence.
	Schedule(ctx context.Context, contactID, emailID int64, at time.Time) (store.Message, error)
	// Cancel is undo and cancel: a queued or scheduled message becomes
	// cancelled; one that already left is an *outbox.RefusalError.
	Cancel(ctx context.Context, id int64) (store.Message, error)
	// Retry queues a failed, uncertain or cancelled message again, now.
	Retry(ctx context.Context, id int64) (store.Message, error)
	// MarkSent resolves an uncertain message as sent: the user found it in
	// their Sent folder.
	MarkSent(ctx context.Context, id int64) (store.Message, error)
	// Status is the outbox at a glance.
	Status(ctx context.Context) (outbox.Status, error)
	// UndoWindow is how long a Quick Send waits before it may leave; zero
	// means no undo window.
	UndoWindow() time.Duration
}

// Worker delivers queued mail in the background. *outbox.Worker satisfies
// it.
type Worker interface {
	// Wake says something was queued: look now.
	Wake()
	// RunNow tries every queued message now, ignoring retry delays, and
	// clears a stop after a refused login.
	RunNow()
	// Updates delivers the status after every change, with the event when a
	// message changed state. It is closed when the worker stops.
	Updates() <-chan outbox.Update
}

// DemoServer is the embedded mail server of demo mode, which the user may
// stop and start to see mail wait in the outbox.
type DemoServer interface {
	Stop() error
	Start() error
	Running() bool
}
