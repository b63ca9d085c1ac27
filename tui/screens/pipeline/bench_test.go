package pipeline

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// benchOpportunities is the pipeline's size in the benchmark (issue 12:
// first frame < 20 ms with 100,000 opportunities).
const benchOpportunities = 100_000

// seedPipeline writes n opportunities over the open stages and four
// owners straight into the database file, in one transaction: through
// CreateOpportunity it would take minutes. Rows are as the store writes
// them (value in minor units, close_key, state of the stage).
func seedPipeline(b *testing.B, n int) (*store.DB, store.User) {
	b.Helper()
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "bench.db")
	db, err := store.Open(ctx, path, store.Options{Now: tuitest.Clock})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	var owners []store.User
	for i := range 4 {
		u, err := db.UpsertUser(ctx, store.User{Name: fmt.Sprintf("Seller %d", i), Email: fmt.Sprintf("s%d@acme.test", i),
			Role: store.RoleSalesperson})
		if err != nil {
			b.Fatal(err)
		}
		owners = append(owners, u)
	}
	contacts := make([]store.Contact, 1000)
	for i := range contacts {
		contacts[i] = store.Contact{Kind: store.KindContact, Status: store.StatusContactWithOpportunity,
			FirstName: "Pat", LastName: fmt.Sprintf("Buyer %04d", i), Email: fmt.Sprintf("pat%d@example.test", i),
			Company: fmt.Sprintf("Company %d", i%97), OwnerID: owners[i%4].ID}
	}
	if err := db.InsertContacts(ctx, contacts); err != nil {
		b.Fatal(err)
	}
	stages, err := db.Stages(ctx)
	if err != nil {
		b.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)")
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = raw.Close() }()
	var firstContact int64
	if err := raw.QueryRow(`SELECT min(id) FROM contacts`).Scan(&firstContact); err != nil {
		b.Fatal(err)
	}
	tx, err := raw.Begin()
	if err != nil {
		b.Fatal(err)
	}
	ins, err := tx.Prepare(`INSERT INTO opportunities (name, value_minor, currency, stage_id, close_date, close_key,
    owner_id, primary_contact_id, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = ins.Close() }()
	link, err := tx.Prepare(`INSERT INTO opportunity_contacts (opportunity_id, contact_id) VALUES (?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = link.Close() }()
	now := tuitest.Now.UTC().Format("2006-01-02 15:04:05.000000000-07:00")
	currencies := []string{"EUR", "USD", "GBP"}
	for i := range n {
		s := stages[i%len(stages)]
		day := tuitest.Now.AddDate(0, 0, i%365).Format(time.DateOnly)
		contact := firstContact + int64(i%len(contacts))
		res, err := ins.Exec(fmt.Sprintf("Deal %06d", i), int64(1000+i%50_000)*100, currencies[i%3], s.ID, day, day,
			owners[i%4].ID, contact, string(s.Outcome), now, now)
		if err != nil {
			b.Fatal(err)
		}
		id, _ := res.LastInsertId()
		if _, err := link.Exec(id, contact); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return db, owners[0]
}

// BenchmarkFirstFrame is the Pipeline screen from nothing to its first
// frame: stages, totals, the first page of every open column, and the
// view, with 100,000 opportunities (everyone's and one owner's).
func BenchmarkFirstFrame(b *testing.B) {
	db, me := seedPipeline(b, benchOpportunities)
	for _, mine := range []bool{false, true} {
		name := "everyone"
		if mine {
			name = "mine"
		}
		b.Run(name, func(b *testing.B) {
			c := tuitest.Common(b)
			for b.Loop() {
				m := New(c, db, Options{Me: me})
				if !mine {
					m.filter.owner = 0
				}
				m.SetSize(120, 40)
				m.Update(m.Init()())
				if m.state != stateReady || len(m.cols[0].page.Opportunities) == 0 {
					b.Fatalf("not ready: %s", m.errText)
				}
				_ = m.View()
			}
		})
	}
}

// BenchmarkNextPage is ↓ past a column's last card: one keyset page.
func BenchmarkNextPage(b *testing.B) {
	db, me := seedPipeline(b, benchOpportunities)
	m := New(tuitest.Common(b), db, Options{Me: me})
	m.filter.owner = 0
	m.SetSize(120, 40)
	m.Update(m.Init()())
	first := m.cols[0].page
	for b.Loop() {
		last := first.Last
		msg := m.readPage(0, &last, nil, len(first.Opportunities), 0)()
		if p := msg.(pageMsg); p.err != nil || len(p.page.Opportunities) == 0 {
			b.Fatal(p.err)
		}
	}
}
