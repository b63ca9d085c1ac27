package outbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
)

// hooked is a transport that calls before(n) ahead of its n-th send
// (from 0), then sends through inner.
type hooked struct {
	inner  outbox.Transport
	before func(ctx context.Context, n int) error
	n      int
}

func (h *hooked) Send(ctx context.Context, from string, rcpts []string, raw []byte) error {
	n := h.n
	h.n++
	if err := h.before(ctx, n); err != nil {
		return err
	}
	return h.inner.Send(ctx, from, rcpts, raw)
}

// statuses are the stored states of ms.
func (te *trustEnv) statuses(t *testing.T, ms []store.Message) []store.MessageStatus {
	t.Helper()
	out := make([]store.MessageStatus, len(ms))
	for i, m := range ms {
		out[i] = te.status(t, m.ID).Status
	}
	return out
}

// wantEach fails unless every status is want.
func wantEach(t *testing.T, when string, got []store.MessageStatus, want store.MessageStatus) {
	t.Helper()
	for i, st := range got {
		if st != want {
			t.Fatalf("%s: message %d of %d is %s, want %s", when, i, len(got), st, want)
		}
	}
}

// A run records the sends the server accepted after the fact, in groups
// of RecordEvery with the claim of the next message: never before the
// server answered, and each send once, with its event.
func TestRunRecordsSendsInGroups(t *testing.T) {
	te := newTrustEnv(t)
	ms := te.enqueueN(t, outbox.RecordEvery+3, 1)
	h := &hooked{inner: te.smtp}
	h.before = func(_ context.Context, n int) error {
		if n < outbox.RecordEvery {
			// Accepted, not recorded yet: still in sending, as a crash
			// would leave them (then recovered as uncertain, not resent).
			wantEach(t, "before the group is recorded", te.statuses(t, ms[:n]), store.MessageSending)
		} else {
			wantEach(t, "after the group was recorded", te.statuses(t, ms[:outbox.RecordEvery]), store.MessageSent)
		}
		return nil
	}
	svc := te.service(t, h, 0, 0)
	var sent []int64
	rep, err := svc.Run(t.Context(), outbox.RunOptions{Notify: func(ev outbox.Event) {
		if ev.Kind == outbox.EventSent && ev.Err == nil && ev.Message.Status == store.MessageSent {
			sent = append(sent, ev.Message.ID)
		}
	}})
	if err != nil || rep.Sent != len(ms) || len(te.srv.Messages()) != len(ms) {
		t.Fatalf("run = %+v, %v, server got %d; want %d sent", rep, err, len(te.srv.Messages()), len(ms))
	}
	wantEach(t, "after the run", te.statuses(t, ms), store.MessageSent)
	for i, m := range ms {
		if i >= len(sent) || sent[i] != m.ID {
			t.Fatalf("sent events for %v, want each message in queue order", sent)
		}
		evs, err := te.db.Timeline(t.Context(), te.contact.ID, 1000)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, ev := range evs {
			if ev.Kind == store.EventEmailSent && ev.MessageID == m.ID {
				n++
			}
		}
		if n != 1 {
			t.Errorf("message %d has %d sent events, want 1", m.ID, n)
		}
	}
}

// A send waits at most RecordWithin to be recorded when sends are slow,
// however small the group.
func TestRunRecordsSlowSendsSoon(t *testing.T) {
	te := newTrustEnv(t)
	ms := te.enqueueN(t, 3, 1)
	h := &hooked{inner: te.smtp}
	h.before = func(_ context.Context, n int) error {
		switch n {
		case 1:
			wantEach(t, "at the second send", te.statuses(t, ms[:1]), store.MessageSending)
		case 2:
			wantEach(t, "at the third send", te.statuses(t, ms[:2]), store.MessageSent)
		}
		te.clock.Add(outbox.RecordWithin) // each send takes that long
		return nil
	}
	rep, err := te.service(t, h, 0, 0).Run(t.Context(), outbox.RunOptions{})
	if err != nil || rep.Sent != 3 {
		t.Fatalf("run = %+v, %v", rep, err)
	}
	wantEach(t, "after the run", te.statuses(t, ms), store.MessageSent)
}

// The sends accepted and not recorded yet keep their leases while a slow
// send is on the wire: a second runner does not take them for a dead
// runner's.
func TestRunRenewsLeasesOfUnrecordedSends(t *testing.T) {
	te := newTrustEnv(t)
	ctx := t.Context()
	ms := te.enqueueN(t, 2, 1)
	beats := make(chan int64, 64)
	h := &hooked{inner: te.smtp}
	var svc *outbox.Service
	h.before = func(ctx context.Context, n int) error {
		if n != 1 {
			return nil
		}
		te.clock.Add(10 * time.Minute) // five leases later, the second send still uploading
		for te.status(t, ms[0].ID).LeaseUntil.Before(te.clock.Now()) {
			select {
			case <-beats:
			case <-time.After(10 * time.Second):
				t.Error("the lease of the accepted send was not renewed")
				return nil
			}
		}
		rep, err := te.service(t, nil, 0, 0).Run(ctx, outbox.RunOptions{})
		if err != nil || rep.Recovered != 0 {
			t.Errorf("a second runner took the sends in progress: %+v, %v", rep, err)
		}
		return nil
	}
	svc = te.service(t, h, 0, time.Millisecond)
	outbox.SetOnBeat(svc, func(id int64, err error) {
		if err == nil {
			select {
			case beats <- id:
			default:
			}
		}
	})
	rep, err := svc.Run(ctx, outbox.RunOptions{})
	if err != nil || rep.Sent != 2 || len(te.srv.Messages()) != 2 {
		t.Fatalf("run = %+v, %v, server got %d; want both sent once", rep, err, len(te.srv.Messages()))
	}
	wantEach(t, "after the run", te.statuses(t, ms), store.MessageSent)
}

// A runner killed with sends accepted but not recorded leaves them in
// sending: its successor makes them uncertain (they may have left) and
// never sends them again.
func TestRunKilledWithUnrecordedSends(t *testing.T) {
	te := newTrustEnv(t)
	ms := te.enqueueN(t, 5, 1)
	killed := make(chan struct{})
	var svc *outbox.Service
	h := &hooked{inner: te.smtp}
	h.before = func(ctx context.Context, n int) error {
		if n < 3 {
			return nil
		}
		outbox.Die(svc) // killed as the fourth goes on the wire
		close(killed)
		<-ctx.Done() // a dead process answers nothing
		return ctx.Err()
	}
	svc = te.service(t, h, 0, 0)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = svc.Run(ctx, outbox.RunOptions{})
	}()
	<-killed
	rep, err := te.service(t, nil, 0, 0).Run(t.Context(), outbox.RunOptions{})
	if err != nil || rep.Recovered != 4 || rep.Sent != 1 {
		t.Errorf("successor run = %+v, %v; want the 4 claimed recovered, the last one sent", rep, err)
	}
	st := te.statuses(t, ms)
	wantEach(t, "after the successor", st[:4], store.MessageUncertain)
	if st[4] != store.MessageSent || len(te.srv.Messages()) != 4 {
		t.Errorf("last message %s, server got %d; want it sent and 4 arrivals in all", st[4], len(te.srv.Messages()))
	}
	cancel()
	<-done
	if n := len(te.srv.Messages()); n != 4 {
		t.Errorf("server got %d messages, want 4: the three accepted before the kill and the last", n)
	}
}
