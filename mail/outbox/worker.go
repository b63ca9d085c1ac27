package outbox

import (
	"context"
	"time"
)

// WorkerOptions tune a Worker.
type WorkerOptions struct {
	// Poll is the longest the worker sleeps without looking at the queue,
	// which other processes (cron, a second TUI) may change; 0 means 30s.
	Poll time.Duration
}

// Worker delivers the outbox in the background while the app runs: due
// messages as soon as they are due, retries after their backoff, nothing
// while the login is refused until the user asks again. Its Updates channel
// carries the status after every change.
type Worker struct {
	s       *Service
	poll    time.Duration
	wake    chan struct{}
	runNow  chan struct{}
	updates chan Update

	// Owned by the Run goroutine.
	offline    bool
	authFailed bool
	lastErr    string
}

// NewWorker returns a worker for the service; start it with Run.
func (s *Service) NewWorker(opts WorkerOptions) *Worker {
	if opts.Poll <= 0 {
		opts.Poll = 30 * time.Second
	}
	return &Worker{
		s:       s,
		poll:    opts.Poll,
		wake:    make(chan struct{}, 1),
		runNow:  make(chan struct{}, 1),
		updates: make(chan Update, 256),
	}
}

// Wake asks the worker to look at the queue now (something was queued or
// cancelled). It never blocks.
func (w *Worker) Wake() { signal(w.wake) }

// RunNow asks the worker to try every queued message now, ignoring retry
// delays, and to resume after a refused login: the user asked, so the
// network or the password was probably fixed. It never blocks.
func (w *Worker) RunNow() { signal(w.runNow) }

// Updates delivers the status after each change, with the event when a
// message changed state. It is closed when Run returns.
func (w *Worker) Updates() <-chan Update { return w.updates }

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends. It is meant to run in its own goroutine, one
// per process; several processes on one database never send a message
// twice, because each message is claimed with a lease before it leaves.
func (w *Worker) Run(ctx context.Context) error {
	defer close(w.updates)
	ignoreBackoff := false
	for {
		if !w.authFailed || ignoreBackoff {
			w.pass(ctx, ignoreBackoff)
		} else {
			w.publish(ctx, nil)
		}
		ignoreBackoff = false
		timer := time.NewTimer(w.nextWait(ctx))
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-w.wake:
		case <-w.runNow:
			ignoreBackoff = true
			w.authFailed = false
		case <-timer.C:
		}
		timer.Stop()
	}
}

func (w *Worker) pass(ctx context.Context, ignoreBackoff bool) {
	rep, err := w.s.Run(ctx, RunOptions{
		IgnoreBackoff: ignoreBackoff,
		Notify:        func(ev Event) { w.publish(ctx, &ev) },
	})
	switch {
	case err != nil && ctx.Err() == nil:
		w.s.log.Error("outbox run", "err", err)
		w.lastErr = err.Error()
	case rep.Stop != nil:
		w.lastErr = rep.Stop.Error()
	case rep.Sent > 0:
		w.lastErr = ""
	}
	// Reachability is only learned by trying: a pass that sent something,
	// or tried and met no connection problem, clears the flags.
	if rep.Stop != nil {
		w.offline, w.authFailed = rep.Offline, rep.AuthFailed
	} else if rep.Sent+rep.Failed+rep.Retrying > 0 {
		w.offline, w.authFailed = false, false
	}
	w.publish(ctx, nil)
}

// nextWait is how long to sleep: until the next message is due, at most the
// poll interval, and not in a busy loop when the quota holds everything.
func (w *Worker) nextWait(ctx context.Context) time.Duration {
	wait := w.poll
	if w.authFailed {
		return wait
	}
	next, ok, err := w.s.runner.NextDue(ctx)
	if err == nil && ok {
		wait = min(wait, next.Sub(w.s.now()))
	}
	if q, err := w.s.QuotaStatus(ctx); err == nil && q.Full() && !q.FreesAt.IsZero() {
		wait = max(wait, q.FreesAt.Sub(w.s.now()))
	}
	return max(wait, 100*time.Millisecond)
}

// publish sends the current status, with the event if any. A slow reader
// loses updates rather than stalling delivery; the next one carries the
// current status anyway.
func (w *Worker) publish(ctx context.Context, ev *Event) {
	st, err := w.s.Status(ctx)
	if err != nil {
		if ctx.Err() == nil {
			w.s.log.Error("outbox status", "err", err)
		}
		st.At = w.s.now()
	}
	st.Offline, st.AuthFailed, st.LastError = w.offline, w.authFailed, w.lastErr
	select {
	case w.updates <- Update{Status: st, Event: ev}:
	default:
		w.s.log.Warn("outbox update dropped: nobody is reading")
	}
}
