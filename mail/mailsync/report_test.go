package mailsync_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail/localimap"
	"github.com/leadmail/leadmail/mail/mailsync"
)

// counts are the Report figures the tests check.
type counts struct{ Matched, Recorded, Duplicates, AutoReplies int }

func countsOf(r mailsync.Report) counts {
	return counts{r.Matched, r.Recorded, r.Duplicates, r.AutoReplies}
}

// The Report says what this run found: each message counted once however
// often the run meets it (two folders, a backfill after the scan), an
// already recorded message a duplicate only when an earlier run recorded
// it, and auto-replies only the new ones.
func TestReportCountsEachMessageOnce(t *testing.T) {
	t.Run("rescan", func(t *testing.T) {
		w := newWorld(t, localimap.Config{})
		w.contact("ann@cust.example")
		w.deliver("INBOX", msg{From: "ann@cust.example", To: repAddr, Subject: "Out of office",
			ID: "ooo@cust.example", Extra: []string{"Auto-Submitted: auto-replied"}})
		w.deliver("INBOX", msg{From: "ann@cust.example", To: repAddr, Subject: "First", ID: "one@cust.example"})
		s := w.syncer()
		if got, want := countsOf(w.run(s, mailsync.Options{})), (counts{2, 2, 0, 1}); got != want {
			t.Errorf("first run %+v, want %+v", got, want)
		}
		for i := range 2 {
			w.deliver("INBOX", msg{From: "ann@cust.example", To: repAddr, Subject: fmt.Sprint("Later ", i),
				ID: fmt.Sprintf("later%d@cust.example", i)})
		}
		if got, want := countsOf(w.run(s, mailsync.Options{Rescan: true})), (counts{4, 2, 2, 0}); got != want {
			t.Errorf("rescan %+v, want %+v", got, want)
		}
		if got, want := countsOf(w.run(s, mailsync.Options{})), (counts{}); got != want {
			t.Errorf("rerun %+v, want %+v", got, want)
		}
	})
	t.Run("two folders", func(t *testing.T) {
		w := newWorld(t, localimap.Config{})
		w.contact("ann@cust.example")
		m := msg{From: "ann@cust.example", To: repAddr, Subject: "Filed twice", ID: "twice@cust.example"}
		w.deliver("INBOX", m)
		w.deliver("Archive", m)
		if got, want := countsOf(w.run(w.syncer(), mailsync.Options{})), (counts{1, 1, 0, 0}); got != want {
			t.Errorf("report %+v, want %+v", got, want)
		}
	})
	t.Run("backfill after the scan", func(t *testing.T) {
		w := newWorld(t, localimap.Config{})
		w.contact("ann@cust.example")
		w.deliver("INBOX", msg{From: "late@cust.example", To: repAddr, Subject: "Before", ID: "before@cust.example"})
		s := w.syncer()
		w.run(s, mailsync.Options{})
		w.contact("late@cust.example")
		w.deliver("INBOX", msg{From: "late@cust.example", To: repAddr, Subject: "New", ID: "new@cust.example",
			Date: time.Now()})
		if got, want := countsOf(w.run(s, mailsync.Options{})), (counts{2, 2, 0, 0}); got != want {
			t.Errorf("report %+v, want %+v", got, want)
		}
		if got := len(w.kinds("late@cust.example")); got != 2 {
			t.Errorf("late has %d events, want 2", got)
		}
	})
}

// A folder's matched count (sync status) is the folder's, not the sum of
// every pass over it: a rescan does not double it.
func TestFolderMatchedAfterRescan(t *testing.T) {
	w := newWorld(t, localimap.Config{})
	w.contact("ann@cust.example")
	w.fill("INBOX", 10, []string{"ann@cust.example"})
	s := w.syncer()
	w.run(s, mailsync.Options{})
	for i := range 201 { // many new contacts: every folder is read again
		w.contact(fmt.Sprintf("imp%d@cust.example", i))
	}
	w.run(s, mailsync.Options{})
	w.deliver("INBOX", msg{From: "ann@cust.example", To: repAddr, Subject: "One more", ID: "more@cust.example"})
	w.run(s, mailsync.Options{})
	fs, err := w.db.SyncFolders(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Name == "INBOX" && f.Matched != 9 {
			t.Errorf("INBOX matched %d, want 9 (8 read twice and one more)", f.Matched)
		}
	}
}
