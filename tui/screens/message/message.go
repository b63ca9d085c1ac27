// Package message is the sent-message view of the leadmail TUI: exactly what
// was sent, taken from the stored RFC 5322 bytes — headers, delivery status,
// the text body and the attachments.
package message

import (
	"context"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// Store is what the message view reads.
type Store interface {
	// GetMessage returns the message with its Raw bytes.
	GetMessage(ctx context.Context, id int64) (store.Message, error)
}

type state int

const (
	stateLoading state = iota
	stateReady
	stateError
)

// KeyMap is every key of the message view.
type KeyMap struct {
	common.ScrollKeys
	Back key.Binding
}

// DefaultKeyMap returns the message view's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		ScrollKeys: common.DefaultScrollKeys(),
		Back:       key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc", "back")),
	}
}

// Model is the message view.
type Model struct {
	common.IntentQueue
	c     *common.Common
	store Store
	keys  KeyMap
	id    int64

	width, height int
	state         state
	errText       string
	msg           store.Message
	parsed        mail.Inspected
	vp            viewport.Model
}

// New returns the view of stored message id.
func New(c *common.Common, s Store, id int64) *Model {
	m := &Model{c: c, store: s, keys: DefaultKeyMap(), id: id, vp: viewport.New()}
	m.vp.KeyMap = viewport.KeyMap{} // scrolled through this screen's keys
	m.updateKeys()
	return m
}

// Title implements common.Screen.
func (m *Model) Title() string {
	if m.state == stateReady && m.msg.Subject != "" {
		return m.msg.Subject
	}
	return "Message"
}

// Capturing implements common.Screen.
func (m *Model) Capturing() bool { return false }

// SetSize implements common.Screen.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.vp.SetWidth(width)
	m.vp.SetHeight(height)
	m.setContent()
}

// loadedMsg carries the stored message and its parsed form.
type loadedMsg struct {
	id     int64
	msg    store.Message
	parsed mail.Inspected
	err    error
}

// Init implements common.Screen: read the message and take it apart.
func (m *Model) Init() tea.Cmd {
	ctx, s, id := m.c.Ctx, m.store, m.id
	return func() tea.Msg {
		msg, err := s.GetMessage(ctx, id)
		if err != nil {
			return loadedMsg{id: id, err: err}
		}
		parsed, err := mail.Inspect(msg.Raw)
		return loadedMsg{id: id, msg: msg, parsed: parsed, err: err}
	}
}

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case loadedMsg:
		if msg.id != m.id {
			break
		}
		if msg.err != nil {
			m.state, m.errText = stateError, m.c.ErrText(msg.err)
		} else {
			m.state, m.msg, m.parsed = stateReady, msg.msg, msg.parsed
		}
		m.setContent()
	case common.OutboxChangedMsg:
		if msg.MessageID == m.id && m.state != stateLoading {
			cmd = m.Init() // its status changed: read it again
		}
	case common.ThemeChangedMsg:
		m.setContent()
	case tea.KeyPressMsg:
		m.handleKey(msg)
	}
	m.updateKeys()
	return m, cmd
}

func (m *Model) handleKey(msg tea.KeyPressMsg) {
	if m.keys.Scroll(&m.vp, msg) {
		return
	}
	if key.Matches(msg, m.keys.Back) {
		m.Post(common.BackMsg{})
	}
}

func (m *Model) updateKeys() { m.keys.Enable(m.vp) }

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.Up, k.Down, k.PageDown, k.Back}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown}, {k.Top, k.Bottom, k.Back}}
}

// View implements common.Screen.
func (m *Model) View() string {
	if m.width == 0 || m.height == 0 {
		return ""
	}
	return m.vp.View()
}
