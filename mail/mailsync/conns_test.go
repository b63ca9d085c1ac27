package mailsync_test

import (
	"log/slog"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/leadmail/leadmail/mail/localimap"
	"github.com/leadmail/leadmail/mail/mailsync"
)

// A large folder read over two connections records exactly what one
// connection records, batches committed in UID order.
func TestTwoConnectionsSameHistory(t *testing.T) {
	history := func(conns int) ([]event, mailsync.Report, int32) {
		w := newWorld(t, localimap.Config{})
		w.contacts3()
		w.fill("INBOX", 700, threeLeads)
		var two atomic.Int32
		log := slog.New(hook{on: "reading the headers over two connections", f: func() { two.Add(1) }})
		s := w.syncer(func(c *mailsync.Config) { c.Connections, c.Logger = conns, log })
		rep := w.run(s, mailsync.Options{})
		return w.events(), rep, two.Load()
	}
	one, rep1, used1 := history(1)
	both, rep2, used2 := history(2)
	if used1 != 0 || used2 != 1 {
		t.Fatalf("second connection used %d times with Connections 1 and %d with 2, want 0 and 1", used1, used2)
	}
	if len(one) != 560 || !slices.Equal(one, both) {
		t.Errorf("%d events over one connection, %d over two, want the same 560", len(one), len(both))
	}
	if rep1.Scanned != 700 || rep2.Scanned != 700 || rep1.Recorded != rep2.Recorded {
		t.Errorf("reports differ: %+v and %+v", rep1, rep2)
	}
}

// A drop in the middle of a two-connection scan is reopened and resumed
// from the last commit: nothing lost, nothing doubled.
func TestTwoConnectionsDroppedMidFetch(t *testing.T) {
	want := func() []event {
		w := newWorld(t, localimap.Config{})
		w.contacts3()
		w.fill("INBOX", 700, threeLeads)
		w.run(w.syncer(func(c *mailsync.Config) { c.Connections = 1 }), mailsync.Options{})
		return w.events()
	}()
	w := newWorld(t, localimap.Config{})
	w.contacts3()
	w.fill("INBOX", 700, threeLeads)
	w.srv.Fail(localimap.Failure{DropAfterFetch: 30})
	var healed atomic.Int32
	log := slog.New(hook{on: "reconnecting after a dropped connection", f: func() {
		w.srv.Fail(localimap.Failure{})
		healed.Add(1)
	}})
	rep := w.run(w.syncer(func(c *mailsync.Config) { c.Logger = log }), mailsync.Options{})
	if healed.Load() == 0 {
		t.Fatal("no connection was dropped")
	}
	if got := w.events(); !slices.Equal(got, want) {
		t.Errorf("%d events after a drop, want the %d of a run without one", len(got), len(want))
	}
	if rep.Recorded != len(want) {
		t.Errorf("recorded %d, want %d", rep.Recorded, len(want))
	}
}
