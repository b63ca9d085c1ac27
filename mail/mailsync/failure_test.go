package mailsync_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail/imapconn"
	"github.com/leadmail/leadmail/mail/localimap"
	"github.com/leadmail/leadmail/mail/mailsync"
)

// fill delivers n messages from contacts (and some from strangers) into
// folder, the same ones for the same n.
func (w *world) fill(folder string, n int, addrs []string) {
	w.t.Helper()
	for i := range n {
		from := addrs[i%len(addrs)]
		if i%5 == 4 {
			from = fmt.Sprintf("someone%d@else.example", i)
		}
		w.deliver(folder, msg{From: from, To: repAddr, Subject: fmt.Sprintf("Message %d", i),
			ID:   fmt.Sprintf("m%d.%s@cust.example", i, strings.ReplaceAll(folder, "/", "-")),
			Date: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)})
	}
}

var threeLeads = []string{"ann@cust.example", "bob@cust.example", "cid@cust.example"}

func (w *world) contacts3() {
	for _, a := range threeLeads {
		w.contact(a)
	}
}

// A renumbered folder (UIDVALIDITY changed) is read again from the start
// without doubling a single event.
func TestUIDValidityChange(t *testing.T) {
	w := newWorld(t, localimap.Config{})
	w.contacts3()
	w.fill("INBOX", 40, threeLeads)
	s := w.syncer()
	w.run(s, mailsync.Options{})
	before := w.events()
	if len(before) != 32 {
		t.Fatalf("%d events after the first run, want 32", len(before))
	}
	if err := w.srv.SetUIDValidity("INBOX", 777); err != nil {
		t.Fatal(err)
	}
	rep := w.run(s, mailsync.Options{})
	if rep.Scanned != 40 || rep.Recorded != 0 || rep.Duplicates != 32 {
		t.Errorf("after the renumbering: %+v, want 40 scanned, 32 duplicates, nothing recorded", rep)
	}
	if after := w.events(); !slices.Equal(before, after) {
		t.Errorf("events changed: %d before, %d after", len(before), len(after))
	}
}

// A folder renamed between runs is read anew under its new name, its old
// state forgotten, and nothing doubles; a folder deleted between the list
// and its turn is skipped with a sentence.
func TestFolderRenamedAndDeleted(t *testing.T) {
	w := newWorld(t, localimap.Config{})
	w.contacts3()
	w.fill("Archive", 10, threeLeads)
	s := w.syncer()
	w.run(s, mailsync.Options{})
	before := w.events()
	if err := w.srv.RenameFolder("Archive", "Old stuff"); err != nil {
		t.Fatal(err)
	}
	rep := w.run(s, mailsync.Options{})
	if rep.Recorded != 0 || rep.Scanned != 10 {
		t.Errorf("after the rename: %+v, want 10 scanned and nothing new", rep)
	}
	if after := w.events(); !slices.Equal(before, after) {
		t.Errorf("events changed after the rename: %d before, %d after", len(before), len(after))
	}
	states, err := w.db.SyncFolders(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range states {
		if st.Name == "Archive" {
			t.Errorf("the state of the renamed folder is kept: %+v", st)
		}
	}

	w.fill("INBOX", 3, threeLeads)
	w.fill("Old stuff", 12, threeLeads) // new messages there too
	deleted := false
	rep, err = s.Run(t.Context(), mailsync.Options{Progress: func(p mailsync.Progress) {
		if !deleted {
			deleted = true
			if err := w.srv.DeleteFolder("Old stuff"); err != nil {
				t.Error(err)
			}
		}
	}})
	if err != nil {
		t.Fatalf("a folder deleted during the run stopped it: %v", err)
	}
	var skipped *mailsync.FolderReport
	for i, f := range rep.Folders {
		if f.Name == "Old stuff" {
			skipped = &rep.Folders[i]
		}
	}
	if skipped == nil || !strings.Contains(skipped.Err, "Old stuff") || strings.Contains(skipped.Err, "\n") {
		t.Errorf("folder reports %+v, want a one-line error for the deleted folder", rep.Folders)
	}
}

// A connection dropped in the middle of a FETCH is reopened and the run
// resumes from its last commit: the result is that of a run without the
// drop.
func TestDroppedMidFetch(t *testing.T) {
	want := func() []event {
		w := newWorld(t, localimap.Config{})
		w.contacts3()
		w.fill("INBOX", 120, threeLeads)
		w.run(w.syncer(), mailsync.Options{})
		return w.events()
	}()

	w := newWorld(t, localimap.Config{})
	w.contacts3()
	w.fill("INBOX", 120, threeLeads)
	w.srv.Fail(localimap.Failure{DropAfterFetch: 30})
	// Heal once the sync says it reconnects.
	healed := make(chan struct{}, 10)
	log := slog.New(hook{on: "reconnecting after a dropped connection", f: func() {
		w.srv.Fail(localimap.Failure{})
		healed <- struct{}{}
	}})
	s := w.syncer(func(c *mailsync.Config) { c.Logger = log })
	rep := w.run(s, mailsync.Options{})
	if len(healed) == 0 {
		t.Fatal("the connection was never dropped")
	}
	if got := w.events(); !slices.Equal(got, want) {
		t.Errorf("%d events after a drop, want the %d of a run without one", len(got), len(want))
	}
	if rep.Recorded != len(want) {
		t.Errorf("recorded %d, want %d", rep.Recorded, len(want))
	}
}

// A drop on every connection gives up after a few reconnects with one
// sentence, and what was committed stays.
func TestDroppedForGood(t *testing.T) {
	w := newWorld(t, localimap.Config{})
	w.contacts3()
	w.fill("INBOX", 60, threeLeads)
	w.srv.Fail(localimap.Failure{DropAfterFetch: 70})
	w.run(w.syncer(func(c *mailsync.Config) { c.Batch = 20 }), mailsync.Options{}) // batches of 20 pass
	w.fill("INBOX", 100, []string{"ann@cust.example"})
	w.srv.Fail(localimap.Failure{DropAfterFetch: 5})
	_, err := w.syncer().Run(t.Context(), mailsync.Options{})
	if err == nil || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v, want one sentence", err)
	}
	if !strings.Contains(err.Error(), "lost") {
		t.Errorf("err = %q, want it to say the connection was lost", err)
	}
}

// A refused login and a server that is down stop the run with imapconn's
// sentence; nothing is written.
func TestServerRefusesOrIsDown(t *testing.T) {
	w := newWorld(t, localimap.Config{})
	w.contacts3()
	w.fill("INBOX", 5, threeLeads)
	for _, tc := range []struct {
		name string
		f    localimap.Failure
		is   error
	}{
		{"refused login", localimap.Failure{Login: true}, imapconn.ErrAuth},
		{"server down", localimap.Failure{Down: true}, imapconn.ErrUnreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.srv.Fail(tc.f)
			defer w.srv.Fail(localimap.Failure{})
			_, err := w.syncer().Run(t.Context(), mailsync.Options{})
			if !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want %v", err, tc.is)
			}
			if len(w.events()) != 0 {
				t.Error("events were recorded")
			}
		})
	}
	// The lease was given back: the next run works.
	w.run(w.syncer(), mailsync.Options{})
	if len(w.events()) == 0 {
		t.Error("no events after the server came back")
	}
}

// Two syncs on one database: the second is told another holds the lease.
func TestLeaseHeld(t *testing.T) {
	w := newWorld(t, localimap.Config{})
	ok, _, err := w.db.AcquireSyncLease(t.Context(), "cron@host", time.Now().Add(time.Minute))
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	_, err = w.syncer().Run(t.Context(), mailsync.Options{})
	if !errors.Is(err, mailsync.ErrLeaseHeld) || !strings.Contains(err.Error(), "cron@host") {
		t.Fatalf("err = %v, want ErrLeaseHeld naming cron@host", err)
	}
}

// Killed mid-sync (the context cut after a few batches, as kill -9 would
// leave it) and run again, the events are exactly those of an
// uninterrupted run.
func TestKilledAndRerun(t *testing.T) {
	setup := func() *world {
		w := newWorld(t, localimap.Config{})
		w.contacts3()
		w.fill("INBOX", 230, threeLeads)
		w.fill("Archive", 70, threeLeads)
		w.fill("Sent", 0, threeLeads)
		return w
	}
	ref := setup()
	ref.run(ref.syncer(), mailsync.Options{})
	want := ref.events()

	w := setup()
	ctx, cancel := context.WithCancel(t.Context())
	batches := 0
	_, err := w.syncer().Run(ctx, mailsync.Options{Progress: func(mailsync.Progress) {
		if batches++; batches == 3 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: err = %v, want context.Canceled", err)
	}
	part := w.events()
	if len(part) == 0 || len(part) >= len(want) {
		t.Fatalf("%d events after the cut, want some of %d", len(part), len(want))
	}
	rep := w.run(w.syncer(), mailsync.Options{})
	if got := w.events(); !slices.Equal(got, want) {
		t.Errorf("%d events after the rerun, want the %d of an uninterrupted run", len(got), len(want))
	}
	if rep.Duplicates > w.config().Batch {
		t.Errorf("the rerun met %d duplicates: it did not resume where the cut run stopped", rep.Duplicates)
	}
	// The history is complete: nobody waits for a backfill.
	if _, pending, err := w.db.PendingHistory(t.Context(), 10); err != nil || pending != 0 {
		t.Errorf("pending history %d (%v), want 0", pending, err)
	}
}

// --rescan reads everything again and duplicates nothing.
func TestRescanNoDuplicates(t *testing.T) {
	w := newWorld(t, localimap.Config{})
	w.contacts3()
	w.fill("INBOX", 30, threeLeads)
	w.fill("Sent", 5, threeLeads)
	s := w.syncer()
	first := w.run(s, mailsync.Options{})
	before := w.events()
	rep := w.run(s, mailsync.Options{Rescan: true})
	if rep.Scanned != first.Scanned || rep.Recorded != 0 || rep.Duplicates != first.Recorded {
		t.Errorf("rescan %+v after %+v: want everything scanned again, all duplicates", rep, first)
	}
	if after := w.events(); !slices.Equal(before, after) {
		t.Errorf("events changed: %d before, %d after", len(before), len(after))
	}
}

// A dry run reports and writes nothing.
func TestDryRun(t *testing.T) {
	w := newWorld(t, localimap.Config{})
	w.contacts3()
	w.fill("INBOX", 10, threeLeads)
	rep := w.run(w.syncer(), mailsync.Options{DryRun: true})
	if rep.Matched != 8 || rep.Recorded != 0 {
		t.Errorf("dry run %+v, want 8 matched and nothing recorded", rep)
	}
	if len(w.events()) != 0 {
		t.Error("a dry run wrote events")
	}
	if states, err := w.db.SyncFolders(t.Context()); err != nil || len(states) != 0 {
		t.Errorf("a dry run wrote folder states %+v (%v)", states, err)
	}
}

// hook is a slog handler that calls f when a record's message is on.
type hook struct {
	on string
	f  func()
}

func (h hook) Enabled(context.Context, slog.Level) bool { return true }
func (h hook) Handle(_ context.Context, r slog.Record) error {
	if r.Message == h.on {
		h.f()
	}
	return nil
}
func (h hook) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h hook) WithGroup(string) slog.Handler      { return h }

// A first sync with many contacts cut off in its second folder resumes
// there, without reading the first folder again, and then marks the
// history read.
func TestKilledFirstSyncResumes(t *testing.T) {
	setup := func() *world {
		w := newWorld(t, localimap.Config{})
		w.contacts3()
		for i := range 201 {
			w.contact(fmt.Sprintf("quiet%d@cust.example", i))
		}
		w.fill("INBOX", 230, threeLeads)
		w.fill("Archive", 70, threeLeads)
		return w
	}
	ref := setup()
	ref.run(ref.syncer(), mailsync.Options{})
	want := ref.events()

	w := setup()
	ctx, cancel := context.WithCancel(t.Context())
	_, err := w.syncer().Run(ctx, mailsync.Options{Progress: func(p mailsync.Progress) {
		if p.Folder == "Archive" {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: err = %v, want context.Canceled", err)
	}
	rep := w.run(w.syncer(), mailsync.Options{})
	if rep.Scanned != 20 {
		t.Errorf("the rerun scanned %d, want the 20 left in Archive", rep.Scanned)
	}
	if got := w.events(); !slices.Equal(got, want) {
		t.Errorf("%d events after the rerun, want the %d of an uninterrupted run", len(got), len(want))
	}
	if _, pending, err := w.db.PendingHistory(t.Context(), 10); err != nil || pending != 0 {
		t.Errorf("pending history %d (%v), want 0", pending, err)
	}
}
