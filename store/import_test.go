package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync/atomic"
	"testing"
)

func importSet() []Contact {
	return []Contact{
		{Kind: KindLead, FirstName: "Ada", LastName: "Lovelace", Email: "ADA@example.com",
			Company: "Engines", Custom: map[string]string{"source": "fair"}},
		{Kind: KindContact, FirstName: "New", LastName: "Person", Email: "new@example.com", City: "Oslo"},
		{Kind: KindLead, FirstName: "No", LastName: "Mail"},
		{Kind: KindLead, FirstName: "Again", Email: "new@EXAMPLE.com", Title: "CTO"},
	}
}

func TestImportContactsSkip(t *testing.T) {
	db, c := openTest(t, nil)
	old := mustContact(t, db, "Ada", "Byron", "ada@example.com")
	c.Advance(1)
	cs := importSet()
	rep, err := db.ImportContacts(t.Context(), cs, ImportOptions{Source: "x.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if rep != (ImportReport{Created: 2, Skipped: 2}) {
		t.Fatalf("report %+v", rep)
	}
	got, err := db.GetContact(t.Context(), old.ID)
	if err != nil || got.LastName != "Byron" || got.Company != "" {
		t.Fatalf("existing contact changed: %+v %v", got, err)
	}
	if cs[0].ID != 0 || cs[1].ID == 0 || cs[2].ID == 0 || cs[3].ID != 0 {
		t.Errorf("ids %d %d %d %d", cs[0].ID, cs[1].ID, cs[2].ID, cs[3].ID)
	}
	n, err := db.GetContact(t.Context(), cs[1].ID)
	if err != nil || n.Kind != KindContact || n.City != "Oslo" || n.Email != "new@example.com" {
		t.Errorf("created %+v %v", n, err)
	}
	ev, err := db.Timeline(t.Context(), cs[1].ID, 0)
	if err != nil || len(ev) != 1 || ev[0].Kind != EventCreated || ev[0].Subject != "Created — imported from x.csv" {
		t.Fatalf("timeline %+v %v", ev, err)
	}
	if n.LastActivityAt.IsZero() {
		t.Error("last activity not set")
	}
	// The FTS triggers indexed the new rows.
	page, err := db.ListContacts(t.Context(), PageRequest{Filter: ContactFilter{Search: "perso"}})
	if err != nil || len(page.Contacts) != 1 || page.Contacts[0].ID != cs[1].ID {
		t.Errorf("search %+v %v", page.Contacts, err)
	}
}

func TestImportContactsUpdate(t *testing.T) {
	db, _ := openTest(t, nil)
	old := mustContact(t, db, "Ada", "Byron", "ada@example.com")
	rep, err := db.ImportContacts(t.Context(), importSet(), ImportOptions{OnDuplicate: DuplicateUpdate})
	if err != nil {
		t.Fatal(err)
	}
	if rep != (ImportReport{Created: 2, Updated: 2}) {
		t.Fatalf("report %+v", rep)
	}
	got, err := db.GetContact(t.Context(), old.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.FirstName != "Ada" || got.LastName != "Lovelace" || got.Company != "Engines" ||
		got.Email != "ada@example.com" || !maps.Equal(got.Custom, map[string]string{"source": "fair"}) {
		t.Errorf("updated %+v", got)
	}
	n, err := db.ContactByEmail(t.Context(), "new@example.com")
	if err != nil || n.Title != "CTO" || n.FirstName != "Again" || n.City != "Oslo" {
		t.Errorf("merged in-set duplicate %+v %v", n, err)
	}
	if k := rowCount(t, db, "contacts"); k != 3 {
		t.Errorf("%d contacts, want 3", k)
	}
}

func TestImportContactsDryRunAndFailures(t *testing.T) {
	db, _ := openTest(t, nil)
	mustContact(t, db, "Ada", "Byron", "ada@example.com")
	before := counts(t, db)

	rep, err := db.ImportContacts(t.Context(), importSet(), ImportOptions{DryRun: true})
	if err != nil || rep != (ImportReport{Created: 2, Skipped: 2}) {
		t.Fatalf("dry run %+v %v", rep, err)
	}
	if after := counts(t, db); !maps.Equal(before, after) {
		t.Errorf("dry run wrote: %v -> %v", before, after)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = db.ImportContacts(ctx, importSet(), ImportOptions{})
	wantErr(t, err, context.Canceled)
	if after := counts(t, db); !maps.Equal(before, after) {
		t.Errorf("cancelled import wrote: %v -> %v", before, after)
	}

	bad := append(importSet(), Contact{Kind: KindLead, FirstName: "X", OwnerID: 999})
	_, err = db.ImportContacts(t.Context(), bad, ImportOptions{})
	wantErr(t, err, ErrInvalid)
	bad = append(importSet(), Contact{Kind: "alien", FirstName: "X"})
	_, err = db.ImportContacts(t.Context(), bad, ImportOptions{})
	wantErr(t, err, ErrInvalid)
	_, err = db.ImportContacts(t.Context(), importSet(), ImportOptions{OnDuplicate: "merge"})
	wantErr(t, err, ErrInvalid)
	if after := counts(t, db); !maps.Equal(before, after) {
		t.Errorf("failed import wrote: %v -> %v", before, after)
	}
}

// cancelAfter is a context whose Err turns to Canceled after n calls: the
// import checks it per row and per batch, so the cancel lands at a known
// point, here after the first batch is inserted.
type cancelAfter struct {
	context.Context
	n atomic.Int64
}

func (c *cancelAfter) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return c.Context.Err()
}

// A cancelled import writes nothing, in small or in bulk (into an empty
// table, with its search indexes built beside: no scratch left either).
func TestImportContactsCancelMidway(t *testing.T) {
	for _, bulk := range []bool{false, true} {
		t.Run(fmt.Sprintf("bulk=%v", bulk), func(t *testing.T) {
			if bulk {
				lowBulk(t, 50)
			}
			db, _ := openTest(t, nil)
			before := counts(t, db)
			cs := make([]Contact, 3*insertBatch)
			for i := range cs {
				cs[i] = Contact{Kind: KindLead, FirstName: "P", LastName: fmt.Sprint(i)} // no email, each a new person
			}
			ctx := &cancelAfter{Context: t.Context()}
			ctx.n.Store(int64(len(cs)) + 2)
			_, err := db.ImportContacts(ctx, cs, ImportOptions{})
			wantErr(t, err, context.Canceled)
			if after := counts(t, db); !maps.Equal(before, after) {
				t.Errorf("cancelled import wrote: %v -> %v", before, after)
			}
			if cs[0].ID != 0 {
				t.Errorf("id set on a rolled-back contact: %d", cs[0].ID)
			}
			checkSearchIndexes(t, db)
		})
	}
}

func TestImportContactsProgress(t *testing.T) {
	db, _ := openTest(t, nil)
	cs := make([]Contact, 2*ProgressEvery+10)
	for i := range cs {
		cs[i] = Contact{Kind: KindLead, FirstName: "P", Email: fmt.Sprintf("p%d@example.com", i)}
	}
	var calls []ImportProgress
	_, err := db.ImportContacts(t.Context(), cs, ImportOptions{Progress: func(p ImportProgress) {
		calls = append(calls, p)
	}})
	if err != nil {
		t.Fatal(err)
	}
	n := len(cs)
	want := []ImportProgress{
		{StageInsert, 0, n}, {StageInsert, ProgressEvery, n}, {StageInsert, 2 * ProgressEvery, n},
		{StageInsert, n, n},
		{Stage: StageIndex}, {Stage: StageSave},
	}
	if !slices.Equal(calls, want) {
		t.Errorf("progress calls\n%v\nwant\n%v", calls, want)
	}
}

func TestImportContactsUpdateMergesCustomFieldsInTheFile(t *testing.T) {
	db, _ := openTest(t, nil)
	cs := []Contact{
		{Kind: KindLead, FirstName: "Kim", Email: "kim@example.com", Custom: map[string]string{"source": "fair"}},
		{Kind: KindLead, Email: "KIM@example.com", Custom: map[string]string{"plan": "pro"}},
	}
	rep, err := db.ImportContacts(t.Context(), cs, ImportOptions{OnDuplicate: DuplicateUpdate})
	if err != nil || rep != (ImportReport{Created: 1, Updated: 1}) {
		t.Fatalf("report %+v %v", rep, err)
	}
	got, err := db.ContactByEmail(t.Context(), "kim@example.com")
	if err != nil || !maps.Equal(got.Custom, map[string]string{"source": "fair", "plan": "pro"}) {
		t.Errorf("merged contact %+v %v", got, err)
	}
}
