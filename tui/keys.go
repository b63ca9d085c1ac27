package tui

import (
	"charm.land/bubbles/v2/key"
)

// KeyMap is the root's own keys, valid on every screen.
type KeyMap struct {
	Quit  key.Binding
	Help  key.Binding
	Close key.Binding // closes the top modal
}

// DefaultKeyMap returns the root's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Quit:  key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Help:  key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "all keys")),
		Close: key.NewBinding(key.WithKeys("esc", "enter", "q", "?"), key.WithHelp("esc/enter", "close")),
	}
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
