package store

import (
	"fmt"
	"slices"
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
	// Older than any stale cutoff, as a cursor on a stale page is.
	cursor := Cursor{SortKey: "1999-01-01", ID: a.ID}
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
					q, args := db.listQuery(req, mode, 51, "")
					plan := queryPlan(t, db, q, args...)
					want := "USING INDEX " + sortSpecs[sort].indexFor(f)
					name := fmt.Sprintf("%s desc=%v mode=%d %+v", sort, desc, mode, f)
					checkPlan(t, name, plan, want, mode == pageAfter || mode == pageBefore)
				}
			}
		}
	}
}

// checkPlan fails unless the plan reads contacts c only through want
// (never the whole table) without sorting and, from a cursor, as the two
// ranges of listQuery, the ties seeking on key and id together.
func checkPlan(t *testing.T, name string, plan []string, want string, cursor bool) {
	t.Helper()
	text := strings.Join(plan, "\n")
	reads := 0
	for _, step := range plan {
		if strings.HasPrefix(step, "SCAN c") || strings.HasPrefix(step, "SEARCH c") {
			reads++
			if !strings.Contains(step, want+" ") && !strings.HasSuffix(step, want) {
				t.Errorf("%s: contacts read otherwise than through %s:\n%s", name, want, text)
			}
		}
	}
	switch {
	case reads == 0:
		t.Errorf("%s: contacts not read:\n%s", name, text)
	case strings.Contains(text, "TEMP B-TREE"):
		t.Errorf("%s: the page is sorted, not walked in order:\n%s", name, text)
	case cursor && (reads != 2 || !strings.Contains(text, "MERGE (UNION ALL)") ||
		!strings.Contains(text, "=? AND id>?") && !strings.Contains(text, "=? AND id<?")):
		t.Errorf("%s: a cursor's page is not the ties then the later keys, each a seek:\n%s", name, text)
	}
}

// TestSearchPagesWalkTheirIndexes: every rank group of a search, short
// prefix or in-word, under a filter, forward and backward from a cursor,
// is read from its FTS indexes in id order (they consume the ORDER BY: no
// sort) and each hit's row by its primary key; the in-word group leaves
// out the hits of the earlier groups by merging the two indexes' streams
// (MERGE (EXCEPT)), not by a query per hit.
func TestSearchPagesWalkTheirIndexes(t *testing.T) {
	db, _ := openTest(t, nil)
	for _, s := range []string{"ab", "müll", "ller", "gmail.com", "a b"} {
		for _, f := range []ContactFilter{{}, {Status: StatusOpen, OwnerID: 1}, {Archived: true}, {Overdue: true}} {
			for i, tier := range searchTiers(s) {
				tier, err := db.planTier(t.Context(), tier)
				if err != nil {
					t.Fatal(err)
				}
				for _, after := range []int64{0, 7} {
					for _, backward := range []bool{false, true} {
						q, args := db.tierQuery(tier, f, briefCols, after, backward, 51)
						text := strings.Join(queryPlan(t, db, q, args...), "\n")
						bad := strings.Contains(text, "TEMP B-TREE") || strings.Contains(text, "CORRELATED") ||
							!strings.Contains(text, "SEARCH c USING INTEGER PRIMARY KEY") ||
							(tier.exclude != "") != strings.Contains(text, "MERGE (EXCEPT)")
						if bad {
							t.Errorf("%q tier %d %+v after %d backward %v:\n%s", s, i, f, after, backward, text)
						}
					}
				}
			}
		}
	}
}

// TestBulkLoadMergesSearchIndexes: a bulk load leaves each FTS index in
// one segment with FTS5's merge settings back at their defaults, finds
// what it loaded by word start and inside words, keeps the indexes of
// archived contacts and of contacts with an open task through the load
// (their rows still listed), and leaves every index consistent.
func TestBulkLoadMergesSearchIndexes(t *testing.T) {
	lowBulk(t, 50)
	db, clock := openTest(t, nil)
	ctx := t.Context()
	u := mustUser(t, db, "rep@x.example")
	gone := mustContact(t, db, "Ada", "Archived", "")
	if _, err := db.Archive(ctx, gone.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	late := mustContact(t, db, "Lou", "Overdue", "")
	task := Task{ContactID: late.ID, Title: "call", DueAt: clock.Now().Add(-time.Hour)}
	if err := db.AddTask(ctx, &task, u.ID); err != nil {
		t.Fatal(err)
	}
	var before []string
	for _, q := range []string{`SELECT rootpage FROM sqlite_schema WHERE name = 'contacts_archived_name'`,
		`SELECT rootpage FROM sqlite_schema WHERE name = 'contacts_due_name'`} {
		var root string
		if err := db.sql.QueryRowContext(ctx, q).Scan(&root); err != nil {
			t.Fatal(err)
		}
		before = append(before, root)
	}
	if err := db.InsertContacts(ctx, bulkSet(300)); err != nil {
		t.Fatal(err)
	}
	for i, q := range []string{`SELECT rootpage FROM sqlite_schema WHERE name = 'contacts_archived_name'`,
		`SELECT rootpage FROM sqlite_schema WHERE name = 'contacts_due_name'`} {
		var root string
		if err := db.sql.QueryRowContext(ctx, q).Scan(&root); err != nil || root != before[i] {
			t.Errorf("%s: rootpage %s, was %s (%v): built again, not kept", q, root, before[i], err)
		}
	}
	for _, fts := range searchTables {
		var segs int
		if err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM `+fts+`_data WHERE id > 10 AND (id >> 37) > 0 AND ((id >> 31) & 63) = 0 AND (id & 2147483647) = 1`).Scan(&segs); err != nil {
			t.Fatal(err)
		}
		if segs != 1 {
			t.Errorf("%s: %d segments after the load, want 1", fts, segs)
		}
		for k, want := range map[string]int{"automerge": 0, "crisismerge": 16} {
			var v int
			if err := db.sql.QueryRowContext(ctx, `SELECT v FROM `+fts+`_config WHERE k = ?`, k).Scan(&v); err != nil || v != want {
				t.Errorf("%s %s = %d (%v), want %d", fts, k, v, err, want)
			}
		}
		if _, err := db.sql.ExecContext(ctx, `INSERT INTO `+fts+` (`+fts+`) VALUES ('integrity-check')`); err != nil {
			t.Errorf("%s: %v", fts, err)
		}
	}
	var ok string
	if err := db.sql.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Errorf("integrity_check: %q, %v", ok, err)
	}
	for search, want := range map[string]int{"bulk12": 11, "ulk29": 11, "zanzi": 300, "nzib": 300} {
		n, err := db.CountContacts(ctx, ContactFilter{Search: search})
		if err != nil || n != want {
			t.Errorf("search %q: %d, %v; want %d", search, n, err, want)
		}
	}
	for f, want := range map[string]ContactFilter{"Archived": {Archived: true}, "Overdue": {Overdue: true}} {
		p, err := db.ListContacts(ctx, PageRequest{Filter: want})
		if err != nil || len(p.Contacts) != 1 || p.Contacts[0].LastName != f {
			t.Errorf("%s after the load: %q, %v", f, lastNames(p), err)
		}
	}
}

// TestStaleFromARecentCursor: in the activity order, a stale page asked
// for beyond a contact that is not stale (a cursor kept from another
// filter) starts at the stale cutoff: descending, the page after it is
// the first; ascending, the page before it is the last.
func TestStaleFromARecentCursor(t *testing.T) {
	db, cs, _ := pagingDB(t)
	ctx := t.Context()
	var recent *Contact
	for i := range cs {
		if !cs[i].LastActivityAt.IsZero() && (recent == nil || cs[i].LastActivityAt.After(recent.LastActivityAt)) {
			recent = &cs[i]
		}
	}
	at := &Cursor{SortKey: recent.LastActivityAt.UTC().Format(timeLayout), ID: recent.ID}
	f := ContactFilter{StaleDays: 40}
	ids := func(req PageRequest) []int64 {
		t.Helper()
		req.Filter, req.Sort, req.Limit = f, SortActivity, 30
		p, err := db.ListContacts(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, c := range p.Contacts {
			out = append(out, c.ID)
		}
		return out
	}
	for _, pair := range []struct{ got, want PageRequest }{
		{PageRequest{Desc: true, After: at}, PageRequest{Desc: true}},
		{PageRequest{Before: at}, PageRequest{Last: true}},
	} {
		got, want := ids(pair.got), ids(pair.want)
		if len(want) != 30 || !slices.Equal(got, want) {
			t.Errorf("desc=%v: %d ids %v, want %v", pair.got.Desc, len(got), got, want)
		}
	}
}
