// Package contacts is the start screen of the leadmail TUI: a table of
// contacts and leads holding exactly the rows that fit, fetched page by page
// with keyset cursors, plus the neighbour page in the direction of travel,
// prefetched so that paging shows it at once; with a debounced search, an
// all/leads/contacts tab, four sort orders in both directions, a filter
// panel (owner, status, no activity for N days, an overdue task, archived)
// and, above the table, the filter in words and the range shown out of how
// many match, counted in the background.
package contacts

import (
	"context"
	"time"

	"charm.land/bubbles/v2/table"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// Store is what the Contacts screen reads.
type Store interface {
	ListContacts(ctx context.Context, req store.PageRequest) (store.ContactPage, error)
	// EstimateContacts says how many contacts a filter matches, exactly
	// or, where counting would be slow, about (store.Count).
	EstimateContacts(ctx context.Context, f store.ContactFilter) (store.Count, error)
	// ListUsers lists the CRM's users: the owners the filter offers.
	ListUsers(ctx context.Context) ([]store.User, error)
}

// Options configures the Contacts screen.
type Options struct {
	// Me is the ID of the user running leadmail: "mine" (M, and the
	// owner row of the filter panel) keeps the contacts they own. 0, when
	// no user is configured, leaves "mine" out.
	Me int64
	// NoPipeline leaves p out: the user's role has no pipeline.
	NoPipeline bool
}

// SearchDebounce is how long typing must pause before a search runs.
const SearchDebounce = 120 * time.Millisecond

type state int

const (
	stateLoading state = iota // the first page is on its way
	stateReady                // a page (maybe empty) is shown
	stateError                // the last fetch failed and nothing is shown
)

type focus int

const (
	focusTable focus = iota
	focusSearch
)

// filters cycles with tab: all, leads, contacts.
var filters = []struct {
	kind  store.Kind
	label string
}{{"", "All"}, {store.KindLead, "Leads"}, {store.KindContact, "Contacts"}}

// Model is the Contacts screen.
type Model struct {
	common.IntentQueue
	c     *common.Common
	store Store
	keys  KeyMap

	width, height int
	state         state
	errText       string
	focus         focus
	search        textinput.Model
	filter        int // index into filters: the kind tab
	canImport     bool
	me            int64 // Options.Me
	noPipeline    bool  // Options.NoPipeline

	// The order and the panel's conditions (filter.go); the kind and the
	// search are added by fetch.
	sort   store.SortOrder
	desc   bool
	narrow store.ContactFilter
	panel  panel
	users  []store.User // the owners the panel offers, nil until loaded

	// How many match each filter, counted in the background (count.go),
	// and where the page on screen lies in the listing.
	counts countCache
	pos    position

	// Only the visible page is held, with the request that produced it so
	// a resize or a refresh can ask again from the same position, and at
	// most one neighbour page in the direction of travel (prefetch.go).
	page   store.ContactPage
	req    store.PageRequest
	ahead  *neighbour // nil until prefetched, and after any fetch
	cursor int
	table  table.Model

	fetchSeq  int // the latest fetch; older results are dropped
	searchSeq int // the latest keystroke; older debounce ticks are dropped
}

// New returns the Contacts screen reading from s, sorted by name.
func New(c *common.Common, s Store, opts Options) *Model {
	in := textinput.New()
	in.Prompt = "/ "
	in.Placeholder = common.Hint("name, email, company")
	in.CharLimit = 200
	m := &Model{c: c, store: s, keys: DefaultKeyMap(), search: in, table: table.New(), me: opts.Me, noPipeline: opts.NoPipeline,
		sort: store.SortName, panel: newPanel(), counts: newCountCache()}
	m.applyStyles()
	m.updateKeys()
	return m
}

// EnableImport turns the import key on when the UI has an importer.
func (m *Model) EnableImport(on bool) {
	m.canImport = on
	m.updateKeys()
}

// Title implements common.Screen.
func (m *Model) Title() string { return "Contacts" }

// Capturing implements common.Screen: true while the search input, or the
// filter panel's number of days, takes typed text.
func (m *Model) Capturing() bool {
	return m.focus == focusSearch || m.panel.typing()
}

// Init implements common.Screen: the first page, once the size is known.
func (m *Model) Init() tea.Cmd {
	if m.pageSize() == 0 {
		return nil // fetched when the first size arrives
	}
	return m.fetch(store.PageRequest{}, placeAt(0))
}

// SetSize implements common.Screen. A new height means a new page size; the
// refetch happens on the tea.WindowSizeMsg the root forwards next.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.search.SetWidth(max(10, min(40, width/3)))
	m.layoutTable()
}

// pageSize is how many rows fit: the height minus the header lines and the
// table's column titles.
func (m *Model) pageSize() int {
	return max(0, m.height-headerLines-1)
}

// Selected returns the highlighted contact as the table holds it: a brief
// row (store.PageRequest.Brief) without custom fields, phone or title.
// Whoever shows or mails it reads it whole by its ID.
func (m *Model) Selected() (store.Contact, bool) {
	if m.cursor < 0 || m.cursor >= len(m.page.Contacts) {
		return store.Contact{}, false
	}
	return m.page.Contacts[m.cursor], true
}

func (m *Model) applyStyles() {
	m.search.SetStyles(m.c.Styles.Input)
	m.panel.days.SetStyles(m.c.Styles.Input)
	m.table.SetStyles(m.c.Styles.Table)
}

// placement says where the cursor lands when a page arrives.
type placement struct {
	last  bool // on the last row
	index int  // else on this row, clamped
}

func placeAt(i int) placement { return placement{index: i} }
func placeLast() placement    { return placement{last: true} }
func (p placement) in(n int) int {
	if p.last || p.index >= n {
		return max(0, n-1)
	}
	return max(0, p.index)
}

// pageMsg carries one fetched page back to the screen.
type pageMsg struct {
	seq   int
	req   store.PageRequest
	page  store.ContactPage
	err   error
	place placement
}

// searchTickMsg fires when typing has paused for SearchDebounce.
type searchTickMsg struct{ seq int }

// fetch asks for a page. The request is completed here, on the Update
// goroutine, and copied into the command: the closure never reads the model.
func (m *Model) fetch(req store.PageRequest, place placement) tea.Cmd {
	req.Limit = m.pageSize()
	if req.Limit == 0 {
		return nil
	}
	req.Filter = m.narrow
	req.Filter.Kind, req.Filter.Search = filters[m.filter].kind, m.search.Value()
	req.Sort, req.Desc = m.sort, m.desc
	// The table shows no more than a brief row holds, but for the time a
	// contact was created, which only a full row has.
	req.Brief = m.sort != store.SortCreated
	m.ahead = nil // the page it neighboured is going
	m.fetchSeq++
	seq, ctx, s := m.fetchSeq, m.c.Ctx, m.store
	if m.state == stateError {
		m.state = stateLoading
	}
	return func() tea.Msg {
		page, err := s.ListContacts(ctx, req)
		return pageMsg{seq: seq, req: req, page: page, err: err, place: place}
	}
}

// refetch asks again for the page on screen, e.g. after a resize or a send.
func (m *Model) refetch() tea.Cmd {
	return m.fetch(m.req, placeAt(m.cursor))
}

// handlePage shows a page that is still the latest fetch's, then
// prefetches its neighbour.
func (m *Model) handlePage(msg pageMsg) tea.Cmd {
	if msg.seq != m.fetchSeq {
		return nil // a newer fetch is on its way
	}
	if msg.err != nil {
		text := m.c.ErrText(msg.err)
		if text == "" {
			return nil
		}
		if m.state != stateReady {
			m.state, m.errText = stateError, text
			return nil
		}
		// Keep the page on screen; say what failed in the status line.
		m.Post(common.ErrorMsg{Err: msg.err})
		return nil
	}
	// A short page before a cursor means we reached the start: show a full
	// first page instead, with the cursor on the same contact.
	if msg.req.Before != nil && !msg.page.HasPrev && len(msg.page.Contacts) < msg.req.Limit {
		return m.fetch(store.PageRequest{}, placeAt(msg.place.in(len(msg.page.Contacts))))
	}
	m.show(msg.req, msg.page, msg.place)
	return tea.Batch(m.prefetch(), m.count())
}

// show puts page, produced by req, on screen with the cursor placed.
func (m *Model) show(req store.PageRequest, page store.ContactPage, place placement) {
	m.pos = m.positionOf(req, page)
	m.state, m.errText = stateReady, ""
	m.page, m.req, m.ahead = page, req, nil
	m.cursor = place.in(len(page.Contacts))
	m.layoutTable() // the name column follows the names shown
}
