package picker

import "charm.land/bubbles/v2/key"

// KeyMap is every key of the Smart Mail picker.
type KeyMap struct {
	Up          key.Binding
	Down        key.Binding
	QuickSend   key.Binding
	Personalize key.Binding
	Schedule    key.Binding
	Filter      key.Binding
	ClearFilter key.Binding
	Tag         key.Binding
	Remind      key.Binding
	PreviewDown key.Binding
	PreviewUp   key.Binding
	Back        key.Binding

	// While the filter input has focus.
	Accept key.Binding
	Cancel key.Binding

	// While the schedule prompt is open.
	ScheduleAccept key.Binding
	ScheduleCancel key.Binding

	// While "bounced …: send anyway?" waits.
	Yes key.Binding
	No  key.Binding
}

// DefaultKeyMap returns the picker's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:          key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:        key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		QuickSend:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "quick send")),
		Personalize: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "personalize")),
		Schedule:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "schedule")),
		Filter:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		Tag:         key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "tag")),
		Remind:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "remind if no reply")),
		PreviewDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "scroll preview")),
		PreviewUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "scroll preview up")),
		Back:        key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc", "back")),
		Accept:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
		Cancel:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),

		ScheduleAccept: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "schedule")),
		ScheduleCancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Yes:            key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "send anyway")),
		No:             key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "no")),
	}
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.Yes, k.No, k.ScheduleAccept, k.ScheduleCancel, k.Accept, k.Cancel, k.QuickSend, k.Personalize,
		k.Schedule, k.Remind, k.Back, k.Filter, k.Tag, k.ClearFilter, k.Up, k.Down}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PreviewDown, k.PreviewUp},
		{k.QuickSend, k.Schedule, k.Personalize, k.Remind, k.Filter, k.ClearFilter, k.Tag},
		{k.Accept, k.Cancel, k.ScheduleAccept, k.ScheduleCancel, k.Yes, k.No, k.Back},
	}
}

func (m *Model) updateKeys() {
	k := &m.keys
	typing := m.focus != focusList
	ready := m.state == stateReady
	_, highlighted := m.highlighted()
	prompting := m.focus == focusSchedule
	_, whenErr := m.parsedWhen()
	k.ScheduleAccept.SetEnabled(prompting && m.send == sendIdle && whenErr == nil)
	k.ScheduleCancel.SetEnabled(prompting && m.send == sendIdle)
	k.Schedule.SetEnabled(!typing && m.send == sendIdle && highlighted)
	k.Accept.SetEnabled(m.focus == focusFilter)
	k.Cancel.SetEnabled(m.focus == focusFilter)
	k.Up.SetEnabled(!typing && ready && len(m.visible) > 1)
	k.Down.SetEnabled(!typing && ready && len(m.visible) > 1)
	// Enter works before the list has loaded: the intent is kept and acted
	// on when it arrives (the three-keystroke promise).
	k.QuickSend.SetEnabled(!typing && m.send == sendIdle && (m.state == stateLoading || len(m.visible) > 0))
	k.Personalize.SetEnabled(!typing && m.send == sendIdle && highlighted)
	k.Filter.SetEnabled(!typing && ready)
	k.ClearFilter.SetEnabled(!typing && (m.filter.Value() != "" || m.tag >= 0))
	k.Tag.SetEnabled(!typing && ready && len(m.tags) > 0)
	k.Remind.SetEnabled(!typing && m.send == sendIdle)
	k.PreviewDown.SetEnabled(!typing && ready && !m.preview.AtBottom())
	k.PreviewUp.SetEnabled(!typing && ready && !m.preview.AtTop())
	k.Back.SetEnabled(!typing)
	asking := m.asking != bounceNone
	k.Yes.SetEnabled(asking)
	k.No.SetEnabled(asking)
	if asking { // only y and n answer
		for _, b := range []*key.Binding{&k.QuickSend, &k.Personalize, &k.Schedule, &k.Filter, &k.ClearFilter,
			&k.Tag, &k.Remind, &k.Up, &k.Down, &k.Back} {
			b.SetEnabled(false)
		}
	}
}
