package outbox_test

import (
	"bytes"
	"context"
	"errors"
	"net/mail"
	"sync"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail/localsmtp"
	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
)

// syncClock is a clock a test moves while other goroutines read it.
type syncClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *syncClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *syncClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// trustEnv is env with a clock safe to move during a send: its own
// connection to the env's database, and services built on it.
type trustEnv struct {
	*env
	clock *syncClock
	db    *store.DB
}

func newTrustEnv(t *testing.T) *trustEnv {
	t.Helper()
	e := newEnv(t)
	te := &trustEnv{env: e, clock: &syncClock{t: e.now}}
	db, err := store.Open(t.Context(), e.dbPath, store.Options{Now: te.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	te.db = db
	return te
}

// service is one process's outbox (a TUI session with undo window undo,
// or the command line with 0) on the shared database.
func (te *trustEnv) service(t *testing.T, tr outbox.Transport, undo int, heartbeat time.Duration) *outbox.Service {
	t.Helper()
	cfg := outbox.DefaultConfig()
	cfg.UndoSeconds = undo
	cfg.VerifiedDomains = []string{"brightpath.example"}
	if tr == nil {
		tr = te.smtp
	}
	svc, err := outbox.New(outbox.Options{DB: te.db, Transport: tr, Sender: te.sender, Config: cfg,
		Now: te.clock.Now, Heartbeat: heartbeat})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func (te *trustEnv) status(t *testing.T, id int64) store.Message {
	t.Helper()
	m, err := te.db.GetMessage(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A send queued in its undo window by an app that then ended never leaves
// unseen: the command line's run skips it and counts it held, the next
// session lists it, and it leaves once the user releases it.
func TestTrust01UndoWindowNotConfirmedIsHeld(t *testing.T) {
	te := newTrustEnv(t)
	ctx := t.Context()
	tui := te.service(t, nil, 10, 0)
	m, err := tui.QuickSend(ctx, te.contact.ID, te.email.ID)
	if err != nil {
		t.Fatal(err)
	}
	pending, err := tui.PendingUndo(ctx)
	if err != nil || len(pending) != 1 || pending[0].ID != m.ID {
		t.Fatalf("PendingUndo = %v, %v; want the send in its window", pending, err)
	}
	if rep, err := tui.Run(ctx, outbox.RunOptions{}); err != nil || rep.Sent != 0 {
		t.Fatalf("the session's worker sent inside the window: %+v, %v", rep, err)
	}
	// While the session lives, its send is its own, not held.
	te.clock.Add(time.Minute)
	cli := te.service(t, nil, 0, 0)
	if held, err := cli.Held(ctx); err != nil || len(held) != 0 {
		t.Fatalf("Held = %v, %v while the session that queued it runs", held, err)
	}
	// The app is killed before its worker came round; cron runs the outbox.
	outbox.Die(tui)
	rep, err := cli.Run(ctx, outbox.RunOptions{IgnoreBackoff: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Sent != 0 || rep.Unconfirmed != 1 || len(te.srv.Messages()) != 0 {
		t.Fatalf("run: %+v, server got %d; want nothing sent and 1 unconfirmed", rep, len(te.srv.Messages()))
	}
	if got := te.status(t, m.ID).Status; got != store.MessageQueued {
		t.Fatalf("status %s, want queued (held)", got)
	}
	// The next launch is another session: it shows the message held.
	next := te.service(t, nil, 10, 0)
	held, err := next.Held(ctx)
	if err != nil || len(held) != 1 || held[0].ID != m.ID {
		t.Fatalf("Held = %v, %v; want the unconfirmed send", held, err)
	}
	if rep, err := next.Run(ctx, outbox.RunOptions{}); err != nil || rep.Sent != 0 {
		t.Fatalf("another session's worker sent a held message: %+v, %v", rep, err)
	}
	// The user says send now.
	if _, err := next.Release(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	if rep, err := cli.Run(ctx, outbox.RunOptions{}); err != nil || rep.Sent != 1 || rep.Unconfirmed != 0 {
		t.Fatalf("run after release: %+v, %v; want it sent", rep, err)
	}
	// Releasing what is not held is refused and changes nothing.
	_, err = next.Release(ctx, m.ID)
	var refusal *outbox.RefusalError
	if !errors.As(err, &refusal) || te.status(t, m.ID).Status != store.MessageSent {
		t.Fatalf("release of a sent message: %v", err)
	}
}

// The session that queued a send delivers it once its window has passed,
// and a send whose window passed while the app ran (the user saw it) is
// free for any runner once the session confirms it.
func TestTrust01OwnSessionSendsAfterTheWindow(t *testing.T) {
	te := newTrustEnv(t)
	ctx := t.Context()
	tui := te.service(t, nil, 10, 0)
	a, err := tui.QuickSend(ctx, te.contact.ID, te.email.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rep, _ := tui.Run(ctx, outbox.RunOptions{}); rep.Sent != 0 {
		t.Fatal("sent inside the undo window")
	}
	te.clock.Add(11 * time.Second)
	if rep, err := tui.Run(ctx, outbox.RunOptions{}); err != nil || rep.Sent != 1 {
		t.Fatalf("own worker after the window: %+v, %v", rep, err)
	}
	if te.status(t, a.ID).Status != store.MessageSent {
		t.Fatal("not sent")
	}
	// Offline when the window passes: confirmed by the session, the
	// command line may deliver it after the app is gone.
	b, err := tui.QuickSend(ctx, te.contact.ID, te.email.ID)
	if err != nil {
		t.Fatal(err)
	}
	te.clock.Add(11 * time.Second)
	if pending, err := tui.PendingUndo(ctx); err != nil || len(pending) != 0 {
		t.Fatalf("PendingUndo after the window = %v, %v", pending, err)
	}
	cli := te.service(t, nil, 0, 0)
	if rep, err := cli.Run(ctx, outbox.RunOptions{}); err != nil || rep.Sent != 1 || te.status(t, b.ID).Status != store.MessageSent {
		t.Fatalf("a confirmed send was not delivered by the command line: %+v, %v", rep, err)
	}
}

// A scheduled message is dated when it is handed to the server, and the
// stored bytes are the bytes sent, under the same Message-ID, also on a
// retry.
func TestTrust02DateStampedWhenSent(t *testing.T) {
	te := newTrustEnv(t)
	ctx := t.Context()
	svc := te.service(t, nil, 0, 0)
	at := te.clock.Now().Add(24 * time.Hour)
	m, err := svc.Schedule(ctx, te.contact.ID, te.email.ID, at)
	if err != nil {
		t.Fatal(err)
	}
	written := te.status(t, m.ID)

	// First attempt at the scheduled time: refused for now.
	te.clock.Add(24*time.Hour + time.Minute)
	te.srv.SetFailure(localsmtp.Failure{DataCode: 451})
	if _, err := svc.Deliver(ctx, m.ID); err == nil {
		t.Fatal("the 451 was not reported")
	}
	te.srv.SetFailure(localsmtp.Failure{})
	te.clock.Add(time.Hour)
	sentAt := te.clock.Now()
	if got, err := svc.Deliver(ctx, m.ID); err != nil || got.Status != store.MessageSent {
		t.Fatalf("retry: %v, %v", got.Status, err)
	}
	rcv := te.srv.Messages()
	if len(rcv) != 1 {
		t.Fatalf("server got %d messages", len(rcv))
	}
	hdr := headerOf(t, rcv[0].Data)
	date, err := hdr.Date()
	if err != nil || !date.Equal(sentAt.Truncate(time.Second)) {
		t.Errorf("Date: %v (%v), want %v, when it was handed to the server", date, err, sentAt)
	}
	if id := hdr.Get("Message-Id"); id != "<"+written.MessageID+">" {
		t.Errorf("Message-ID %s, want <%s> as written", id, written.MessageID)
	}
	stored := te.status(t, m.ID)
	if !bytes.Equal(stored.Raw, rcv[0].Data) {
		t.Errorf("the stored copy is not what was sent:\nstored %q\nsent   %q", stored.Raw, rcv[0].Data)
	}
	if !bytes.Equal(withoutDate(t, stored.Raw), withoutDate(t, written.Raw)) {
		t.Error("re-dating changed more than the Date header")
	}
}

func headerOf(t *testing.T, raw []byte) mail.Header {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return msg.Header
}

// withoutDate is raw minus its Date line.
func withoutDate(t *testing.T, raw []byte) []byte {
	t.Helper()
	var out [][]byte
	for _, l := range bytes.SplitAfter(raw, []byte("\r\n")) {
		if !bytes.HasPrefix(l, []byte("Date:")) {
			out = append(out, l)
		}
	}
	return bytes.Join(out, nil)
}

// gate is a transport that stalls a send until released: a slow upload.
type gate struct {
	inner    outbox.Transport
	entered  chan struct{}
	release  chan struct{}
	enterOne sync.Once
}

func newGate(inner outbox.Transport) *gate {
	return &gate{inner: inner, entered: make(chan struct{}), release: make(chan struct{})}
}

func (g *gate) Send(ctx context.Context, from string, rcpts []string, raw []byte) error {
	g.enterOne.Do(func() { close(g.entered) })
	select {
	case <-g.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	return g.inner.Send(ctx, from, rcpts, raw)
}

// A send slower than the lease keeps its lease: a second runner does not
// take it for a dead one's while it is on the wire.
func TestTrust03LeaseRenewedWhileSending(t *testing.T) {
	te := newTrustEnv(t)
	ctx := t.Context()
	g := newGate(te.smtp)
	svc := te.service(t, g, 0, time.Millisecond)
	beats := make(chan error, 1)
	outbox.SetOnBeat(svc, func(_ int64, err error) {
		select {
		case beats <- err:
		default:
		}
	})
	m, err := svc.QuickSend(ctx, te.contact.ID, te.email.ID)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := svc.Deliver(ctx, m.ID)
		done <- err
	}()
	<-g.entered
	te.clock.Add(10 * time.Minute) // five leases later, still uploading
	for te.status(t, m.ID).LeaseUntil.Before(te.clock.Now()) {
		if err := <-beats; err != nil {
			t.Fatalf("renew: %v", err)
		}
	}
	second := te.service(t, nil, 0, 0)
	rep, err := second.Run(ctx, outbox.RunOptions{})
	if err != nil || rep.Recovered != 0 || te.status(t, m.ID).Status != store.MessageSending {
		t.Fatalf("a second runner took the send in progress: %+v, %v, %s", rep, err, te.status(t, m.ID).Status)
	}
	close(g.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := te.status(t, m.ID); got.Status != store.MessageSent || len(te.srv.Messages()) != 1 {
		t.Fatalf("status %s, %d received; want sent once", got.Status, len(te.srv.Messages()))
	}
}

// A runner that can prove its predecessor died (its lock is free) surfaces
// the send it left on the wire as uncertain at once, not after the lease;
// while the predecessor lives, its send is left alone.
func TestTrust03DeadRunnerSurfacedAtOnce(t *testing.T) {
	te := newTrustEnv(t)
	ctx := t.Context()
	g := newGate(te.smtp)
	first := te.service(t, g, 0, 0)
	m, err := first.QuickSend(ctx, te.contact.ID, te.email.ID)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := first.Deliver(ctx, m.ID)
		done <- err
	}()
	<-g.entered
	second := te.service(t, nil, 0, 0)
	if rep, err := second.Run(ctx, outbox.RunOptions{}); err != nil || rep.Recovered != 0 {
		t.Fatalf("a live runner's send was recovered: %+v, %v", rep, err)
	}
	if got := te.status(t, m.ID).Status; got != store.MessageSending {
		t.Fatalf("status %s while the first runner sends, want sending", got)
	}

	outbox.Die(first) // kill -9: the lease has a good two minutes to run
	rep, err := second.Run(ctx, outbox.RunOptions{})
	if err != nil || rep.Recovered != 1 {
		t.Fatalf("the dead runner's send was not surfaced: %+v, %v", rep, err)
	}
	if got := te.status(t, m.ID); got.Status != store.MessageUncertain || !got.LeaseUntil.IsZero() {
		t.Fatalf("status %s, lease %v; want uncertain at once", got.Status, got.LeaseUntil)
	}
	if again, err := second.Run(ctx, outbox.RunOptions{}); err != nil || again.Recovered != 0 {
		t.Fatalf("recovered twice: %+v, %v", again, err)
	}
	close(g.release)
	<-done //nolint:errcheck // the dead runner's own outcome does not count
}
