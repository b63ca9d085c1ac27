package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
)

// enqueueN queues n due messages to the env's contact, each with rcpts
// envelope recipients, and returns them in queue order.
func (e *env) enqueueN(t *testing.T, n, rcpts int) []store.Message {
	t.Helper()
	var out []store.Message
	for i := range n {
		m := store.Message{ContactID: e.contact.ID, UserID: e.sender.ID, Subject: fmt.Sprint("run ", i),
			MessageID: fmt.Sprintf("run-%d-%d@brightpath.example", i, time.Now().UnixNano()),
			From:      e.sender.Email, Raw: fmt.Appendf(nil, "Subject: run %d\r\n\r\nhello\r\n", i)}
		for r := range rcpts {
			m.Recipients = append(m.Recipients, fmt.Sprintf("r%d@example.com", r))
		}
		if err := e.db.EnqueueMessage(t.Context(), &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// withQuota is the env's service under a sending limit.
func (e *env) withQuota(t *testing.T, q outbox.Quota) *outbox.Service {
	t.Helper()
	cfg := outbox.DefaultConfig()
	cfg.UndoSeconds, cfg.Quota = 0, q
	svc, err := outbox.New(outbox.Options{DB: e.db, Transport: e.smtp, Sender: e.sender, Config: cfg,
		Now: func() time.Time { return e.now }})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func (e *env) counts(t *testing.T) map[store.MessageStatus]int {
	t.Helper()
	c, err := e.db.MessageCounts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// stopAfterFirst is the env's transport, which stops the run (cancels
// it) once the server accepted the first message.
type stopAfterFirst struct {
	outbox.Transport
	cancel context.CancelFunc
	sends  int
}

func (s *stopAfterFirst) Send(ctx context.Context, from string, rcpts []string, raw []byte) error {
	err := s.Transport.Send(ctx, from, rcpts, raw)
	if s.sends++; s.sends == 1 {
		s.cancel()
	}
	return err
}

// A run stopped right after a send goes no further: the send is recorded
// (its answer is not lost to the stop), the next message is not claimed,
// and nothing is left in sending to turn uncertain.
func TestRunStoppedGoesNoFurther(t *testing.T) {
	e := newEnv(t)
	ms := e.enqueueN(t, 3, 1)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	cfg := outbox.DefaultConfig()
	cfg.UndoSeconds = 0
	svc, err := outbox.New(outbox.Options{DB: e.db, Transport: &stopAfterFirst{Transport: e.smtp, cancel: cancel},
		Sender: e.sender, Config: cfg, Now: func() time.Time { return e.now }})
	if err != nil {
		t.Fatal(err)
	}
	var events []outbox.Event
	rep, err := svc.Run(ctx, outbox.RunOptions{Notify: func(ev outbox.Event) { events = append(events, ev) }})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %+v, %v; want cancelled", rep, err)
	}
	if rep.Sent != 1 || len(e.srv.Messages()) != 1 || rep.Offline || rep.Stop != nil {
		t.Fatalf("report %+v, server got %d; want one sent and a plain stop", rep, len(e.srv.Messages()))
	}
	if c := e.counts(t); c[store.MessageSending] != 0 || c[store.MessageSent] != 1 || c[store.MessageQueued] != 2 {
		t.Fatalf("counts after the stop = %v", c)
	}
	for _, m := range ms[1:] {
		got, err := e.db.GetMessage(t.Context(), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != store.MessageQueued || got.Attempts != 0 || got.RetryAt.After(e.now) {
			t.Errorf("message %d = %s, %d attempts, retry at %v; want queued, untried, due now",
				m.ID, got.Status, got.Attempts, got.RetryAt)
		}
	}
	if len(events) != 1 || events[0].Kind != outbox.EventSent || events[0].Message.ID != ms[0].ID || events[0].Err != nil {
		t.Errorf("events = %+v, want only the send of %d", events, ms[0].ID)
	}

	rep, err = e.svc.Run(t.Context(), outbox.RunOptions{})
	if err != nil || rep.Sent != 2 || len(e.srv.Messages()) != 3 {
		t.Errorf("second run = %+v, %v, server got %d; want the other two sent", rep, err, len(e.srv.Messages()))
	}
}

// Claiming each message just before it is sent, and recording the sends
// in groups, never lets a run cross the quota, within a batch or across
// batches.
func TestRunHonoursQuota(t *testing.T) {
	t.Run("daily, across batches", func(t *testing.T) {
		e := newEnv(t)
		e.enqueueN(t, 100, 1)
		svc := e.withQuota(t, outbox.Quota{Preset: "custom", Daily: 70})
		rep, err := svc.Run(t.Context(), outbox.RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		c := e.counts(t)
		if rep.Sent != 70 || rep.Held != 30 || len(e.srv.Messages()) != 70 ||
			c[store.MessageSent] != 70 || c[store.MessageQueued] != 30 || c[store.MessageSending] != 0 {
			t.Errorf("report %+v, counts %v, server got %d; want 70 sent, 30 held", rep, c, len(e.srv.Messages()))
		}
	})
	t.Run("recipients", func(t *testing.T) {
		e := newEnv(t)
		ms := e.enqueueN(t, 3, 2)
		svc := e.withQuota(t, outbox.Quota{Preset: "custom", Daily: 5, CountRecipients: true})
		rep, err := svc.Run(t.Context(), outbox.RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// Two messages use four of the five; the third, once claimed,
		// would cross the limit and goes back untried.
		third, err := e.db.GetMessage(t.Context(), ms[2].ID)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Sent != 2 || len(e.srv.Messages()) != 2 || third.Status != store.MessageQueued ||
			e.counts(t)[store.MessageSending] != 0 {
			t.Errorf("report %+v, server got %d, third %s; want two sent, the third queued",
				rep, len(e.srv.Messages()), third.Status)
		}
	})
}
