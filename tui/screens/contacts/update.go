package contacts

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		if m.req.Limit != m.pageSize() {
			cmd = m.refetch()
		}
	case pageMsg:
		cmd = m.handlePage(msg)
	case prefetchMsg:
		m.handlePrefetch(msg)
	case countMsg:
		m.handleCount(msg)
	case usersMsg:
		m.handleUsers(msg)
	case searchTickMsg:
		if msg.seq == m.searchSeq && m.search.Value() != m.req.Filter.Search {
			cmd = m.fetch(store.PageRequest{}, placeAt(0))
		}
	case common.ThemeChangedMsg:
		m.applyStyles()
		m.layoutTable() // cell padding may have changed

	case common.OutboxChangedMsg, common.QueuedMsg, common.ContactsChangedMsg, common.ContactChangedMsg:
		// Last activity changed for someone on this page, perhaps, and
		// with it who matches a filter: counts are asked again.
		m.counts.outdate()
		if m.state == stateReady {
			cmd = m.refetch()
		}
	case tea.KeyPressMsg:
		switch {
		case m.panel.open:
			cmd = m.handlePanelKey(msg)
		case m.focus == focusSearch:
			cmd = m.handleSearchKey(msg)
		default:
			cmd = m.handleKey(msg)
		}
	default:
		switch {
		case m.panel.typing():
			m.panel.days, cmd = m.panel.days.Update(msg) // paste
		case m.focus == focusSearch:
			cmd = m.updateInput(msg) // paste
		}
	}
	m.updateKeys()
	return m, cmd
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Up):
		return m.moveUp()
	case key.Matches(msg, k.Down):
		return m.moveDown()
	case key.Matches(msg, k.PageUp):
		if cmd, ok := m.advance(towardsPrev, placeAt(m.cursor)); ok {
			return cmd
		}
		if m.page.HasPrev {
			first := m.page.First
			return m.fetch(store.PageRequest{Before: &first}, placeAt(m.cursor))
		}
		m.setCursor(0)
	case key.Matches(msg, k.PageDown):
		if cmd, ok := m.advance(towardsNext, placeAt(m.cursor)); ok {
			return cmd
		}
		if m.page.HasNext {
			last := m.page.Last
			return m.fetch(store.PageRequest{After: &last}, placeAt(m.cursor))
		}
		m.setCursor(len(m.page.Contacts) - 1)
	case key.Matches(msg, k.Home):
		return m.fetch(store.PageRequest{}, placeAt(0))
	case key.Matches(msg, k.End):
		return m.fetch(store.PageRequest{Last: true}, placeLast())
	case key.Matches(msg, k.Open):
		if c, ok := m.Selected(); ok {
			m.Post(common.OpenContactMsg{ContactID: c.ID})
		}
	case key.Matches(msg, k.Mail):
		if c, ok := m.Selected(); ok {
			m.Post(common.OpenPickerMsg{Contact: c})
		}
	case key.Matches(msg, k.Outbox):
		m.Post(common.OpenOutboxMsg{})
	case key.Matches(msg, k.Emails):
		m.Post(common.OpenEmailsMsg{})
	case key.Matches(msg, k.Import):
		m.Post(common.OpenImportMsg{})
	case key.Matches(msg, k.New):
		m.Post(common.NewContactMsg{})
	case key.Matches(msg, k.Today):
		m.Post(common.OpenTodayMsg{})
	case key.Matches(msg, k.Pipeline):
		m.Post(common.OpenPipelineMsg{})
	case key.Matches(msg, k.Search):
		m.focus = focusSearch
		m.search.CursorEnd()
		return m.search.Focus()
	case key.Matches(msg, k.ClearSearch):
		m.search.Reset()
		return m.fetch(store.PageRequest{}, placeAt(0))
	case key.Matches(msg, k.Filter):
		return m.cycleFilter()
	case key.Matches(msg, k.Sort):
		m.sort = nextSort(m.sort)
		// Names read A to Z; dates read newest first, as a rep scans for
		// what moved lately (d turns either round).
		m.desc = m.sort == store.SortActivity || m.sort == store.SortCreated
		return m.fetch(store.PageRequest{}, placeAt(0))
	case key.Matches(msg, k.Direction):
		m.desc = !m.desc
		return m.fetch(store.PageRequest{}, placeAt(0))
	case key.Matches(msg, k.Filters):
		return m.openPanel()
	case key.Matches(msg, k.Mine):
		return m.toggleMine()
	case key.Matches(msg, k.Retry):
		return m.fetch(m.req, placeAt(m.cursor))
	case key.Matches(msg, k.Quit):
		m.Post(common.BackMsg{})
	}
	return nil
}

func (m *Model) handleSearchKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Cancel):
		m.focus = focusTable
		m.search.Blur()
		had := m.req.Filter.Search != "" || m.search.Value() != ""
		m.search.Reset()
		if had {
			return m.fetch(store.PageRequest{}, placeAt(0))
		}
		return nil
	case key.Matches(msg, k.Accept):
		m.focus = focusTable
		m.search.Blur()
		if m.search.Value() != m.req.Filter.Search {
			m.searchSeq++ // the pending tick is now stale
			return m.fetch(store.PageRequest{}, placeAt(0))
		}
		return nil
	case key.Matches(msg, k.Filter):
		return m.cycleFilter()
	}
	return m.updateInput(msg)
}

// updateInput gives msg to the search input and, when the text changed,
// schedules the debounced search.
func (m *Model) updateInput(msg tea.Msg) tea.Cmd {
	before := m.search.Value()
	var cmd tea.Cmd
	m.search, cmd = m.search.Update(msg)
	if m.search.Value() == before {
		return cmd
	}
	m.searchSeq++
	seq := m.searchSeq
	return tea.Batch(cmd, tea.Tick(SearchDebounce, func(time.Time) tea.Msg { return searchTickMsg{seq: seq} }))
}

func (m *Model) cycleFilter() tea.Cmd {
	m.filter = (m.filter + 1) % len(filters)
	return m.fetch(store.PageRequest{}, placeAt(0))
}

// moveUp moves the cursor; on the top row it shows the previous page,
// prefetched or fetched, and lands on its last row.
func (m *Model) moveUp() tea.Cmd {
	if m.cursor > 0 {
		m.setCursor(m.cursor - 1)
		return nil
	}
	if cmd, ok := m.advance(towardsPrev, placeLast()); ok {
		return cmd
	}
	if !m.page.HasPrev {
		return nil
	}
	first := m.page.First
	return m.fetch(store.PageRequest{Before: &first}, placeLast())
}

// moveDown moves the cursor; on the bottom row it shows the next page,
// prefetched or fetched, and lands on its first row.
func (m *Model) moveDown() tea.Cmd {
	if m.cursor < len(m.page.Contacts)-1 {
		m.setCursor(m.cursor + 1)
		return nil
	}
	if cmd, ok := m.advance(towardsNext, placeAt(0)); ok {
		return cmd
	}
	if !m.page.HasNext {
		return nil
	}
	last := m.page.Last
	return m.fetch(store.PageRequest{After: &last}, placeAt(0))
}

func (m *Model) setCursor(i int) {
	m.cursor = max(0, min(i, len(m.page.Contacts)-1))
	m.setRows()
}
