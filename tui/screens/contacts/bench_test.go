package contacts

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/mail/demo"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// benchContacts is the size of the benchmark database, as in package
// store: 100k keeps `make bench` short, `make bench-1m` passes 1000000.
var benchContacts = flag.Int("benchcontacts", 100_000, "contacts in the benchmark database")

// The frame the bars are measured at.
const benchWidth, benchHeight = 120, 40

// benchData is a database of *benchContacts synthetic contacts in a
// temporary directory, built once per process and removed by TestMain.
type benchData struct {
	once     sync.Once
	err      error
	dir      string
	path     string
	db       *store.DB
	prefixes []string // 2–4 letter prefixes of existing last names
}

var bench benchData

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	bench.close()
	os.Exit(code)
}

func (d *benchData) get(b *testing.B) *benchData {
	b.Helper()
	d.once.Do(func() { d.err = d.build(context.Background()) })
	if d.err != nil {
		b.Fatalf("build benchmark database: %v", d.err)
	}
	return d
}

func (d *benchData) build(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "leadmail-contacts-bench-")
	if err != nil {
		return err
	}
	d.dir, d.path = dir, filepath.Join(dir, "bench.db")
	if d.db, err = store.Open(ctx, d.path, store.Options{}); err != nil {
		return err
	}
	var owners []store.User
	for i := range 4 {
		u, err := d.db.UpsertUser(ctx, store.User{Name: fmt.Sprint("Owner ", i),
			Email: fmt.Sprintf("owner%d@example.com", i), Role: store.RoleSalesperson})
		if err != nil {
			return err
		}
		owners = append(owners, u)
	}
	if err := demo.Synthetic(ctx, d.db, *benchContacts, owners, rand.New(rand.NewPCG(2026, 5))); err != nil {
		return err
	}
	// Closed and opened again, as the TUI finds the database after a seed:
	// Close copies the load's WAL into the file, so the background
	// checkpointer is not doing it during the timings.
	if err := d.db.Close(); err != nil {
		return err
	}
	if d.db, err = store.Open(ctx, d.path, store.Options{}); err != nil {
		return err
	}
	// Search prefixes: the start of the last name of the first contact at
	// or after a random two-letter name start, so they spread over the
	// alphabet.
	r := rand.New(rand.NewPCG(7, 7))
	for len(d.prefixes) < 50 {
		at, err := d.db.NameCursor(ctx, string([]byte{byte('a' + r.IntN(26)), byte('a' + r.IntN(26))}))
		if err != nil {
			return err
		}
		p, err := d.db.ListContacts(ctx, store.PageRequest{Limit: 1, After: &at})
		if err != nil {
			return err
		}
		if len(p.Contacts) == 0 {
			continue
		}
		last := strings.ToLower(p.Contacts[0].LastName)
		d.prefixes = append(d.prefixes, last[:min(len(last), 2+r.IntN(3))])
	}
	return nil
}

func (d *benchData) close() {
	if d.db != nil {
		_ = d.db.Close()
	}
	if d.dir != "" {
		_ = os.RemoveAll(d.dir)
	}
}

// drain runs cmd synchronously and feeds its messages back to m, to the
// end. Ticks (the cursor blink, the search debounce) are not run: a
// benchmark sends the debounce's message itself rather than sleep.
func drain(b *testing.B, m *Model, cmd tea.Cmd) {
	b.Helper()
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			drain(b, m, c)
		}
	case pageMsg:
		if msg.err != nil {
			b.Fatal(msg.err)
		}
		drain(b, m, m.update(msg))
	case prefetchMsg:
		if msg.err != nil {
			b.Fatal(msg.err)
		}
		drain(b, m, m.update(msg))
	}
}

// deliver runs cmd and feeds the pages it fetched to m, as the runtime
// would, and returns the commands m answered with (the prefetch of the
// neighbour page) without running them.
func deliver(b *testing.B, m *Model, cmd tea.Cmd) []tea.Cmd {
	b.Helper()
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		var next []tea.Cmd
		for _, c := range msg {
			next = append(next, deliver(b, m, c)...)
		}
		return next
	case pageMsg:
		if msg.err != nil {
			b.Fatal(msg.err)
		}
		return []tea.Cmd{m.update(msg)}
	}
	return nil
}

// benchScreen is the Contacts screen on the benchmark database at
// benchWidth×benchHeight with its first page shown.
func benchScreen(b *testing.B, db *store.DB) *Model {
	b.Helper()
	m := New(tuitest.Common(b), db, Options{})
	m.SetSize(benchWidth, benchHeight)
	drain(b, m, m.Init())
	if m.state != stateReady || len(m.page.Contacts) != m.pageSize() {
		b.Fatalf("first page: state %v, %d rows, err %q", m.state, len(m.page.Contacts), m.errText)
	}
	return m
}

// warmCounts puts the counts of filters in m's cache, as the background
// counts would have by the time the user looks: the timed frames never
// wait on a count, and a benchmark that ran the count's command in its
// timed drain would time it.
func warmCounts(b *testing.B, m *Model, filters ...store.ContactFilter) {
	b.Helper()
	for _, f := range filters {
		n, err := m.store.EstimateContacts(b.Context(), f)
		if err != nil {
			b.Fatal(err)
		}
		m.counts.entries[f] = countEntry{count: n, gen: m.counts.gen}
	}
}

// percentiles reports p50 and p99 of ds beside ns/op: the bars are about
// tail latency.
func percentiles(b *testing.B, ds []time.Duration) {
	b.Helper()
	slices.Sort(ds)
	pct := func(p float64) float64 { return float64(ds[int(p*float64(len(ds)-1))].Nanoseconds()) }
	b.ReportMetric(pct(0.50), "p50-ns")
	b.ReportMetric(pct(0.99), "p99-ns")
}

// BenchmarkKeystrokeFrame is "keystroke → redrawn frame" at a page edge:
// the cursor sits on the last row, down is pressed, and View renders the
// 120×40 frame of the next page (bar: < 16 ms). "prefetched" is what the
// user sees: the next page was prefetched, so the key shows it at once and
// the prefetch of the page beyond runs after the frame, untimed, as it runs
// in the background in the app. "fetch" drops the prefetched page first:
// the fetch command runs against the store and its page goes back through
// Update before the frame, as when the user outruns the prefetch (the
// prefetch that page starts runs after the frame, untimed).
func BenchmarkKeystrokeFrame(b *testing.B) {
	d := bench.get(b)
	for _, prefetched := range []bool{true, false} {
		name := "fetch"
		if prefetched {
			name = "prefetched"
		}
		b.Run(name, func(b *testing.B) {
			m := benchScreen(b, d.db)
			down := tuitest.Key("down")
			var ds []time.Duration
			for b.Loop() {
				if !m.page.HasNext {
					drain(b, m, m.update(tuitest.Key("home")))
				}
				m.setCursor(len(m.page.Contacts) - 1)
				if !prefetched {
					m.ahead = nil
				} else if m.ahead == nil {
					b.Fatal("no prefetched page before down")
				}
				first := m.page.Contacts[0].ID
				start := time.Now()
				later := []tea.Cmd{m.update(down)}
				if !prefetched {
					later = deliver(b, m, later[0])
				}
				v := m.View()
				ds = append(ds, time.Since(start))
				if m.page.Contacts[0].ID == first || v == "" {
					b.Fatal("down on the last row did not show the next page")
				}
				for _, cmd := range later {
					drain(b, m, cmd) // the prefetch of the page beyond
				}
			}
			percentiles(b, ds)
		})
	}
}

// BenchmarkSearchFrame is a search as the user sees it: the debounce fires,
// the search runs, and the frame is drawn (2–4 letter prefixes).
func BenchmarkSearchFrame(b *testing.B) {
	d := bench.get(b)
	m := benchScreen(b, d.db)
	for _, p := range d.prefixes {
		warmCounts(b, m, store.ContactFilter{Search: p})
	}
	var ds []time.Duration
	for i := 0; b.Loop(); i++ {
		m.search.SetValue(d.prefixes[i%len(d.prefixes)])
		m.searchSeq++
		start := time.Now()
		drain(b, m, m.update(searchTickMsg{seq: m.searchSeq}))
		v := m.View()
		ds = append(ds, time.Since(start))
		if len(m.page.Contacts) == 0 || v == "" {
			b.Fatalf("no hit for %q", m.search.Value())
		}
	}
	percentiles(b, ds)
}

// BenchmarkFirstFrame is opening the app on the database to the Contacts
// screen's first frame with rows: store.Open (migrations checked), the
// first page, View (bar: < 100 ms). The page cache is warm, as on a second
// start.
func BenchmarkFirstFrame(b *testing.B) {
	d := bench.get(b)
	all, err := d.db.EstimateContacts(b.Context(), store.ContactFilter{})
	if err != nil {
		b.Fatal(err)
	}
	var ds []time.Duration
	for b.Loop() {
		start := time.Now()
		db, err := store.Open(b.Context(), d.path, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		m := New(tuitest.Common(b), db, Options{})
		m.counts.entries[store.ContactFilter{}] = countEntry{count: all} // counted in the background
		m.SetSize(benchWidth, benchHeight)
		drain(b, m, m.Init())
		v := m.View()
		ds = append(ds, time.Since(start))
		if len(m.page.Contacts) == 0 || !strings.Contains(v, m.page.Contacts[0].LastName) {
			b.Fatal("the first frame has no rows")
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
	}
	percentiles(b, ds)
}

// BenchmarkBrowseMemory browses as a user would, 200 page moves (down at
// the page edge, PgDn, PgUp, End, Home) and 50 searches per iteration, then
// reports the memory held after a GC: heap-MB is the Go heap in use and
// sys-MB what the Go runtime took from the OS. The process's resident set
// is not reported here: this process also built the database. The bar on
// the running TUI's RSS (< 64 MB) is cmd/leadmail's BenchmarkTUIPeakRSS,
// which measures the real program in a process of its own.
func BenchmarkBrowseMemory(b *testing.B) {
	d := bench.get(b)
	m := benchScreen(b, d.db)
	moves := []string{"pgdown", "pgdown", "pgdown", "pgup", "end", "pgup", "home", "pgdown"}
	for b.Loop() {
		for i := range 200 {
			if i%10 == 9 {
				m.setCursor(len(m.page.Contacts) - 1)
				drain(b, m, m.update(tuitest.Key("down")))
				continue
			}
			drain(b, m, m.update(tuitest.Key(moves[i%len(moves)])))
		}
		for i := range 50 {
			m.search.SetValue(d.prefixes[i%len(d.prefixes)])
			m.searchSeq++
			drain(b, m, m.update(searchTickMsg{seq: m.searchSeq}))
			_ = m.View()
		}
		m.search.Reset()
		drain(b, m, m.fetch(store.PageRequest{}, placeAt(0)))
	}
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	const mb = 1 << 20
	b.ReportMetric(float64(ms.HeapInuse)/mb, "heap-MB")
	b.ReportMetric(float64(ms.Sys)/mb, "sys-MB")
}

// BenchmarkSortFilterFrame is "keystroke → redrawn frame" at a page edge,
// the next page fetched (not prefetched), in each sort order and
// direction and under the filters of the filter panel (bar: < 16 ms, as
// BenchmarkKeystrokeFrame; the store's pages are < 1 ms). The count of
// the filter is in the cache, as the background count leaves it.
func BenchmarkSortFilterFrame(b *testing.B) {
	d := bench.get(b)
	owners, err := d.db.ListUsers(b.Context())
	if err != nil || len(owners) == 0 {
		b.Fatalf("owners: %v, %v", owners, err)
	}
	type variant struct {
		name   string
		sort   store.SortOrder
		desc   bool
		narrow store.ContactFilter
	}
	var variants []variant
	for _, o := range store.SortOrders() {
		variants = append(variants, variant{name: string(o), sort: o}, variant{name: string(o) + "-desc", sort: o, desc: true})
	}
	mine := owners[0].ID
	variants = append(variants,
		variant{name: "mine-activity-desc", sort: store.SortActivity, desc: true, narrow: store.ContactFilter{OwnerID: mine}},
		variant{name: "mine-qualified", sort: store.SortName, narrow: store.ContactFilter{OwnerID: mine, Status: store.StatusQualified}},
		variant{name: "stale-365", sort: store.SortName, narrow: store.ContactFilter{StaleDays: 365}},
		variant{name: "mine-stale-30-company", sort: store.SortCompany, narrow: store.ContactFilter{OwnerID: mine, StaleDays: 30}},
	)
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			m := New(tuitest.Common(b), d.db, Options{Me: mine})
			m.sort, m.desc, m.narrow = v.sort, v.desc, v.narrow
			warmCounts(b, m, v.narrow)
			m.SetSize(benchWidth, benchHeight)
			drain(b, m, m.Init())
			if m.state != stateReady || len(m.page.Contacts) == 0 || m.req.Sort != v.sort || m.req.Desc != v.desc {
				b.Fatalf("first page: state %v, %d rows, request %+v", m.state, len(m.page.Contacts), m.req)
			}
			down := tuitest.Key("down")
			var ds []time.Duration
			for b.Loop() {
				if !m.page.HasNext {
					drain(b, m, m.update(tuitest.Key("home")))
				}
				m.setCursor(len(m.page.Contacts) - 1)
				m.ahead = nil
				first := m.page.Contacts[0].ID
				start := time.Now()
				later := deliver(b, m, m.update(down))
				view := m.View()
				ds = append(ds, time.Since(start))
				if m.page.Contacts[0].ID == first || !strings.Contains(view, " of ") {
					b.Fatal("down on the last row did not show the next page with its range")
				}
				for _, cmd := range later {
					drain(b, m, cmd)
				}
			}
			percentiles(b, ds)
		})
	}
}
