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

// noteEvents are the note events of es, by note id.
func noteEvents(es []Event) map[string]Event {
	out := map[string]Event{}
	for _, e := range es {
		if e.Kind == EventNote {
			out[e.Data["note_id"]] = e
		}
	}
	return out
}

// TestOpportunityNote: a note on a deal is on its primary contact, with
// the deal's id; it shows once in the deal's timeline and in the primary
// contact's Life of the Lead, not on the deal's other contacts; its edit
// keeps the deal. A refused note writes nothing.
func TestOpportunityNote(t *testing.T) {
	w := newOppWorld(t)
	ctx := t.Context()
	o := w.opp(t, "Fleet renewal", eur(12000), "proposal", w.c1.ID, w.c2.ID)
	before := snapshot(t, w.db)
	for _, tc := range []struct {
		id   int64
		body string
		want error
	}{
		{o.ID, "  ", ErrInvalid},
		{o.ID, "bell\a", ErrInvalid},
		{9999, "x", ErrNotFound},
		{0, "x", ErrInvalid},
	} {
		if _, err := w.db.AddOpportunityNote(ctx, tc.id, w.ann.ID, tc.body); !errors.Is(err, tc.want) {
			t.Errorf("AddOpportunityNote(%d, %q) = %v, want %v", tc.id, tc.body, err, tc.want)
		}
	}
	if snapshot(t, w.db) != before {
		t.Error("refused notes wrote")
	}
	n, err := w.db.AddOpportunityNote(ctx, o.ID, w.ann.ID, "They want the *3-year* term.\n\nSend the new quote.")
	if err != nil {
		t.Fatal(err)
	}
	if n.ContactID != w.c1.ID || n.OpportunityID != o.ID || n.UserID != w.ann.ID {
		t.Errorf("note = %+v, want on contact %d and opportunity %d", n, w.c1.ID, o.ID)
	}
	if got, err := w.db.GetNote(ctx, n.ID); err != nil || got.OpportunityID != o.ID || got.ContactID != w.c1.ID {
		t.Errorf("GetNote = %+v, %v", got, err)
	}
	id := idString(n.ID)
	deal, err := w.db.OpportunityTimeline(ctx, o.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := noteEvents(deal)[id]; !ok || e.Detail != "They want the *3-year* term." || e.OpportunityID != o.ID ||
		e.Data["opportunity"] != "Fleet renewal" || e.Data["by"] != w.ann.Name {
		t.Errorf("the deal's timeline has the note as %+v (%v)", e, ok)
	}
	primary, _ := w.db.Timeline(ctx, w.c1.ID, 0)
	if e, ok := noteEvents(primary)[id]; !ok || e.OpportunityID != o.ID {
		t.Errorf("the primary contact's timeline has the note as %+v (%v)", e, ok)
	}
	other, _ := w.db.Timeline(ctx, w.c2.ID, 0)
	if _, ok := noteEvents(other)[id]; ok {
		t.Error("the note is on the deal's other contact too")
	}
	if ns, err := w.db.Notes(ctx, w.c1.ID, 0); err != nil || len(ns) != 1 || ns[0].OpportunityID != o.ID {
		t.Errorf("notes of the primary contact = %+v, %v", ns, err)
	}

	w.clock.Advance(60e9)
	if _, err := w.db.EditNote(ctx, n.ID, w.bob.ID, "They want the 3-year term."); err != nil {
		t.Fatal(err)
	}
	deal, _ = w.db.OpportunityTimeline(ctx, o.ID, 0)
	if deal[0].Kind != EventEdited || deal[0].Data["note_id"] != id || deal[0].OpportunityID != o.ID {
		t.Errorf("the deal's newest event = %+v, want the note's edit", deal[0])
	}
	if e := noteEvents(deal)[id]; e.Detail != "They want the 3-year term." || e.Data["opportunity_id"] != idString(o.ID) {
		t.Errorf("the edited note's event = %+v", e)
	}
}
