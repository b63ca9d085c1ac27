package store

import (
	"context"
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
		if r.IntN(3) == 0 {
			cs[i].Kind, cs[i].Status = KindContact, StatusContact
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
	db, err := Open(ctx, filepath.Join(benchRoot, "bench.db"), Options{})
	if err != nil {
		return err
	}
	d.db = db
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
	if err := db.InsertContacts(ctx, cs); err != nil {
		return err
	}
	// A database at rest, as the TUI finds it after an import or a seed:
	// the load's WAL copied into the file before the timings start, not
	// by the background checkpointer during them.
	if _, err := db.sql.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return err
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT sort_key, id FROM contacts ORDER BY sort_key, id`)
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
	return nil
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
			measure(b, func(i int) error { return op(d, PageRequest{Limit: 50, Brief: sh.brief}, i) })
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
