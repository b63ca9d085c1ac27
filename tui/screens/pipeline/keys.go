package pipeline

import (
	"charm.land/bubbles/v2/key"

	"github.com/leadmail/leadmail/store"
)

// KeyMap is every key of the Pipeline screen.
type KeyMap struct {
	Left     key.Binding
	Right    key.Binding
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Open     key.Binding
	Mail     key.Binding // Smart Mail for the deal's primary contact
	Prev     key.Binding // move the card to the previous stage
	Next     key.Binding // move the card to the next stage
	Won      key.Binding
	Lost     key.Binding
	New      key.Binding
	Mine     key.Binding
	Owner    key.Binding
	Closing  key.Binding
	Closed   key.Binding // won and lost as columns
	Reload   key.Binding
	Stages   key.Binding // the stages editor, for administrators
	Back     key.Binding

	// While the lost reason is typed.
	Accept key.Binding
	Cancel key.Binding
}

// DefaultKeyMap returns the Pipeline screen's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Left:     key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "previous stage")),
		Right:    key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "next stage")),
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first card")),
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Mail:     key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "smart mail")),
		Prev:     key.NewBinding(key.WithKeys("["), key.WithHelp("[", "move to previous stage")),
		Next:     key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "move to next stage")),
		Won:      key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "won")),
		Lost:     key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "lost")),
		New:      key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new opportunity")),
		Mine:     key.NewBinding(key.WithKeys("M"), key.WithHelp("M", "everyone's")),
		Owner:    key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "next owner")),
		Closing:  key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "closing this month")),
		Closed:   key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "show won and lost")),
		Reload:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload")),
		Stages:   key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "edit stages")),
		Back:     key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc", "back")),
		Accept:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "mark lost")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.Accept, k.Cancel, k.Open, k.Mail, k.Next, k.Prev, k.Won, k.Lost, k.New, k.Mine, k.Closing,
		k.Back, k.Left, k.Right, k.Owner, k.Closed, k.Stages}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		{k.Open, k.Mail, k.Next, k.Prev, k.Won, k.Lost, k.New, k.Back},
		{k.Left, k.Right, k.Up, k.Down, k.PageUp, k.PageDown, k.Top},
		{k.Mine, k.Owner, k.Closing, k.Closed, k.Reload, k.Stages, k.Accept, k.Cancel},
	}
}

// updateKeys enables exactly what applies now, so the help never offers
// an action that would do nothing.
func (m *Model) updateKeys() {
	k := &m.keys
	ready := m.state == stateReady && !m.asking
	o, ok := m.Selected()
	free := ready && ok && m.busy == 0
	open := free && o.State == store.OutcomeOpen
	k.Open.SetEnabled(ready && ok)
	k.Mail.SetEnabled(ready && ok)
	k.Prev.SetEnabled(open && m.neighbour(o, -1).ID != 0)
	k.Next.SetEnabled(open && m.neighbour(o, 1).ID != 0)
	k.Won.SetEnabled(open)
	k.Lost.SetEnabled(open)
	if n := m.neighbour(o, 1); ok && n.ID != 0 {
		k.Next.SetHelp("]", "move to "+n.Name)
	} else {
		k.Next.SetHelp("]", "move to next stage")
	}
	if p := m.neighbour(o, -1); ok && p.ID != 0 {
		k.Prev.SetHelp("[", "move to "+p.Name)
	} else {
		k.Prev.SetHelp("[", "move to previous stage")
	}
	k.New.SetEnabled(ready)
	k.Left.SetEnabled(ready && m.focus > 0)
	k.Right.SetEnabled(ready && m.focus < len(m.cols)-1)
	var c *column
	if ready && m.focus < len(m.cols) {
		c = &m.cols[m.focus]
	}
	k.Up.SetEnabled(c != nil && (c.cursor > 0 || c.page.HasPrev))
	k.Down.SetEnabled(c != nil && (c.cursor < len(c.page.Opportunities)-1 || c.page.HasNext))
	k.PageUp.SetEnabled(c != nil && c.page.HasPrev)
	k.PageDown.SetEnabled(c != nil && c.page.HasNext)
	k.Top.SetEnabled(c != nil && (c.cursor > 0 || c.page.HasPrev))
	k.Mine.SetEnabled(ready && m.opts.Me.ID != 0)
	if m.filter.owner == m.opts.Me.ID {
		k.Mine.SetHelp("M", "everyone's")
	} else {
		k.Mine.SetHelp("M", "mine")
	}
	k.Owner.SetEnabled(ready && len(m.users) > 0)
	k.Closing.SetEnabled(ready)
	if m.filter.closing {
		k.Closing.SetHelp("f", "any close date")
	} else {
		k.Closing.SetHelp("f", "closing this month")
	}
	k.Closed.SetEnabled(ready)
	if m.showClosed {
		k.Closed.SetHelp("c", "hide won and lost")
	} else {
		k.Closed.SetHelp("c", "show won and lost")
	}
	k.Reload.SetEnabled(m.state != stateLoading && !m.asking && !m.denied)
	k.Stages.SetEnabled(m.opts.Me.Role == store.RoleAdministrator && !m.asking)
	k.Back.SetEnabled(!m.asking)
	k.Accept.SetEnabled(m.asking)
	k.Cancel.SetEnabled(m.asking)
}
