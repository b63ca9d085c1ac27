// Package pipeline is the Pipeline screen of the leadmail TUI: a column per
// open stage of the company's pipeline, each headed with its count, its
// total and its weighted total (per currency: nothing is converted), and
// the cards of its opportunities, soonest expected close first. Won and
// lost are summed in the header; c shows them as columns too.
//
// Each column holds one page of cards, read by keyset from the store
// (never all of them, never OFFSET): moving past the last card reads the
// next page after it, past the first the page before it. [ and ] move the
// highlighted card to the previous or next stage, w wins it, l loses it
// after asking why; the totals are read again after each change. S opens
// the editor of the stages for an administrator; once it saved, the
// columns are read again.
package pipeline

import (
	"context"
	"errors"
	"slices"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// Store is what the Pipeline screen reads and changes. *store.DB satisfies
// it, and so does the store scoped to the current user.
type Store interface {
	// Stages lists the pipeline's stages in order.
	Stages(ctx context.Context) ([]store.Stage, error)
	// Pipeline sums each stage's opportunities per currency.
	Pipeline(ctx context.Context, f store.PipelineFilter) ([]store.StageTotals, error)
	// ListOpportunities returns one keyset page of a column.
	ListOpportunities(ctx context.Context, q store.OpportunityQuery) (store.OpportunityPage, error)
	// OpportunitiesBefore is a card's position in its column.
	OpportunitiesBefore(ctx context.Context, q store.OpportunityQuery, cur store.OpportunityCursor) (int, error)
	MoveOpportunity(ctx context.Context, id, stageID, by int64) (store.Opportunity, error)
	WinOpportunity(ctx context.Context, id, by int64) (store.Opportunity, error)
	LoseOpportunity(ctx context.Context, id int64, reason string, by int64) (store.Opportunity, error)
	// GetContact reads the primary contact a Smart Mail from a card
	// starts from.
	GetContact(ctx context.Context, id int64) (store.Contact, error)
	// ListUsers lists the owners the owner filter offers.
	ListUsers(ctx context.Context) ([]store.User, error)
}

// Options say who is looking.
type Options struct {
	// Me is the current user: "mine" is theirs, and they move the cards.
	Me store.User
}

type state int

const (
	stateLoading state = iota
	stateReady
	stateError
)

// column is one stage: its totals and the page of cards it shows.
type column struct {
	stage  store.Stage
	totals store.StageTotals
	page   store.OpportunityPage
	// after and before are how the page was read (nil both: the first
	// page), so a reload reads the same place again.
	after, before *store.OpportunityCursor
	start         int // the position of the page's first card in the column, 0-based
	cursor        int // the highlighted card of the page
	seq           int // the latest read of this column; older answers are dropped
	// following is the card moved into this column, until the page
	// holding it is read: a reload asked meanwhile (the broadcast of the
	// move) looks for it too, rather than reading the old place again.
	following *store.Opportunity
}

// selected is the column's highlighted card.
func (c *column) selected() (store.Opportunity, bool) {
	if c.cursor < 0 || c.cursor >= len(c.page.Opportunities) {
		return store.Opportunity{}, false
	}
	return c.page.Opportunities[c.cursor], true
}

// filter is what the pipeline shows.
type filter struct {
	owner   int64 // 0: everyone's
	closing bool  // closing this month only
}

// Model is the Pipeline screen.
type Model struct {
	common.IntentQueue
	c     *common.Common
	store Store
	opts  Options
	keys  KeyMap

	width, height int
	state         state
	errText       string
	denied        bool // the role has no pipeline: nothing to retry
	filter        filter
	showClosed    bool // won and lost as columns too
	stages        []store.Stage
	totals        []store.StageTotals
	cols          []column // the columns shown, in stage order
	focus         int      // the highlighted column
	left          int      // the first column on screen
	users         []store.User
	loadSeq       int
	busy          int64 // the opportunity whose change is under way
	resized       bool  // a column holds another number of cards since the last read

	asking bool // the lost reason is being typed
	target store.Opportunity
	reason textinput.Model
}

// New returns the Pipeline screen, showing the current user's
// opportunities when there is one.
func New(c *common.Common, s Store, opts Options) *Model {
	m := &Model{c: c, store: s, opts: opts, keys: DefaultKeyMap()}
	m.filter.owner = opts.Me.ID
	m.reason = textinput.New()
	m.reason.Prompt = ""
	m.reason.CharLimit = 500
	m.reason.Placeholder = common.Hint("why was it lost?")
	m.reason.SetStyles(c.Styles.Input)
	m.updateKeys()
	return m
}

// Title implements common.Screen.
func (m *Model) Title() string { return "Pipeline" }

// Capturing implements common.Screen: the lost reason takes typed text.
func (m *Model) Capturing() bool { return m.asking }

// SetSize implements common.Screen. A new height changes how many cards a
// column holds: the pages are read again.
func (m *Model) SetSize(width, height int) {
	old := m.perColumn()
	m.width, m.height = width, height
	m.reason.SetWidth(max(10, width-4))
	m.clampLeft()
	if m.state == stateReady && m.perColumn() != old {
		m.resized = true // the root's WindowSizeMsg reads the pages again
	}
}

// Init implements common.Screen.
func (m *Model) Init() tea.Cmd { return m.load() }

// monthRange is the first and last day of now's month.
func monthRange(now time.Time) (time.Time, time.Time) {
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location())
	return first, first.AddDate(0, 1, -1)
}

// query is the page request of a stage's column under the filter.
func (m *Model) query(stageID int64) store.OpportunityQuery {
	q := store.OpportunityQuery{StageID: stageID, OwnerID: m.filter.owner, Limit: m.perColumn(), Brief: true}
	if m.filter.closing {
		q.ClosingFrom, q.ClosingTo = monthRange(m.c.Now())
	}
	return q
}

// pipelineFilter is the totals' filter.
func (m *Model) pipelineFilter() store.PipelineFilter {
	f := store.PipelineFilter{OwnerID: m.filter.owner}
	if m.filter.closing {
		f.ClosingFrom, f.ClosingTo = monthRange(m.c.Now())
	}
	return f
}

// loadedMsg carries the stages, their totals and each shown column's
// first page.
type loadedMsg struct {
	seq    int
	stages []store.Stage
	totals []store.StageTotals
	pages  map[int64]store.OpportunityPage
	users  []store.User
	err    error
}

// shownStages are the stages that get a column: the open ones, and won
// and lost when they are shown.
func (m *Model) shownStages(stages []store.Stage) []store.Stage {
	var out []store.Stage
	for _, s := range stages {
		if s.Outcome == store.OutcomeOpen || m.showClosed {
			out = append(out, s)
		}
	}
	return out
}

// load reads everything from the top: stages, totals and the first page
// of every column.
func (m *Model) load() tea.Cmd {
	m.loadSeq++
	seq, ctx, s := m.loadSeq, m.c.Ctx, m.store
	f := m.pipelineFilter()
	closed := m.showClosed
	base := m.query(0)
	needUsers := m.users == nil
	return func() tea.Msg {
		out := loadedMsg{seq: seq, pages: map[int64]store.OpportunityPage{}}
		var err error
		if out.stages, err = s.Stages(ctx); err != nil {
			out.err = err
			return out
		}
		if out.totals, err = s.Pipeline(ctx, f); err != nil {
			out.err = err
			return out
		}
		for _, st := range out.stages {
			if st.Outcome != store.OutcomeOpen && !closed {
				continue
			}
			q := base
			q.StageID = st.ID
			p, err := s.ListOpportunities(ctx, q)
			if err != nil {
				out.err = err
				return out
			}
			out.pages[st.ID] = p
		}
		if needUsers {
			out.users, _ = s.ListUsers(ctx) // the owner filter only: without them it offers mine and everyone's
		}
		return out
	}
}

func (m *Model) handleLoaded(msg loadedMsg) {
	if msg.seq != m.loadSeq {
		return
	}
	if msg.err != nil {
		text := m.c.ErrText(msg.err)
		if text == "" {
			return
		}
		m.state, m.errText, m.denied = stateError, text, errors.Is(msg.err, store.ErrDenied)
		return
	}
	m.denied = false
	if msg.users != nil {
		m.users = msg.users
	}
	var focusStage int64
	if m.focus < len(m.cols) {
		focusStage = m.cols[m.focus].stage.ID
	}
	m.state, m.errText, m.stages, m.totals = stateReady, "", msg.stages, msg.totals
	m.cols = m.cols[:0]
	for _, st := range m.shownStages(msg.stages) {
		c := column{stage: st, page: withStage(msg.pages[st.ID], st), totals: m.totalsOf(st.ID)}
		m.cols = append(m.cols, c)
	}
	m.focus = -1
	for i, c := range m.cols {
		if c.stage.ID == focusStage {
			m.focus = i
		}
	}
	if m.focus < 0 { // first read: the first stage that holds a deal
		m.focus = max(0, slices.IndexFunc(m.cols, func(c column) bool { return len(c.page.Opportunities) > 0 }))
	}
	m.clampLeft()
}

// totalsOf is a stage's totals as last read.
func (m *Model) totalsOf(stageID int64) store.StageTotals {
	for _, t := range m.totals {
		if t.Stage.ID == stageID {
			return t
		}
	}
	return store.StageTotals{}
}

// pageMsg carries a page of one column.
type pageMsg struct {
	col           int
	stageID       int64
	seq, colSeq   int
	page          store.OpportunityPage
	after, before *store.OpportunityCursor
	start         int
	cursor        int // -1: the last card
	err           error
}

// readPage reads a page of column i after or before a cursor (neither:
// the first page); start is the page's position in the column and cursor
// the card to highlight on it.
func (m *Model) readPage(i int, after, before *store.OpportunityCursor, start, cursor int) tea.Cmd {
	c := &m.cols[i]
	c.seq++
	c.following = nil // a read of its own place wins over a card's
	q := m.query(c.stage.ID)
	q.After, q.Before = after, before
	msg := pageMsg{col: i, stageID: c.stage.ID, seq: m.loadSeq, colSeq: c.seq, after: after, before: before,
		start: start, cursor: cursor}
	ctx, s := m.c.Ctx, m.store
	return func() tea.Msg {
		msg.page, msg.err = s.ListOpportunities(ctx, q)
		return msg
	}
}

func (m *Model) handlePage(msg pageMsg) tea.Cmd {
	if msg.seq != m.loadSeq || msg.col >= len(m.cols) || m.cols[msg.col].stage.ID != msg.stageID ||
		m.cols[msg.col].seq != msg.colSeq {
		return nil
	}
	if msg.err != nil {
		m.Post(common.ErrorMsg{Err: msg.err})
		return nil
	}
	c := &m.cols[msg.col]
	c.following = nil // the latest read of the column answered
	if len(msg.page.Opportunities) == 0 && (msg.after != nil || msg.before != nil) {
		// The page emptied (its cards moved away): show the first page.
		return m.readPage(msg.col, nil, nil, 0, 0)
	}
	c.page, c.after, c.before, c.start = withStage(msg.page, c.stage), msg.after, msg.before, max(0, msg.start)
	if msg.before != nil && !msg.page.HasPrev {
		c.start = 0 // back at the top, whatever was counted on the way
	}
	c.cursor = msg.cursor
	if c.cursor < 0 || c.cursor >= len(c.page.Opportunities) {
		c.cursor = max(0, len(c.page.Opportunities)-1)
	}
	return nil
}

// withStage gives the cards of p, read brief, their column's stage st.
func withStage(p store.OpportunityPage, st store.Stage) store.OpportunityPage {
	for i := range p.Opportunities {
		p.Opportunities[i].Stage = st
	}
	return p
}

// reloadColumn reads column i's page again where it was.
func (m *Model) reloadColumn(i int) tea.Cmd {
	c := m.cols[i]
	if c.following != nil {
		return m.follow(i, *c.following)
	}
	return m.readPage(i, c.after, c.before, c.start, c.cursor)
}

// Selected returns the highlighted card.
func (m *Model) Selected() (store.Opportunity, bool) {
	if m.state != stateReady || m.focus >= len(m.cols) {
		return store.Opportunity{}, false
	}
	return m.cols[m.focus].selected()
}

// Column returns the cards column i shows now, and its stage.
func (m *Model) Column(i int) (store.Stage, []store.Opportunity) {
	if i < 0 || i >= len(m.cols) {
		return store.Stage{}, nil
	}
	return m.cols[i].stage, m.cols[i].page.Opportunities
}

// Totals returns the stages' totals as last read.
func (m *Model) Totals() []store.StageTotals { return m.totals }
