package common

import (
	"charm.land/bubbles/v2/key"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
)

// Intents a screen posts for the root.

// OpenContactMsg asks the root to open the Contact screen.
type OpenContactMsg struct{ ContactID int64 }

// OpenPickerMsg asks the root to open the Smart Mail picker for a contact.
// OpportunityID, when not zero, is the deal the send is from: its merge
// variables are filled and the send is recorded on it.
type OpenPickerMsg struct {
	Contact       store.Contact
	OpportunityID int64
}

// OpenMessageMsg asks the root to show a stored message as it was sent.
type OpenMessageMsg struct{ MessageID int64 }

// OpenReceivedMsg asks the root to show a message read from the mailbox
// by Mail Sync (store.Received) as it came.
type OpenReceivedMsg struct{ ReceivedID int64 }

// MailSyncedMsg is broadcast after Mail Sync recorded something: screens
// showing a timeline read it again.
type MailSyncedMsg struct{}

// OpenOutboxMsg asks the root to open the Outbox screen.
type OpenOutboxMsg struct{}

// OpenEmailsMsg asks the root to open the Emails designer.
type OpenEmailsMsg struct{}

// RunOutboxMsg asks the root to have the worker try every queued message
// now, ignoring retry delays (and an earlier refused login).
type RunOutboxMsg struct{}

// BackMsg asks the root to close the top screen (or quit from the first).
type BackMsg struct{}

// Level is the severity of a status line.
type Level int

// Status line severities.
const (
	LevelInfo Level = iota
	LevelSuccess
	LevelWarning
	LevelError
)

// StatusMsg asks the root to show a short-lived status line.
type StatusMsg struct {
	Text  string
	Level Level
}

// ErrorMsg reports an error for the root to translate and show: in a modal
// when Blocking, else in the status line.
type ErrorMsg struct {
	Err      error
	Blocking bool
	// Title heads the modal, e.g. "Not sent".
	Title string
}

// Messages the root broadcasts to every screen.

// ThemeChangedMsg tells screens the styles in Common were replaced, so
// components that copy styles (table, textinput) must take them again.
type ThemeChangedMsg struct{}

// SendMode says how a message was queued.
type SendMode int

// The ways a message enters the outbox.
const (
	// SendNow is Quick Send: it leaves when the undo window has passed.
	SendNow SendMode = iota
	// SendScheduled leaves at a time the user chose.
	SendScheduled
)

// QueuedMsg is the result of a Quick Send or a Schedule from the picker: the
// message durably queued, or the refusal. It is produced by the picker's
// command and handled by the root, which wakes the worker and follows the
// message until the worker reports how it ended.
type QueuedMsg struct {
	Mode    SendMode
	Contact store.Contact
	Email   store.Email
	Message store.Message
	// Reminder is the "remind me if no reply" task queued with the
	// message; its ID is 0 when none was asked for.
	Reminder store.Task
	Err      error
}

// OutboxChangedMsg says a message changed state: the worker sent it or gave
// up on it, or the user cancelled, retried or resolved it. Screens showing
// that message, its contact or the outbox reload. A screen may also post it
// as an intent after its own action; the root then broadcasts it.
type OutboxChangedMsg struct {
	ContactID int64
	MessageID int64
	// Status is the message's new state, when known.
	Status store.MessageStatus
}

// OutboxStatusMsg carries the outbox at a glance (counts, offline, quota)
// each time it changes.
type OutboxStatusMsg struct{ Status outbox.Status }

// LegendBinding makes a help entry that explains a symbol rather than a key.
// Its key can never be typed, so it only ever appears in the full help.
func LegendBinding(symbol, meaning string) key.Binding {
	return key.NewBinding(key.WithKeys("\x00legend "+meaning), key.WithHelp(symbol, meaning))
}

// OpenImportMsg asks the root to open the Import screen.
type OpenImportMsg struct{}

// ContactsChangedMsg says contacts were added or changed in bulk (an
// import); screens listing contacts reload. A screen posts it as an
// intent; the root broadcasts it.
type ContactsChangedMsg struct{}

// Intents of working the lead (issue: edit contacts, statuses, notes, calls,
// tasks). Each names the contact it is about; the root opens the dialog or
// screen that does it and, once something changed, broadcasts
// ContactChangedMsg.

// NewContactMsg asks the root to open the form for a new contact or lead.
type NewContactMsg struct{}

// EditContactMsg asks the root to open the form on a contact.
type EditContactMsg struct{ ContactID int64 }

// SetStatusMsg asks the root to offer the statuses a contact can move to.
type SetStatusMsg struct{ ContactID int64 }

// ArchiveContactMsg asks the root to archive a contact, or bring an
// archived one back, after asking.
type ArchiveContactMsg struct{ ContactID int64 }

// ForgetContactMsg asks the root to erase a contact for a privacy request,
// after a typed confirmation.
type ForgetContactMsg struct{ ContactID int64 }

// NewNoteMsg asks the root to open the note editor on a contact, or, with
// an OpportunityID, on that deal and its primary contact (ContactID).
type NewNoteMsg struct{ ContactID, OpportunityID int64 }

// OpenNoteMsg asks the root to show (and offer to edit) a note.
type OpenNoteMsg struct{ NoteID int64 }

// LogCallMsg asks the root to open the call log form on a contact.
type LogCallMsg struct{ ContactID int64 }

// NewTaskMsg asks the root to open the follow-up task form on a contact,
// or, with an OpportunityID, on that deal and its primary contact
// (ContactID).
type NewTaskMsg struct{ ContactID, OpportunityID int64 }

// OpenTodayMsg asks the root to open the Today screen: overdue, due today
// and upcoming tasks.
type OpenTodayMsg struct{}

// ContactChangedMsg is broadcast after one contact, or what hangs on it
// (a note, a call, a task, its status), changed: screens showing it read it
// again. A zero ContactID means several changed.
type ContactChangedMsg struct{ ContactID int64 }

// Intents of the pipeline (issue: opportunities and the pipeline).

// OpenPipelineMsg asks the root to open the Pipeline screen.
type OpenPipelineMsg struct{}

// OpenOpportunityMsg asks the root to open the Opportunity screen.
type OpenOpportunityMsg struct{ OpportunityID int64 }

// NewOpportunityMsg asks the root to open the form for a new opportunity,
// in a stage (0: the first one) and, when not zero, for a contact.
type NewOpportunityMsg struct {
	StageID   int64
	ContactID int64
}

// EditOpportunityMsg asks the root to open the form on an opportunity.
type EditOpportunityMsg struct{ OpportunityID int64 }

// OpportunityChangedMsg is broadcast after an opportunity was created,
// edited, moved, won or lost: screens showing it, the pipeline and its
// contacts read again. ContactIDs are the contacts it is on.
type OpportunityChangedMsg struct {
	OpportunityID int64
	ContactIDs    []int64
}

// OpenStagesMsg asks the root to open the editor of the pipeline's stages,
// which the Pipeline offers to administrators.
type OpenStagesMsg struct{}

// StagesChangedMsg is broadcast after the pipeline's stages were saved:
// the Pipeline reads its columns again.
type StagesChangedMsg struct{}
