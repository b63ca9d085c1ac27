package tui

import (
	"charm.land/bubbles/v2/key"

	"github.com/leadmail/leadmail/tui/screens/contacts"
	outboxscreen "github.com/leadmail/leadmail/tui/screens/outbox"
)

// KeyMap is the root's own keys, valid on every screen.
type KeyMap struct {
	Quit key.Binding
	Help key.Binding
	// HelpF1 opens the same help as Help on every screen, even while a
	// field takes typed text (where ? is text).
	HelpF1 key.Binding
	Close  key.Binding // closes the top modal

	// Undo cancels the send whose countdown runs.
	Undo key.Binding
	// RetryAll asks the worker to try again now after a refused login.
	RetryAll key.Binding
	// DemoServer stops and starts the demo mail server.
	DemoServer key.Binding
}

// DefaultKeyMap returns the root's keys. Undo, RetryAll and DemoServer start
// disabled; the root enables them while they apply.
func DefaultKeyMap() KeyMap {
	km := KeyMap{
		Quit:       key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Help:       key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "all keys")),
		HelpF1:     key.NewBinding(key.WithKeys("f1"), key.WithHelp("f1", "all keys, even while typing")),
		Close:      key.NewBinding(key.WithKeys("esc", "enter", "q", "?", "f1"), key.WithHelp("esc/enter", "close")),
		Undo:       key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "undo send")),
		RetryAll:   key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "retry sending now")),
		DemoServer: key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "stop/start demo mail server")),
	}
	km.Undo.SetEnabled(false)
	km.RetryAll.SetEnabled(false)
	km.DemoServer.SetEnabled(false)
	return km
}

// updateKeys enables the root's keys that do something now. Letters are
// left to an input that has focus, and a modal holds every key.
func (m *Model) updateKeys() {
	k := &m.keys
	free := len(m.modals) == 0 && len(m.stack) > 0 && !m.top().Capturing()
	k.Undo.SetEnabled(free && m.undo.state == countdownRunning)
	// The Outbox screen has its own R for the same thing.
	_, onOutbox := m.top().(*outboxscreen.Model)
	k.RetryAll.SetEnabled(free && m.opts.Worker != nil && m.outbox.status.AuthFailed && !onOutbox)
	k.DemoServer.SetEnabled(free && m.opts.Demo && m.opts.DemoServer != nil && m.demo != demoSwitching)
	_, onContacts := m.top().(*contacts.Model)
	m.syncKeys.Run.SetEnabled(free && onContacts && m.opts.Sync != nil && !m.sync.running)
	m.switchKeys.Open.SetEnabled(free && onContacts && m.canSwitchUser())
}

// rootKeys are the root's keys for the full help, after the screen's.
func (m *Model) rootKeys() []key.Binding {
	k := m.keys
	return []key.Binding{k.Undo, k.RetryAll, k.DemoServer, m.syncKeys.Run, m.switchKeys.Open}
}

// footerKeys is the help shown in the footer: the top screen's short help
// followed by the root's, or only the modal's key while a modal is open.
type footerKeys struct {
	screen []key.Binding
	full   [][]key.Binding
	global []key.Binding
}

// ShortHelp implements help.KeyMap.
func (f footerKeys) ShortHelp() []key.Binding { return append(f.screen, f.global...) }

// FullHelp implements help.KeyMap.
func (f footerKeys) FullHelp() [][]key.Binding { return append(f.full, f.global) }
