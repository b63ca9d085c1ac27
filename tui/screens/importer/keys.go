package importer

import "charm.land/bubbles/v2/key"

// KeyMap is every key of the Import screen.
type KeyMap struct {
	// While the path prompt has focus.
	Start key.Binding
	Back  key.Binding

	// While the import runs.
	Cancel key.Binding

	// Once it is over.
	Again key.Binding
	Close key.Binding
}

// DefaultKeyMap returns the Import screen's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Start:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "import")),
		Back:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Cancel: key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "cancel import")),
		Again:  key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "import another file")),
		Close:  key.NewBinding(key.WithKeys("esc", "enter", "q"), key.WithHelp("esc", "back to contacts")),
	}
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.Start, k.Back, k.Cancel, k.Again, k.Close}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// updateKeys enables exactly the bindings that do something now.
func (m *Model) updateKeys() {
	k := &m.keys
	over := m.state == stateDone || m.state == stateCancelled || m.state == stateFailed
	k.Start.SetEnabled(m.state == statePrompt)
	k.Back.SetEnabled(m.state == statePrompt)
	k.Cancel.SetEnabled(m.state == stateRunning)
	k.Again.SetEnabled(over)
	k.Close.SetEnabled(over)
}
