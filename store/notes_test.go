package store

import (
	"errors"
	"strings"
	"testing"
)

func TestNotes(t *testing.T) {
	db, clock := openTest(t, nil)
	ctx := t.Context()
	rep := mustUser(t, db, "rep@example.com")
	c := mustContact(t, db, "Ada", "Lovelace", "ada@example.com")
	before := snapshot(t, db)
	for _, body := range []string{"  ", strings.Repeat("x", MaxNoteLen+1), "ring\a", "a\u202Eb"} {
		if _, err := db.AddNote(ctx, c.ID, rep.ID, body); !errors.Is(err, ErrInvalid) {
			t.Errorf("%.20q: %v, want ErrInvalid", body, err)
		}
	}
	if _, err := db.AddNote(ctx, 9999, rep.ID, "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown contact: %v", err)
	}
	if snapshot(t, db) != before {
		t.Error("refused notes wrote")
	}
	n, err := db.AddNote(ctx, c.ID, rep.ID, "Met at the *fair*.\r\n\r\n- wants a demo\n")
	if err != nil {
		t.Fatal(err)
	}
	if n.Body != "Met at the *fair*.\n\n- wants a demo" {
		t.Errorf("body = %q", n.Body)
	}
	clock.Advance(60e9)
	if _, err := db.EditNote(ctx, n.ID, rep.ID, "Met at the fair.\n\n- wants a demo on Monday"); err != nil {
		t.Fatal(err)
	}
	ns, err := db.Notes(ctx, c.ID, 0)
	if err != nil || len(ns) != 1 || ns[0].EditedAt.IsZero() || !strings.HasSuffix(ns[0].Body, "Monday") {
		t.Fatalf("notes = %+v, %v", ns, err)
	}
	es, _ := db.Timeline(ctx, c.ID, 0)
	var kinds []EventKind
	for _, e := range es {
		kinds = append(kinds, e.Kind)
		if e.Kind == EventNote && (e.Detail != "Met at the fair." || e.Data["note_id"] != idString(n.ID) || e.Data["by"] != rep.Name) {
			t.Errorf("note event = %+v", e)
		}
	}
	if len(kinds) != 3 || kinds[0] != EventEdited || kinds[1] != EventNote {
		t.Errorf("kinds = %v", kinds)
	}
}
