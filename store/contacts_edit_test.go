package store

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// mustDuplicate creates a contact whose email another one has, as a person
// does after saying yes.
func mustDuplicate(t testing.TB, db *DB, first, last, email string) Contact {
	t.Helper()
	c := Contact{Kind: KindLead, FirstName: first, LastName: last, Email: email}
	if err := db.CreateContactWith(t.Context(), &c, ContactOptions{AllowDuplicateEmail: true}); err != nil {
		t.Fatalf("CreateContactWith: %v", err)
	}
	return c
}

// snapshot renders every row of the tables working a lead writes, to prove
// that a refused call wrote nothing.
func snapshot(t testing.TB, db *DB) string {
	t.Helper()
	return fmt.Sprint(dumpTables(t, db, "contacts", "events", "notes", "calls", "tasks", "messages", "received"))
}

func ptr[T any](v T) *T { return &v }

func TestCreateContactValidation(t *testing.T) {
	db, _ := openTest(t, nil)
	ada := mustContact(t, db, "Ada", "Lovelace", "ada@example.com")
	if ada.Version != 1 {
		t.Errorf("version = %d, want 1", ada.Version)
	}
	before := snapshot(t, db)
	for _, tc := range []struct {
		name string
		c    Contact
		want string
	}{
		{"display name", Contact{FirstName: "X", Email: "X <x@example.com>"}, "not an email address"},
		{"two addresses", Contact{FirstName: "X", Email: "x@example.com, y@example.com"}, "not an email address"},
		{"no at", Contact{FirstName: "X", Email: "example.com"}, "not an email address"},
		{"100 KB name", Contact{FirstName: strings.Repeat("é", 100<<10)}, "characters long"},
		{"control", Contact{FirstName: "Bell\a"}, "control character"},
		{"rtl override", Contact{LastName: "evil\u202Egnp.exe"}, "right-to-left"},
		{"custom key", Contact{FirstName: "X", Custom: map[string]string{"a b": "1"}}, "letters, digits"},
		{"duplicate", Contact{FirstName: "Again", Email: "ADA@example.com"}, "already the email of the lead Ada Lovelace"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c
			c.Kind = KindLead
			err := db.CreateContact(t.Context(), &c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want %q", err, tc.want)
			}
			if got := snapshot(t, db); got != before {
				t.Errorf("a refused contact changed the database:\n%s", got)
			}
		})
	}
	var dup *DuplicateEmailError
	c := Contact{Kind: KindLead, FirstName: "Again", Email: "ada@example.com"}
	if err := db.CreateContact(t.Context(), &c); !errors.As(err, &dup) || dup.Other.ID != ada.ID || !errors.Is(err, ErrConflict) {
		t.Fatalf("error = %v, want a DuplicateEmailError naming Ada", err)
	}
	emoji := Contact{Kind: KindLead, FirstName: "Zoë 🚀", LastName: "عربي", Email: "zoe@example.com"}
	if err := db.CreateContact(t.Context(), &emoji); err != nil {
		t.Errorf("emoji and Arabic refused: %v", err)
	}
}

func TestUpdateContact(t *testing.T) {
	db, clock := openTest(t, nil)
	ctx := t.Context()
	rep := mustUser(t, db, "rep@example.com")
	boss := mustUser(t, db, "boss@example.com")
	c := Contact{Kind: KindLead, FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
		Custom: map[string]string{"industry": "looms", "old": "x"}}
	if err := db.CreateContact(ctx, &c); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	got, err := db.UpdateContact(ctx, c.ID, c.Version, ContactChanges{
		Email: ptr("ada@analytical.example"), Company: ptr("Analytical Engines"),
		FirstName: ptr(" Ada "), OwnerID: &boss.ID,
		SetCustom: map[string]string{"plan": "pro"}, RemoveCustom: []string{"old"},
		RenameCustom: map[string]string{"industry": "sector"}, By: rep.ID,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || got.Email != "ada@analytical.example" || got.OwnerID != boss.ID ||
		!reflect.DeepEqual(got.Custom, map[string]string{"sector": "looms", "plan": "pro"}) {
		t.Errorf("saved = %+v", got)
	}
	read, err := db.GetContact(ctx, c.ID)
	if err != nil || read.Version != 2 || read.Company != "Analytical Engines" || read.OwnerName != boss.Name {
		t.Errorf("read back = %+v, %v", read, err)
	}
	es, err := db.Timeline(ctx, c.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var details []string
	for _, e := range es {
		if e.Kind == EventEdited {
			details = append(details, e.Detail)
			if e.Data["by"] != rep.Name {
				t.Errorf("event %q by %q", e.Detail, e.Data["by"])
			}
		}
	}
	want := []string{"email changed from ada@example.com to ada@analytical.example", "company set to Analytical Engines",
		"owner set to " + boss.Name, "custom field industry renamed to sector", "custom field old (x) removed",
		"custom field plan set to pro"}
	for _, w := range want {
		found := false
		for _, d := range details {
			found = found || d == w
		}
		if !found {
			t.Errorf("no edited event %q in %q", w, details)
		}
	}
	if len(details) != len(want) {
		t.Errorf("%d edited events, want %d: %q", len(details), len(want), details)
	}

	other := mustContact(t, db, "Bo", "", "bo@example.com")
	// The version moved: the second editor is told, and nothing changes.
	before := snapshot(t, db)
	_, err = db.UpdateContact(ctx, c.ID, 1, ContactChanges{LastName: ptr("Byron")})
	var stale *StaleError
	if !errors.As(err, &stale) || !errors.Is(err, ErrConflict) || stale.Current.Version != 2 ||
		!strings.Contains(err.Error(), "changed since you opened it") {
		t.Errorf("stale edit: %v", err)
	}
	// A failed validation changes nothing, not even the fields before it.
	for _, ch := range []ContactChanges{
		{FirstName: ptr("Augusta"), Email: ptr("not an email")},
		{FirstName: ptr("Augusta"), LastName: ptr(strings.Repeat("x", 100<<10))},
		{FirstName: ptr("Augusta"), City: ptr("Lon\x1b[2Jdon")},
		{FirstName: ptr("Augusta"), OwnerID: ptr(int64(999))},
		{FirstName: ptr(""), LastName: ptr(""), Email: ptr("")},
		{FirstName: ptr("Augusta"), RemoveCustom: []string{"nope"}},
		{FirstName: ptr("Augusta"), Status: ptr(StatusContactWithOpportunity)},
	} {
		if _, err := db.UpdateContact(ctx, c.ID, 2, ch); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: error = %v, want ErrInvalid", ch, err)
		}
	}
	_, err = db.UpdateContact(ctx, c.ID, 2, ContactChanges{Email: ptr("BO@example.com")})
	var dup *DuplicateEmailError
	if !errors.As(err, &dup) || dup.Other.ID != other.ID {
		t.Errorf("duplicate email: %v", err)
	}
	if after := snapshot(t, db); after != before {
		t.Errorf("refused edits changed the database:\n%s\nwas\n%s", after, before)
	}
	read2, _ := db.GetContact(ctx, c.ID)
	if !reflect.DeepEqual(read, read2) {
		t.Errorf("row changed by refused edits:\n%+v\n%+v", read, read2)
	}
	// No change: nothing written, the version stays.
	same, err := db.UpdateContact(ctx, c.ID, 2, ContactChanges{FirstName: ptr("Ada")})
	if err != nil || same.Version != 2 {
		t.Errorf("no-op edit: %+v, %v", same, err)
	}
	_, err = db.UpdateContact(ctx, 9999, 1, ContactChanges{FirstName: ptr("X")})
	wantErr(t, err, ErrNotFound)
}

func TestSetStatus(t *testing.T) {
	db, _ := openTest(t, nil)
	ctx := t.Context()
	rep := mustUser(t, db, "rep@example.com")
	c := mustContact(t, db, "Ada", "Lovelace", "ada@example.com")
	before := snapshot(t, db)
	for _, s := range []Status{StatusContact, StatusContactWithOpportunity, "won"} {
		if _, err := db.SetStatus(ctx, c.ID, s, rep.ID); !errors.Is(err, ErrInvalid) {
			t.Errorf("open → %s: %v, want ErrInvalid", s, err)
		}
	}
	if snapshot(t, db) != before {
		t.Error("refused status changes wrote")
	}
	steps := []struct {
		to   Status
		kind Kind
	}{{StatusQualified, KindLead}, {StatusContact, KindContact}, {StatusQualified, KindLead}, {StatusUnqualified, KindLead}, {StatusOpen, KindLead}}
	for _, s := range steps {
		got, err := db.SetStatus(ctx, c.ID, s.to, rep.ID)
		if err != nil || got.Status != s.to || got.Kind != s.kind {
			t.Fatalf("→ %s: %+v, %v", s.to, got, err)
		}
	}
	es, _ := db.Timeline(ctx, c.ID, 0)
	if len(es) != len(steps)+1 {
		t.Fatalf("%d events", len(es))
	}
	conv := es[len(es)-3] // qualified → contact
	if conv.Kind != EventStatus || conv.Data["old"] != "qualified" || conv.Data["new"] != "contact" ||
		conv.Data["kind"] != "contact" || conv.Data["by"] != rep.Name {
		t.Errorf("conversion event = %+v", conv)
	}
	// A kind change by edit is the same conversion.
	cur, _ := db.GetContact(ctx, c.ID)
	if _, err := db.UpdateContact(ctx, c.ID, cur.Version, ContactChanges{Kind: ptr(KindContact)}); !errors.Is(err, ErrInvalid) {
		t.Errorf("open lead made a contact: %v", err)
	}
}

func TestArchiveAndForget(t *testing.T) {
	w := newSyncWorld(t)
	ctx := t.Context()
	got, err := w.db.Archive(ctx, w.ada.ID, w.user.ID)
	if err != nil || got.ArchivedAt.IsZero() {
		t.Fatalf("archive: %+v, %v", got, err)
	}
	read, _ := w.db.GetContact(ctx, w.ada.ID)
	if read.ArchivedAt.IsZero() || read.Version != got.Version {
		t.Errorf("archived contact reads %+v", read)
	}
	// Lists, searches and counts hide an archived contact, unless they ask
	// for the archived ones, which then is all they get.
	listed := func(f ContactFilter) []int64 {
		var ids []int64
		for _, c := range must(w.db.ListContacts(ctx, PageRequest{Filter: f, Limit: 50})).Contacts {
			ids = append(ids, c.ID)
		}
		return ids
	}
	for _, f := range []ContactFilter{{}, {Search: "ada"}, {Kind: read.Kind}} {
		if slices.Contains(listed(f), w.ada.ID) {
			t.Errorf("%+v lists the archived contact", f)
		}
	}
	if got := listed(ContactFilter{Archived: true}); !slices.Equal(got, []int64{w.ada.ID}) {
		t.Errorf("the archived ones = %v, want only %d", got, w.ada.ID)
	}
	if n := must(w.db.CountContacts(ctx, ContactFilter{Archived: true})); n != 1 {
		t.Errorf("%d archived counted", n)
	}
	if got, err = w.db.Unarchive(ctx, w.ada.ID, w.user.ID); err != nil || !got.ArchivedAt.IsZero() {
		t.Fatalf("unarchive: %+v, %v", got, err)
	}
	if _, err := w.db.AddNote(ctx, w.ada.ID, w.user.ID, "likes *looms*"); err != nil {
		t.Fatal(err)
	}
	if err := w.db.LogCall(ctx, &Call{ContactID: w.ada.ID, Outcome: CallConnected, Duration: time.Minute}, w.user.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.db.AddTask(ctx, &Task{ContactID: w.ada.ID, Title: "call back", DueAt: w.clock.Now().Add(time.Hour)}, w.user.ID); err != nil {
		t.Fatal(err)
	}
	day := w.clock.Now()
	if _, err := w.db.RecordSync(ctx, w.user.ID, SyncBatch{Received: []Received{
		{MessageID: "only@ada", Direction: ReceivedIn, FromAddr: "ada@example.com", Date: day, ContactIDs: []int64{w.ada.ID}},
		{MessageID: "both@ada", Direction: ReceivedIn, FromAddr: "ada@example.com", Date: day, ContactIDs: []int64{w.ada.ID, w.bo.ID}},
	}}); err != nil {
		t.Fatal(err)
	}
	boBefore, _ := w.db.Timeline(ctx, w.bo.ID, 0)
	f, err := w.db.Forget(ctx, w.ada.ID)
	if err != nil {
		t.Fatal(err)
	}
	if f.Messages != 1 || f.Received != 1 || f.Notes != 1 || f.Calls != 1 || f.Tasks != 1 || f.Events < 8 {
		t.Errorf("forgotten = %+v", f)
	}
	var left int
	for _, q := range []string{
		`SELECT count(*) FROM contacts WHERE id = ?1`, `SELECT count(*) FROM events WHERE contact_id = ?1`,
		`SELECT count(*) FROM messages WHERE contact_id = ?1`, `SELECT count(*) FROM received_contacts WHERE contact_id = ?1`,
		`SELECT count(*) FROM notes WHERE contact_id = ?1`, `SELECT count(*) FROM tasks WHERE contact_id = ?1`,
	} {
		var n int
		if err := w.db.sql.QueryRowContext(ctx, q, w.ada.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		left += n
	}
	if left != 0 {
		t.Errorf("%d rows of Ada left", left)
	}
	boAfter, _ := w.db.Timeline(ctx, w.bo.ID, 0)
	if len(boAfter) != len(boBefore) || rowCount(t, w.db, "received") != 1 {
		t.Errorf("Bo's history changed: %d events, was %d", len(boAfter), len(boBefore))
	}
	_, err = w.db.Forget(ctx, w.ada.ID)
	wantErr(t, err, ErrNotFound)
}
