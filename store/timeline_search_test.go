package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestTimelineSearchMatches(t *testing.T) {
	ev := Event{Kind: EventCall, Subject: "Call: connected", Detail: "12 min · Talked pricing",
		Data: map[string]string{"note": "Chloé wants the Müller quote\nand a demo on Tuesday"}}
	note := Event{Kind: EventNote, Subject: "Note", Detail: "First line",
		Data: map[string]string{"note_id": "1", "text": "First line\n\nBudget approved by the CFO"}}
	tests := []struct {
		query string
		ev    Event
		want  bool
	}{
		{"", ev, true},
		{"   ", ev, true},
		{"pricing", ev, true},
		{"PRICING", ev, true},
		{"chloe", ev, true},  // accent in the text, none typed
		{"CHLOÉ", ev, true},  // accent typed, case differs
		{"muller", ev, true}, // ü
		{"ller", ev, true},   // inside a word
		{"connected tuesday", ev, true},
		{"connected friday", ev, false}, // every word must be there
		{"voicemail", ev, false},
		{"budget cfo", note, true}, // the note's body beyond its first line
		{"note_id", note, false},   // data keys are not text
		{"outcome", Event{Subject: "Call", Data: map[string]string{"outcome": "connected"}}, false},
		{"…", ev, true}, // no letter: no word, matches all
	}
	for _, tt := range tests {
		if got := ParseTimelineSearch(tt.query).Matches(tt.ev); got != tt.want {
			t.Errorf("%q on %q: %v, want %v", tt.query, tt.ev.Subject, got, tt.want)
		}
	}
}

func TestFoldText(t *testing.T) {
	for in, want := range map[string]string{
		"Lefèvre": "lefevre", "ÅNGSTRÖM": "angstrom", "Zieliński": "zielinski", "plain ASCII": "plain ascii",
		"São Paulo": "sao paulo", "日本": "日本", "bad \xff utf8": "bad \ufffd utf8",
	} {
		if got := foldText(in); got != want {
			t.Errorf("foldText(%q) = %q, want %q", in, got, want)
		}
	}
}

// busyTimeline gives c n events, oldest first an hour apart, in one
// transaction: every kind of working the lead, with notes and calls whose
// text is in their data only. It returns the events' ids, oldest first.
func busyTimeline(t testing.TB, db *DB, c Contact, n int, text func(i int) (Event, bool)) []int64 {
	t.Helper()
	at := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	var ids []int64
	err := db.tx(t.Context(), func(tx *sql.Tx) error {
		for i := range n {
			e := Event{ContactID: c.ID, At: at.Add(time.Duration(i) * time.Hour), Kind: EventStatus,
				Subject: "Status: open → qualified", Detail: fmt.Sprint("step ", i)}
			if x, ok := text(i); ok {
				e.Kind, e.Subject, e.Detail, e.Data = x.Kind, x.Subject, x.Detail, x.Data
			}
			if err := db.insertEvent(t.Context(), tx, &e); err != nil {
				return err
			}
			ids = append(ids, e.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestSearchTimelineFindsOlderEvents(t *testing.T) {
	db, _ := openTest(t, nil)
	ctx := t.Context()
	rep := mustUser(t, db, "rep@example.com")
	ada := mustContact(t, db, "Ada", "Lovelace", "ada@example.com")
	bob := mustContact(t, db, "Bob", "Other", "bob@example.com")
	// 1,000 events; the oldest, far beyond the first page, is a note whose
	// word is only in its body, and a call has its own word in its note.
	ids := busyTimeline(t, db, ada, 1000, func(i int) (Event, bool) {
		switch i {
		case 3:
			return Event{Kind: EventNote, Subject: "Note", Detail: "Met at the fair",
				Data: map[string]string{"note_id": "7", "text": "Met at the fair\n\nShe asked about Zürich pricing"}}, true
		case 10:
			return Event{Kind: EventCall, Subject: "Call: connected", Detail: "12 min",
				Data: map[string]string{"call_id": "1", "note": "zurich office opens in May"}}, true
		}
		return Event{}, false
	})
	// Another contact's note with the word is never found.
	if _, err := db.AddNote(ctx, bob.ID, rep.ID, "Zurich too"); err != nil {
		t.Fatal(err)
	}
	page, err := db.Timeline(ctx, ada.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(page, func(e Event) bool { return e.ID == ids[3] }) {
		t.Fatal("the note is on the first page: the test proves nothing")
	}

	got, err := db.SearchTimeline(ctx, ada.ID, "zurich", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != ids[10] || got[1].ID != ids[3] {
		t.Fatalf("zurich found %+v, want the call then the note", got)
	}
	if got[1].Kind != EventNote || got[1].Data["note_id"] != "7" || got[1].At.IsZero() {
		t.Errorf("the note comes back without what Timeline gives: %+v", got[1])
	}
	got, err = db.SearchTimeline(ctx, ada.ID, "ZÜRICH pricing", 0)
	if err != nil || len(got) != 1 || got[0].ID != ids[3] {
		t.Errorf("two words found %+v, %v; want the note alone", got, err)
	}
	got, err = db.SearchTimeline(ctx, ada.ID, "step 99", 5) // newest first, at most 5
	if err != nil || len(got) != 5 || got[0].ID != ids[999] || got[4].ID != ids[995] {
		t.Errorf("limit: %d events, %v", len(got), err)
	}
	got, err = db.SearchTimeline(ctx, ada.ID, "nothing like this", 0)
	if err != nil || len(got) != 0 {
		t.Errorf("no match gave %d events, %v", len(got), err)
	}
	got, err = db.SearchTimeline(ctx, ada.ID, "  ", 0)
	if err != nil || !reflect.DeepEqual(got, page) {
		t.Errorf("an empty query is not the timeline: %d events, %v", len(got), err)
	}
	// Hostile input is text, never SQL.
	if _, err := db.SearchTimeline(ctx, ada.ID, `') OR 1=1 --`, 0); err != nil {
		t.Errorf("quote in the query: %v", err)
	}
}

func TestSearchTimelineFindsEditedNotes(t *testing.T) {
	db, _ := openTest(t, nil)
	ctx := t.Context()
	rep := mustUser(t, db, "rep@example.com")
	ada := mustContact(t, db, "Ada", "Lovelace", "ada@example.com")
	n, err := db.AddNote(ctx, ada.ID, rep.ID, "Call back in spring")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.EditNote(ctx, n.ID, rep.ID, "Call back in autumn\n\nwith the Élysée proposal"); err != nil {
		t.Fatal(err)
	}
	got, err := db.SearchTimeline(ctx, ada.ID, "elysee", 0)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []EventKind
	for _, e := range got {
		kinds = append(kinds, e.Kind)
	}
	// The note event now holds the new text; the edited event's detail is
	// its first line only.
	if !slices.Equal(kinds, []EventKind{EventNote}) {
		t.Errorf("kinds = %v, want the note", kinds)
	}
	if got, _ := db.SearchTimeline(ctx, ada.ID, "spring", 0); len(got) != 0 {
		t.Errorf("the old text is still found: %+v", got)
	}
}

func TestSearchTimelineReadsOnTheIndex(t *testing.T) {
	db, _ := openTest(t, nil)
	plan := explain(t, db, searchScanSQL, 1)
	if !strings.Contains(plan, "events_timeline (contact_id=?)") || strings.Contains(plan, "TEMP B-TREE") {
		t.Errorf("plan:\n%s", plan)
	}
}

func TestGetNote(t *testing.T) {
	db, _ := openTest(t, nil)
	ctx := t.Context()
	rep := mustUser(t, db, "rep@example.com")
	ada := mustContact(t, db, "Ada", "Lovelace", "ada@example.com")
	n, err := db.AddNote(ctx, ada.ID, rep.ID, "# Plan\n\n- demo")
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.GetNote(ctx, n.ID)
	if err != nil || got.Body != n.Body || got.ContactID != ada.ID || got.UserID != rep.ID {
		t.Errorf("GetNote = %+v, %v", got, err)
	}
	_, err = db.GetNote(ctx, n.ID+100)
	wantErr(t, err, ErrNotFound)
}

// BenchmarkSearchTimeline5000 searches a contact with 5,000 events for a
// word only the oldest note holds: the whole timeline is read.
func BenchmarkSearchTimeline5000(b *testing.B) {
	db, _ := openTest(b, nil)
	c := mustContact(b, db, "Busy", "Timeline", "busy@example.com")
	busyTimeline(b, db, c, 5000, func(i int) (Event, bool) {
		switch {
		case i == 0:
			return Event{Kind: EventNote, Subject: "Note", Detail: "Kick-off",
				Data: map[string]string{"note_id": "1", "text": "Kick-off\n\nThe Gdańsk office signs first"}}, true
		case i%3 == 0:
			return Event{Kind: EventNote, Subject: "Note", Detail: fmt.Sprint("Follow-up ", i),
				Data: map[string]string{"note_id": fmt.Sprint(i), "text": fmt.Sprintf("Follow-up %d\n\nSpoke with Chloé about the rollout, next steps agreed", i)}}, true
		case i%3 == 1:
			return Event{Kind: EventCall, Subject: "Call: connected", Detail: "12 min · pricing",
				Data: map[string]string{"call_id": fmt.Sprint(i), "outcome": "connected", "seconds": "720", "note": "pricing and the contract"}}, true
		}
		return Event{}, false
	})
	ctx := b.Context()
	measure(b, func(int) error {
		es, err := db.SearchTimeline(ctx, c.ID, "gdansk", 0)
		if err == nil && len(es) != 1 {
			err = fmt.Errorf("%d events", len(es))
		}
		return err
	})
}

func TestDataField(t *testing.T) {
	enc := func(m map[string]string) []byte {
		s, err := encodeData(m)
		if err != nil {
			t.Fatal(err)
		}
		return []byte(s)
	}
	tests := []struct {
		data []byte
		name string
		want string
	}{
		{enc(map[string]string{"note_id": "1", "text": "plain"}), "text", "plain"},
		{enc(map[string]string{"text": "line\nnext \"quoted\" <b> & \\ back"}), "text", "line\nnext \"quoted\" <b> & \\ back"},
		{enc(map[string]string{"note": `a","text":"fake`, "text": "real"}), "text", "real"},
		{enc(map[string]string{"note": `x\`, "text": "after a backslash"}), "text", "after a backslash"},
		{enc(map[string]string{"call_id": "2"}), "note", ""},
		{enc(map[string]string{"note": "Zürich"}), "note", "Zürich"},
		{[]byte(`{ "text" : "spaced by hand" }`), "text", "spaced by hand"},
		{[]byte(`{"text": 12}`), "text", ""},
		{[]byte(`{"text":"unterminated`), "text", ""},
		{nil, "text", ""},
	}
	for _, tt := range tests {
		if got := string(dataField(tt.data, tt.name)); got != tt.want {
			t.Errorf("dataField(%s, %q) = %q, want %q", tt.data, tt.name, got, tt.want)
		}
	}
}

func TestUnescapeJSON(t *testing.T) {
	for _, v := range []string{"plain", "a\nb\tc\r", `q"uote \ back /slash`, "<tag> & \u2028 é \x01", "\b\f"} {
		lit, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(unescapeJSON(lit)); got != v {
			t.Errorf("unescapeJSON(%s) = %q, want %q", lit, got, v)
		}
	}
}
