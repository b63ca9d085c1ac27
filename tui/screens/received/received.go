// Package received is the received-mail view of the leadmail TUI: a
// message Mail Sync read from the mailbox (a lead's reply, an
// out-of-office, a bounce, mail the rep sent from another app), shown as
// it was stored — headers, the text, the attachments with their sizes — and,
// on request, as the server still has it (o). Every field from the mailbox
// passes through common.Printable before it reaches the terminal.
package received

import (
	"context"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// Store is what the view reads.
type Store interface {
	GetReceived(ctx context.Context, id int64) (store.Received, error)
}

// Fetcher fetches a received message's original bytes from the mail
// server; Mail Sync's Syncer is one. Nil means Mail Sync is off: o is not
// offered.
type Fetcher interface {
	FetchOriginal(ctx context.Context, r store.Received) ([]byte, error)
}

// MaxOriginal is how much of an original the view shows.
const MaxOriginal = 1 << 20

type state int

const (
	stateLoading state = iota
	stateReady
	stateError
)

// KeyMap is every key of the view.
type KeyMap struct {
	common.ScrollKeys
	Original key.Binding
	Back     key.Binding
}

// DefaultKeyMap returns the view's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		ScrollKeys: common.DefaultScrollKeys(),
		Original:   key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "original from the server")),
		Back:       key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc", "back")),
	}
}

// Model is the received-mail view.
type Model struct {
	common.IntentQueue
	c       *common.Common
	store   Store
	fetcher Fetcher
	keys    KeyMap
	id      int64

	width, height int
	state         state
	errText       string
	msg           store.Received
	vp            viewport.Model

	fetching    bool
	original    *mail.Inspected // the server's copy, once fetched
	originalCut bool            // it was longer than MaxOriginal
	originalErr string
}

// New returns the view of received message id; f may be nil.
func New(c *common.Common, s Store, f Fetcher, id int64) *Model {
	m := &Model{c: c, store: s, fetcher: f, keys: DefaultKeyMap(), id: id, vp: viewport.New()}
	m.vp.KeyMap = viewport.KeyMap{} // scrolled through this screen's keys
	m.updateKeys()
	return m
}

// Title implements common.Screen.
func (m *Model) Title() string {
	if m.state == stateReady && m.msg.Subject != "" {
		return common.Printable(m.msg.Subject)
	}
	return "Received mail"
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

type loadedMsg struct {
	id  int64
	msg store.Received
	err error
}

type originalMsg struct {
	id  int64
	raw []byte
	err error
}

// Init implements common.Screen.
func (m *Model) Init() tea.Cmd {
	ctx, s, id := m.c.Ctx, m.store, m.id
	return func() tea.Msg {
		x, err := s.GetReceived(ctx, id)
		return loadedMsg{id: id, msg: x, err: err}
	}
}

func (m *Model) fetchOriginal() tea.Cmd {
	if m.fetcher == nil || m.fetching {
		return nil
	}
	m.fetching, m.originalErr = true, ""
	m.setContent()
	ctx, f, x, id := m.c.Ctx, m.fetcher, m.msg, m.id
	return func() tea.Msg {
		raw, err := f.FetchOriginal(ctx, x)
		return originalMsg{id: id, raw: raw, err: err}
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
			m.state, m.msg = stateReady, msg.msg
		}
		m.setContent()
	case originalMsg:
		if msg.id != m.id {
			break
		}
		m.fetching = false
		m.handleOriginal(msg)
		m.setContent()
	case common.ThemeChangedMsg:
		m.setContent()
	case tea.KeyPressMsg:
		cmd = m.handleKey(msg)
	}
	m.updateKeys()
	return m, cmd
}

func (m *Model) handleOriginal(msg originalMsg) {
	if msg.err != nil {
		m.originalErr = m.c.ErrText(msg.err)
		if m.originalErr == "" {
			m.originalErr = "the fetch was cancelled"
		}
		return
	}
	raw := msg.raw
	m.originalCut = len(raw) > MaxOriginal
	if m.originalCut {
		raw = raw[:MaxOriginal]
	}
	in, err := mail.Inspect(raw)
	if err != nil && in.Text == "" {
		in.Text = string(raw) // shown as text, made printable below
	}
	m.original = &in
	m.vp.GotoTop()
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case m.keys.Scroll(&m.vp, msg):
	case key.Matches(msg, m.keys.Original):
		return m.fetchOriginal()
	case key.Matches(msg, m.keys.Back):
		m.Post(common.BackMsg{})
	}
	return nil
}

func (m *Model) updateKeys() {
	m.keys.Enable(m.vp)
	m.keys.Original.SetEnabled(m.fetcher != nil && m.state == stateReady && !m.fetching && m.original == nil)
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.Back, k.Original, k.Up, k.Down, k.PageDown}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown}, {k.Top, k.Bottom, k.Original, k.Back}}
}

// View implements common.Screen.
func (m *Model) View() string {
	if m.width == 0 || m.height == 0 {
		return ""
	}
	return m.vp.View()
}
