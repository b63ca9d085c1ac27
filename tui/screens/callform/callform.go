// Package callform is the call log form of the leadmail TUI: on one
// contact, how the call went (connected, left a voicemail, no answer), how
// long it took and a note. The duration is typed as a person says it
// ("12", "1:30", "90s", "1 h 5 min") and shown back live; one that cannot
// be read is refused with a sentence, and nothing is written until the
// form is whole.
package callform

import (
	"context"
	"errors"
	"strings"
	"time"

	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// Store is what the call form reads and writes. *store.DB satisfies it.
type Store interface {
	GetContact(ctx context.Context, id int64) (store.Contact, error)
	// LogCall records a call made by user by, with its call event.
	LogCall(ctx context.Context, c *store.Call, by int64) error
}

// Options say whose call it is.
type Options struct {
	// ContactID is the contact who was called.
	ContactID int64
	// Me is the current user, who made the call. A zero Me cannot log
	// calls.
	Me store.User
}

// SavedMsg is the intent posted once the call is logged: the root closes
// the form and tells the screens the contact changed.
type SavedMsg struct{ Call store.Call }

// ErrNoUser is why a form without a current user cannot save.
var ErrNoUser = errors.New("calls are logged by a CRM user: set user.email and user.name in the configuration, then restart leadmail")

// Outcomes are the choices of the outcome field, in order.
var Outcomes = []store.CallOutcome{store.CallConnected, store.CallVoicemail, store.CallNoAnswer}

// outcomeLabel is an outcome as the chooser shows it.
func outcomeLabel(o store.CallOutcome) string {
	if o == store.CallVoicemail {
		return "left voicemail"
	}
	return o.Words()
}

type state int

const (
	stateLoading state = iota
	stateReady
	stateError
)

// field is the focused part of the form, in tab order.
type field int

const (
	fieldOutcome field = iota
	fieldDuration
	fieldNote
	fieldCount
)

type saveState int

const (
	saveIdle saveState = iota
	saveRunning
)

// Model is the call form.
type Model struct {
	common.IntentQueue
	c     *common.Common
	store Store
	opts  Options
	keys  KeyMap

	width, height int
	state         state
	errText       string
	focus         field
	save          saveState
	saveErr       string // why the last save was refused; the form stays as typed
	asking        bool   // "Discard this call? (y/n)" waits

	contact  store.Contact
	outcome  int // index into Outcomes
	duration textinput.Model
	note     textarea.Model
}

// New returns the form logging a call with opts.ContactID.
func New(c *common.Common, s Store, opts Options) *Model {
	m := &Model{c: c, store: s, opts: opts, keys: DefaultKeyMap()}
	m.duration = textinput.New()
	m.duration.Prompt = ""
	m.duration.Placeholder = common.Example("12 or 1:30")
	m.duration.CharLimit = 40
	m.note = textarea.New()
	m.note.ShowLineNumbers = false
	m.note.Prompt = ""
	m.note.CharLimit = 0
	m.note.MaxHeight = 0
	m.note.Placeholder = common.Example("Wants the pricing for 20 seats; call back after the board meeting.")
	m.restyle()
	m.updateKeys()
	return m
}

func (m *Model) restyle() {
	m.duration.SetStyles(m.c.Styles.Input)
	m.note.SetStyles(m.c.Styles.Textarea)
}

// ContactID is the contact who was called.
func (m *Model) ContactID() int64 { return m.opts.ContactID }

// Title implements common.Screen.
func (m *Model) Title() string { return "Log a call" }

// Capturing implements common.Screen: the duration and the note take
// typed text, and a question waits for its answer.
func (m *Model) Capturing() bool {
	return m.asking || (m.state == stateReady && m.focus != fieldOutcome)
}

// SetSize implements common.Screen.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.layout()
}

// loadedMsg carries the contact.
type loadedMsg struct {
	contact store.Contact
	err     error
}

// Init implements common.Screen: read the contact.
func (m *Model) Init() tea.Cmd {
	ctx, s, opts := m.c.Ctx, m.store, m.opts
	return func() tea.Msg {
		if opts.Me.ID == 0 {
			return loadedMsg{err: ErrNoUser}
		}
		c, err := s.GetContact(ctx, opts.ContactID)
		return loadedMsg{contact: c, err: err}
	}
}

func (m *Model) handleLoaded(msg loadedMsg) tea.Cmd {
	if msg.err != nil {
		text := m.c.ErrText(msg.err)
		if text == "" {
			return nil
		}
		m.state, m.errText = stateError, text
		return nil
	}
	m.state, m.contact = stateReady, msg.contact
	return m.focusField(fieldOutcome)
}

// focusField moves the focus, blurring the field left.
func (m *Model) focusField(f field) tea.Cmd {
	m.focus = f
	m.duration.Blur()
	m.note.Blur()
	switch f {
	case fieldDuration:
		return m.duration.Focus()
	case fieldNote:
		return m.note.Focus()
	}
	return nil
}

// Outcome is the chosen outcome.
func (m *Model) Outcome() store.CallOutcome { return Outcomes[m.outcome] }

// check is why the form cannot be saved as it is, and the field to fix,
// or "" when it can.
func (m *Model) check() (string, field) {
	if _, err := ParseDuration(m.duration.Value()); err != nil {
		return common.Sentence(err.Error()), fieldDuration
	}
	return "", fieldCount
}

// savedMsg is the result of LogCall.
type savedMsg struct {
	call store.Call
	err  error
}

// saveCall logs the call, unless the form is not whole: then it says why
// and writes nothing.
func (m *Model) saveCall() tea.Cmd {
	if m.save == saveRunning {
		return nil
	}
	if why, f := m.check(); why != "" {
		m.saveErr = why
		return m.focusField(f)
	}
	d, _ := ParseDuration(m.duration.Value())
	call := store.Call{ContactID: m.contact.ID, Outcome: m.Outcome(), Duration: d, Note: m.note.Value()}
	m.save, m.saveErr = saveRunning, ""
	ctx, s, by := m.c.Ctx, m.store, m.opts.Me.ID
	return func() tea.Msg {
		err := s.LogCall(ctx, &call, by)
		return savedMsg{call: call, err: err}
	}
}

func (m *Model) handleSaved(msg savedMsg) {
	m.save = saveIdle
	if msg.err != nil {
		m.saveErr = common.Refusal(m.c, msg.err)
		return
	}
	c := msg.call
	text := "Logged a call with " + common.Printable(m.contact.Name()) + ": " + c.Outcome.Words()
	if c.Duration > 0 {
		text += ", " + Length(c.Duration)
	}
	m.Post(common.StatusMsg{Text: text, Level: common.LevelSuccess})
	m.Post(SavedMsg{Call: c})
}

// Dirty reports whether anything was typed or chosen.
func (m *Model) Dirty() bool {
	return m.state == stateReady && (m.outcome != 0 || strings.TrimSpace(m.duration.Value()) != "" ||
		strings.TrimSpace(m.note.Value()) != "")
}

// Unsaved implements common.Unsaved.
func (m *Model) Unsaved() (string, bool) {
	if m.Dirty() {
		return "this call", true
	}
	return "", false
}

// durationNow reads the duration field as it stands.
func (m *Model) durationNow() (time.Duration, error) { return ParseDuration(m.duration.Value()) }
