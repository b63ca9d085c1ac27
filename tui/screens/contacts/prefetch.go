package contacts

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
)

// direction is the way the user travels through the listing: the side of
// the visible page whose neighbour is prefetched.
type direction int

const (
	towardsNext direction = iota + 1
	towardsPrev
)

// travel is the direction in which the page req asked for was reached:
// backwards for a page before a cursor and for the last page, forwards for
// the first page and a page after a cursor.
func travel(req store.PageRequest) direction {
	if req.Before != nil || req.Last {
		return towardsPrev
	}
	return towardsNext
}

// neighbour is the page beside the visible one in the direction of travel,
// fetched in the background so that moving onto it shows it at once.
type neighbour struct {
	dir  direction
	req  store.PageRequest
	page store.ContactPage
	// rows is how many rows the page asked for has: fewer than page holds
	// when a short page at the start was replaced by the first page.
	rows int
}

// prefetchMsg carries a neighbour page back to the screen.
type prefetchMsg struct {
	seq  int // the fetchSeq of the page it neighbours
	next neighbour
	err  error
}

// prefetch asks in the background for the neighbour of the visible page in
// the direction it was reached, when there is one. It is tagged with
// fetchSeq: any fetch, and showing a prefetched page, makes it stale.
func (m *Model) prefetch() tea.Cmd {
	req := store.PageRequest{Filter: m.req.Filter, Sort: m.req.Sort, Desc: m.req.Desc, Limit: m.req.Limit,
		Brief: m.req.Brief}
	dir := travel(m.req)
	switch {
	case dir == towardsNext && m.page.HasNext:
		last := m.page.Last
		req.After = &last
	case dir == towardsPrev && m.page.HasPrev:
		first := m.page.First
		req.Before = &first
	default:
		return nil
	}
	seq, ctx, s := m.fetchSeq, m.c.Ctx, m.store
	return func() tea.Msg {
		n, err := loadNeighbour(ctx, s, dir, req)
		return prefetchMsg{seq: seq, next: n, err: err}
	}
}

// loadNeighbour reads the page req asks for. A short page before a cursor
// is replaced by the first page, as handlePage does for a fetch, so that
// the screen never shows a half-empty page at the start.
func loadNeighbour(ctx context.Context, s Store, dir direction, req store.PageRequest) (neighbour, error) {
	p, err := s.ListContacts(ctx, req)
	if err != nil {
		return neighbour{}, err
	}
	n := neighbour{dir: dir, req: req, page: p, rows: len(p.Contacts)}
	if req.Before != nil && !p.HasPrev && len(p.Contacts) < req.Limit {
		first := store.PageRequest{Filter: req.Filter, Sort: req.Sort, Desc: req.Desc, Limit: req.Limit, Brief: req.Brief}
		if n.page, err = s.ListContacts(ctx, first); err != nil {
			return neighbour{}, err
		}
		n.req = first
	}
	return n, nil
}

// handlePrefetch keeps a neighbour page that is still the visible page's.
// A failed prefetch is forgotten: moving on then fetches, and reports.
func (m *Model) handlePrefetch(msg prefetchMsg) {
	if msg.seq != m.fetchSeq || msg.err != nil || m.state != stateReady {
		return
	}
	m.ahead = &msg.next
}

// advance shows the prefetched neighbour if it lies in dir, with the
// cursor placed by place, and returns the prefetch of the page beyond it.
// ok is false when there is no such neighbour: the caller fetches.
func (m *Model) advance(dir direction, place placement) (cmd tea.Cmd, ok bool) {
	n := m.ahead
	if n == nil || n.dir != dir {
		return nil, false
	}
	m.fetchSeq++ // what is on its way was for the page we leave
	m.show(n.req, n.page, placeAt(place.in(n.rows)))
	return m.prefetch(), true
}
