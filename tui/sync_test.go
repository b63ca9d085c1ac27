package tui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/mail/mailsync"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// fakeSyncer stands for Mail Sync. Watch reports what it was given and
// returns; Run reports one progress and then waits for its context, or
// returns report at once when quick.
type fakeSyncer struct {
	mu      sync.Mutex
	watch   []mailsync.Report
	quick   bool
	report  mailsync.Report
	runs    int
	fetched []int64
}

func (f *fakeSyncer) Run(ctx context.Context, o mailsync.Options) (mailsync.Report, error) {
	f.mu.Lock()
	f.runs++
	f.mu.Unlock()
	if o.Progress != nil {
		o.Progress(mailsync.Progress{Folder: "INBOX", Scanned: 1200, Total: 4800, Matched: 37, PerSecond: 12000, ETA: 2e9})
	}
	if f.quick {
		return f.report, nil
	}
	<-ctx.Done()
	return mailsync.Report{Scanned: 1200}, ctx.Err()
}

func (f *fakeSyncer) Watch(_ context.Context, changed func(mailsync.Report)) error {
	for _, r := range f.watch {
		changed(r)
	}
	return nil
}

func (f *fakeSyncer) FetchOriginal(_ context.Context, r store.Received) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fetched = append(f.fetched, r.ID)
	return []byte("Subject: Re: Hello Ada\r\n\r\nThe original text, whole.\r\n"), nil
}

// Each report of the watch refreshes the contact on screen, and a reply
// is named in the status line.
func TestSyncWatchRefreshesTheTimeline(t *testing.T) {
	fs := &fakeSyncer{watch: []mailsync.Report{{Scanned: 3}}}
	a := newApp(t, 120, 40, func(o *Options) { o.Sync = fs })
	a.pump(t, a.handleIntent(common.OpenContactMsg{ContactID: a.w.Ada.ID}))
	if strings.Contains(a.view(), "← received") {
		t.Fatal("the world has mail from the mailbox already")
	}
	a.w.AddMailSync(t) // Mail Sync records Ada's reply and more
	a.pump(t, a.update(syncReportMsg{report: mailsync.Report{Scanned: 5, Matched: 5, Recorded: 5, Replies: 1}}))
	v := a.view()
	if !strings.Contains(v, "← received") || !strings.Contains(v, "answered · Hello Ada") {
		t.Errorf("the timeline was not refreshed:\n%s", v)
	}
	if got := a.StatusText(); got != "↩ Ada Lovelace replied: Re: Hello Ada" {
		t.Errorf("status %q; want the reply named", got)
	}
}

// S on Contacts syncs now with a progress dialog; esc cancels it and says
// what is kept.
func TestSyncNowShowsProgressAndCancels(t *testing.T) {
	fs := &fakeSyncer{}
	a := newApp(t, 80, 24, func(o *Options) { o.Sync = fs })
	if !a.syncKeys.Run.Enabled() {
		t.Fatal("S is not offered on Contacts")
	}
	a.press(t, "?")
	if !strings.Contains(a.view(), "S      sync mail now") && !strings.Contains(a.view(), "S sync mail now") && !strings.Contains(a.view(), "sync mail now") {
		t.Errorf("the help does not list S:\n%s", a.view())
	}
	a.press(t, "esc")
	cmd := a.update(tuitest.Key("S"))
	batch, ok := cmd().(tea.BatchMsg)
	if !ok || len(batch) != 2 {
		t.Fatalf("S gave %T; want the run and its progress listener", cmd())
	}
	run, listen := batch[0], batch[1]
	done := make(chan tea.Msg, 1)
	go func() { done <- run() }()
	a.update(listen()) // its next listen waits for the pass
	v := a.view()
	fits(t, v, 80, 24)
	for _, want := range []string{"Syncing mail", "INBOX", "1200 of 4800", "37 matched", "12000 msg/s", "about 2 s left", "esc cancel the sync"} {
		if !strings.Contains(v, want) {
			t.Errorf("the progress lacks %q:\n%s", want, v)
		}
	}
	tuitest.Golden(t, v)
	a.press(t, "esc")
	a.pump(t, a.update(<-done))
	if len(a.modals) != 0 || !strings.Contains(a.StatusText(), "Sync cancelled after 1200 messages") {
		t.Errorf("after esc: %d modals, status %q", len(a.modals), a.StatusText())
	}
}

// A quick pass reports what it did; a held lease is said in a sentence.
func TestSyncNowReports(t *testing.T) {
	fs := &fakeSyncer{quick: true, report: mailsync.Report{Scanned: 4800, Matched: 37, Recorded: 12}}
	a := newApp(t, 120, 40, func(o *Options) { o.Sync = fs })
	a.press(t, "S")
	if got := a.StatusText(); got != "Synced: 4800 messages scanned, 37 matched, 12 new" {
		t.Errorf("status %q", got)
	}
	a.pump(t, a.update(syncDoneMsg{err: mailsync.ErrLeaseHeld}))
	if !strings.Contains(a.StatusText(), "Another sync is running") {
		t.Errorf("status %q", a.StatusText())
	}
	a.pump(t, a.update(syncWatchEndMsg{err: errors.New("login refused")}))
	if !strings.Contains(a.StatusText(), "Mail Sync stopped following your mailbox: login refused") {
		t.Errorf("status %q", a.StatusText())
	}
}

// enter on a reply opens it as received; o fetches its original through
// Mail Sync.
func TestReceivedMailFromTheTimeline(t *testing.T) {
	fs := &fakeSyncer{}
	a := newApp(t, 120, 40, func(o *Options) { o.Sync = fs })
	s := a.w.AddMailSync(t)
	a.pump(t, a.handleIntent(common.OpenReceivedMsg{ReceivedID: s.Reply.ID}))
	a.press(t, "o")
	v := a.view()
	if !strings.Contains(v, "The original text, whole.") || len(fs.fetched) != 1 || fs.fetched[0] != s.Reply.ID {
		t.Errorf("o fetched %v:\n%s", fs.fetched, v)
	}
}
