package stages

import "charm.land/bubbles/v2/key"

// KeyMap is every key of the stages editor. Keys that do nothing now are
// disabled, so the help never offers them.
type KeyMap struct {
	Up       key.Binding
	Down     key.Binding
	MoveUp   key.Binding // the stage goes up one place
	MoveDown key.Binding
	Add      key.Binding
	Edit     key.Binding
	Remove   key.Binding
	Save     key.Binding
	Back     key.Binding

	// In the form.
	Apply  key.Binding
	Next   key.Binding
	Cancel key.Binding

	// While "Discard the changes?" waits.
	Yes key.Binding
	No  key.Binding

	// While "where do its deals go?" waits (with Apply and Cancel).
	Left  key.Binding
	Right key.Binding
}

// DefaultKeyMap returns the keys of the stages editor.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		MoveUp:   key.NewBinding(key.WithKeys("K", "shift+up"), key.WithHelp("K", "move stage up")),
		MoveDown: key.NewBinding(key.WithKeys("J", "shift+down"), key.WithHelp("J", "move stage down")),
		Add:      key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add stage")),
		Edit:     key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit")),
		Remove:   key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "remove")),
		Save:     key.NewBinding(key.WithKeys("enter", "ctrl+s"), key.WithHelp("enter", "save")),
		Back:     key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc", "back")),
		Apply:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")),
		Next:     key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab", "other field")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Yes:      key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "discard")),
		No:       key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "keep editing")),
		Left:     key.NewBinding(key.WithKeys("left", "h", "shift+tab"), key.WithHelp("←/→", "choose stage")),
		Right:    key.NewBinding(key.WithKeys("right", "l", "tab")),
	}
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.Yes, k.No, k.Left, k.Apply, k.Next, k.Cancel, k.Save, k.Add, k.Edit, k.Remove,
		k.MoveUp, k.MoveDown, k.Back, k.Up, k.Down}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		{k.Save, k.Add, k.Edit, k.Remove, k.Back},
		{k.Up, k.Down, k.MoveUp, k.MoveDown},
		{k.Apply, k.Next, k.Cancel, k.Yes, k.No, k.Left},
	}
}

// updateKeys enables exactly what applies now.
func (m *Model) updateKeys() {
	k := &m.keys
	list := m.state == stateReady && m.mode == modeList
	row := list && m.cursor < len(m.rows)
	k.Up.SetEnabled(row && m.cursor > 0)
	k.Down.SetEnabled(row && m.cursor < len(m.rows)-1)
	k.MoveUp.SetEnabled(list && m.canMove(-1))
	k.MoveDown.SetEnabled(list && m.canMove(1))
	k.Add.SetEnabled(list)
	k.Edit.SetEnabled(row)
	k.Remove.SetEnabled(row)
	k.Save.SetEnabled(list)
	if m.Dirty() {
		k.Save.SetHelp("enter", "save")
		k.Back.SetHelp("esc", "discard")
	} else {
		k.Save.SetHelp("enter", "done")
		k.Back.SetHelp("esc", "back")
	}
	k.Back.SetEnabled(m.mode == modeList)
	form, moveTo := m.mode == modeForm, m.mode == modeMoveTo
	k.Apply.SetEnabled(form || moveTo)
	k.Next.SetEnabled(form)
	k.Cancel.SetEnabled(form || moveTo)
	k.Left.SetEnabled(moveTo)
	k.Right.SetEnabled(moveTo)
	if moveTo {
		k.Apply.SetHelp("enter", "remove it")
		k.Cancel.SetHelp("esc", "keep it")
	} else {
		k.Apply.SetHelp("enter", "apply")
		k.Cancel.SetHelp("esc", "cancel")
	}
	k.Yes.SetEnabled(m.mode == modeAsking)
	k.No.SetEnabled(m.mode == modeAsking)
}
