package store

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// queryPlan is SQLite's EXPLAIN QUERY PLAN of q, one detail per line.
func queryPlan(t *testing.T, db *DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.sql.QueryContext(t.Context(), `EXPLAIN QUERY PLAN `+q, args...)
	if err != nil {
		t.Fatalf("explain: %v\n%s", err, q)
	}
	defer func() { _ = rows.Close() }()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan
}

// planFilters are the filters every sort order is planned under: none,
// each alone, and the combinations a salesperson reaches for.
func planFilters(owner int64) []ContactFilter {
	return []ContactFilter{
		{},
		{Kind: KindLead},
		{OwnerID: owner},
		{Status: StatusQualified},
		{StaleDays: 30},
		{Overdue: true},
		{Archived: true},
		{OwnerID: owner, Status: StatusQualified},
		{OwnerID: owner, Kind: KindLead},
		{Kind: KindContact, Status: StatusContact},
		{OwnerID: owner, StaleDays: 30},
		{Status: StatusOpen, Overdue: true},
		{OwnerID: owner, Overdue: true},
		{Archived: true, OwnerID: owner, Status: StatusOpen},
	}
}

// TestEveryListPagesOnAnIndex is the proof of the list bar that does not
// depend on the machine's load: every sort order, ascending and
// descending, under every filter, for the first, next, previous and last
// page, is a walk of the contacts index made for it in display order —
// never a scan of the table and never a sort (no temporary B-tree), so a
// page of 50 reads about 50 index entries whatever the table holds. The
// database has the contacts, tasks and archived rows that make each index
// usable, and a database without statistics, as a user has it.
func TestEveryListPagesOnAnIndex(t *testing.T) {
	db, clock := openTest(t, nil)
	ctx := t.Context()
	u := mustUser(t, db, "rep@x.example")
	a := mustContact(t, db, "Ann", "Able", "")
	mustContact(t, db, "Bo", "Baker", "")
	if _, err := db.sql.ExecContext(ctx, `INSERT INTO tasks (contact_id, owner_id, title, due_at, first_due_at, created_at)
VALUES (?, ?, 'call', ?, ?, ?)`, a.ID, u.ID, dbTime(clock.Now().Add(-time.Hour)), dbTime(clock.Now()), dbTime(clock.Now())); err != nil {
		t.Fatal(err)
	}
	cursor := Cursor{SortKey: "k", ID: a.ID}
	for _, sort := range SortOrders() {
		for _, f := range planFilters(u.ID) {
			for _, desc := range []bool{false, true} {
				for _, mode := range []pageMode{pageFirst, pageAfter, pageBefore, pageLast} {
					req := PageRequest{Filter: f, Sort: sort, Desc: desc, Brief: true}
					switch mode {
					case pageAfter:
						req.After = &cursor
					case pageBefore:
						req.Before = &cursor
					case pageLast:
						req.Last = true
					}
					q, args := db.listQuery(req, mode, 51)
					plan := queryPlan(t, db, q, args...)
					want := "USING INDEX " + sortSpecs[sort].indexFor(f)
					name := fmt.Sprintf("%s desc=%v mode=%d %+v", sort, desc, mode, f)
					checkPlan(t, name, plan, want)
				}
			}
		}
	}
}

// checkPlan fails unless the plan reads contacts c through want (and not
// the whole table) without sorting.
func checkPlan(t *testing.T, name string, plan []string, want string) {
	t.Helper()
	text := strings.Join(plan, "\n")
	onIndex := false
	for _, step := range plan {
		if strings.HasPrefix(step, "SCAN c") || strings.HasPrefix(step, "SEARCH c") {
			onIndex = strings.Contains(step, want+" ") || strings.HasSuffix(step, want)
		}
	}
	switch {
	case !onIndex:
		t.Errorf("%s: contacts not read through %s:\n%s", name, want, text)
	case strings.Contains(text, "TEMP B-TREE"):
		t.Errorf("%s: the page is sorted, not walked in order:\n%s", name, text)
	}
}

// TestSearchPagesWalkTheirIndexes: every rank group of a search, short
// prefix or in-word, under a filter, is read from its FTS index in id
// order (the index consumes the ORDER BY, no sort) and each hit's row by
// its primary key.
func TestSearchPagesWalkTheirIndexes(t *testing.T) {
	db, _ := openTest(t, nil)
	for _, s := range []string{"ab", "müll", "ller", "gmail.com", "a b"} {
		for _, f := range []ContactFilter{{}, {Status: StatusOpen, OwnerID: 1}, {Archived: true}, {Overdue: true}} {
			for i, tier := range searchTiers(s) {
				from, where, args := tier.from()
				where, args = db.filterWhere(f, append(where, `f.rowid > ?`), append(args, 7))
				q := `SELECT c.id FROM ` + from + whereClause(where) + "\nORDER BY f.rowid LIMIT 51"
				plan := queryPlan(t, db, q, args...)
				text := strings.Join(plan, "\n")
				if strings.Contains(text, "TEMP B-TREE") || !strings.Contains(text, "SEARCH c USING INTEGER PRIMARY KEY") {
					t.Errorf("%q tier %d %+v:\n%s", s, i, f, text)
				}
			}
		}
	}
}
