package tuitest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail/outbox"
)

// UndoWindow is the undo window of the test outbox, the product's default.
const UndoWindow = 10 * time.Second

// Transport records what the outbox hands to SMTP, and can be told to fail.
// The outbox above it is the real one; only the network is replaced.
type Transport struct {
	mu   sync.Mutex
	sent []Sent
	err  error
}

// Sent is one message handed to the transport.
type Sent struct {
	From  string
	Rcpts []string
	Raw   []byte
}

// Send implements outbox.Transport.
func (t *Transport) Send(_ context.Context, from string, rcpts []string, raw []byte) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err != nil {
		return t.err
	}
	t.sent = append(t.sent, Sent{From: from, Rcpts: append([]string(nil), rcpts...), Raw: append([]byte(nil), raw...)})
	return nil
}

// Fail makes every later Send return err (nil to recover).
func (t *Transport) Fail(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.err = err
}

// Sent returns what was sent so far.
func (t *Transport) Sent() []Sent {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Sent(nil), t.sent...)
}

// Mailer returns the real outbox over tr, sending as the world's user from
// the verified domain acme.test, on the world's clock, with the default undo
// window.
func (w *World) Mailer(t testing.TB, tr outbox.Transport) *outbox.Service {
	t.Helper()
	cfg := outbox.DefaultConfig()
	cfg.VerifiedDomains = []string{"acme.test"}
	cfg.UndoSeconds = int(UndoWindow / time.Second)
	svc, err := outbox.New(outbox.Options{DB: w.DB, Transport: tr, Sender: w.User, Config: cfg, Now: w.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}
