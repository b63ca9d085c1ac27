package contacts

import (
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// maxCounts bounds the filters whose counts are kept: each search typed is
// a filter of its own.
const maxCounts = 64

// countCache holds how many contacts each filter matches, so that going
// back to a filter shows its count at once. Counts are asked for in the
// background after the page is shown: paging never waits on them. When
// the contacts change, every count is outdated (gen moves on) but still
// shown until its recount arrives, so the header does not flicker.
type countCache struct {
	gen     int // moves on when the contacts change
	entries map[store.ContactFilter]countEntry
	asked   map[store.ContactFilter]int // the gen of a count on its way
}

type countEntry struct {
	count store.Count
	gen   int
}

func newCountCache() countCache {
	return countCache{entries: map[store.ContactFilter]countEntry{}, asked: map[store.ContactFilter]int{}}
}

// get returns the count of f, perhaps outdated.
func (c *countCache) get(f store.ContactFilter) (store.Count, bool) {
	e, ok := c.entries[f]
	return e.count, ok
}

// outdate marks every count as needing a recount.
func (c *countCache) outdate() { c.gen++ }

// countMsg carries a count back to the screen.
type countMsg struct {
	filter store.ContactFilter
	gen    int
	count  store.Count
	err    error
}

// count asks for the count of the filter on screen, unless it is known and
// current or already on its way. The command copies what it needs.
func (m *Model) count() tea.Cmd {
	f := m.req.Filter
	if e, ok := m.counts.entries[f]; ok && e.gen == m.counts.gen {
		return nil
	}
	if g, ok := m.counts.asked[f]; ok && g == m.counts.gen {
		return nil
	}
	m.counts.asked[f] = m.counts.gen
	gen, ctx, s := m.counts.gen, m.c.Ctx, m.store
	return func() tea.Msg {
		n, err := s.EstimateContacts(ctx, f)
		return countMsg{filter: f, gen: gen, count: n, err: err}
	}
}

// handleCount keeps a count unless a newer one of the same filter is
// already in. A failed count leaves the header without one and says why
// in the status line.
func (m *Model) handleCount(msg countMsg) {
	if m.counts.asked[msg.filter] == msg.gen {
		delete(m.counts.asked, msg.filter)
	}
	if msg.err != nil {
		if m.c.ErrText(msg.err) != "" {
			m.Post(common.ErrorMsg{Err: msg.err})
		}
		return
	}
	if e, ok := m.counts.entries[msg.filter]; ok && e.gen > msg.gen {
		return
	}
	if len(m.counts.entries) >= maxCounts {
		keep, ok := m.counts.entries[m.req.Filter]
		clear(m.counts.entries)
		if ok {
			m.counts.entries[m.req.Filter] = keep
		}
	}
	m.counts.entries[msg.filter] = countEntry{count: msg.count, gen: msg.gen}
}

// position is where the page on screen lies in the listing, as far as
// keyset paging can tell without counting: the rows before it, counted
// from the start (after Home or paging on from there), or the rows after
// it, counted from the end (after End). known is false when neither can
// be told.
type position struct {
	fromEnd bool
	n       int
	known   bool
}

// positionOf is where page, fetched by req, lies, worked out from where
// the page on screen lies: the next page starts where this one ends, the
// previous one ends where this one starts, and the same page asked again
// keeps the side it is anchored on. A page with nothing before it is at
// the start, and one with nothing after it at the end.
func (m *Model) positionOf(req store.PageRequest, page store.ContactPage) position {
	old, oldLen, newLen := m.pos, len(m.page.Contacts), len(page.Contacts)
	ready := m.state == stateReady && old.known
	var p position
	switch {
	case req.Last:
		p = position{fromEnd: true, known: true}
	case req.After == nil && req.Before == nil:
		p = position{known: true}
	case !ready:
	case sameAnchor(req, m.req):
		// Asked again: the side the cursor holds stays put.
		p = old
		if old.fromEnd == (req.After != nil) {
			p.n = old.n + oldLen - newLen
		}
	case req.After != nil && *req.After == m.page.Last:
		p = old
		if old.fromEnd {
			p.n = old.n - newLen
		} else {
			p.n = old.n + oldLen
		}
	case req.Before != nil && *req.Before == m.page.First:
		p = old
		if old.fromEnd {
			p.n = old.n + oldLen
		} else {
			p.n = old.n - newLen
		}
	}
	switch {
	case !page.HasPrev:
		p = position{known: true}
	case !page.HasNext && (!p.known || p.fromEnd):
		// Counted from the start it stays so: that is exact, where
		// the count may be an estimate.
		p = position{fromEnd: true, known: true}
	}
	p.n = max(0, p.n)
	return p
}

// sameAnchor reports whether a and b ask for the page at the same cursor.
func sameAnchor(a, b store.PageRequest) bool {
	switch {
	case a.After != nil:
		return b.After != nil && *a.After == *b.After
	case a.Before != nil:
		return b.Before != nil && *a.Before == *b.Before
	}
	return false
}

// rangeText is the rows on screen out of how many match: "1–19 of 62",
// "≈11,981–12,000 of ≈12,000" where the count is an estimate and the page
// was reached from the end; "" when it cannot be told (the hints say
// ↑/↓ more instead).
func (m *Model) rangeText() string {
	rows := len(m.page.Contacts)
	if m.state != stateReady || rows == 0 || !m.pos.known {
		return ""
	}
	total, counted := m.counts.get(m.req.Filter)
	from, approx := m.pos.n+1, false
	if !m.pos.fromEnd && !m.page.HasNext {
		// The last page, counted from the start: the rows tell how many.
		total, counted = store.Count{N: m.pos.n + rows, Exact: true}, true
	}
	if m.pos.fromEnd {
		if !counted {
			return ""
		}
		from, approx = total.N-m.pos.n-rows+1, !total.Exact
		if from < 1 { // the count lags behind the contacts
			from, approx = 1, true
		}
	}
	to := from + rows - 1
	if counted && to > total.N {
		// The count lags behind, or estimated low: the rows are there.
		total = store.Count{N: to, Exact: total.Exact && !approx}
	}
	num := func(n int) string { return store.Count{N: n, Exact: true}.String() }
	text := num(from) + "–" + num(to)
	if approx {
		text = "≈" + text
	}
	if counted {
		text += " of " + total.String()
	}
	return text
}
