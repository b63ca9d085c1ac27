package contacts

import "charm.land/bubbles/v2/key"

// KeyMap is every key of the Contacts screen.
type KeyMap struct {
	Up          key.Binding
	Down        key.Binding
	PageUp      key.Binding
	PageDown    key.Binding
	Home        key.Binding
	End         key.Binding
	Open        key.Binding
	Mail        key.Binding
	Outbox      key.Binding
	Emails      key.Binding
	Import      key.Binding
	New         key.Binding // a new contact or lead
	Today       key.Binding // the Today screen of tasks
	Pipeline    key.Binding // the Pipeline screen of opportunities
	Search      key.Binding
	ClearSearch key.Binding
	Filter      key.Binding // the kind tab: all, leads, contacts
	Sort        key.Binding // the next sort order
	Direction   key.Binding // ascending or descending
	Filters     key.Binding // opens the filter panel
	Mine        key.Binding // mine or everyone's
	Retry       key.Binding
	Quit        key.Binding

	// While the search input has focus.
	Accept key.Binding
	Cancel key.Binding

	// While the filter panel is open (filter.go).
	PanelApply  key.Binding
	PanelCancel key.Binding
	PanelUp     key.Binding
	PanelDown   key.Binding
	PanelPrev   key.Binding
	PanelNext   key.Binding
	PanelClear  key.Binding
}

// DefaultKeyMap returns the Contacts screen's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:          key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:        key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:      key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "previous page")),
		PageDown:    key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "next page")),
		Home:        key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first page")),
		End:         key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last page")),
		Open:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Mail:        key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "smart mail")),
		Outbox:      key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "outbox")),
		Emails:      key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "emails")),
		Import:      key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "import")),
		New:         key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new")),
		Today:       key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "today")),
		Pipeline:    key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pipeline")),
		Search:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		ClearSearch: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search")),
		Filter:      key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "all/leads/contacts")),
		Sort:        key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort by company")),
		Direction:   key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "descending")),
		Filters:     key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "filters")),
		Mine:        key.NewBinding(key.WithKeys("M"), key.WithHelp("M", "mine only")),
		Retry:       key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry")),
		Quit:        key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		Accept:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
		Cancel:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search")),
		PanelApply:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")),
		PanelCancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		// Up and down, left and right share one line of help: the one of
		// PanelDown and of PanelNext.
		PanelUp:    key.NewBinding(key.WithKeys("up", "shift+tab"), key.WithHelp("↑/↓", "row")),
		PanelDown:  key.NewBinding(key.WithKeys("down", "tab"), key.WithHelp("↑/↓", "row")),
		PanelPrev:  key.NewBinding(key.WithKeys("left"), key.WithHelp("←/→", "change")),
		PanelNext:  key.NewBinding(key.WithKeys("right", "space"), key.WithHelp("←/→", "change")),
		PanelClear: key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "clear all")),
	}
}

// ShortHelp implements help.KeyMap. The most important keys come first:
// the footer shows as many as fit. /, the keys that sort and filter, and
// tab come last because the lines above the table already show them.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.Accept, k.Cancel, k.PanelApply, k.PanelCancel, k.PanelNext, k.PanelDown, k.PanelClear,
		k.Open, k.Mail, k.Retry, k.Outbox, k.Emails, k.Import, k.Quit, k.New, k.Today, k.Pipeline,
		k.ClearSearch, k.Search, k.Filters, k.Sort, k.Direction, k.Mine, k.Filter}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{k.Open, k.Mail, k.New, k.Today, k.Pipeline, k.Search, k.ClearSearch, k.Filter, k.Outbox, k.Emails, k.Import, k.Retry},
		{k.Sort, k.Direction, k.Filters, k.Mine},
		{k.PanelDown, k.PanelNext, k.PanelClear, k.PanelApply, k.PanelCancel},
		{k.Accept, k.Cancel, k.Quit},
	}
}

// updateKeys enables exactly the bindings that do something now, so the
// help never lies.
func (m *Model) updateKeys() {
	k := &m.keys
	m.updatePanelKeys()
	// The panel holds every key while it is open, as the search input
	// does while it has focus.
	typing := m.focus == focusSearch || m.panel.open
	hasRows := m.state == stateReady && len(m.page.Contacts) > 0
	searching := m.focus == focusSearch && !m.panel.open
	k.Accept.SetEnabled(searching)
	k.Cancel.SetEnabled(searching)
	k.Up.SetEnabled(!typing && hasRows)
	k.Down.SetEnabled(!typing && hasRows)
	k.PageUp.SetEnabled(!typing && hasRows)
	k.PageDown.SetEnabled(!typing && hasRows)
	k.Home.SetEnabled(!typing && hasRows)
	k.End.SetEnabled(!typing && hasRows)
	k.Open.SetEnabled(!typing && hasRows)
	k.Mail.SetEnabled(!typing && hasRows)
	k.Search.SetEnabled(!typing)
	k.Outbox.SetEnabled(!typing)
	k.Emails.SetEnabled(!typing)
	k.Import.SetEnabled(!typing && m.canImport)
	k.New.SetEnabled(!typing)
	k.Today.SetEnabled(!typing)
	k.Pipeline.SetEnabled(!typing && !m.noPipeline)
	k.ClearSearch.SetEnabled(!typing && m.search.Value() != "")
	k.Filter.SetEnabled(!m.panel.open)
	k.Retry.SetEnabled(!typing && m.state == stateError)
	k.Quit.SetEnabled(!typing)
	k.Filters.SetEnabled(!typing)
	k.Mine.SetEnabled(!typing && m.me != 0)
	k.Mine.SetHelp("M", "mine only")
	if m.narrow.OwnerID == m.me {
		k.Mine.SetHelp("M", "everyone's")
	}
	// A search ranks by relevance: no order applies while it is on.
	sorting := !typing && m.search.Value() == ""
	k.Sort.SetEnabled(sorting)
	k.Sort.SetHelp("s", "sort by "+sortNames[nextSort(m.sort)])
	k.Direction.SetEnabled(sorting)
	k.Direction.SetHelp("d", "descending")
	if m.desc {
		k.Direction.SetHelp("d", "ascending")
	}
}
