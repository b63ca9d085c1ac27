// Package taskform is the follow-up task form of the leadmail TUI: on one
// contact, what is to be done, when it is due and who owns it. The due time
// is typed as a schedule is ("tomorrow 9:00", "in 3 days", "monday 14:00")
// and read with the outbox's parser, shown back live as an absolute time;
// a time that cannot be read or has passed is refused with a sentence, and
// nothing is written until the form is whole. A task on an opportunity is
// the same form, about the deal and its primary contact.
package taskform

import (
	"context"
	"errors"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// Store is what the task form reads and writes. *store.DB satisfies it.
type Store interface {
	GetContact(ctx context.Context, id int64) (store.Contact, error)
	// ListUsers lists the CRM's users, who may own a task.
	ListUsers(ctx context.Context) ([]store.User, error)
	// AddTask writes a task made by user by, with its event in the
	// contact's timeline.
	AddTask(ctx context.Context, t *store.Task, by int64) error
	// GetOpportunity reads the deal a task is on.
	GetOpportunity(ctx context.Context, id int64) (store.Opportunity, error)
	// AddOpportunityTask writes a task on a deal, with its event in the
	// deal's timeline and its contact's.
	AddOpportunityTask(ctx context.Context, t *store.Task, by int64) error
}

// Options say whose task it is.
type Options struct {
	// ContactID is the contact the task is about; with an OpportunityID,
	// 0 means the deal's primary contact.
	ContactID int64
	// OpportunityID puts the task on that deal; 0 on the contact alone.
	OpportunityID int64
	// Me is the current user: the task's owner unless another is chosen,
	// and the one who adds it. A zero Me cannot add tasks.
	Me store.User
}

// SavedMsg is the intent posted once the task is written: the root closes
// the form and tells the screens the contact changed.
type SavedMsg struct{ Task store.Task }

// ErrNoUser is why a form without a current user cannot save.
var ErrNoUser = errors.New("tasks belong to a CRM user: set user.email and user.name in the configuration, then restart leadmail")

type state int

const (
	stateLoading state = iota
	stateReady
	stateError
)

// field is the focused part of the form, in tab order.
type field int

const (
	fieldTitle field = iota
	fieldDue
	fieldOwner
	// fieldContact chooses which of a deal's contacts the task is about;
	// it takes the focus only when the deal has more than one.
	fieldContact
	fieldCount
)

type saveState int

const (
	saveIdle saveState = iota
	saveRunning
)

type confirmState int

const (
	confirmNone confirmState = iota
	confirmDiscard
)

// Model is the task form.
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
	confirm       confirmState

	contact store.Contact
	deal    store.Opportunity // the deal the task is on, if any
	about   int               // on a deal, the index in deal.Contacts of the task's contact
	users   []store.User
	owner   int // index into users

	title textinput.Model
	due   textinput.Model
}

// New returns the form for a new task on opts.ContactID.
func New(c *common.Common, s Store, opts Options) *Model {
	m := &Model{c: c, store: s, opts: opts, keys: DefaultKeyMap()}
	m.title = newInput(common.Example("call back about the pricing"), store.MaxFieldLen)
	m.due = newInput(common.Hint("when it is due"), outbox.MaxWhenLen)
	m.restyle()
	m.updateKeys()
	return m
}

func newInput(placeholder string, limit int) textinput.Model {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = placeholder
	in.CharLimit = limit
	return in
}

func (m *Model) restyle() {
	for _, in := range []*textinput.Model{&m.title, &m.due} {
		in.SetStyles(m.c.Styles.Input)
	}
}

// ContactID is the contact the task is about (with a deal, 0 until it
// loaded).
func (m *Model) ContactID() int64 {
	if c := m.aboutContact(); c.ID != 0 {
		return c.ID
	}
	return m.opts.ContactID
}

// forWhom names what the task is for: its contact, or its deal and the
// contact ("the deal Fleet renewal (Ada Lovelace)").
func (m *Model) forWhom() string {
	who := common.Printable(m.aboutContact().Name)
	if m.deal.ID == 0 {
		return who
	}
	return "the deal " + common.Printable(m.deal.Name) + " (" + who + ")"
}

// Title implements common.Screen.
func (m *Model) Title() string { return "New task" }

// Capturing implements common.Screen: the title and due fields take typed
// text.
func (m *Model) Capturing() bool {
	return m.state == stateReady && m.confirm == confirmNone && m.focus != fieldOwner
}

// SetSize implements common.Screen.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	w := m.inputWidth()
	m.title.SetWidth(w)
	m.due.SetWidth(w)
}

// loadedMsg carries the contact, the deal and the users who may own the
// task.
type loadedMsg struct {
	contact store.Contact
	deal    store.Opportunity
	users   []store.User
	err     error
}

// Init implements common.Screen: read the deal, the contact and the users.
func (m *Model) Init() tea.Cmd {
	ctx, s, opts := m.c.Ctx, m.store, m.opts
	return func() tea.Msg {
		if opts.Me.ID == 0 {
			return loadedMsg{err: ErrNoUser}
		}
		var deal store.Opportunity
		if opts.OpportunityID != 0 {
			var err error
			if deal, err = s.GetOpportunity(ctx, opts.OpportunityID); err != nil {
				return loadedMsg{err: err}
			}
			if opts.ContactID == 0 {
				opts.ContactID = deal.PrimaryContactID
			}
		}
		c, err := s.GetContact(ctx, opts.ContactID)
		if err != nil {
			return loadedMsg{err: err}
		}
		users, err := s.ListUsers(ctx)
		return loadedMsg{contact: c, deal: deal, users: users, err: err}
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
	m.state, m.contact, m.deal, m.users = stateReady, msg.contact, msg.deal, msg.users
	m.about = 0
	for i, c := range m.deal.Contacts {
		if c.ID == m.contact.ID {
			m.about = i
		}
	}
	m.owner = -1
	for i, u := range m.users {
		if u.ID == m.opts.Me.ID {
			m.owner = i
		}
	}
	if m.owner < 0 { // the current user is always a choice, and the first
		m.users = append([]store.User{m.opts.Me}, m.users...)
		m.owner = 0
	}
	return m.focusField(fieldTitle)
}

// focusField moves the focus, blurring the field left.
func (m *Model) focusField(f field) tea.Cmd {
	m.focus = f
	m.title.Blur()
	m.due.Blur()
	switch f {
	case fieldTitle:
		return m.title.Focus()
	case fieldDue:
		return m.due.Focus()
	}
	return nil
}

// contactChoice reports whether the task may be about one of several
// contacts: those of its deal.
func (m *Model) contactChoice() bool { return len(m.deal.Contacts) > 1 }

// step is the field d tab stops from the focused one, passing over the
// contact when there is no choice.
func (m *Model) step(d int) field {
	f := m.focus
	for {
		f = (f + field(d) + fieldCount) % fieldCount
		if f != fieldContact || m.contactChoice() {
			return f
		}
	}
}

// aboutContact is the contact the task is about: on a deal with a choice,
// the chosen one of its contacts, else the form's contact.
func (m *Model) aboutContact() store.OpportunityContact {
	if m.contactChoice() && m.about >= 0 && m.about < len(m.deal.Contacts) {
		return m.deal.Contacts[m.about]
	}
	c := m.contact
	return store.OpportunityContact{ID: c.ID, Name: c.Name(), Email: c.Email, Company: c.Company}
}

// readDue reads the due field on the injected clock.
func (m *Model) readDue() (outbox.When, error) {
	return outbox.ReadWhen(m.due.Value(), m.c.Now())
}

// ownerUser is the chosen owner.
func (m *Model) ownerUser() store.User {
	if m.owner < 0 || m.owner >= len(m.users) {
		return m.opts.Me
	}
	return m.users[m.owner]
}

// check is why the form cannot be saved as it is, and the field to fix, or
// "" when it can.
func (m *Model) check() (string, field) {
	if strings.TrimSpace(m.title.Value()) == "" {
		return "A task needs a title: say what is to be done.", fieldTitle
	}
	if strings.TrimSpace(m.due.Value()) == "" {
		return "A task needs a due time, such as tomorrow 9:00.", fieldDue
	}
	if _, err := m.readDue(); err != nil {
		return common.Sentence(err.Error()), fieldDue
	}
	return "", fieldCount
}

// savedMsg is the result of AddTask.
type savedMsg struct {
	task store.Task
	err  error
}

// saveTask writes the task, unless the form is not whole: then it says why
// and writes nothing.
func (m *Model) saveTask() tea.Cmd {
	if m.save == saveRunning {
		return nil
	}
	if why, f := m.check(); why != "" {
		m.saveErr = why
		return m.focusField(f)
	}
	at, _ := m.readDue()
	t := store.Task{ContactID: m.aboutContact().ID, OpportunityID: m.deal.ID, OwnerID: m.ownerUser().ID,
		Title: strings.TrimSpace(m.title.Value()), DueAt: at.At}
	m.save, m.saveErr = saveRunning, ""
	ctx, s, by := m.c.Ctx, m.store, m.opts.Me.ID
	return func() tea.Msg {
		var err error
		if t.OpportunityID != 0 {
			err = s.AddOpportunityTask(ctx, &t, by)
		} else {
			err = s.AddTask(ctx, &t, by)
		}
		return savedMsg{task: t, err: err}
	}
}

func (m *Model) handleSaved(msg savedMsg) {
	m.save = saveIdle
	if msg.err != nil {
		m.saveErr = common.Refusal(m.c, msg.err)
		return
	}
	t := msg.task
	text := "Task added for " + m.forWhom() + ": " + common.Printable(t.Title) +
		", due " + outbox.Describe(t.DueAt, m.c.Now())
	if t.OwnerID != m.opts.Me.ID {
		text += ", owned by " + common.Printable(m.ownerUser().Name)
	}
	m.Post(common.StatusMsg{Text: text, Level: common.LevelSuccess})
	m.Post(SavedMsg{Task: t})
}

// Dirty reports whether anything was typed or chosen.
func (m *Model) Dirty() bool {
	return m.state == stateReady && (strings.TrimSpace(m.title.Value()) != "" ||
		strings.TrimSpace(m.due.Value()) != "" || m.ownerUser().ID != m.opts.Me.ID ||
		m.aboutContact().ID != m.contact.ID)
}

// Unsaved implements common.Unsaved.
func (m *Model) Unsaved() (string, bool) {
	if m.Dirty() {
		return "this task", true
	}
	return "", false
}
