package contacts

import (
	"context"
	"slices"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// countingStore is the real store, recording every page asked for.
type countingStore struct {
	Store
	mu   sync.Mutex
	reqs []store.PageRequest
}

func (s *countingStore) ListContacts(ctx context.Context, req store.PageRequest) (store.ContactPage, error) {
	s.mu.Lock()
	s.reqs = append(s.reqs, req)
	s.mu.Unlock()
	return s.Store.ListContacts(ctx, req)
}

// take returns the requests since the last take.
func (s *countingStore) take() []store.PageRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.reqs
	s.reqs = nil
	return r
}

// countedScreen is the Contacts screen on a countingStore, 10 rows per
// page, with its first page and that page's prefetched neighbour in.
func countedScreen(t *testing.T) (*Model, *countingStore) {
	t.Helper()
	w := tuitest.NewWorld(t)
	s := &countingStore{Store: w.DB}
	m := New(tuitest.Common(t), s, Options{Me: w.User.ID})
	m.SetSize(120, 13)
	tuitest.Pump(t, m.update, m.Init(), nil)
	if m.state != stateReady || len(m.page.Contacts) != 10 {
		t.Fatalf("first page: state %v, %d rows", m.state, len(m.page.Contacts))
	}
	if got := s.take(); len(got) != 2 || got[1].After == nil || *got[1].After != m.page.Last {
		t.Fatalf("opening asked for %+v, want the first page, then the one after it", got)
	}
	return m, s
}

func ids(p store.ContactPage) []int64 {
	out := make([]int64, len(p.Contacts))
	for i, c := range p.Contacts {
		out[i] = c.ID
	}
	return out
}

// prefetchesOf runs cmd and returns its prefetches, failing on a page
// fetch: the page shown must have come from the prefetch.
func prefetchesOf(t *testing.T, cmd tea.Cmd) []prefetchMsg {
	t.Helper()
	var out []prefetchMsg
	for _, msg := range tuitest.Exec(t, cmd, 0) {
		switch msg := msg.(type) {
		case pageMsg:
			t.Fatalf("a fetch ran (%+v): the prefetched page should have been shown", msg.req)
		case prefetchMsg:
			out = append(out, msg)
		}
	}
	return out
}

func TestPageDownShowsThePrefetchedPage(t *testing.T) {
	m, s := countedScreen(t)
	if m.ahead == nil || m.ahead.dir != towardsNext || !m.ahead.page.HasPrev {
		t.Fatalf("no next page prefetched: %+v", m.ahead)
	}
	next := ids(m.ahead.page)

	m.update(tuitest.Key("down"))
	m.update(tuitest.Key("down"))
	cmd := m.update(tuitest.Key("pgdown"))
	// The rows are there before any command runs: nothing was waited for.
	if got := ids(m.page); !slices.Equal(got, next) || m.cursor != 2 {
		t.Fatalf("pgdown shows %v with the cursor on %d; want the prefetched %v on 2", got, m.cursor, next)
	}
	if m.ahead != nil {
		t.Error("the shown page is still held as the neighbour too")
	}
	if got := s.take(); len(got) != 0 {
		t.Fatalf("pgdown asked the store for %+v", got)
	}
	// Its command prefetches the page after, and nothing else.
	pre := prefetchesOf(t, cmd)
	if len(pre) != 1 {
		t.Fatalf("pgdown started %d prefetches, want 1", len(pre))
	}
	m.update(pre[0])
	if got := s.take(); len(got) != 1 || got[0].After == nil || *got[0].After != m.page.Last {
		t.Fatalf("prefetch asked for %+v, want the page after %v", got, m.page.Last)
	}
	if m.ahead == nil || m.ahead.page.First.ID == m.page.First.ID {
		t.Fatalf("the page after was not kept: %+v", m.ahead)
	}

	// Down at the bottom edge also takes it, landing on its first row.
	after := ids(m.ahead.page)
	m.setCursor(len(m.page.Contacts) - 1)
	cmd = m.update(tuitest.Key("down"))
	if got := ids(m.page); !slices.Equal(got, after) || m.cursor != 0 {
		t.Fatalf("down at the edge shows %v on row %d, want %v on row 0", got, m.cursor, after)
	}
	for _, p := range prefetchesOf(t, cmd) {
		m.update(p)
	}
}

func TestPageUpShowsThePrefetchedPreviousPage(t *testing.T) {
	m, s := countedScreen(t)
	m.press(t, tuitest.Key("G")) // the last page; its previous page is prefetched
	if m.ahead == nil || m.ahead.dir != towardsPrev {
		t.Fatalf("after G the neighbour is %+v, want the previous page", m.ahead)
	}
	prev, lastFirst := ids(m.ahead.page), m.page.First
	s.take()
	cmd := m.update(tuitest.Key("up")) // not on the top row: moves only
	if cmd != nil || !slices.Equal(ids(m.ahead.page), prev) {
		t.Fatal("up inside the page touched the neighbour")
	}
	m.setCursor(0)
	cmd = m.update(tuitest.Key("up"))
	if got := ids(m.page); !slices.Equal(got, prev) || m.cursor != len(prev)-1 || m.page.Last == lastFirst {
		t.Fatalf("up at the top edge shows %v on row %d, want %v on its last row", got, m.cursor, prev)
	}
	for _, p := range prefetchesOf(t, cmd) {
		m.update(p)
	}
	if got := s.take(); len(got) != 1 || got[0].Before == nil {
		t.Errorf("after moving up it prefetched %+v, want the page before", got)
	}
	// Against the direction of travel there is nothing prefetched: pgdown
	// fetches.
	var fetched bool
	for _, msg := range tuitest.Exec(t, m.update(tuitest.Key("pgdown")), 0) {
		_, fetched = msg.(pageMsg)
	}
	if !fetched {
		t.Error("pgdown against the direction of travel did not fetch")
	}
}

func TestShortPreviousPageIsPrefetchedAsTheFirstPage(t *testing.T) {
	m, _ := countedScreen(t)
	first := ids(m.page)
	// Show rows 4–13, reached backwards: the page before them is only
	// three rows, so the first page is prefetched instead.
	p, err := m.store.ListContacts(t.Context(), store.PageRequest{Limit: 14, Brief: true})
	if err != nil {
		t.Fatal(err)
	}
	tuitest.Pump(t, m.update, m.fetch(store.PageRequest{Before: &p.Last}, placeAt(0)), nil)
	if got := ids(m.page); !slices.Equal(got[:7], first[3:]) {
		t.Fatalf("the page before row 14 is %v, want it to start at row 4 of %v", got, first)
	}
	if m.ahead == nil || m.ahead.rows != 3 || !slices.Equal(ids(m.ahead.page), first) {
		t.Fatalf("neighbour %+v, want the first page standing for 3 rows", m.ahead)
	}
	// Up at the top edge lands on row 3, the contact just above.
	m.update(tuitest.Key("up"))
	if !slices.Equal(ids(m.page), first) || m.cursor != 2 || m.page.HasPrev {
		t.Errorf("up at the top edge: %v, cursor %d; want the first page on row 2", ids(m.page), m.cursor)
	}
}

func TestSearchAndFilterDropThePrefetchedPage(t *testing.T) {
	m, _ := countedScreen(t)
	if m.ahead == nil {
		t.Fatal("nothing prefetched")
	}
	m.update(tuitest.Key("/"))
	for _, k := range tuitest.Type("ada") {
		m.update(k)
	}
	cmd := m.update(tuitest.Key("enter"))
	if m.ahead != nil {
		t.Fatal("the search started, and the page prefetched without it is still held")
	}
	tuitest.Pump(t, m.update, cmd, nil)
	if m.ahead != nil || len(m.page.Contacts) != 1 {
		t.Fatalf("search ada: %d rows, neighbour %+v; want 1 row and none", len(m.page.Contacts), m.ahead)
	}

	m.press(t, tuitest.Key("esc"))
	stale := m.prefetch() // the unfiltered page's neighbour, answering late
	cmd = m.update(tuitest.Key("tab"))
	if m.ahead != nil {
		t.Fatal("the filter changed, and the page prefetched without it is still held")
	}
	tuitest.Pump(t, m.update, cmd, nil)
	for _, msg := range tuitest.Exec(t, stale, 0) {
		m.update(msg)
	}
	if m.ahead == nil || m.ahead.req.Filter.Kind != store.KindLead {
		t.Fatalf("after tab the neighbour is %+v, want a page of leads", m.ahead)
	}
	for _, c := range m.ahead.page.Contacts {
		if c.Kind != store.KindLead {
			t.Fatalf("the prefetched leads page holds %s (%s)", c.Name(), c.Kind)
		}
	}
}

func TestStalePrefetchIgnored(t *testing.T) {
	m, _ := countedScreen(t)
	stale := m.prefetch() // for the first page
	m.press(t, tuitest.Key("G"))
	want := ids(m.ahead.page)
	for _, msg := range tuitest.Exec(t, stale, 0) {
		if _, ok := msg.(prefetchMsg); !ok {
			t.Fatalf("prefetch returned %T", msg)
		}
		m.update(msg)
	}
	if m.ahead == nil || m.ahead.dir != towardsPrev || !slices.Equal(ids(m.ahead.page), want) {
		t.Fatalf("a stale prefetch replaced the neighbour: %+v", m.ahead)
	}
	// And one for a page that was shown from the prefetch and left again.
	m.setCursor(0)
	stale = m.prefetch()
	m.update(tuitest.Key("up")) // shows the prefetched page: a new fetchSeq
	for _, msg := range tuitest.Exec(t, stale, 0) {
		m.update(msg)
	}
	if m.ahead != nil {
		t.Errorf("a prefetch for the page left behind was kept: %+v", m.ahead.req)
	}
}

func TestHoldsAtMostOneNeighbourPage(t *testing.T) {
	m, _ := countedScreen(t)
	for _, k := range []string{"pgdown", "pgdown", "down", "pgup", "G", "up", "pgup", "g", "pgdown"} {
		m.press(t, tuitest.Key(k))
		if m.ahead != nil && len(m.ahead.page.Contacts) > m.pageSize() {
			t.Fatalf("after %s the neighbour holds %d rows, page size %d", k, len(m.ahead.page.Contacts), m.pageSize())
		}
		if len(m.page.Contacts) > m.pageSize() {
			t.Fatalf("after %s the page holds %d rows", k, len(m.page.Contacts))
		}
	}
}
