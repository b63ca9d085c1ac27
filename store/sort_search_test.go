package store

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// names lists the last names of a page.
func lastNames(p ContactPage) []string {
	var out []string
	for _, c := range p.Contacts {
		out = append(out, c.LastName)
	}
	return out
}

// TestNamesSortAsPeopleReadThem is issue 11's collation: by bytes, Schulz
// came before Schäfer, Sullivan before Sánchez, Wright before Wójcik and
// Ångström after Zieliński. In Swedish Å follows Z; a locale change
// rebuilds the keys, and an edit rekeys its row.
func TestNamesSortAsPeopleReadThem(t *testing.T) {
	db, _ := openTest(t, nil)
	ctx := t.Context()
	for _, last := range []string{"Zieliński", "Wright", "Sullivan", "Schulz", "Wójcik", "Ångström", "Schäfer", "Sánchez", "abbott"} {
		mustContact(t, db, "Ann", last, "")
	}
	// One name only: among the others by that name, not before them all.
	solo := mustContact(t, db, "Sam", "", "")
	list := func(desc bool) []string {
		t.Helper()
		p, err := db.ListContacts(ctx, PageRequest{Desc: desc})
		if err != nil {
			t.Fatal(err)
		}
		return lastNames(p)
	}
	root := []string{"abbott", "Ångström", "", "Sánchez", "Schäfer", "Schulz", "Sullivan", "Wójcik", "Wright", "Zieliński"}
	if got := list(false); !slices.Equal(got, root) {
		t.Errorf("root order %q, want %q", got, root)
	}
	desc := slices.Clone(root)
	slices.Reverse(desc)
	if got := list(true); !slices.Equal(got, desc) {
		t.Errorf("descending %q, want %q", got, desc)
	}

	if _, err := db.sql.ExecContext(ctx, `DELETE FROM contacts WHERE id = ?`, solo.ID); err != nil {
		t.Fatal(err)
	}
	var steps []int
	if err := db.RebuildSortKeys(ctx, "sv", func(done, total int) { steps = append(steps, done, total) }); err != nil {
		t.Fatal(err)
	}
	if l, err := db.Locale(ctx); err != nil || l != "sv" {
		t.Errorf("Locale = %q, %v", l, err)
	}
	if !slices.Equal(steps, []int{9, 9}) {
		t.Errorf("progress %v, want [9 9]", steps)
	}
	// Ä is a letter of its own after Z in Swedish too: Schulz, Schäfer.
	sv := []string{"abbott", "Sánchez", "Schulz", "Schäfer", "Sullivan", "Wójcik", "Wright", "Zieliński", "Ångström"}
	if got := list(false); !slices.Equal(got, sv) {
		t.Errorf("Swedish order %q, want %q", got, sv)
	}
	// A contact created, and one edited by any code path, get Swedish keys.
	mustContact(t, db, "Ann", "Ärlig", "")
	if _, err := db.sql.ExecContext(ctx, `UPDATE contacts SET last_name = 'Öberg' WHERE last_name = 'abbott'`); err != nil {
		t.Fatal(err)
	}
	sv = []string{"Sánchez", "Schulz", "Schäfer", "Sullivan", "Wójcik", "Wright", "Zieliński", "Ångström", "Ärlig", "Öberg"}
	if got := list(false); !slices.Equal(got, sv) {
		t.Errorf("after create and edit %q, want %q", got, sv)
	}
	if err := db.RebuildSortKeys(ctx, "not a locale!", nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad locale: %v, want ErrInvalid", err)
	}
}

// TestOpenRebuildsKeysForNewLocale checks that Open with another locale
// rebuilds the keys, and that the same locale does nothing.
func TestOpenRebuildsKeysForNewLocale(t *testing.T) {
	db, _ := openTest(t, nil)
	ctx := t.Context()
	mustContact(t, db, "Ann", "Zeta", "")
	mustContact(t, db, "Ann", "Åberg", "")
	path := db.path
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	calls := 0
	db2, err := Open(ctx, path, Options{Locale: "sv", RekeyProgress: func(int, int) { calls++ }})
	if err != nil {
		t.Fatal(err)
	}
	p, err := db2.ListContacts(ctx, PageRequest{})
	if err != nil || !slices.Equal(lastNames(p), []string{"Zeta", "Åberg"}) || calls == 0 {
		t.Errorf("after Open sv: %q, %v, %d progress calls", lastNames(p), err, calls)
	}
	if err := db2.Close(); err != nil {
		t.Fatal(err)
	}
	calls = 0
	db3, err := Open(ctx, path, Options{Locale: "sv", RekeyProgress: func(int, int) { calls++ }})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db3.Close() }()
	if calls != 0 {
		t.Errorf("same locale rebuilt the keys (%d progress calls)", calls)
	}
	if _, err := Open(ctx, path, Options{Locale: "!!"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Open with a bad locale: %v, want ErrInvalid", err)
	}
}

// TestEverySortAndFilterWalks pages through every sort order, both
// directions, under each filter, forward and backward, and compares with
// the order computed in Go.
func TestEverySortAndFilterWalks(t *testing.T) {
	db, cs, owners := pagingDB(t)
	filters := []ContactFilter{{}, {Kind: KindContact}, {OwnerID: owners[1]}, {Status: StatusQualified},
		{StaleDays: 40}, {Kind: KindLead, OwnerID: owners[2], StaleDays: 10}, {Status: StatusOpen, OwnerID: owners[0]}}
	for _, sort := range SortOrders() {
		for _, f := range filters {
			for _, desc := range []bool{false, true} {
				req := PageRequest{Filter: f, Sort: sort, Desc: desc}
				want := expectedSorted(cs, req)
				if len(want) < 40 {
					t.Fatalf("%+v: only %d contacts match; the test needs several pages", f, len(want))
				}
				fwd, bwd := walkReq(t, db, req, 37)
				if !slices.Equal(fwd, want) || !slices.Equal(bwd, want) {
					t.Errorf("%s desc=%v %+v: walks of %d and %d ids, want %d in order", sort, desc, f, len(fwd), len(bwd), len(want))
				}
			}
		}
	}
}

// TestBadListRequests are refused with ErrInvalid.
func TestBadListRequests(t *testing.T) {
	db, _, _ := pagingDB(t)
	for name, req := range map[string]PageRequest{
		"sort":     {Sort: "age"},
		"status":   {Filter: ContactFilter{Status: "hot"}},
		"stale":    {Filter: ContactFilter{StaleDays: -1}},
		"sort+bad": {Sort: "name; DROP TABLE contacts"},
	} {
		if _, err := db.ListContacts(t.Context(), req); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
		if _, err := db.EstimateContacts(t.Context(), req.Filter); req.Sort == "" && !errors.Is(err, ErrInvalid) {
			t.Errorf("estimate %s: %v, want ErrInvalid", name, err)
		}
	}
}

// TestSearchRanksNameFirstAndFindsInsideWords is issue 11's search: the
// contact whose name starts with the words comes before one whose company
// does, whatever their ids; from three letters on a word is found inside
// names and addresses; one or two letters stay word starts.
func TestSearchRanksNameFirstAndFindsInsideWords(t *testing.T) {
	db, _ := openTest(t, nil)
	ctx := t.Context()
	for _, c := range []Contact{
		{FirstName: "Théo", LastName: "Garnier", Company: "Atelier Lefèvre", Email: "theo@atelier.example"},
		{FirstName: "Chloé", LastName: "Lefèvre", Email: "chloe.l@gmail.com"},
		{FirstName: "Jürgen", LastName: "Müller", Email: "jm@firma.example"},
		{FirstName: "Hans", LastName: "Keller", Email: "hk@gmail.com"},
		{FirstName: "Ella", LastName: "Lerner", Email: "ella@lerner.example"},
	} {
		c.Kind = KindLead
		if err := db.CreateContact(ctx, &c); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"lefèvre", []string{"Lefèvre", "Garnier"}},
		{"LEFEVRE", []string{"Lefèvre", "Garnier"}},
		{"ller", []string{"Müller", "Keller"}},
		{"gmail", []string{"Lefèvre", "Keller"}},
		{"ler", []string{"Lerner", "Müller", "Keller"}}, // the word start first
		{"ll", nil}, // two letters: word starts only
		{"el", []string{"Ella"}},
		{"chloe gmail", []string{"Lefèvre"}},
	} {
		p, err := db.ListContacts(ctx, PageRequest{Filter: ContactFilter{Search: tc.q}})
		if err != nil {
			t.Fatal(err)
		}
		got := lastNames(p)
		if tc.q == "el" {
			got = nil
			for _, c := range p.Contacts {
				got = append(got, c.FirstName)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("search %q: %q, want %q", tc.q, got, tc.want)
		}
		n, err := db.EstimateContacts(ctx, ContactFilter{Search: tc.q})
		if err != nil || n.N != len(tc.want) || !n.Exact {
			t.Errorf("estimate %q: %+v, %v; want exactly %d", tc.q, n, err, len(tc.want))
		}
	}
	// Edits keep the in-word index in step.
	if _, err := db.sql.ExecContext(ctx, `UPDATE contacts SET email = 'hk@posteo.example' WHERE last_name = 'Keller'`); err != nil {
		t.Fatal(err)
	}
	p, err := db.ListContacts(ctx, PageRequest{Filter: ContactFilter{Search: "gmail"}})
	if err != nil || !slices.Equal(lastNames(p), []string{"Lefèvre"}) {
		t.Errorf("after the edit, gmail: %q, %v", lastNames(p), err)
	}
}

// TestEstimateContacts checks the header count: exact on a small table,
// within a few percent and marked estimated on a large one.
func TestEstimateContacts(t *testing.T) {
	db, _, owners := pagingDB(t)
	ctx := t.Context()
	for _, f := range []ContactFilter{{}, {Kind: KindLead}, {OwnerID: owners[0]}, {Search: "ka"}} {
		got, err := db.EstimateContacts(ctx, f)
		want, cerr := db.CountContacts(ctx, f)
		if err != nil || cerr != nil || got.N != want || !got.Exact {
			t.Errorf("%+v: estimate %+v, %v; count %d, %v", f, got, err, want, cerr)
		}
	}
	if testing.Short() {
		return
	}
	big, _ := openTest(t, nil)
	users := []int64{mustUser(t, big, "a@x.example").ID, mustUser(t, big, "b@x.example").ID}
	if err := big.InsertContacts(ctx, synthContacts(60_000, users)); err != nil {
		t.Fatal(err)
	}
	for _, f := range []ContactFilter{{}, {Kind: KindContact}, {OwnerID: users[1]}, {Search: "ka"}, {Search: "mar"}} {
		got, err := big.EstimateContacts(ctx, f)
		want, cerr := big.CountContacts(ctx, f)
		if err != nil || cerr != nil {
			t.Fatal(err, cerr)
		}
		if got.Exact && got.N != want || !got.Exact && (got.N < want*85/100 || got.N > want*115/100) {
			t.Errorf("%+v: estimate %s, exactly %d", f, got, want)
		}
	}
	if got := (Count{N: 12431, Exact: true}).String(); got != "12,431" {
		t.Errorf("Count.String = %q", got)
	}
	if got := (Count{N: 1240000}).String(); got != "≈1,240,000" {
		t.Errorf("Count.String = %q", got)
	}
}

// TestOverdueFilter lists only the contacts with an open task past due.
func TestOverdueFilter(t *testing.T) {
	db, clock := openTest(t, nil)
	ctx := t.Context()
	u := mustUser(t, db, "rep@x.example")
	late := mustContact(t, db, "Ann", "Late", "")
	mustContact(t, db, "Bob", "Fine", "")
	soon := mustContact(t, db, "Cy", "Soon", "")
	for _, tk := range []struct {
		id  int64
		due string
	}{{late.ID, "-1h"}, {soon.ID, "+1h"}} {
		d, _ := time.ParseDuration(tk.due)
		if _, err := db.sql.ExecContext(ctx, `INSERT INTO tasks (contact_id, owner_id, title, due_at, first_due_at, created_at)
VALUES (?, ?, 'call', ?, ?, ?)`, tk.id, u.ID, dbTime(clock.Now().Add(d)), dbTime(clock.Now().Add(d)), dbTime(clock.Now())); err != nil {
			t.Fatal(err)
		}
	}
	for _, sort := range SortOrders() {
		p, err := db.ListContacts(ctx, PageRequest{Sort: sort, Filter: ContactFilter{Overdue: true}})
		if err != nil || !slices.Equal(lastNames(p), []string{"Late"}) {
			t.Errorf("%s: overdue %q, %v", sort, lastNames(p), err)
		}
	}
	if n, err := db.EstimateContacts(ctx, ContactFilter{Overdue: true}); err != nil || n.N != 1 {
		t.Errorf("estimate %+v, %v", n, err)
	}
}

// TestNameCursorJumpsToLetter checks the "jump to a letter" cursor.
func TestNameCursorJumpsToLetter(t *testing.T) {
	db, _ := openTest(t, nil)
	ctx := t.Context()
	for _, last := range []string{"Adams", "Mäkelä", "Moore", "Zorn", "máx"} {
		mustContact(t, db, "A", last, "")
	}
	c, err := db.NameCursor(ctx, "m")
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.ListContacts(ctx, PageRequest{After: &c})
	if err != nil || !slices.Equal(lastNames(p), []string{"Mäkelä", "máx", "Moore", "Zorn"}) || !p.HasPrev {
		t.Errorf("after m: %q, %v", lastNames(p), err)
	}
}

// TestHostileSearchesEverywhere runs the hostile strings through every
// search path: each rank group, both directions, the count and estimate.
func TestHostileSearchesEverywhere(t *testing.T) {
	db, _, _ := pagingDB(t)
	ctx := t.Context()
	for _, s := range append(slices.Clone(hostileSearches), "ller\x00gmail", `"ller" OR "a"`, "ab\u202eCD", strings.Repeat("ller ", 2000)) {
		f := ContactFilter{Search: s}
		for _, req := range []PageRequest{{Filter: f}, {Filter: f, Last: true}, {Filter: f, Brief: true, Limit: 3}} {
			if _, err := db.ListContacts(ctx, req); err != nil {
				t.Errorf("ListContacts(%.40q): %v", s, err)
			}
		}
		if _, err := db.EstimateContacts(ctx, f); err != nil {
			t.Errorf("EstimateContacts(%.40q): %v", s, err)
		}
		if _, err := db.CountContacts(ctx, f); err != nil {
			t.Errorf("CountContacts(%.40q): %v", s, err)
		}
	}
	if got := trigramQuery(`a"b"c ll`); got != "" {
		t.Errorf("trigramQuery with a two-letter word = %q, want none", got)
	}
	if got := trigramQuery(`a"b"c`); got != `"a""b""c"` {
		t.Errorf("trigramQuery quotes = %q", got)
	}
}

// TestOverdueFollowsEveryTaskWrite: the overdue filter reads next_due_at,
// which the tasks triggers of 0008 keep: a task added overdue, completed,
// snoozed into the future, rescheduled into the past, a second open task
// and a deleted one all move the contact in or out, in every sort order,
// and time passing makes a task due later overdue without any write.
func TestOverdueFollowsEveryTaskWrite(t *testing.T) {
	db, clock := openTest(t, nil)
	ctx := t.Context()
	u := mustUser(t, db, "rep@x.example")
	c := mustContact(t, db, "Ann", "Late", "")
	mustContact(t, db, "Bob", "Fine", "")
	overdue := func(step string, want bool) {
		t.Helper()
		for _, sort := range SortOrders() {
			for _, f := range []ContactFilter{{Overdue: true}, {Overdue: true, Kind: KindLead}} {
				p, err := db.ListContacts(ctx, PageRequest{Sort: sort, Filter: f})
				if err != nil {
					t.Fatal(err)
				}
				if got := len(p.Contacts) == 1 && p.Contacts[0].ID == c.ID; got != want || len(p.Contacts) > 1 {
					t.Errorf("%s, %s %+v: overdue %q, want Late listed %v", step, sort, f, lastNames(p), want)
				}
			}
		}
		n, err := db.CountContacts(ctx, ContactFilter{Overdue: true})
		if err != nil || (n == 1) != want {
			t.Errorf("%s: count %d, %v", step, n, err)
		}
	}
	overdue("no task", false)
	late := Task{ContactID: c.ID, Title: "call", DueAt: clock.Now().Add(-time.Hour)}
	if err := db.AddTask(ctx, &late, u.ID); err != nil {
		t.Fatal(err)
	}
	overdue("task due an hour ago", true)
	later := Task{ContactID: c.ID, Title: "mail", DueAt: clock.Now().Add(48 * time.Hour)}
	if err := db.AddTask(ctx, &later, u.ID); err != nil {
		t.Fatal(err)
	}
	overdue("and one due in two days", true)
	if _, err := db.CompleteTask(ctx, late.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	overdue("the late one done", false)
	clock.Advance(72 * time.Hour)
	overdue("three days later", true)
	if _, err := db.SnoozeTask(ctx, later.ID, u.ID, clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	overdue("snoozed an hour", false)
	if _, err := db.sql.ExecContext(ctx, `UPDATE tasks SET due_at = ? WHERE id = ?`,
		dbTime(clock.Now().Add(-time.Minute)), later.ID); err != nil {
		t.Fatal(err)
	}
	overdue("moved into the past", true)
	if _, err := db.sql.ExecContext(ctx, `DELETE FROM tasks WHERE id = ?`, later.ID); err != nil {
		t.Fatal(err)
	}
	overdue("deleted", false)
}

// trigramQuery is the exact MATCH expression of the trigram index for s,
// the tests' yardstick for the in-word group: every word a quoted
// substring, ANDed; "" when a word is shorter than three letters, which
// the trigram index cannot find.
func trigramQuery(s string) string {
	words := searchWords(s)
	for i, w := range words {
		if utf8.RuneCountInString(w) < minTrigramRunes {
			return ""
		}
		words[i] = quoteWord(w)
	}
	return strings.Join(words, " ")
}
