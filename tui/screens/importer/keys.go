package importer

import "charm.land/bubbles/v2/key"

// KeyMap is every key of the Import screen.
type KeyMap struct {
	// While the path prompt has focus.
	Start    key.Binding
	Back     key.Binding
	Complete key.Binding

	// On the preview: move over the columns and choices, change one, run.
	Up     key.Binding
	Down   key.Binding
	Prev   key.Binding
	Next   key.Binding
	Run    key.Binding
	Return key.Binding // back to the path prompt

	// While the import runs.
	Cancel key.Binding

	// Once it is over.
	Again key.Binding
	Close key.Binding
}

// DefaultKeyMap returns the Import screen's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Start:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "preview")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Complete: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete the path")),
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Prev:     key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "previous choice")),
		Next:     key.NewBinding(key.WithKeys("right", "l", "space"), key.WithHelp("→/l/space", "next choice")),
		Run:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "import")),
		Return:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to the file")),
		Cancel:   key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "cancel import")),
		Again:    key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "import another file")),
		Close:    key.NewBinding(key.WithKeys("esc", "enter", "q"), key.WithHelp("esc", "back to contacts")),
	}
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.Start, k.Complete, k.Back, k.Run, k.Next, k.Down, k.Return, k.Cancel, k.Again, k.Close}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{{k.Start, k.Complete, k.Back}, {k.Up, k.Down, k.Prev, k.Next, k.Run, k.Return},
		{k.Cancel, k.Again, k.Close}}
}

// updateKeys enables exactly the bindings that do something now.
func (m *Model) updateKeys() {
	k := &m.keys
	over := m.state == stateDone || m.state == stateCancelled || m.state == stateFailed
	options := m.state == stateOptions
	k.Start.SetEnabled(m.state == statePrompt)
	k.Back.SetEnabled(m.state == statePrompt)
	k.Complete.SetEnabled(m.state == statePrompt)
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.Prev, &k.Next, &k.Run} {
		b.SetEnabled(options)
	}
	k.Return.SetEnabled(options || m.state == stateChecking)
	k.Cancel.SetEnabled(m.state == stateRunning)
	k.Again.SetEnabled(over)
	k.Close.SetEnabled(over)
}
