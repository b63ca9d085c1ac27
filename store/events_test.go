package store

import (
	"maps"
	"testing"
	"time"
)

func TestAddEventAndTimeline(t *testing.T) {
	db, clock := openTest(t, nil)
	ctx := t.Context()
	c := mustContact(t, db, "Ada", "Lovelace", "ada@example.com")
	created := clock.Now()

	// Three events at the same instant, one later, one in the past.
	same := clock.Advance(time.Minute)
	var ids []int64
	for _, k := range []EventKind{EventNote, EventEmailOpened, EventEmailClicked} {
		e := Event{ContactID: c.ID, Kind: k, Subject: string(k), At: same}
		if err := db.AddEvent(ctx, &e); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	later := clock.Advance(time.Hour)
	e := Event{ContactID: c.ID, Kind: EventStatusChanged, Detail: " open → qualified "}
	if err := db.AddEvent(ctx, &e); err != nil {
		t.Fatal(err)
	}
	if !e.At.Equal(later) || e.Detail != "open → qualified" {
		t.Errorf("zero At / trimming: %+v", e)
	}
	past := Event{ContactID: c.ID, Kind: EventEmailReceived, At: created.Add(-24 * time.Hour)}
	if err := db.AddEvent(ctx, &past); err != nil {
		t.Fatal(err)
	}

	evs, err := db.Timeline(ctx, c.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, e := range evs {
		got = append(got, e.ID)
	}
	createdID := evs[len(evs)-2].ID
	want := []int64{e.ID, ids[2], ids[1], ids[0], createdID, past.ID}
	if len(got) != len(want) {
		t.Fatalf("timeline ids = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("timeline ids = %v, want %v (at DESC, id DESC)", got, want)
		}
	}
	if evs[4].Kind != EventCreated {
		t.Errorf("oldest-but-one event is %s, want created", evs[4].Kind)
	}
	if two, _ := db.Timeline(ctx, c.ID, 2); len(two) != 2 || two[0].ID != e.ID {
		t.Errorf("Timeline limit 2 = %+v", two)
	}
	// last_activity_at moved forward to the newest event, not back to the
	// imported past one.
	if cc, _ := db.GetContact(ctx, c.ID); !cc.LastActivityAt.Equal(later) {
		t.Errorf("last activity = %v, want %v", cc.LastActivityAt, later)
	}
}

func TestTimelineDefaultLimit(t *testing.T) {
	db, clock := openTest(t, nil)
	c := mustContact(t, db, "Busy", "Bee", "")
	for range TimelineLimit + 5 {
		clock.Advance(time.Second)
		if err := db.AddEvent(t.Context(), &Event{ContactID: c.ID, Kind: EventNote}); err != nil {
			t.Fatal(err)
		}
	}
	evs, err := db.Timeline(t.Context(), c.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != TimelineLimit || !evs[0].At.Equal(clock.Now()) {
		t.Errorf("got %d events starting at %v, want %d starting at %v", len(evs), evs[0].At, TimelineLimit, clock.Now())
	}
	all, err := db.Timeline(t.Context(), c.ID, 1000)
	if err != nil || len(all) != TimelineLimit+6 {
		t.Errorf("older events on request: %d, %v", len(all), err)
	}
	if none, err := db.Timeline(t.Context(), c.ID+1, 0); err != nil || len(none) != 0 {
		t.Errorf("timeline of an unknown contact = %v, %v", none, err)
	}
}

func TestAddEventRejectsBadInput(t *testing.T) {
	db, _ := openTest(t, nil)
	c := mustContact(t, db, "Ada", "Lovelace", "")
	for name, e := range map[string]Event{
		"no kind":         {ContactID: c.ID},
		"unknown kind":    {ContactID: c.ID, Kind: "teleported"},
		"no contact":      {Kind: EventNote},
		"missing contact": {ContactID: c.ID + 1, Kind: EventNote},
		"missing message": {ContactID: c.ID, Kind: EventEmailOpened, MessageID: 99},
	} {
		t.Run(name, func(t *testing.T) {
			before := counts(t, db)
			wantErr(t, db.AddEvent(t.Context(), &e), ErrInvalid)
			if after := counts(t, db); !maps.Equal(before, after) {
				t.Errorf("rows changed: %v → %v", before, after)
			}
		})
	}
}
