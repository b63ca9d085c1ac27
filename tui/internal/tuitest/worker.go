package tuitest

import (
	"context"
	"sync"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
)

// Worker stands in for the background sender in unit tests, where
// *outbox.Worker's wall-clock timers do not fit: it records Wake and RunNow,
// and delivers due messages only when the test says so (DeliverDue),
// through the real outbox's Deliver. Its channel is closed from the start,
// so a model's listener ends at its first read and tests can pump commands
// to the end; they feed the updates DeliverDue returns to the model
// themselves. The teatest flows run the real worker.
type Worker struct {
	svc *outbox.Service
	w   *World
	ch  chan outbox.Update

	mu      sync.Mutex
	wakes   int
	runNows int
}

// NewWorker returns a worker delivering through svc, on the world's clock.
func (w *World) NewWorker(svc *outbox.Service) *Worker {
	k := &Worker{svc: svc, w: w, ch: make(chan outbox.Update)}
	close(k.ch)
	return k
}

// Wake implements tui.Worker.
func (k *Worker) Wake() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.wakes++
}

// RunNow implements tui.Worker.
func (k *Worker) RunNow() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.runNows++
}

// Updates implements tui.Worker.
func (k *Worker) Updates() <-chan outbox.Update { return k.ch }

// Wakes and RunNows count the calls so far.
func (k *Worker) Wakes() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.wakes
}

// RunNows counts the RunNow calls so far.
func (k *Worker) RunNows() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.runNows
}

// DeliverDue sends every queued or scheduled message whose time has come on
// the world's clock, and returns one update per message, with the event the
// outcome stands for.
func (k *Worker) DeliverDue(ctx context.Context) ([]outbox.Update, error) {
	due, err := k.w.DB.ListMessages(ctx, store.MessageFilter{Statuses: []store.MessageStatus{store.MessageQueued, store.MessageScheduled}})
	if err != nil {
		return nil, err
	}
	now := k.w.Clock.Now()
	var out []outbox.Update
	for _, m := range due {
		if m.SendAt.After(now) || m.RetryAt.After(now) {
			continue
		}
		got, sendErr := k.svc.Deliver(ctx, m.ID)
		ev := outbox.Event{Message: got, Err: sendErr}
		switch got.Status {
		case store.MessageSent:
			ev.Kind = outbox.EventSent
		case store.MessageFailed:
			ev.Kind = outbox.EventFailed
		case store.MessageUncertain:
			ev.Kind = outbox.EventUncertain
		case store.MessageQueued:
			ev.Kind = outbox.EventRetrying
		default:
			continue // not claimable after all
		}
		st, err := k.svc.Status(ctx)
		if err != nil {
			return out, err
		}
		out = append(out, outbox.Update{Status: st, Event: &ev})
	}
	return out, nil
}
