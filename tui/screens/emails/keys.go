package emails

import "charm.land/bubbles/v2/key"

// KeyMap is every key of the Emails screen, across its views. updateKeys
// enables exactly those that work in the current view.
type KeyMap struct {
	// The lists (emails and signatures).
	Up        key.Binding
	Down      key.Binding
	New       key.Binding
	Duplicate key.Binding
	Edit      key.Binding
	Delete    key.Binding
	Default   key.Binding // signatures: make the highlighted one the default
	Sigs      key.Binding
	Retry     key.Binding
	Back      key.Binding

	// A yes/no question.
	Yes key.Binding
	No  key.Binding

	// The editors.
	Next     key.Binding
	Prev     key.Binding
	Toggle   key.Binding
	Save     key.Binding
	Check    key.Binding
	External key.Binding
	Leave    key.Binding
}

// DefaultKeyMap returns the Emails screen's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		New:       key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new")),
		Duplicate: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "duplicate")),
		Edit:      key.NewBinding(key.WithKeys("enter", "e"), key.WithHelp("enter/e", "edit")),
		Delete:    key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "delete")),
		Default:   key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "make default")),
		Sigs:      key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "signatures")),
		Retry:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry")),
		Back:      key.NewBinding(key.WithKeys("q", "esc"), key.WithHelp("q", "back")),

		Yes: key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
		No:  key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "no")),

		Next:     key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field")),
		Prev:     key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field")),
		Toggle:   key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "smart mail on/off")),
		Save:     key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "save")),
		Check:    key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "check & trial render")),
		External: key.NewBinding(key.WithKeys("ctrl+e"), key.WithHelp("ctrl+e", "$EDITOR")),
		Leave:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	}
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.Yes, k.No, k.Edit, k.New, k.Back, k.Sigs, k.Duplicate, k.Delete, k.Default, k.Retry,
		k.Save, k.Leave, k.Next, k.Toggle, k.Check, k.External}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.Edit, k.New, k.Duplicate, k.Delete, k.Default, k.Sigs, k.Retry, k.Back},
		{k.Next, k.Prev, k.Toggle, k.Save, k.Check, k.External, k.Leave},
		{k.Yes, k.No},
	}
}

// updateKeys enables exactly the bindings that do something now, so the
// help never lies.
func (m *Model) updateKeys() {
	k := &m.keys
	asking := m.prompt != promptNone
	list := m.view == viewList && !asking
	sigs := m.view == viewSignatures && !asking
	editing := (m.view == viewEditor || m.view == viewSigEditor) && !asking
	_, hasEmail := m.Selected()
	_, hasSig := m.sigs.selected()
	busy := m.editorBusy()

	k.Yes.SetEnabled(asking)
	k.No.SetEnabled(asking)

	k.Up.SetEnabled((list && len(m.emails) > 1) || (sigs && len(m.sigs.items) > 1))
	k.Down.SetEnabled((list && len(m.emails) > 1) || (sigs && len(m.sigs.items) > 1))
	k.New.SetEnabled((list && m.state == stateReady) || (sigs && m.sigs.state == stateReady && m.opts.Sender.ID != 0))
	k.Duplicate.SetEnabled(list && hasEmail)
	k.Edit.SetEnabled((list && hasEmail) || (sigs && hasSig))
	k.Delete.SetEnabled((list && hasEmail) || (sigs && hasSig))
	sel, _ := m.sigs.selected()
	k.Default.SetEnabled(sigs && hasSig && !sel.IsDefault)
	// Without a sender, s stays on and says what to set up.
	k.Sigs.SetEnabled(list)
	k.Retry.SetEnabled((list && m.state == stateError) || (sigs && m.sigs.state == stateError))
	k.Back.SetEnabled(list || sigs)

	k.Next.SetEnabled(editing)
	k.Prev.SetEnabled(editing)
	k.Toggle.SetEnabled(editing && m.view == viewEditor && m.editor.focus == fieldSmart)
	k.Save.SetEnabled(editing && !busy)
	k.Check.SetEnabled(editing && m.view == viewEditor && !busy)
	k.External.SetEnabled(editing && !busy)
	k.Leave.SetEnabled(editing)
}

func (m *Model) editorBusy() bool {
	switch m.view {
	case viewEditor:
		return m.editor != nil && m.editor.busy != busyNone
	case viewSigEditor:
		return m.sig != nil && m.sig.busy != busyNone
	}
	return false
}
