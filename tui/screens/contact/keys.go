package contact

import (
	"charm.land/bubbles/v2/key"

	"github.com/leadmail/leadmail/tui/common"
)

// KeyMap is every key of the Contact screen.
type KeyMap struct {
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	View     key.Binding
	Mail     key.Binding
	Outbox   key.Binding
	// Opportunity opens the first deal the header lists.
	Opportunity key.Binding
	Reload      key.Binding
	Older       key.Binding // the next TimelineLimit older events
	Back        key.Binding

	// Searching the timeline (search.go); SearchAccept and SearchCancel
	// while the input has focus.
	Search       key.Binding
	ClearSearch  key.Binding
	SearchAccept key.Binding
	SearchCancel key.Binding

	// Working the lead: each posts an intent the root acts on.
	Edit    key.Binding
	Status  key.Binding
	Note    key.Binding
	Call    key.Binding
	Task    key.Binding
	Archive key.Binding
	Forget  key.Binding
}

// DefaultKeyMap returns the Contact screen's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:          key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:        key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:      key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		PageDown:    key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down")),
		Top:         key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "newest")),
		Bottom:      key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "oldest")),
		View:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "view sent mail")),
		Mail:        key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "smart mail")),
		Outbox:      key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "outbox")),
		Opportunity: key.NewBinding(key.WithKeys("O"), key.WithHelp("O", "open opportunity")),
		Reload:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload")),
		Older:       key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "load older events")),
		Back:        key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc", "back")),
		Edit:        key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit")),
		Status:      key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "status")),
		Note:        key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "note")),
		Call:        key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "log call")),
		Task:        key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "follow-up task")),
		Archive:     key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "archive")),
		Forget:      key.NewBinding(key.WithKeys("X"), key.WithHelp("X", "forget (privacy request)")),

		Search:       key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search timeline")),
		ClearSearch:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search")),
		SearchAccept: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
		SearchCancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search")),
	}
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.SearchAccept, k.SearchCancel, k.ClearSearch, k.Mail, k.View, k.Note, k.Task, k.Call,
		k.Status, k.Edit, k.Opportunity, k.Back, k.Search, k.Outbox, k.Older, k.Reload, k.Up, k.Down}
}

// FullHelp implements help.KeyMap; its last column is the legend of the
// timeline icons.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	legend := common.EventLegend()
	return [][]key.Binding{
		{k.View, k.Mail, k.Opportunity, k.Outbox, k.Older, k.Reload, k.Back, k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Edit, k.Status, k.Note, k.Call, k.Task, k.Archive, k.Forget, k.Search, k.ClearSearch, k.SearchAccept, k.SearchCancel},
		legend[:len(legend)/2],
		legend[len(legend)/2:],
	}
}

func (m *Model) updateKeys() {
	k := &m.keys
	ready := m.state == stateReady
	many := ready && len(m.rows) > 1
	k.Up.SetEnabled(many)
	k.Down.SetEnabled(many)
	k.PageUp.SetEnabled(many)
	k.PageDown.SetEnabled(many)
	k.Top.SetEnabled(many)
	k.Bottom.SetEnabled(many)
	ev, ok := m.selected()
	k.View.SetEnabled(ok && (ev.MessageID != 0 || ev.ReceivedID != 0 || noteID(ev) != 0))
	switch {
	case ok && ev.ReceivedID != 0:
		k.View.SetHelp("enter", "view received mail")
	case ok && ev.MessageID == 0 && noteID(ev) != 0:
		k.View.SetHelp("enter", "view note")
	default:
		k.View.SetHelp("enter", "view sent mail")
	}
	k.Older.SetEnabled(ready && m.more && !m.loadingOlder)
	k.Mail.SetEnabled(ready)
	k.Opportunity.SetEnabled(ready && len(m.opps) > 0)
	for _, b := range []*key.Binding{&k.Edit, &k.Status, &k.Note, &k.Call, &k.Task, &k.Archive, &k.Forget} {
		b.SetEnabled(ready)
	}
	if ready && !m.contact.ArchivedAt.IsZero() {
		k.Archive.SetHelp("a", "unarchive")
	} else {
		k.Archive.SetHelp("a", "archive")
	}
	k.Reload.SetEnabled(m.state != stateLoading)
	m.updateSearchKeys()
}
