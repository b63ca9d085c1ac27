package contactform

import "charm.land/bubbles/v2/key"

// KeyMap is every key of the contact form. Keys that do nothing in the
// focused field or the current question are disabled, so the help never
// offers them.
type KeyMap struct {
	Save  key.Binding
	Enter key.Binding // next field; saves on the last
	Next  key.Binding
	Prev  key.Binding
	Back  key.Binding

	// On the kind and owner fields.
	Left  key.Binding
	Right key.Binding

	AddCustom    key.Binding
	RemoveCustom key.Binding

	// While a question waits: discard, or save with a duplicate email.
	Yes key.Binding
	No  key.Binding
	// Open shows the contact that has the same email.
	Open key.Binding
	// After "changed since you opened it".
	Reload    key.Binding
	Overwrite key.Binding
}

// DefaultKeyMap returns the form's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Save:         key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "save")),
		Enter:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next field")),
		Next:         key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab/↓", "next field")),
		Prev:         key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab/↑", "previous field")),
		Back:         key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Left:         key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "previous choice")),
		Right:        key.NewBinding(key.WithKeys("right", "space"), key.WithHelp("→/space", "next choice")),
		AddCustom:    key.NewBinding(key.WithKeys("ctrl+n"), key.WithHelp("ctrl+n", "add custom field")),
		RemoveCustom: key.NewBinding(key.WithKeys("ctrl+x"), key.WithHelp("ctrl+x", "remove custom field")),
		Yes:          key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "discard")),
		No:           key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "keep editing")),
		Open:         key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open the other contact")),
		Reload:       key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "keep theirs, drop mine")),
		Overwrite:    key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "overwrite with mine")),
	}
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.Yes, k.Overwrite, k.Reload, k.Open, k.No, k.Save, k.Left, k.Right,
		k.Next, k.Back, k.AddCustom, k.RemoveCustom, k.Prev, k.Enter}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		{k.Save, k.Enter, k.Next, k.Prev, k.Back},
		{k.Left, k.Right, k.AddCustom, k.RemoveCustom},
		{k.Yes, k.No, k.Open, k.Reload, k.Overwrite},
	}
}

func (m *Model) updateKeys() {
	k := &m.keys
	ready := m.state == stateReady
	asking := ready && m.confirm != confirmNone
	editing := ready && !asking && !m.saving
	for _, b := range []*key.Binding{&k.Save, &k.Enter, &k.Next, &k.Prev} {
		b.SetEnabled(editing)
	}
	k.Back.SetEnabled(!asking)
	k.Enter.SetHelp("enter", "next field")
	if m.focus == m.lastField() {
		k.Enter.SetHelp("enter", "save")
	}
	choice := editing && (m.focus == fieldKind || m.focus == fieldOwner)
	k.Left.SetEnabled(choice)
	k.Right.SetEnabled(choice)
	switch m.focus {
	case fieldKind:
		k.Left.SetHelp("←", "lead or contact")
		k.Right.SetHelp("→/space", "lead or contact")
	case fieldOwner:
		k.Left.SetHelp("←", "previous owner")
		k.Right.SetHelp("→/space", "next owner")
	}
	k.AddCustom.SetEnabled(editing && len(m.custom) < maxCustomRows)
	_, _, onCustom := m.customAt(m.focus)
	k.RemoveCustom.SetEnabled(editing && onCustom)

	k.Yes.SetEnabled(m.confirm == confirmDiscard || m.confirm == confirmDuplicate)
	k.No.SetEnabled(asking)
	k.Open.SetEnabled(m.confirm == confirmDuplicate)
	k.Reload.SetEnabled(m.confirm == confirmStale)
	k.Overwrite.SetEnabled(m.confirm == confirmStale)
	switch m.confirm {
	case confirmDuplicate:
		k.Yes.SetHelp("y", "save anyway")
	default:
		k.Yes.SetHelp("y", "discard")
	}
}
