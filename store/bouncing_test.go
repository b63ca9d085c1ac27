package store

import (
	"testing"
	"time"
)

// Mail from an address flagged bouncing, dated after the bounce, clears the
// flag once, with a bounce_cleared event; older mail (a rescan of history),
// mail without a Date and the rep's own mail clear nothing.
func TestMailFromABouncingAddressClearsTheFlag(t *testing.T) {
	w := newSyncWorld(t)
	ctx := t.Context()
	at := w.clock.Now().Add(-time.Minute)
	bounce := SyncBounce{MessageID: w.send.ID, Status: "5.1.1", Diagnostic: "no such user",
		Recipient: "ada@example.com", Permanent: true, At: at}
	if _, err := w.db.RecordSync(ctx, w.user.ID, SyncBatch{Bounces: []SyncBounce{bounce}}); err != nil {
		t.Fatal(err)
	}
	flagged := func() bool {
		t.Helper()
		_, ok, err := w.db.AddressBouncing(ctx, "ada@example.com")
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	from := func(id string, dir ReceivedDirection, date time.Time) Received {
		return Received{MessageID: id, Direction: dir, From: "Ada <Ada@Example.com>", FromAddr: "Ada@Example.com",
			Subject: "Hello again", Date: date, ContactIDs: []int64{w.ada.ID}}
	}
	for name, r := range map[string]Received{
		"older mail":     from("old@ada", ReceivedIn, at.Add(-24*time.Hour)),
		"no date":        from("nodate@ada", ReceivedIn, time.Time{}),
		"the rep's mail": from("out@rep", ReceivedOut, at.Add(time.Hour)),
	} {
		if _, err := w.db.RecordSync(ctx, w.user.ID, SyncBatch{Received: []Received{r}}); err != nil {
			t.Fatal(err)
		}
		if !flagged() {
			t.Fatalf("%s cleared the flag", name)
		}
	}

	later := at.Add(2 * time.Hour)
	res, err := w.db.RecordSync(ctx, w.user.ID, SyncBatch{Received: []Received{from("back@ada", ReceivedIn, later)}})
	if err != nil {
		t.Fatal(err)
	}
	if flagged() {
		t.Fatal("mail received after the bounce left the address flagged")
	}
	if res.Events != 2 { // email_received and bounce_cleared
		t.Errorf("result %+v, want 2 events", res)
	}
	es := must(w.db.Timeline(ctx, w.ada.ID, 10))
	n := 0
	for _, e := range es {
		if e.Kind == EventBounceCleared {
			n++
			if !e.At.Equal(later) || e.Detail != "mail received from ada@example.com: the address works again" {
				t.Errorf("bounce_cleared event %+v", e)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d bounce_cleared events, want 1", n)
	}

	// Again (a rescan): nothing more.
	if _, err := w.db.RecordSync(ctx, w.user.ID, SyncBatch{Received: []Received{from("back@ada", ReceivedIn, later)}}); err != nil {
		t.Fatal(err)
	}
	if got := len(must(w.db.Timeline(ctx, w.ada.ID, 10))); got != len(es) {
		t.Errorf("a rescan added %d events", got-len(es))
	}
}

// A bounce and a later reply in one batch: the reply clears the flag; a
// reply dated before the bounce does not.
func TestBounceAndMailInOneBatch(t *testing.T) {
	for _, tc := range []struct {
		name    string
		offset  time.Duration
		flagged bool
	}{{"reply after the bounce", time.Hour, false}, {"reply before the bounce", -time.Hour, true}} {
		t.Run(tc.name, func(t *testing.T) {
			w := newSyncWorld(t)
			ctx := t.Context()
			at := w.clock.Now().Add(-3 * time.Hour)
			b := SyncBatch{
				Bounces: []SyncBounce{{MessageID: w.send.ID, Status: "5.1.1", Recipient: "ada@example.com",
					Permanent: true, At: at}},
				Received: []Received{{MessageID: "r@ada", Direction: ReceivedIn, FromAddr: "ada@example.com",
					Date: at.Add(tc.offset), ContactIDs: []int64{w.ada.ID}}},
			}
			if _, err := w.db.RecordSync(ctx, w.user.ID, b); err != nil {
				t.Fatal(err)
			}
			if _, ok, err := w.db.AddressBouncing(ctx, "ada@example.com"); err != nil || ok != tc.flagged {
				t.Errorf("flagged %v, %v; want %v", ok, err, tc.flagged)
			}
		})
	}
}
