package callform

import "charm.land/bubbles/v2/key"

// KeyMap is every key of the call form. Keys that do nothing in the
// focused field or the current state are disabled, so the help never
// offers them.
type KeyMap struct {
	Save key.Binding
	// Enter goes to the next field from the outcome and the duration; in
	// the note it starts a new line.
	Enter       key.Binding
	Next        key.Binding
	Prev        key.Binding
	OutcomePrev key.Binding
	OutcomeNext key.Binding
	Back        key.Binding

	// While "Discard this call?" waits.
	Yes key.Binding
	No  key.Binding
}

// DefaultKeyMap returns the keys of the call form.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Save:        key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "log call")),
		Enter:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next field")),
		Next:        key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab/↓", "next field")),
		Prev:        key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab/↑", "previous field")),
		OutcomePrev: key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←", "previous outcome")),
		OutcomeNext: key.NewBinding(key.WithKeys("right", "l", "space"), key.WithHelp("→/space", "next outcome")),
		Back:        key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Yes:         key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "discard")),
		No:          key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "keep editing")),
	}
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.Yes, k.No, k.Save, k.OutcomeNext, k.Enter, k.Next, k.Back, k.Prev, k.OutcomePrev}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		{k.Save, k.Enter, k.Next, k.Prev, k.Back},
		{k.OutcomePrev, k.OutcomeNext, k.Yes, k.No},
	}
}

func (m *Model) updateKeys() {
	k := &m.keys
	ready := m.state == stateReady && !m.asking
	idle := ready && m.save == saveIdle
	k.Yes.SetEnabled(m.asking)
	k.No.SetEnabled(m.asking)
	k.Back.SetEnabled(!m.asking)
	k.Next.SetEnabled(ready)
	k.Prev.SetEnabled(ready)
	if m.focus == fieldNote {
		// ↑ and ↓ move between the note's lines.
		k.Next.SetKeys("tab")
		k.Next.SetHelp("tab", "next field")
		k.Prev.SetKeys("shift+tab")
		k.Prev.SetHelp("shift+tab", "previous field")
	} else {
		k.Next.SetKeys("tab", "down")
		k.Next.SetHelp("tab/↓", "next field")
		k.Prev.SetKeys("shift+tab", "up")
		k.Prev.SetHelp("shift+tab/↑", "previous field")
	}
	k.Save.SetEnabled(idle)
	k.Enter.SetEnabled(ready && m.focus != fieldNote)
	choosing := idle && m.focus == fieldOutcome
	k.OutcomePrev.SetEnabled(choosing)
	k.OutcomeNext.SetEnabled(choosing)
}
