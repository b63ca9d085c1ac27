package opportunity

import (
	"charm.land/bubbles/v2/key"

	"github.com/leadmail/leadmail/tui/common"
)

// KeyMap is every key of the Opportunity screen.
type KeyMap struct {
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Open     key.Binding
	Mail     key.Binding
	Note     key.Binding
	Task     key.Binding
	Edit     key.Binding
	Reload   key.Binding
	Back     key.Binding
}

// DefaultKeyMap returns the Opportunity screen's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down")),
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open contact")),
		Mail:     key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "smart mail")),
		Note:     key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "note")),
		Task:     key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "follow-up task")),
		Edit:     key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit")),
		Reload:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload")),
		Back:     key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc", "back")),
	}
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.Mail, k.Note, k.Task, k.Open, k.Edit, k.Back, k.Reload, k.Up, k.Down}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		{k.Mail, k.Note, k.Task, k.Open, k.Edit, k.Reload, k.Back},
		{k.Up, k.Down, k.PageUp, k.PageDown},
	}
}

func (m *Model) updateKeys() {
	k := &m.keys
	ready := m.state == stateReady
	many := ready && len(m.rows) > 1
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown} {
		b.SetEnabled(many)
	}
	r, ok := m.selected()
	switch {
	case ok && r.contact != nil:
		k.Open.SetEnabled(true)
		k.Open.SetHelp("enter", "open contact")
	case ok && r.event.ReceivedID != 0:
		k.Open.SetEnabled(true)
		k.Open.SetHelp("enter", "view received mail")
	case ok && r.event.MessageID != 0:
		k.Open.SetEnabled(true)
		k.Open.SetHelp("enter", "view sent mail")
	case ok && common.NoteID(*r.event) != 0:
		k.Open.SetEnabled(true)
		k.Open.SetHelp("enter", "view note")
	default:
		k.Open.SetEnabled(false)
	}
	k.Mail.SetEnabled(ready && m.primary.ID != 0)
	k.Edit.SetEnabled(ready)
	// A note or a task lands on the primary contact too: without one the
	// user may see, there is nowhere to write it.
	k.Note.SetEnabled(ready && m.primary.ID != 0)
	k.Task.SetEnabled(ready && m.primary.ID != 0)
	k.Reload.SetEnabled(m.state != stateLoading)
}
