package today

import "charm.land/bubbles/v2/key"

// KeyMap is every key of the Today screen.
type KeyMap struct {
	Up         key.Binding
	Down       key.Binding
	PageUp     key.Binding
	PageDown   key.Binding
	Top        key.Binding
	Bottom     key.Binding
	Open       key.Binding
	Done       key.Binding
	Snooze     key.Binding
	Reschedule key.Binding
	All        key.Binding
	Back       key.Binding

	// While a snooze or reschedule prompt is open.
	Accept     key.Binding
	Cancel     key.Binding
	ChoiceUp   key.Binding
	ChoiceDown key.Binding
}

// DefaultKeyMap returns the Today screen's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:         key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:       key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:     key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		PageDown:   key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down")),
		Top:        key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first")),
		Bottom:     key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last")),
		Open:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open contact")),
		Done:       key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "done")),
		Snooze:     key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "snooze")),
		Reschedule: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reschedule")),
		All:        key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "everyone's tasks")),
		Back:       key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc", "back")),
		Accept:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "snooze")),
		Cancel:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		ChoiceUp:   key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "previous choice")),
		ChoiceDown: key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "next choice")),
	}
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.Accept, k.ChoiceDown, k.Cancel, k.Open, k.Done, k.Snooze, k.Reschedule, k.All, k.Back,
		k.ChoiceUp, k.Up, k.Down}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		{k.Open, k.Done, k.Snooze, k.Reschedule, k.All, k.Back},
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Accept, k.ChoiceUp, k.ChoiceDown, k.Cancel},
	}
}

// updateKeys enables exactly what applies now, so the help never offers
// an action that would do nothing.
func (m *Model) updateKeys() {
	k := &m.keys
	asking := m.prompt != promptNone
	t, ok := m.Selected()
	free := ok && !asking && m.busy != t.ID
	k.Open.SetEnabled(ok && !asking)
	k.Done.SetEnabled(free)
	k.Snooze.SetEnabled(free)
	k.Reschedule.SetEnabled(free)
	k.All.SetEnabled(!asking && m.state != stateLoading && m.opts.Me.ID != 0)
	if m.all {
		k.All.SetHelp("a", "only my tasks")
	} else {
		k.All.SetHelp("a", "everyone's tasks")
	}
	many := !asking && m.state == stateReady && len(m.items) > 1
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Top, &k.Bottom} {
		b.SetEnabled(many)
	}
	k.Back.SetEnabled(!asking)
	k.Accept.SetEnabled(asking)
	k.Cancel.SetEnabled(asking)
	if m.prompt == promptReschedule {
		k.Accept.SetHelp("enter", "reschedule")
	} else {
		k.Accept.SetHelp("enter", "snooze")
	}
	choose := m.prompt == promptSnooze && !m.typed()
	k.ChoiceUp.SetEnabled(choose)
	k.ChoiceDown.SetEnabled(choose)
}
