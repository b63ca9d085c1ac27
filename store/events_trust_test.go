package store

import (
	"strings"
	"testing"
	"time"
)

// A scheduled email's timeline row is stamped when it was scheduled; it
// must also say when the message leaves, and stop saying so once it has
// left or was cancelled.
func TestTrust18TimelineSaysWhenAScheduledMessageLeaves(t *testing.T) {
	db, clock := openTest(t, nil)
	ctx := t.Context()
	u := mustUser(t, db, "sam@x.example")
	c := mustContact(t, db, "Ada", "Lovelace", "ada@x.example")
	scheduledAt := clock.Now()
	leaves := scheduledAt.Add(26 * time.Hour)
	m := Message{ContactID: c.ID, UserID: u.ID, MessageID: "<s1@x>", Subject: "Follow-up",
		Recipients: []string{"ada@x.example"}, Raw: []byte("x"), SendAt: leaves}
	if err := db.EnqueueMessage(ctx, &m); err != nil {
		t.Fatal(err)
	}
	other := Message{ContactID: c.ID, UserID: u.ID, MessageID: "<s2@x>", Subject: "Other",
		Recipients: []string{"ada@x.example"}, Raw: []byte("x"), SendAt: leaves.Add(time.Hour)}
	if err := db.EnqueueMessage(ctx, &other); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CancelMessage(ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	evs, err := db.Timeline(ctx, c.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := "leaves " + leaves.Local().Format("Mon 2 Jan 2006 15:04 MST")
	found := 0
	for _, e := range evs {
		if e.Kind != EventEmailScheduled {
			continue
		}
		switch e.MessageID {
		case m.ID:
			found++
			if e.Detail != want {
				t.Errorf("waiting message: detail %q, want %q", e.Detail, want)
			}
			if e.At.Sub(scheduledAt).Abs() > time.Second {
				t.Errorf("the row's time moved: %v, scheduled at %v", e.At, scheduledAt)
			}
		case other.ID:
			found++
			if strings.Contains(e.Detail, "leaves") {
				t.Errorf("a cancelled message still says it leaves: %q", e.Detail)
			}
		}
	}
	if found != 2 {
		t.Fatalf("%d scheduled events in %+v, want 2", found, evs)
	}
}
