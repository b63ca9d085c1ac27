package mailsync_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail/localimap"
	"github.com/leadmail/leadmail/mail/mailsync"
	"github.com/leadmail/leadmail/store"
)

// A contact added after the historical sync gets its past mail on the
// next run, by a search of each folder, without rereading the folders.
func TestBackfillOfContactAddedLater(t *testing.T) {
	w := newWorld(t, localimap.Config{})
	w.contact("ann@cust.example")
	w.deliver("INBOX", msg{From: "ann@cust.example", To: repAddr, Subject: "Ann writes", ID: "a@cust.example"})
	w.deliver("INBOX", msg{From: "late@cust.example", To: repAddr, Subject: "Late writes", ID: "l1@cust.example"})
	w.deliver("INBOX", msg{From: "ann@cust.example", To: repAddr, Cc: "late@cust.example", Subject: "Both", ID: "b@cust.example"})
	w.deliver("Sent", msg{From: repAddr, To: "late@cust.example", Subject: "To late", ID: "l2@leadmail.example"})
	s := w.syncer()
	w.run(s, mailsync.Options{})
	if got := len(w.events()); got != 2 {
		t.Fatalf("%d events before the new contact, want 2", got)
	}
	w.contact("late@cust.example")
	if _, pending, _ := w.db.PendingHistory(t.Context(), 10); pending != 1 {
		t.Fatalf("pending %d, want the new contact", pending)
	}
	rep := w.run(s, mailsync.Options{})
	if rep.Scanned != 0 {
		t.Errorf("the backfill scanned %d messages: it should search, not reread", rep.Scanned)
	}
	got, want := w.kinds("late@cust.example"), []store.EventKind{store.EventEmailReceived, store.EventEmailReceived, store.EventEmailSentElsewhere}
	if !slices.Equal(got, want) {
		t.Errorf("late's events %v, want %v", got, want)
	}
	if got := w.kinds("ann@cust.example"); len(got) != 2 {
		t.Errorf("ann's events %v: the backfill doubled them", got)
	}
	if _, pending, _ := w.db.PendingHistory(t.Context(), 10); pending != 0 {
		t.Errorf("pending %d after the backfill, want 0", pending)
	}
	// Nothing more on the next run.
	before := w.events()
	w.run(s, mailsync.Options{})
	if after := w.events(); !slices.Equal(before, after) {
		t.Error("a run after the backfill changed the events")
	}
}

// An uncertain send found in Sent is confirmed; one that is not there
// after the grace time says so in the Outbox.
func TestUncertainSends(t *testing.T) {
	w := newWorld(t, localimap.Config{})
	w.contact("ann@cust.example")
	w.contact("bob@cust.example")
	arrived := w.uncertainSend("ann@cust.example", "It left")
	lost := w.uncertainSend("bob@cust.example", "It did not")
	if _, err := w.srv.Deliver("Sent", arrived.Raw, []string{`\Seen`}, time.Now()); err != nil {
		t.Fatal(err)
	}
	rep := w.run(w.syncer(func(c *mailsync.Config) { c.Grace = time.Millisecond }), mailsync.Options{})
	if rep.Confirmed != 1 {
		t.Errorf("confirmed %d, want 1", rep.Confirmed)
	}
	m, err := w.db.GetMessage(t.Context(), arrived.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != store.MessageSent {
		t.Errorf("the send found in Sent is %s, want sent", m.Status)
	}
	tl, err := w.db.Timeline(t.Context(), w.contacts["ann@cust.example"], 100)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(tl, func(e store.Event) bool { return strings.Contains(e.Detail, "confirmed from your Sent folder") }) {
		t.Errorf("timeline %+v, want the confirmation note", tl)
	}
	if kinds := w.kinds("ann@cust.example"); slices.Contains(kinds, store.EventEmailSentElsewhere) {
		t.Error("our own send in Sent was recorded as sent elsewhere")
	}
	m, err = w.db.GetMessage(t.Context(), lost.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != store.MessageUncertain || !strings.Contains(m.LastError, "not in your Sent folder") {
		t.Errorf("the lost send is %s with %q, want uncertain saying it is not in Sent", m.Status, m.LastError)
	}
}

// A send gets one copy in Sent, with its exact bytes, however many runs.
func TestSentCopySavedOnce(t *testing.T) {
	w := newWorld(t, localimap.Config{})
	w.contact("ann@cust.example")
	sent := w.send("ann@cust.example", "Copy me", time.Now().Add(-time.Minute))
	s := w.syncer(func(c *mailsync.Config) { c.SaveSent = "always" })
	rep := w.run(s, mailsync.Options{})
	if rep.SentCopies != 1 {
		t.Errorf("copies %d, want 1", rep.SentCopies)
	}
	w.run(s, mailsync.Options{})
	w.run(s, mailsync.Options{Rescan: true})
	msgs, err := w.srv.Messages("Sent")
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || !bytes.Equal(msgs[0], sent.Raw) {
		t.Fatalf("Sent holds %d messages, want the one send's exact bytes", len(msgs))
	}
	m, err := w.db.GetMessage(t.Context(), sent.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m.SentCopy != store.SentCopySaved {
		t.Errorf("sent copy %q, want saved", m.SentCopy)
	}
	if kinds := w.kinds("ann@cust.example"); len(kinds) != 0 {
		t.Errorf("the copy of our own send made events %v", kinds)
	}
}

// Where the provider files sent mail itself, or the user said never, no
// copy is made; with no Sent folder one is created; a copy already there
// is not doubled.
func TestSentCopyRules(t *testing.T) {
	for _, tc := range []struct {
		name     string
		saveSent string
		provider string
		server   localimap.Config
		already  bool
		want     string
		copies   int
	}{
		{"gmail files it", "auto", "gmail", localimap.Config{Gmail: true}, false, store.SentCopyProvider, 0},
		{"never", "never", "custom", localimap.Config{}, false, store.SentCopyNever, 0},
		{"already there", "auto", "custom", localimap.Config{}, true, store.SentCopyFound, 1},
		{"no special-use names", "auto", "fastmail", localimap.Config{NoSpecialUse: true}, false, store.SentCopySaved, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, tc.server)
			w.contact("ann@cust.example")
			sent := w.send("ann@cust.example", "Copy me", time.Now().Add(-time.Minute))
			sentFolder := "Sent"
			if tc.server.Gmail {
				sentFolder = "[Gmail]/Sent Mail"
			}
			if tc.already {
				if _, err := w.srv.Deliver(sentFolder, sent.Raw, nil, time.Now()); err != nil {
					t.Fatal(err)
				}
			}
			w.run(w.syncer(func(c *mailsync.Config) { c.SaveSent, c.Provider = tc.saveSent, tc.provider }), mailsync.Options{})
			m, err := w.db.GetMessage(t.Context(), sent.ID)
			if err != nil {
				t.Fatal(err)
			}
			if m.SentCopy != tc.want {
				t.Errorf("sent copy %q, want %q", m.SentCopy, tc.want)
			}
			msgs, err := w.srv.Messages(sentFolder)
			if err != nil {
				t.Fatal(err)
			}
			if len(msgs) != tc.copies {
				t.Errorf("%s holds %d messages, want %d", sentFolder, len(msgs), tc.copies)
			}
		})
	}
}

// On Gmail only All Mail is read: a message in INBOX and All Mail counts
// once.
func TestGmailReadsAllMailOnly(t *testing.T) {
	w := newWorld(t, localimap.Config{Gmail: true})
	w.contact("ann@cust.example")
	w.deliver("INBOX", msg{From: "ann@cust.example", To: repAddr, Subject: "Hi", ID: "g1@cust.example"})
	rep := w.run(w.syncer(func(c *mailsync.Config) { c.Provider = "gmail" }), mailsync.Options{})
	if len(rep.Folders) != 1 || rep.Folders[0].Name != "[Gmail]/All Mail" {
		t.Errorf("folders %+v, want All Mail only", rep.Folders)
	}
	if got := w.kinds("ann@cust.example"); len(got) != 1 {
		t.Errorf("ann's events %v, want one", got)
	}
}

// Watch hears a new reply through IDLE (or polling where the server has
// none) and records it within seconds.
func TestWatchDeliversNewReply(t *testing.T) {
	for _, tc := range []struct {
		name   string
		noIdle bool
	}{{"idle", false}, {"poll", true}} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, localimap.Config{})
			w.contact("ann@cust.example")
			sent := w.send("ann@cust.example", "Offer", time.Now().Add(-time.Hour))
			if tc.noIdle {
				w.srv.Fail(localimap.Failure{NoIdle: true})
			}
			s := w.syncer(func(c *mailsync.Config) { c.Poll = 200 * time.Millisecond })
			ctx, cancel := context.WithCancel(t.Context())
			changed := make(chan mailsync.Report, 10)
			done := make(chan error, 1)
			go func() { done <- s.Watch(ctx, func(r mailsync.Report) { changed <- r }) }()
			// Let the first catch-up run and IDLE start; what arrives after
			// is announced either way.
			time.Sleep(300 * time.Millisecond)
			start := time.Now()
			w.deliver("INBOX", msg{From: "ann@cust.example", To: repAddr, Subject: "Re: Offer",
				ID: "live@cust.example", InReplyTo: sent.MessageID, Date: time.Now()})
			deadline := time.After(5 * time.Second)
		wait:
			for {
				select {
				case r := <-changed:
					if r.Replies > 0 {
						break wait
					}
				case <-deadline:
					t.Fatal("no reply recorded within 5 s")
				}
			}
			t.Logf("reply recorded %v after delivery", time.Since(start).Round(time.Millisecond))
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Watch returned %v after cancel, want nil", err)
			}
			if got := w.kinds("ann@cust.example"); !slices.Contains(got, store.EventReplied) {
				t.Errorf("events %v, want replied", got)
			}
		})
	}
}

// A refused login stops Watch with the error instead of retrying.
func TestWatchStopsOnRefusedLogin(t *testing.T) {
	w := newWorld(t, localimap.Config{})
	w.srv.Fail(localimap.Failure{Login: true})
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	err := w.syncer().Watch(ctx, nil)
	if err == nil || ctx.Err() != nil {
		t.Fatalf("Watch = %v (ctx %v), want the refused login at once", err, ctx.Err())
	}
}

// FetchOriginal reads the message where it was seen, and by its
// Message-ID after the folder was renumbered.
func TestFetchOriginal(t *testing.T) {
	w := newWorld(t, localimap.Config{})
	w.contact("ann@cust.example")
	m := msg{From: "ann@cust.example", To: repAddr, Subject: "Keep me", ID: "orig@cust.example", Date: time.Now()}
	w.deliver("Archive", m)
	s := w.syncer()
	w.run(s, mailsync.Options{})
	tl, err := w.db.Timeline(t.Context(), w.contacts["ann@cust.example"], 10)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(tl, func(e store.Event) bool { return e.ReceivedID != 0 })
	if i < 0 {
		t.Fatalf("timeline %+v, want the received message", tl)
	}
	rec, err := w.db.GetReceived(t.Context(), tl[i].ReceivedID)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.FetchOriginal(t.Context(), rec)
	if err != nil || !bytes.Equal(got, m.bytes()) {
		t.Fatalf("FetchOriginal = %d bytes, %v; want the original", len(got), err)
	}
	if err := w.srv.SetUIDValidity("Archive", 4242); err != nil {
		t.Fatal(err)
	}
	if got, err = s.FetchOriginal(t.Context(), rec); err != nil || !bytes.Equal(got, m.bytes()) {
		t.Fatalf("after renumbering: %d bytes, %v; want the original by Message-ID", len(got), err)
	}
	rec.MessageID, rec.UID = "nowhere@cust.example", 999
	if _, err := s.FetchOriginal(t.Context(), rec); err == nil {
		t.Error("a message that is gone was found")
	}
}

// Many contacts without history (a big import) make the next run read
// every folder again instead of searching address by address.
func TestManyNewContactsRescan(t *testing.T) {
	w := newWorld(t, localimap.Config{})
	w.contact("ann@cust.example")
	w.fill("INBOX", 20, []string{"ann@cust.example", "imp3@cust.example"})
	s := w.syncer()
	w.run(s, mailsync.Options{})
	for i := range 201 {
		w.contact(fmt.Sprintf("imp%d@cust.example", i))
	}
	rep := w.run(s, mailsync.Options{})
	if rep.Scanned != 20 {
		t.Errorf("scanned %d, want all 20 read again", rep.Scanned)
	}
	if got := w.kinds("imp3@cust.example"); len(got) != 8 {
		t.Errorf("the imported contact has %d events, want 8", len(got))
	}
	if _, pending, _ := w.db.PendingHistory(t.Context(), 10); pending != 0 {
		t.Errorf("pending %d, want 0", pending)
	}
}

// --folder reads only that folder; an unknown one is said, in one line.
func TestOneFolder(t *testing.T) {
	w := newWorld(t, localimap.Config{})
	w.contact("ann@cust.example")
	w.fill("INBOX", 5, []string{"ann@cust.example"})
	w.fill("Archive", 5, []string{"ann@cust.example"})
	rep := w.run(w.syncer(), mailsync.Options{Folders: []string{"Archive", "Nowhere"}})
	if rep.Scanned != 5 || len(rep.Folders) != 2 {
		t.Fatalf("report %+v, want Archive read and Nowhere reported", rep)
	}
	if f := rep.Folders[0]; f.Name != "Nowhere" || f.Err == "" {
		t.Errorf("folder report %+v, want an error for Nowhere", f)
	}
	// Not a full scan: the history is not marked read.
	if _, pending, _ := w.db.PendingHistory(t.Context(), 10); pending != 1 {
		t.Errorf("pending %d, want 1 after a one-folder run", pending)
	}
}

// Watch outlives a server that goes away: it reconnects with its backoff
// and hears the next reply.
func TestWatchReconnects(t *testing.T) {
	w := newWorld(t, localimap.Config{})
	w.contact("ann@cust.example")
	sent := w.send("ann@cust.example", "Offer", time.Now().Add(-time.Hour))
	s := w.syncer()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	changed := make(chan mailsync.Report, 10)
	done := make(chan error, 1)
	go func() { done <- s.Watch(ctx, func(r mailsync.Report) { changed <- r }) }()
	time.Sleep(300 * time.Millisecond)
	w.srv.Fail(localimap.Failure{Down: true})
	time.Sleep(500 * time.Millisecond)
	w.srv.Fail(localimap.Failure{})
	w.deliver("INBOX", msg{From: "ann@cust.example", To: repAddr, Subject: "Re: Offer",
		ID: "after-outage@cust.example", InReplyTo: sent.MessageID, Date: time.Now()})
	deadline := time.After(10 * time.Second)
	for {
		select {
		case r := <-changed:
			if r.Replies == 1 {
				return
			}
		case err := <-done:
			t.Fatalf("Watch gave up: %v", err)
		case <-deadline:
			t.Fatal("no reply recorded within 10 s of the server's return")
		}
	}
}

// While another sync holds the lease, Watch waits and tries again; the
// reply is recorded once the lease is free.
func TestWatchWaitsForTheLease(t *testing.T) {
	w := newWorld(t, localimap.Config{})
	w.contact("ann@cust.example")
	sent := w.send("ann@cust.example", "Offer", time.Now().Add(-time.Hour))
	if ok, _, err := w.db.AcquireSyncLease(t.Context(), "cron@host", time.Now().Add(time.Minute)); err != nil || !ok {
		t.Fatal(ok, err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	changed := make(chan mailsync.Report, 10)
	go func() { _ = w.syncer().Watch(ctx, func(r mailsync.Report) { changed <- r }) }()
	w.deliver("INBOX", msg{From: "ann@cust.example", To: repAddr, Subject: "Re: Offer",
		ID: "while-busy@cust.example", InReplyTo: sent.MessageID, Date: time.Now()})
	time.Sleep(500 * time.Millisecond)
	if got := w.kinds("ann@cust.example"); len(got) != 0 {
		t.Fatalf("recorded %v while another sync held the lease", got)
	}
	if err := w.db.ReleaseSyncLease(t.Context(), "cron@host"); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(15 * time.Second)
	for {
		select {
		case r := <-changed:
			if r.Replies == 1 {
				return
			}
		case <-deadline:
			t.Fatal("no reply recorded after the lease was freed")
		}
	}
}
