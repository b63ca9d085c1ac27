package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail/localimap"
	"github.com/leadmail/leadmail/mail/mailsync"
	"github.com/leadmail/leadmail/store"
)

// syncEnv is a demo database, the package's SMTP settings and a local IMAP
// server (STARTTLS, login sam/imap-pw) configured through the environment.
type syncEnv struct {
	cliEnv
	srv *localimap.Server
}

func newSyncEnv(t *testing.T) syncEnv {
	t.Helper()
	e := newCLIEnv(t)
	useTestSMTP(t)
	srv, err := localimap.Start(localimap.Config{Username: "sam", Password: "imap-pw"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	t.Setenv("LEADMAIL_IMAP_HOST", srv.Host())
	t.Setenv("LEADMAIL_IMAP_PORT", strconv.Itoa(srv.Port()))
	t.Setenv("LEADMAIL_IMAP_SECURITY", "starttls")
	t.Setenv("LEADMAIL_IMAP_USERNAME", "sam")
	t.Setenv("LEADMAIL_IMAP_PASSWORD", "imap-pw")
	return syncEnv{cliEnv: e, srv: srv}
}

// deliver files a message from `from` in INBOX.
func (e syncEnv) deliver(t *testing.T, from, subject string, n int) {
	t.Helper()
	raw := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%d.%s@test.example>\r\n\r\nHello.\r\n",
		from, demoSender.Email, subject, time.Now().Add(-time.Hour).Format(time.RFC1123Z), n, strings.ReplaceAll(subject, " ", "-"))
	if _, err := e.srv.Deliver("INBOX", []byte(raw), nil, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// syncer is what `leadmail sync` builds from the config, trusting the
// local server's certificate (which SSL_CERT_FILE cannot hold here).
func (e syncEnv) syncer(t *testing.T, edit func(*mailsync.Config)) *mailsync.Syncer {
	t.Helper()
	a, err := openApp(t.Context(), &globals{dbPath: e.db})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	sc, err := a.syncConfig(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	sc.IMAP.TLSConfig = e.srv.TLSConfig()
	if edit != nil {
		edit(&sc)
	}
	return mailsync.New(sc, a.db)
}

func (e syncEnv) kinds(t *testing.T, email string) map[store.EventKind]int {
	t.Helper()
	out, err := e.run(t, "timeline", email, "--json")
	if err != nil {
		t.Fatalf("timeline: %v\n%s", err, out)
	}
	var evs []eventJSON
	if err := json.Unmarshal([]byte(out), &evs); err != nil {
		t.Fatal(err)
	}
	n := map[store.EventKind]int{}
	for _, ev := range evs {
		n[ev.Kind]++
	}
	return n
}

func TestSyncRecordsContactMail(t *testing.T) {
	e := newSyncEnv(t)
	lead := firstEmail(t, e.cliEnv)
	e.deliver(t, lead, "Question about pricing", 1)
	e.deliver(t, "news@elsewhere.example", "Our newsletter", 2)

	var out bytes.Buffer
	if err := runSync(t.Context(), &out, nil, e.syncer(t, nil), syncFlags{}); err != nil {
		t.Fatalf("sync: %v\n%s", err, out.String())
	}
	if s := out.String(); !strings.HasPrefix(s, "synced: ") || !strings.Contains(s, ", 1 matched, 1 new") ||
		strings.Count(s, "\n") != 1 {
		t.Errorf("summary = %q", s)
	}
	if n := e.kinds(t, lead)[store.EventEmailReceived]; n != 1 {
		t.Errorf("%d email_received events on %s, want 1", n, lead)
	}

	st, err := e.run(t, "sync", "status", "--json")
	if err != nil {
		t.Fatalf("sync status: %v\n%s", err, st)
	}
	var folders []syncStatusJSON
	if err := json.Unmarshal([]byte(st), &folders); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, st)
	}
	var inbox *syncStatusJSON
	for i := range folders {
		if folders[i].Folder == "INBOX" {
			inbox = &folders[i]
		}
	}
	if inbox == nil || inbox.UIDValidity == 0 || inbox.LastUID != 2 || inbox.Matched != 1 || inbox.LastRun == nil || inbox.LastError != "" {
		t.Errorf("INBOX status = %+v (all: %s)", inbox, st)
	}
	if txt, err := e.run(t, "sync", "status"); err != nil || !strings.HasPrefix(txt, "FOLDER") || !strings.Contains(txt, "INBOX") {
		t.Errorf("sync status: %v\n%s", err, txt)
	}

	// Again: nothing new, nothing doubled.
	out.Reset()
	if err := runSync(t.Context(), &out, nil, e.syncer(t, nil), syncFlags{asJSON: true}); err != nil {
		t.Fatalf("second sync: %v\n%s", err, out.String())
	}
	var j syncJSON
	if err := json.Unmarshal(out.Bytes(), &j); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	if j.Recorded != 0 || j.Interrupted || j.DryRun || len(j.Folders) == 0 {
		t.Errorf("second run = %+v", j)
	}
	if n := e.kinds(t, lead)[store.EventEmailReceived]; n != 1 {
		t.Errorf("%d email_received events after a second run, want 1", n)
	}
}

// cancelWriter stands for ctrl+c: the first progress line cancels.
type cancelWriter struct {
	cancel context.CancelFunc
	buf    bytes.Buffer
}

func (w *cancelWriter) Write(p []byte) (int, error) {
	w.cancel()
	return w.buf.Write(p)
}

// ctrl+c mid-sync exits cleanly, keeps what was committed, and the next
// run finishes without doubling anything.
func TestSyncInterruptedKeepsWhatWasSynced(t *testing.T) {
	e := newSyncEnv(t)
	lead := firstEmail(t, e.cliEnv)
	const n = 30
	for i := range n {
		e.deliver(t, lead, "Note "+strconv.Itoa(i), i)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	w := &cancelWriter{cancel: cancel}
	var out bytes.Buffer
	small := func(c *mailsync.Config) { c.Batch = 5 }
	if err := runSync(ctx, &out, w, e.syncer(t, small), syncFlags{}); err != nil {
		t.Fatalf("interrupted sync: %v\n%s", err, out.String())
	}
	if !strings.HasPrefix(out.String(), "interrupted: what was synced is kept: ") {
		t.Errorf("summary = %q", out.String())
	}
	if !strings.Contains(w.buf.String(), "INBOX: ") || !strings.Contains(w.buf.String(), " scanned · ") {
		t.Errorf("progress = %q", w.buf.String())
	}
	first := e.kinds(t, lead)[store.EventEmailReceived]
	if first >= n {
		t.Logf("the first run finished before ctrl+c (%d events)", first)
	}

	out.Reset()
	if err := runSync(t.Context(), &out, nil, e.syncer(t, small), syncFlags{}); err != nil {
		t.Fatalf("rerun: %v\n%s", err, out.String())
	}
	if got := e.kinds(t, lead)[store.EventEmailReceived]; got != n {
		t.Errorf("%d email_received events after the rerun, want exactly %d", got, n)
	}
}

func TestSyncLeaseHeld(t *testing.T) {
	e := newSyncEnv(t)
	db, err := store.Open(t.Context(), e.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB(t, db)
	if ok, _, err := db.AcquireSyncLease(t.Context(), "4242@elsewhere", time.Now().Add(time.Hour)); !ok || err != nil {
		t.Fatalf("lease: %v, %v", ok, err)
	}
	err = runSync(t.Context(), io.Discard, nil, e.syncer(t, nil), syncFlags{})
	if err == nil || err.Error() != "another sync is running (4242@elsewhere); try again later" {
		t.Errorf("err = %v", err)
	}
}

func TestSyncDryRunWritesNothing(t *testing.T) {
	e := newSyncEnv(t)
	e.deliver(t, firstEmail(t, e.cliEnv), "Hello", 1)
	var out bytes.Buffer
	if err := runSync(t.Context(), &out, nil, e.syncer(t, nil), syncFlags{dryRun: true}); err != nil {
		t.Fatalf("dry run: %v", err)
	}
	if !strings.HasPrefix(out.String(), "dry run, nothing written: ") || !strings.Contains(out.String(), "1 matched") {
		t.Errorf("summary = %q", out.String())
	}
	if st, err := e.run(t, "sync", "status"); err != nil || st != "No folder synced yet: run leadmail sync.\n" {
		t.Errorf("status after a dry run: %v %q", err, st)
	}
}

func TestSyncOffSaysWhatToSet(t *testing.T) {
	e := newCLIEnv(t)
	useTestSMTP(t) // smtp.host 127.0.0.1 tells no IMAP server
	out, err := e.run(t, "sync")
	if err == nil || err.Error() != errSyncOff.Error() {
		t.Fatalf("err = %v\n%s", err, out)
	}
}

// The whole command, as cron runs it, on a plaintext loopback server.
func TestSyncCommand(t *testing.T) {
	e := newCLIEnv(t)
	useTestSMTP(t)
	useTestIMAP(t, startPlainIMAP(t, "Sent"))
	out, err := e.run(t, "sync", "--json", "--folder", "INBOX")
	if err != nil {
		t.Fatalf("sync: %v\n%s", err, out)
	}
	var j syncJSON
	if err := json.Unmarshal([]byte(out), &j); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(j.Folders) != 1 || j.Folders[0].Name != "INBOX" || j.Scanned != 1 || j.Matched != 0 {
		t.Errorf("report = %+v", j)
	}
}

func TestSyncProgressLine(t *testing.T) {
	var b bytes.Buffer
	syncProgress(&b)(mailsync.Progress{Folder: "INBOX\x1b[2J", Scanned: 500, Total: 1000, Matched: 3,
		PerSecond: 12000, ETA: 2 * time.Second})
	got := b.String()
	if !strings.HasPrefix(got, "\r\x1b[K") || !strings.HasSuffix(got, ": 500/1000 scanned · 3 matched · 12000 msg/s · ETA 2.0 s") ||
		strings.Contains(got, "\x1b[2J") {
		t.Errorf("progress = %q", got)
	}
}

// The UI gets Mail Sync when an IMAP server is configured, and opens
// without it when none is or its settings cannot work.
func TestAppMailSync(t *testing.T) {
	open := func(t *testing.T, db string) *app {
		a, err := openApp(t.Context(), &globals{dbPath: db})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(a.Close)
		return a
	}
	e := newSyncEnv(t)
	if open(t, e.db).mailSync(t.Context()) == nil {
		t.Error("no Mail Sync with an IMAP server configured")
	}
	t.Setenv("LEADMAIL_IMAP_PASSWORD", "")
	if open(t, e.db).mailSync(t.Context()) != nil {
		t.Error("Mail Sync without a password for imap.username sam")
	}
	t.Setenv("LEADMAIL_IMAP_HOST", "")
	if open(t, e.db).mailSync(t.Context()) != nil {
		t.Error("Mail Sync with no IMAP server known")
	}
}
