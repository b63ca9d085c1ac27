package contact

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// Searching Life of the Lead from the contact: / takes words, and the
// timeline shows only the events whose subject, detail, note or call note
// hold them all, without case or accents (store.TimelineSearch). When every
// event is loaded the filter runs on them as the words are typed; when
// older events are not loaded, the store searches the whole timeline once
// typing pauses. esc clears the search.

// SearchDebounce is how long typing must pause before the store searches
// a timeline that is not wholly loaded.
const SearchDebounce = 120 * time.Millisecond

// Searcher is how the Contact screen searches a timeline beyond the
// events it loaded. *store.DB satisfies it.
type Searcher interface {
	// SearchTimeline returns the contact's events matching query, newest
	// first, at most limit.
	SearchTimeline(ctx context.Context, contactID int64, query string, limit int) ([]store.Event, error)
}

// finder is the state of the timeline search.
type finder struct {
	input  textinput.Model
	typing bool // the input has focus
	// query is the search applied to the rows, "" for none; match is it
	// parsed.
	query string
	match store.TimelineSearch
	// fromStore says the rows are the store's answer (results), because
	// the loaded timeline is partial; full says that answer hit the limit.
	fromStore bool
	results   []store.Event
	full      bool
	pending   bool // a store search runs
	seq       int  // the latest keystroke or search; older answers are dropped
}

func newFinder(c *common.Common) finder {
	in := textinput.New()
	in.Prompt = "/ "
	in.Placeholder = common.Hint("words in subjects, notes, calls")
	in.CharLimit = 200
	in.SetStyles(c.Styles.Input)
	return finder{input: in}
}

// searchTickMsg fires when typing has paused for SearchDebounce.
type searchTickMsg struct{ seq int }

// searchResultMsg carries the store's matches.
type searchResultMsg struct {
	contactID int64
	seq       int
	query     string
	events    []store.Event
	err       error
}

// updateSearch handles the search's own messages and the keys while its
// input has focus; ok is false for every other message.
func (m *Model) updateSearch(msg tea.Msg) (cmd tea.Cmd, ok bool) {
	switch msg := msg.(type) {
	case searchTickMsg:
		if msg.seq == m.find.seq {
			cmd = m.searchStore(m.find.input.Value())
		}
		return cmd, true
	case searchResultMsg:
		m.handleSearchResult(msg)
		return nil, true
	case common.ThemeChangedMsg:
		m.find.input.SetStyles(m.c.Styles.Input)
	case tea.KeyPressMsg:
		if m.find.typing {
			return m.handleSearchKey(msg), true
		}
	case tea.PasteMsg:
		if m.find.typing {
			return m.updateSearchInput(msg), true
		}
	}
	return nil, false
}

// startSearch focuses the input, with the words of the search applied.
func (m *Model) startSearch() tea.Cmd {
	m.find.typing = true
	m.find.input.CursorEnd()
	return m.find.input.Focus()
}

func (m *Model) handleSearchKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.SearchCancel):
		m.clearSearch()
		return nil
	case key.Matches(msg, k.SearchAccept):
		m.find.typing = false
		m.find.input.Blur()
		if strings.TrimSpace(m.find.input.Value()) == "" {
			m.clearSearch()
			return nil
		}
		if m.find.input.Value() != m.find.query && m.more {
			return m.searchStore(m.find.input.Value()) // at once, not after the pause
		}
		return nil
	}
	return m.updateSearchInput(msg)
}

// updateSearchInput gives msg to the input and applies what it then holds:
// at once on a wholly loaded timeline, after a pause in the store.
func (m *Model) updateSearchInput(msg tea.Msg) tea.Cmd {
	before := m.find.input.Value()
	var cmd tea.Cmd
	m.find.input, cmd = m.find.input.Update(msg)
	text := m.find.input.Value()
	switch {
	case text == before:
		return cmd
	case store.ParseTimelineSearch(text).Empty():
		m.find.seq++ // a pending tick or answer is stale
		m.applySearch("", false)
		return cmd
	case !m.more:
		m.find.seq++
		m.applySearch(text, false)
		return cmd
	}
	m.find.seq++
	seq := m.find.seq
	return tea.Batch(cmd, tea.Tick(SearchDebounce, func(time.Time) tea.Msg { return searchTickMsg{seq: seq} }))
}

// clearSearch empties the input and shows every loaded event again.
func (m *Model) clearSearch() {
	m.find.typing = false
	m.find.input.Blur()
	m.find.input.Reset()
	m.find.seq++
	m.applySearch("", false)
}

// applySearch filters the rows by query: the loaded events, or the
// store's results when fromStore.
func (m *Model) applySearch(query string, fromStore bool) {
	m.find.query, m.find.match, m.find.fromStore = query, store.ParseTimelineSearch(query), fromStore
	if !fromStore {
		m.find.results, m.find.full, m.find.pending = nil, false, false
	}
	m.thread()
	m.cursor, m.offset = 0, 0
	m.clampOffset()
}

// searchStore asks the store for the events matching query in the whole
// timeline.
func (m *Model) searchStore(query string) tea.Cmd {
	if store.ParseTimelineSearch(query).Empty() {
		return nil
	}
	m.find.seq++
	m.find.pending = true
	seq, id, ctx, s := m.find.seq, m.id, m.c.Ctx, m.store
	return func() tea.Msg {
		ev, err := s.SearchTimeline(ctx, id, query, store.TimelineLimit)
		return searchResultMsg{contactID: id, seq: seq, query: query, events: ev, err: err}
	}
}

func (m *Model) handleSearchResult(msg searchResultMsg) {
	if msg.contactID != m.id || msg.seq != m.find.seq {
		return // typed on, or cleared, meanwhile
	}
	m.find.pending = false
	if msg.err != nil {
		m.Post(common.ErrorMsg{Err: msg.err})
		return
	}
	m.find.results, m.find.full = msg.events, len(msg.events) >= store.TimelineLimit
	m.applySearch(msg.query, true)
}

// searchAfterLoad keeps a search applied over a reload: the loaded
// events were filtered again by thread, unless only the store can answer.
func (m *Model) searchAfterLoad() tea.Cmd {
	if m.find.query == "" || m.state != stateReady {
		return nil
	}
	if m.more {
		return m.searchStore(m.find.query)
	}
	if m.find.fromStore { // the timeline now fits: filter it here
		m.applySearch(m.find.query, false)
	}
	return nil
}

// searchRows is what the timeline shows of the threaded rows: all of them
// with no search, else the matches, newest first and unthreaded.
func (m *Model) searchRows(rows []row) []row {
	if m.find.query == "" {
		return rows
	}
	events := m.events
	if m.find.fromStore {
		events = m.find.results
	}
	out := make([]row, 0, len(events))
	for _, ev := range events {
		if m.find.fromStore || m.find.match.Matches(ev) {
			out = append(out, row{ev: ev})
		}
	}
	return out
}

// searching reports whether a search is typed or applied.
func (m *Model) searching() bool { return m.find.typing || m.find.query != "" }

// searchTitle is the timeline's title line while searching: the input
// while typing, then how many events match the words.
func (m *Model) searchTitle(title string) string {
	st := m.c.Styles
	if m.find.typing {
		return title + " " + m.find.input.View()
	}
	q := "“" + ansi.Truncate(common.Printable(m.find.query), 30, "…") + "”"
	var count string
	switch n := len(m.rows); {
	case m.find.pending:
		count = "searching every event for " + q + "…"
	case n == 0:
		count = "no event matches " + q
	case m.find.full:
		count = fmt.Sprintf("the newest %d events matching %s", n, q)
	case n == 1:
		count = "1 event matches " + q
	default:
		count = fmt.Sprintf("%d events match %s", n, q)
	}
	return title + st.Muted.Render(" · "+count+" · esc clears")
}

// setSearchWidth fits the input to the title line.
func (m *Model) setSearchWidth(width int) {
	m.find.input.SetWidth(max(10, min(40, width-len("Life of the Lead / ")-2)))
}

// updateSearchKeys enables the search's keys, and while the input has
// focus, no other: typed letters are words.
func (m *Model) updateSearchKeys() {
	k := &m.keys
	ready := m.state == stateReady
	k.SearchAccept.SetEnabled(m.find.typing)
	k.SearchCancel.SetEnabled(m.find.typing)
	k.Search.SetEnabled(ready && !m.find.typing)
	k.ClearSearch.SetEnabled(ready && !m.find.typing && m.find.query != "")
	if m.find.query != "" || m.find.typing {
		k.Older.SetEnabled(false) // the search covers older events already
	}
	// updateKeys leaves these two on always; only typing turns them off.
	k.Outbox.SetEnabled(true)
	k.Back.SetEnabled(true)
	if m.find.query != "" {
		k.Back.SetKeys("q")
		k.Back.SetHelp("q", "back")
	} else {
		k.Back.SetKeys("esc", "q")
		k.Back.SetHelp("esc", "back")
	}
	if !m.find.typing {
		return
	}
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Top, &k.Bottom, &k.View,
		&k.Mail, &k.Outbox, &k.Reload, &k.Older, &k.Back, &k.Edit, &k.Status, &k.Note, &k.Call, &k.Task,
		&k.Archive, &k.Forget} {
		b.SetEnabled(false)
	}
}
