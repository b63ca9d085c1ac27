package taskform

import "charm.land/bubbles/v2/key"

// KeyMap is every key of the task form. Keys that do nothing in the
// focused field or the current state are disabled, so the help never
// offers them.
type KeyMap struct {
	Save key.Binding
	// Enter goes from the title to the due time, and saves from there on.
	Enter     key.Binding
	Next      key.Binding
	Prev      key.Binding
	OwnerPrev key.Binding
	OwnerNext key.Binding
	// ContactPrev and ContactNext choose among a deal's contacts.
	ContactPrev key.Binding
	ContactNext key.Binding
	Back        key.Binding

	// While "Discard this task?" waits.
	Yes key.Binding
	No  key.Binding
}

// DefaultKeyMap returns the keys of the task form.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Save:        key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "save from any field")),
		Enter:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "save task")),
		Next:        key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab/↓", "next field")),
		Prev:        key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab/↑", "previous field")),
		OwnerPrev:   key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "previous owner")),
		OwnerNext:   key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "next owner")),
		ContactPrev: key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "previous contact of the deal")),
		ContactNext: key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "next contact of the deal")),
		Back:        key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Yes:         key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "discard")),
		No:          key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "keep editing")),
	}
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.Yes, k.No, k.Enter, k.Save, k.Next, k.OwnerNext, k.ContactNext, k.Back, k.Prev, k.OwnerPrev, k.ContactPrev}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		{k.Save, k.Enter, k.Next, k.Prev, k.Back},
		{k.OwnerPrev, k.OwnerNext, k.ContactPrev, k.ContactNext, k.Yes, k.No},
	}
}

func (m *Model) updateKeys() {
	k := &m.keys
	asking := m.confirm != confirmNone
	ready := m.state == stateReady && !asking
	idle := ready && m.save == saveIdle
	k.Yes.SetEnabled(asking)
	k.No.SetEnabled(asking)
	k.Back.SetEnabled(!asking)
	k.Next.SetEnabled(ready)
	k.Prev.SetEnabled(ready)
	k.Save.SetEnabled(idle)
	k.Enter.SetEnabled(idle)
	if m.focus == fieldTitle {
		k.Enter.SetHelp("enter", "next field")
	} else {
		k.Enter.SetHelp("enter", "save task")
	}
	many := ready && m.focus == fieldOwner && len(m.users) > 1
	k.OwnerPrev.SetEnabled(many)
	k.OwnerNext.SetEnabled(many)
	choose := ready && m.focus == fieldContact && m.contactChoice()
	k.ContactPrev.SetEnabled(choose)
	k.ContactNext.SetEnabled(choose)
}
