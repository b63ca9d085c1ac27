package mailsync_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail/localimap"
	"github.com/leadmail/leadmail/mail/mailsync"
	"github.com/leadmail/leadmail/store"
)

// IDLE hears INBOX only: mail filed elsewhere (sent from the phone,
// archived by a rule) comes in through the sweep, an incremental run of
// every folder that Watch makes every Sweep.
func TestWatchSweepsEveryFolder(t *testing.T) {
	w := newWorld(t, localimap.Config{})
	w.contact("ann@cust.example")
	s := w.syncer(func(c *mailsync.Config) { c.Sweep = 300 * time.Millisecond })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	changed := make(chan mailsync.Report, 10)
	done := make(chan error, 1)
	go func() { done <- s.Watch(ctx, func(r mailsync.Report) { changed <- r }) }()
	time.Sleep(500 * time.Millisecond) // the first run is done: what follows comes by the sweep
	w.deliver("Sent", msg{From: repAddr, To: "ann@cust.example", Subject: "From my phone",
		ID: "phone@leadmail.example", Date: time.Now()})
	w.deliver("Archive", msg{From: "ann@cust.example", To: repAddr, Subject: "Filed by a rule",
		ID: "filed@cust.example", Date: time.Now()})
	deadline := time.After(5 * time.Second)
	want := []store.EventKind{store.EventEmailReceived, store.EventEmailSentElsewhere}
	for !slices.Equal(w.kinds("ann@cust.example"), want) {
		select {
		case <-changed:
		case err := <-done:
			t.Fatalf("Watch ended: %v", err)
		case <-deadline:
			t.Fatalf("events %v within 5 s, want %v from the sweep", w.kinds("ann@cust.example"), want)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Watch returned %v after cancel, want nil", err)
	}
}
