package note

import (
	"charm.land/bubbles/v2/key"

	"github.com/leadmail/leadmail/tui/common"
)

// KeyMap is every key of the note screen, in both of its states;
// updateKeys enables exactly those that work in the current one.
type KeyMap struct {
	// The rendered note.
	common.ScrollKeys
	Edit key.Binding
	Back key.Binding

	// The editor.
	Save     key.Binding
	External key.Binding
	Leave    key.Binding

	// While "Discard …? (y/n)" waits.
	Yes key.Binding
	No  key.Binding
}

// DefaultKeyMap returns the note screen's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		ScrollKeys: common.DefaultScrollKeys(),
		Edit:       key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit note")),
		Back:       key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc", "back")),
		Save:       key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "save note")),
		External:   key.NewBinding(key.WithKeys("ctrl+e"), key.WithHelp("ctrl+e", "$EDITOR")),
		Leave:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Yes:        key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "discard")),
		No:         key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "keep editing")),
	}
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.Yes, k.No, k.Save, k.External, k.Leave, k.Edit, k.Back, k.Down, k.Up}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		{k.Edit, k.Back, k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Save, k.External, k.Leave, k.Yes, k.No},
	}
}

// updateKeys enables exactly the bindings that do something now, so the
// help never lies.
func (m *Model) updateKeys() {
	k := &m.keys
	viewing := m.state == stateView
	editing := m.state == stateEdit && !m.asking
	idle := editing && m.busy == busyNone
	k.Yes.SetEnabled(m.asking)
	k.No.SetEnabled(m.asking)
	k.Save.SetEnabled(idle)
	k.External.SetEnabled(idle)
	k.Leave.SetEnabled(editing && m.busy != busyExternal)
	k.Edit.SetEnabled(viewing)
	k.Back.SetEnabled(m.state != stateEdit)
	if viewing {
		k.Enable(m.vp)
	} else {
		for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Top, &k.Bottom} {
			b.SetEnabled(false)
		}
	}
}
