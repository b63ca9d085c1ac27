package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

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
