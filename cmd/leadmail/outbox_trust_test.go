package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
)

// interruptingTransport is the user pressing ctrl-c while the first message
// is on the wire.
type interruptingTransport struct {
	interrupt context.CancelFunc
	sends     int
}

func (tr *interruptingTransport) Send(ctx context.Context, _ string, _ []string, _ []byte) error {
	tr.sends++
	tr.interrupt()
	<-ctx.Done()
	return fmt.Errorf("send: %w", ctx.Err())
}

// outboxWithQueue is an outbox on a fresh database with n due messages.
func outboxWithQueue(t *testing.T, tr outbox.Transport, n int) (*store.DB, *outbox.Service) {
	t.Helper()
	ctx := t.Context()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeDB(t, db) })
	u, err := db.UpsertUser(ctx, demoSender)
	if err != nil {
		t.Fatal(err)
	}
	c := store.Contact{Kind: store.KindLead, Status: store.StatusOpen, FirstName: "Ada", Email: "ada@example.com"}
	if err := db.CreateContact(ctx, &c); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		m := store.Message{ContactID: c.ID, UserID: u.ID, Subject: fmt.Sprint("note ", i),
			MessageID: fmt.Sprintf("trust-%d@example.com", i), From: u.Email, Recipients: []string{c.Email},
			Raw: fmt.Appendf(nil, "Subject: note %d\r\n\r\nhello\r\n", i)}
		if err := db.EnqueueMessage(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}
	svc, err := outbox.New(outbox.Options{DB: db, Transport: tr, Sender: u, Config: outbox.DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	return db, svc
}

// Ctrl-C during `outbox run` is a normal stop: no error (exit 0), one line
// saying what stays queued, and nothing lost.
func TestTrust04InterruptedRunIsANormalStop(t *testing.T) {
	ctx, interrupt := context.WithCancel(t.Context())
	defer interrupt()
	tr := &interruptingTransport{interrupt: interrupt}
	db, svc := outboxWithQueue(t, tr, 3)
	var out, errOut bytes.Buffer
	cmd := &cobra.Command{}
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetContext(ctx)
	if err := runOutbox(cmd, svc, false, false); err != nil {
		t.Fatalf("an interrupt ended the run with an error: %v", err)
	}
	if got, want := strings.TrimSpace(errOut.String()), "interrupted: 3 messages left queued"; got != want {
		t.Errorf("stderr = %q, want %q", got, want)
	}
	if strings.Contains(out.String()+errOut.String(), "context canceled") {
		t.Errorf("the output speaks of a cancelled context:\n%s%s", out.String(), errOut.String())
	}
	c, err := db.MessageCounts(t.Context())
	if err != nil || c[store.MessageQueued] != 3 || tr.sends != 1 {
		t.Fatalf("counts %v (%v) after %d sends: all three must stay queued", c, err, tr.sends)
	}
}

// The run summary counts what it found in sending after a crash among the
// uncertain.
func TestTrust04SummaryCountsRecoveredAsUncertain(t *testing.T) {
	got := runSummary(outbox.RunReport{Sent: 2, Uncertain: 1, Recovered: 2})
	if want := "sent 2 · retrying 0 · failed 0 · uncertain 3 · held 0"; got != want {
		t.Errorf("summary = %q, want %q", got, want)
	}
	got = runSummary(outbox.RunReport{Unconfirmed: 2})
	if !strings.Contains(got, "2 "+outbox.HeldReason) || !strings.Contains(got, "release ID") {
		t.Errorf("summary does not say what is held and how to release it: %q", got)
	}
}

// heldInCLIEnv queues, an hour ago, a send from a TUI session that was
// killed inside its undo window, and returns its ID.
func heldInCLIEnv(t *testing.T, e cliEnv) int64 {
	t.Helper()
	ctx := t.Context()
	past := func() time.Time { return time.Now().Add(-time.Hour) }
	db, err := store.Open(ctx, e.db, store.Options{Now: past})
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB(t, db)
	u, err := db.UserByEmail(ctx, demoSender.Email)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := db.ListContacts(ctx, store.PageRequest{Limit: 1})
	if err != nil || len(cs.Contacts) == 0 {
		t.Fatalf("no contact: %v", err)
	}
	c := cs.Contacts[0]
	m := store.Message{ContactID: c.ID, UserID: u.ID, Subject: "held note", Status: store.MessageQueued,
		MessageID: "held-1@brightwave.example", From: u.Email, Recipients: []string{c.Email},
		Raw: []byte("Subject: held note\r\n\r\nhello\r\n"), SendAt: past().Add(10 * time.Second)}
	if err := db.Runner("killed-session", nil).Enqueue(ctx, &m); err != nil {
		t.Fatal(err)
	}
	return m.ID
}

// The command line never sends a held send by itself: outbox run skips it
// and says so, outbox list shows it held, release sends it; a bad ID is
// refused in one sentence.
func TestTrust01CommandLineHoldsAndReleases(t *testing.T) {
	e := newCLIEnv(t)
	useTestSMTP(t)
	id := heldInCLIEnv(t, e)
	before := len(testSMTP.Messages())

	out, err := e.run(t, "outbox", "run")
	if err != nil || !strings.Contains(out, "1 "+outbox.HeldReason) || len(testSMTP.Messages()) != before {
		t.Fatalf("run: %v, sent %d\n%s", err, len(testSMTP.Messages())-before, out)
	}
	held := outboxList(t, e, "held")
	if len(held) != 1 || held[0].ID != id || !held[0].Held {
		t.Fatalf("outbox list --status held = %+v", held)
	}
	if out, err := e.run(t, "outbox", "list"); err != nil || !strings.Contains(out, "held note") || !strings.Contains(out, outbox.HeldReason) {
		t.Fatalf("the table does not show it held: %v\n%s", err, out)
	}
	if _, err := e.run(t, "outbox", "release", "x1"); err == nil || err.Error() != `"x1" is not a message ID (see leadmail outbox list)` {
		t.Fatalf("bad ID: %v", err)
	}
	out, err = e.run(t, "outbox", "release", strconv.FormatInt(id, 10))
	if err != nil || !strings.Contains(out, "sent") || len(testSMTP.Messages()) != before+1 {
		t.Fatalf("release: %v, sent %d\n%s", err, len(testSMTP.Messages())-before, out)
	}
	if _, err := e.run(t, "outbox", "release", strconv.FormatInt(id, 10)); err == nil || !strings.Contains(err.Error(), "is not held") {
		t.Fatalf("releasing a sent message: %v", err)
	}
}
