package store

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// benchContacts is the size of the benchmark database. DESIGN.md §6 judges
// at 1M; 100k keeps `go test -bench .` to seconds (keyset pages and FTS
// prefix lookups are O(log n)). -benchcontacts 1000000 checks the real bar.
var benchContacts = flag.Int("benchcontacts", 100_000, "contacts in the benchmark database")

// benchKeep names a database file the benchmarks seed once and reuse on
// later runs (-benchdb /tmp/bench-1m.db): seeding a million contacts takes
// minutes, a page a millisecond. A file seeded with another
// -benchcontacts is refused. The benchmarks that write (an edit, a busy
// timeline) leave their rows behind, as a user's database would have them.
var benchKeep = flag.String("benchdb", "", "seeded benchmark database to reuse (created when missing)")

var syllables = []string{"ka", "lo", "mi", "ran", "de", "su", "ber", "ta", "no", "vi",
	"el", "mar", "tin", "son", "ha", "gen", "ri", "ko", "wal", "li", "an", "dor",
	"fe", "ba", "chi", "ut", "ros", "pel", "yu", "qua"}

// synthName builds a capitalised name of n syllables.
func synthName(r *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		b.WriteString(syllables[r.IntN(len(syllables))])
	}
	s := b.String()
	return strings.ToUpper(s[:1]) + s[1:]
}

// synthEpoch is "now" for the times of synthContacts.
var synthEpoch = time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)

// synthContacts generates n contacts deterministically: 40 first names,
// 2–3 syllable last names, 5,000 companies, a few owners.
func synthContacts(n int, owners []int64) []Contact {
	r := rand.New(rand.NewPCG(2026, 11))
	firsts := make([]string, 40)
	for i := range firsts {
		firsts[i] = synthName(r, 2)
	}
	companies := make([]string, 5000)
	for i := range companies {
		companies[i] = synthName(r, 2+r.IntN(2)) + " " + []string{"Ltd", "GmbH", "Inc", "SA"}[r.IntN(4)]
	}
	cs := make([]Contact, n)
	for i := range cs {
		first, last := firsts[r.IntN(len(firsts))], synthName(r, 2+r.IntN(2))
		co := companies[r.IntN(len(companies))]
		cs[i] = Contact{Kind: KindLead, Status: StatusOpen, FirstName: first, LastName: last,
			Email:   strings.ToLower(first + "." + last + "@" + strings.Fields(co)[0] + ".example"),
			Company: co, City: "City", Country: "NL"}
		switch r.IntN(12) {
		case 0, 1, 2, 3:
			cs[i].Kind, cs[i].Status = KindContact, StatusContact
		case 4, 5:
			cs[i].Status = StatusQualified
		case 6:
			cs[i].Status = StatusUnqualified
		}
		// Created over three years; active over two, one in five never.
		cs[i].CreatedAt = synthEpoch.Add(-time.Duration(r.IntN(3*365*24*60)) * time.Minute)
		if r.IntN(5) != 0 {
			cs[i].LastActivityAt = synthEpoch.Add(-time.Duration(r.IntN(2*365*24*60)) * time.Minute)
		}
		if len(owners) > 0 {
			cs[i].OwnerID = owners[r.IntN(len(owners))]
		}
	}
	return cs
}

// benchData is the shared benchmark database, built once per process.
type benchData struct {
	once     sync.Once
	err      error
	db       *DB
	cursors  []Cursor // spread over the whole listing
	prefixes []string // 2–4 letter prefixes of existing last names
	inword   []string // 3–12 letters from inside one word of a name, email, company
	owner    int64    // the owner of "mine"
	ids      []int64  // spread over the table, for cursors in any order
}

var benchDB benchData

func (d *benchData) get(b *testing.B) *benchData {
	b.Helper()
	d.once.Do(func() { d.err = d.build(context.Background()) })
	if d.err != nil {
		b.Fatalf("build benchmark database: %v", d.err)
	}
	return d
}

func (d *benchData) close() {
	if d.db != nil {
		_ = d.db.Close()
	}
}

func (d *benchData) build(ctx context.Context) error {
	path := filepath.Join(benchRoot, "bench.db")
	if *benchKeep != "" {
		path = *benchKeep
	}
	db, err := Open(ctx, path, Options{})
	if err != nil {
		return err
	}
	d.db = db
	seeded, err := benchSeeded(ctx, db)
	if err != nil {
		return err
	}
	var owners []int64
	for i := range 5 {
		u, err := db.UpsertUser(ctx, User{Name: fmt.Sprint("Owner ", i),
			Email: fmt.Sprintf("owner%d@example.com", i), Role: RoleSalesperson})
		if err != nil {
			return err
		}
		owners = append(owners, u.ID)
	}
	cs := synthContacts(*benchContacts, owners)
	if seeded {
		// The same deterministic contacts, inserted first: ids 1..n.
		for i := range cs {
			cs[i].ID = int64(i + 1)
		}
	} else if err := db.InsertContacts(ctx, cs); err != nil {
		return err
	}
	if err := benchTasksAndArchive(ctx, db, owners); err != nil {
		return err
	}
	// A database at rest, as the TUI finds it after an import or a seed:
	// the load's WAL copied into the file before the timings start, not
	// by the background checkpointer during them.
	if _, err := db.sql.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return err
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT name_key, id FROM contacts ORDER BY name_key, id`)
	if err != nil {
		return err
	}
	defer func() { _ = rows.Close() }()
	for i := 0; rows.Next(); i++ {
		var c Cursor
		if err := rows.Scan(&c.SortKey, &c.ID); err != nil {
			return err
		}
		if i%max(1, *benchContacts/200) == 0 {
			d.cursors = append(d.cursors, c)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(7, 7))
	for len(d.prefixes) < 200 {
		last := strings.ToLower(cs[r.IntN(len(cs))].LastName)
		d.prefixes = append(d.prefixes, last[:min(len(last), 2+r.IntN(3))])
	}
	for len(d.inword) < 200 {
		c := cs[r.IntN(len(cs))]
		local, _, _ := strings.Cut(c.Email, "@")
		text := []string{c.LastName, local, strings.Fields(c.Company)[0]}[r.IntN(3)]
		n := 3 + r.IntN(10)
		if len(text) <= n+1 {
			continue
		}
		at := 1 + r.IntN(len(text)-n) // inside, not at the start
		d.inword = append(d.inword, strings.ToLower(text[at:at+n]))
	}
	d.owner = owners[0]
	for range 200 {
		d.ids = append(d.ids, cs[r.IntN(len(cs))].ID)
	}
	return nil
}

// benchTasksAndArchive gives one contact in 100 an open follow-up task,
// every other one of them overdue, and archives one in 500, once per
// database: what the overdue and archived lists walk.
func benchTasksAndArchive(ctx context.Context, db *DB, owners []int64) error {
	var n int
	if err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM tasks WHERE title = 'bench follow-up'`).Scan(&n); err != nil || n > 0 {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		for id := int64(100); id <= int64(*benchContacts); id += 100 {
			due := db.nowUTC().Add(time.Hour + time.Duration(id)*time.Second)
			if id/100%2 == 0 {
				due = db.nowUTC().Add(-time.Hour - time.Duration(id)*time.Second)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO tasks (contact_id, owner_id, title, due_at, first_due_at, created_at)
VALUES (?, ?, 'bench follow-up', ?, ?, ?)`, id, owners[id/100%int64(len(owners))], dbTime(due), dbTime(due), dbTime(synthEpoch)); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE contacts SET archived_at = ? WHERE id % 500 = 250`, dbTime(synthEpoch))
		return err
	})
}

// benchSeeded reports whether db already holds the benchmark's contacts
// (a -benchdb file from an earlier run), refusing one seeded with another
// -benchcontacts.
func benchSeeded(ctx context.Context, db *DB) (bool, error) {
	var n, beyond int
	if err := db.sql.QueryRowContext(ctx, `SELECT
    (SELECT count(*) FROM contacts WHERE id <= ?1),
    (SELECT count(*) FROM contacts WHERE id > ?1 AND email NOT LIKE 'busy%')`,
		*benchContacts).Scan(&n, &beyond); err != nil {
		return false, err
	}
	switch {
	case n == 0 && beyond == 0:
		return false, nil
	case n != *benchContacts || beyond != 0:
		return false, fmt.Errorf("%s holds %d contacts, not the %d of -benchcontacts", *benchKeep, n+beyond, *benchContacts)
	}
	return true, nil
}

// warmRuns is how many untimed calls measureWarm makes first: one pass
// over the 200 positions or words a read benchmark cycles through.
const warmRuns = 200

// measureWarm is measure for a benchmark that reads: it first makes the
// calls of one pass over the inputs (the same i as the timed ones) without
// timing them, so that the figures are of a database file the kernel holds
// in memory, as it does while someone works in the list. The machine the
// bars are measured on pages out file data left idle for a minute (DAMON),
// and a database seeded a few minutes before the first benchmark is then
// partly read back from disk.
func measureWarm(b *testing.B, op func(i int) error) {
	b.Helper()
	for i := range warmRuns {
		if err := op(i); err != nil {
			b.Fatal(err)
		}
	}
	measure(b, op)
}

// measure runs op in a b.Loop, timing each call, and reports p50 and p99
// beside ns/op: the quality bars are about tail latency.
func measure(b *testing.B, op func(i int) error) {
	b.Helper()
	var ds []time.Duration
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if err := op(i); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(start))
	}
	slices.Sort(ds)
	pct := func(p float64) float64 { return float64(ds[int(p*float64(len(ds)-1))].Nanoseconds()) }
	b.ReportMetric(pct(0.50), "p50-ns")
	b.ReportMetric(pct(0.99), "p99-ns")
}

// pageShapes are the two column sets of a page: every field (Contact
// screen, JSON export) and the table row the Contacts screen asks for.
var pageShapes = []struct {
	name  string
	brief bool
}{{"full", false}, {"brief", true}}

// benchPages runs op for each page shape: "brief" is what the Contacts
// screen pays per page (the < 1 ms p99 bar at 1M).
func benchPages(b *testing.B, op func(d *benchData, req PageRequest, i int) error) {
	d := benchDB.get(b)
	for _, sh := range pageShapes {
		b.Run(sh.name, func(b *testing.B) {
			measureWarm(b, func(i int) error { return op(d, PageRequest{Limit: 50, Brief: sh.brief}, i) })
		})
	}
}

func BenchmarkContactsFirstPage(b *testing.B) {
	benchPages(b, func(d *benchData, req PageRequest, _ int) error {
		p, err := d.db.ListContacts(b.Context(), req)
		if err == nil && len(p.Contacts) != 50 {
			err = fmt.Errorf("got %d rows", len(p.Contacts))
		}
		return err
	})
}

func BenchmarkContactsNextPage(b *testing.B) {
	benchPages(b, func(d *benchData, req PageRequest, i int) error {
		c := d.cursors[i%len(d.cursors)]
		req.After = &c
		_, err := d.db.ListContacts(b.Context(), req)
		return err
	})
}

func BenchmarkContactsPrevPage(b *testing.B) {
	benchPages(b, func(d *benchData, req PageRequest, i int) error {
		c := d.cursors[i%len(d.cursors)]
		req.Before = &c
		_, err := d.db.ListContacts(b.Context(), req)
		return err
	})
}

func BenchmarkContactsKindNextPage(b *testing.B) {
	benchPages(b, func(d *benchData, req PageRequest, i int) error {
		c := d.cursors[i%len(d.cursors)]
		req.After, req.Filter = &c, ContactFilter{Kind: KindContact}
		_, err := d.db.ListContacts(b.Context(), req)
		return err
	})
}

func BenchmarkContactsSearch(b *testing.B) {
	benchPages(b, func(d *benchData, req PageRequest, i int) error {
		req.Filter.Search = d.prefixes[i%len(d.prefixes)]
		p, err := d.db.ListContacts(b.Context(), req)
		if err == nil && len(p.Contacts) == 0 {
			err = fmt.Errorf("no hit for %q", req.Filter.Search)
		}
		return err
	})
}

// benchFilters are the filters every sort order is measured under: none,
// each one alone, and two together.
func benchFilters(d *benchData) []struct {
	name string
	f    ContactFilter
} {
	return []struct {
		name string
		f    ContactFilter
	}{
		{"all", ContactFilter{}},
		{"kind", ContactFilter{Kind: KindContact}},
		{"mine", ContactFilter{OwnerID: d.owner}},
		{"status", ContactFilter{Status: StatusQualified}},
		{"stale", ContactFilter{StaleDays: 365}},
		{"mine+status", ContactFilter{OwnerID: d.owner, Status: StatusQualified}},
		{"overdue", ContactFilter{Overdue: true}},
		{"mine+overdue", ContactFilter{OwnerID: d.owner, Overdue: true}},
		{"archived", ContactFilter{Archived: true}},
	}
}

// BenchmarkContactsSorted is issue 11's list bar: a brief page of 50 from
// a position spread over the table, in every sort order under every
// filter, alternately forward and backward, ascending and descending
// (p99 < 1 ms at 1M).
func BenchmarkContactsSorted(b *testing.B) {
	d := benchDB.get(b)
	for _, sort := range SortOrders() {
		cursors := make([]Cursor, len(d.ids))
		for i, id := range d.ids {
			var key string
			if err := d.db.sql.QueryRowContext(b.Context(), `SELECT `+sortSpecs[sort].expr+` FROM contacts c WHERE id = ?`, id).Scan(&key); err != nil {
				b.Fatal(err)
			}
			cursors[i] = Cursor{SortKey: key, ID: id}
		}
		for _, f := range benchFilters(d) {
			b.Run(string(sort)+"/"+f.name, func(b *testing.B) {
				measureWarm(b, func(i int) error {
					c := cursors[i%len(cursors)]
					req := PageRequest{Filter: f.f, Sort: sort, Desc: i%4 >= 2, Limit: 50, Brief: true}
					if i%2 == 0 {
						req.After = &c
					} else {
						req.Before = &c
					}
					_, err := d.db.ListContacts(b.Context(), req)
					return err
				})
			})
		}
	}
}

// BenchmarkContactsSearchInWord is the in-word bar: 3–12 letters from
// inside last names, emails and company names (one word), first page
// (p99 < 10 ms at 1M).
func BenchmarkContactsSearchInWord(b *testing.B) {
	d := benchDB.get(b)
	measureWarm(b, func(i int) error {
		req := PageRequest{Filter: ContactFilter{Search: d.inword[i%len(d.inword)]}, Limit: 50, Brief: true}
		p, err := d.db.ListContacts(b.Context(), req)
		if err == nil && len(p.Contacts) == 0 {
			err = fmt.Errorf("no hit for %q", req.Filter.Search)
		}
		return err
	})
}

// BenchmarkEstimateContacts is the header's count: a search of 2–4
// letters and a filter.
func BenchmarkEstimateContacts(b *testing.B) {
	d := benchDB.get(b)
	b.Run("search", func(b *testing.B) {
		measureWarm(b, func(i int) error {
			_, err := d.db.EstimateContacts(b.Context(), ContactFilter{Search: d.prefixes[i%len(d.prefixes)]})
			return err
		})
	})
	b.Run("mine+stale", func(b *testing.B) {
		measure(b, func(int) error {
			_, err := d.db.EstimateContacts(b.Context(), ContactFilter{OwnerID: d.owner, StaleDays: 365})
			return err
		})
	})
}

// rebuildTimed is the duration of one RebuildSortKeys of the benchmark
// database, measured once per process (see BenchmarkRebuildSortKeys).
var rebuildTimed struct {
	once sync.Once
	d    time.Duration
	err  error
}

// BenchmarkRebuildSortKeys is a ui.locale change: every contact's keys
// built again, with the indexes on them. It rebuilds once per process,
// whatever -benchtime says (to Swedish, then back to the root locale,
// timed together), so that `-benchtime 1000x` for the page benchmarks
// does not mean a thousand rebuilds; rebuild-s is one rebuild.
func BenchmarkRebuildSortKeys(b *testing.B) {
	d := benchDB.get(b)
	rebuildTimed.once.Do(func() {
		start := time.Now()
		for _, l := range []string{"sv", DefaultLocale} {
			if rebuildTimed.err = d.db.RebuildSortKeys(context.Background(), l, nil); rebuildTimed.err != nil {
				return
			}
		}
		rebuildTimed.d = time.Since(start) / 2
	})
	if rebuildTimed.err != nil {
		b.Fatal(rebuildTimed.err)
	}
	for b.Loop() {
	}
	b.ReportMetric(rebuildTimed.d.Seconds(), "rebuild-s")
	b.ReportMetric(float64(*benchContacts)/rebuildTimed.d.Seconds(), "contacts/s")
}

// BenchmarkInsertContacts measures bulk import, FTS triggers included.
func BenchmarkInsertContacts(b *testing.B) {
	const batch = 10_000
	db, _ := openTest(b, nil)
	cs := synthContacts(batch, nil)
	start := time.Now()
	for b.Loop() {
		if err := db.InsertContacts(b.Context(), slices.Clone(cs)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/time.Since(start).Seconds(), "rows/s")
}

// BenchmarkEnqueueMessage is the store's share of Quick Send: a composed
// message durably queued with its event (bar: < 5 ms from keypress).
func BenchmarkEnqueueMessage(b *testing.B) {
	db, _ := openTest(b, nil)
	u := mustUser(b, db, "sender@example.com")
	c := mustContact(b, db, "Ada", "Lovelace", "ada@example.com")
	raw := []byte(strings.Repeat("x", 4096))
	measure(b, func(i int) error {
		return db.EnqueueMessage(b.Context(), &Message{ContactID: c.ID, UserID: u.ID,
			MessageID: fmt.Sprintf("<%d@bench>", i), Subject: "Hi", From: "sender@example.com",
			Recipients: []string{"ada@example.com"}, Raw: raw})
	})
}
