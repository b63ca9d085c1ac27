package store

import (
	"testing"
	"time"
)

// A send from an opportunity is stored with it; its queued and sent
// events carry it, on the primary contact and on each copied contact,
// and the opportunity's timeline shows each of them once.
func TestMessageFromOpportunity(t *testing.T) {
	w := newOppWorld(t)
	ctx := t.Context()
	o := w.opp(t, "Acme renewal", eur(12000), "proposal", w.c1.ID, w.c2.ID)
	m := Message{ContactID: w.c1.ID, UserID: w.ann.ID, MessageID: "<opp-1@example.com>", Subject: "Acme renewal",
		From: "ann@example.com", Recipients: []string{"carla@acme.test", "dan@acme.test"}, Raw: []byte("x"),
		OpportunityID: o.ID, CopiedContacts: []int64{w.c2.ID, w.c1.ID, w.c2.ID}}
	if err := w.db.EnqueueMessage(ctx, &m); err != nil {
		t.Fatal(err)
	}
	got, err := w.db.GetMessage(ctx, m.ID)
	if err != nil || got.OpportunityID != o.ID {
		t.Fatalf("GetMessage = opportunity %d, %v; want %d", got.OpportunityID, err, o.ID)
	}
	for _, c := range []Contact{w.c1, w.c2} {
		evs := eventsOf(t, w.db, c.ID, EventEmailQueued)
		if len(evs) != 1 || evs[0].MessageID != m.ID || evs[0].OpportunityID != o.ID {
			t.Errorf("%s: queued events %+v, want one of message %d about %d", c.Email, evs, m.ID, o.ID)
		}
	}
	if evs := eventsOf(t, w.db, w.c3.ID, EventEmailQueued); len(evs) != 0 {
		t.Errorf("a contact not on the message got %+v", evs)
	}
	if _, err := w.db.ClaimMessage(ctx, m.ID, time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := w.db.MarkSent(ctx, m.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []Contact{w.c1, w.c2} {
		evs := eventsOf(t, w.db, c.ID, EventEmailSent)
		if len(evs) != 1 || evs[0].MessageID != m.ID || evs[0].OpportunityID != o.ID || evs[0].Subject != "Acme renewal" {
			t.Errorf("%s: sent events %+v, want one of message %d about %d", c.Email, evs, m.ID, o.ID)
		}
	}
	tl, err := w.db.OpportunityTimeline(ctx, o.ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[EventKind]int{}
	for _, e := range tl {
		kinds[e.Kind]++
	}
	if kinds[EventEmailQueued] != 1 || kinds[EventEmailSent] != 1 {
		t.Errorf("opportunity timeline kinds %v, want the queued and sent events once each", kinds)
	}
}

// A send not from an opportunity writes its events on the primary
// contact only, without an opportunity, as before.
func TestMessageWithoutOpportunity(t *testing.T) {
	w := newOppWorld(t)
	ctx := t.Context()
	m := Message{ContactID: w.c1.ID, UserID: w.ann.ID, MessageID: "<plain-1@example.com>", Subject: "Hello",
		From: "ann@example.com", Recipients: []string{"carla@acme.test"}, Raw: []byte("x")}
	if err := w.db.EnqueueMessage(ctx, &m); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.ClaimMessage(ctx, m.ID, time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := w.db.MarkSent(ctx, m.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	got, err := w.db.GetMessage(ctx, m.ID)
	if err != nil || got.OpportunityID != 0 {
		t.Fatalf("GetMessage = opportunity %d, %v; want none", got.OpportunityID, err)
	}
	for _, k := range []EventKind{EventEmailQueued, EventEmailSent} {
		evs := eventsOf(t, w.db, w.c1.ID, k)
		if len(evs) != 1 || evs[0].OpportunityID != 0 {
			t.Errorf("%s events %+v, want one without opportunity", k, evs)
		}
	}
}
