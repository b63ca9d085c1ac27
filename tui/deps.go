package tui

import (
	"context"
	"time"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/screens/callform"
	"github.com/leadmail/leadmail/tui/screens/contact"
	"github.com/leadmail/leadmail/tui/screens/contactform"
	"github.com/leadmail/leadmail/tui/screens/contacts"
	"github.com/leadmail/leadmail/tui/screens/emails"
	importscreen "github.com/leadmail/leadmail/tui/screens/importer"
	"github.com/leadmail/leadmail/tui/screens/note"
	"github.com/leadmail/leadmail/tui/screens/stages"
	"github.com/leadmail/leadmail/tui/screens/taskform"
	"github.com/leadmail/leadmail/tui/screens/today"
)

// Store is what the screens read. *store.DB satisfies it.
type Store interface {
	ListContacts(ctx context.Context, req store.PageRequest) (store.ContactPage, error)
	GetContact(ctx context.Context, id int64) (store.Contact, error)
	Timeline(ctx context.Context, contactID int64, limit int) ([]store.Event, error)
	// TimelineBefore is the page of a timeline older than an event.
	TimelineBefore(ctx context.Context, contactID int64, beforeAt time.Time, beforeID int64, limit int) ([]store.Event, error)
	// GetReceived returns a message Mail Sync recorded.
	GetReceived(ctx context.Context, id int64) (store.Received, error)
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

	// The Emails designer and signatures (tui/emails.go).
	emails.Store
	// The Contacts list: its counts and the owners its filter offers.
	contacts.Store
	// Contacts changed by hand: the form, status, archive, forget (tui/contactedit.go).
	contactform.Store
	// Follow-up tasks: the task form and the Today screen (tui/tasks.go).
	taskform.Store
	today.Store
	// Notes, logged calls and the timeline search (tui/notes.go).
	note.Store
	callform.Store
	contact.Searcher
	// The Pipeline, an Opportunity and its form (tui/pipeline.go).
	PipelineStore
	// The editor of the pipeline's stages (tui/stages.go).
	stages.Store
}

// Mailer renders Smart Mail and manages the outbox. *outbox.Service
// satisfies it. Errors of type *outbox.RefusalError and
// *outbox.MissingVarsError are sentences for the user.
type Mailer interface {
	Preview(ctx context.Context, contactID, emailID int64) (outbox.Preview, error)
	// PreviewWith is Preview of a send with options: from a deal, its
	// {{opportunity.*}} variables are filled.
	PreviewWith(ctx context.Context, contactID, emailID int64, opts outbox.SendOptions) (outbox.Preview, error)
	// QuickSend composes and durably queues; the message leaves at its
	// SendAt, now plus the undo window.
	QuickSend(ctx context.Context, contactID, emailID int64) (store.Message, error)
	// Schedule composes and queues for at; a time in the past is refused
	// with a sentence.
	Schedule(ctx context.Context, contactID, emailID int64, at time.Time) (store.Message, error)
	// QuickSendWith and ScheduleWith are QuickSend and Schedule with a
	// "remind me if no reply" task queued in the same transaction.
	QuickSendWith(ctx context.Context, contactID, emailID int64, opts outbox.SendOptions) (outbox.Sent, error)
	ScheduleWith(ctx context.Context, contactID, emailID int64, at time.Time, opts outbox.SendOptions) (outbox.Sent, error)
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

	// Personalize and edit before send (tui/personalize.go).

	// NewDraft prefills a draft from the template, the sender and the
	// sender's default signature.
	NewDraft(ctx context.Context, contactID, emailID int64) (outbox.Draft, error)
	// PreviewDraft renders a draft as it would leave, with its merge lint.
	PreviewDraft(ctx context.Context, d outbox.Draft) (outbox.Preview, error)
	// CheckAttachment refuses a fifth file, one over the size limit, an
	// unreadable file or a directory.
	CheckAttachment(path string, have []outbox.Attachment) (outbox.Attachment, error)
	// CheckRecipient refuses an invalid address and a CRM user in cc/bcc.
	CheckRecipient(ctx context.Context, r outbox.Recipient, field string) error
	// SendDraft queues the draft as one message, or schedules it at SendAt.
	SendDraft(ctx context.Context, d outbox.Draft) (store.Message, error)
	// SendDraftWith is SendDraft with a reminder queued with the message.
	SendDraftWith(ctx context.Context, d outbox.Draft, opts outbox.SendOptions) (outbox.Sent, error)
	// DraftOf returns the editable draft of a message still in the outbox.
	DraftOf(ctx context.Context, messageID int64) (outbox.Draft, error)
	// ReplaceDraft recomposes a queued, scheduled or cancelled message.
	ReplaceDraft(ctx context.Context, messageID int64, d outbox.Draft) (store.Message, error)
	// Signatures are the sender's.
	Signatures(ctx context.Context) ([]store.Signature, error)
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

// Importer reads a CSV or vCard file and imports its contacts in one
// transaction, reporting progress; cmd/leadmail implements it with the
// same code as `leadmail import`.
type Importer = importscreen.Importer

// ImportReport is what an Importer did.
type ImportReport = importscreen.Report

// ImportPreview is what an Importer found in a file before importing it.
type ImportPreview = importscreen.Preview

// ImportPreviewUser is a user who can own the imported people.
type ImportPreviewUser = importscreen.User

// ImportOptions are the choices the user made on the preview.
type ImportOptions = importscreen.Options
