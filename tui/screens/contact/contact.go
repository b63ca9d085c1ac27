// Package contact is the Contact screen of the leadmail TUI: the person's
// fields and their Life of the Lead timeline, newest first, from which a
// sent email can be opened exactly as it left.
package contact

import (
	"context"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// Store is what the Contact screen reads.
type Store interface {
	GetContact(ctx context.Context, id int64) (store.Contact, error)
	Timeline(ctx context.Context, contactID int64, limit int) ([]store.Event, error)
}

type state int

const (
	stateLoading state = iota
	stateReady
	stateError
)

// Model is the Contact screen.
type Model struct {
	common.IntentQueue
	c     *common.Common
	store Store
	keys  KeyMap
	id    int64

	width, height int
	state         state
	errText       string
	contact       store.Contact
	events        []store.Event
	cursor        int // index into events
	offset        int // first event on screen
	loadSeq       int
}

// New returns the Contact screen for one contact.
func New(c *common.Common, s Store, contactID int64) *Model {
	m := &Model{c: c, store: s, keys: DefaultKeyMap(), id: contactID}
	m.updateKeys()
	return m
}

// ContactID is the contact this screen shows.
func (m *Model) ContactID() int64 { return m.id }

// Title implements common.Screen.
func (m *Model) Title() string {
	if m.state == stateReady {
		return m.contact.Name()
	}
	return "Contact"
}

// Capturing implements common.Screen.
func (m *Model) Capturing() bool { return false }

// SetSize implements common.Screen.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.clampOffset()
}

// Init implements common.Screen.
func (m *Model) Init() tea.Cmd { return m.load() }

// loadedMsg carries the contact and its timeline, read together.
type loadedMsg struct {
	contactID int64
	seq       int
	contact   store.Contact
	events    []store.Event
	err       error
}

func (m *Model) load() tea.Cmd {
	m.loadSeq++
	seq, id, ctx, s := m.loadSeq, m.id, m.c.Ctx, m.store
	return func() tea.Msg {
		c, err := s.GetContact(ctx, id)
		if err != nil {
			return loadedMsg{contactID: id, seq: seq, err: err}
		}
		ev, err := s.Timeline(ctx, id, store.TimelineLimit)
		return loadedMsg{contactID: id, seq: seq, contact: c, events: ev, err: err}
	}
}

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case loadedMsg:
		m.handleLoaded(msg)
	case common.QueuedMsg:
		if msg.Err == nil && msg.Contact.ID == m.id {
			cmd = m.load()
		}
	case common.OutboxChangedMsg:
		if msg.ContactID == m.id {
			cmd = m.load()
		}
	case tea.KeyPressMsg:
		cmd = m.handleKey(msg)
	}
	m.updateKeys()
	return m, cmd
}

func (m *Model) handleLoaded(msg loadedMsg) {
	if msg.contactID != m.id || msg.seq != m.loadSeq {
		return
	}
	if msg.err != nil {
		text := m.c.ErrText(msg.err)
		if text == "" {
			return
		}
		if m.state == stateReady {
			m.Post(common.ErrorMsg{Err: msg.err})
			return
		}
		m.state, m.errText = stateError, text
		return
	}
	// Keep the highlight on the same event when a reload adds new ones on
	// top, unless it was on the newest: then it stays on the newest, so a
	// send that completes is what the user sees highlighted.
	var keep int64
	if ev, ok := m.selected(); ok && m.cursor > 0 {
		keep = ev.ID
	}
	m.state, m.contact, m.events = stateReady, msg.contact, msg.events
	m.cursor = 0
	for i, ev := range m.events {
		if ev.ID == keep {
			m.cursor = i
			break
		}
	}
	m.clampOffset()
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	page := max(1, m.timelineRows())
	switch {
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.PageUp):
		m.move(-page)
	case key.Matches(msg, k.PageDown):
		m.move(page)
	case key.Matches(msg, k.Top):
		m.move(-len(m.events))
	case key.Matches(msg, k.Bottom):
		m.move(len(m.events))
	case key.Matches(msg, k.View):
		if ev, ok := m.selected(); ok && ev.MessageID != 0 {
			m.Post(common.OpenMessageMsg{MessageID: ev.MessageID})
		}
	case key.Matches(msg, k.Mail):
		m.Post(common.OpenPickerMsg{Contact: m.contact})
	case key.Matches(msg, k.Outbox):
		m.Post(common.OpenOutboxMsg{})
	case key.Matches(msg, k.Reload):
		return m.load()
	case key.Matches(msg, k.Back):
		m.Post(common.BackMsg{})
	}
	return nil
}

func (m *Model) selected() (store.Event, bool) {
	if m.state != stateReady || m.cursor < 0 || m.cursor >= len(m.events) {
		return store.Event{}, false
	}
	return m.events[m.cursor], true
}

func (m *Model) move(n int) {
	m.cursor, m.offset = common.MoveCursor(m.cursor, m.offset, n, len(m.events), m.timelineRows())
}

// clampOffset scrolls the timeline so the cursor stays on screen.
func (m *Model) clampOffset() { m.move(0) }
