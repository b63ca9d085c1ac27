package outbox

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/store"
)

// batchSize is how many messages go out between two measures of the quota.
// Each is claimed on its own just before it is handed to the server, so a
// crash leaves at most the one on the wire uncertain, never a whole batch.
const batchSize = 50

// RunReport counts what one delivery run did.
type RunReport struct {
	Sent, Retrying, Failed, Uncertain, Held int
	// Recovered counts messages found in "sending" after a crash, now
	// uncertain.
	Recovered int
	// Unconfirmed counts the messages this run left alone because the app
	// that queued them ended inside their undo window (HeldReason).
	Unconfirmed int
	// Offline is set when the server could not be reached; AuthFailed when
	// it refused the login. Either stops the run early.
	Offline, AuthFailed bool
	// Stop is the error that ended the run early, if any.
	Stop error
}

// RunOptions tune a delivery run.
type RunOptions struct {
	// IgnoreBackoff tries every queued message now, whatever its retry
	// delay: the user asking is the sign the network is back. Scheduled
	// messages and undo windows are always honoured.
	IgnoreBackoff bool
	// Notify, when set, hears about every message that changed state.
	Notify func(Event)
}

// Deliver sends one message now if it may leave (its undo window or
// schedule has passed), ignoring any retry delay. It returns the message with
// its new status. A non-nil error is a sentence for the user; the message then
// stays in the outbox — queued for a retry, held by the quota, failed when the
// server refused it for good, or uncertain — never reported as sent when it
// was not.
func (s *Service) Deliver(ctx context.Context, id int64) (store.Message, error) {
	q, err := s.QuotaStatus(ctx)
	if err != nil {
		return store.Message{}, err
	}
	if q.room() == 0 {
		cur, err := s.db.GetMessage(ctx, id)
		if err != nil {
			return store.Message{}, err
		}
		return cur, heldError(q)
	}
	s.holdLock(ctx)
	m, err := s.runner.ClaimMessage(ctx, id, s.now().Add(s.cfg.Lease))
	if errors.Is(err, store.ErrConflict) {
		// Not claimable: another runner holds it, it already went, it was
		// cancelled, or its time has not come.
		cur, gerr := s.db.GetMessage(ctx, id)
		if gerr != nil {
			return store.Message{}, gerr
		}
		return cur, nil
	}
	if err != nil {
		return store.Message{}, fmt.Errorf("claim message %d: %w", id, err)
	}
	got, ev := s.sendClaimed(ctx, m, nil)
	return got, ev.Err
}

// Run delivers every message that may leave now, in batches over one
// connection, within the provider's quota. It first turns messages left in
// "sending" by a crash into "uncertain". A connection-level failure (server
// unreachable, TLS, login refused) ends the run early: the rest stay queued.
func (s *Service) Run(ctx context.Context, opts RunOptions) (RunReport, error) {
	var rep RunReport
	notify := func(ev Event) {
		if opts.Notify != nil {
			opts.Notify(ev)
		}
	}
	s.holdLock(ctx)
	rec, err := s.db.RecoverExpired(ctx)
	if err != nil {
		return rep, fmt.Errorf("recover interrupted sends: %w", err)
	}
	rec = append(rec, s.recoverDead(ctx)...)
	for _, m := range rec {
		rep.Recovered++
		notify(Event{Kind: EventUncertain, Message: m, Err: errors.New("leadmail stopped while sending it: it may have been delivered")})
	}
	// This session's sends whose undo window passed while it ran were seen
	// to leave the window: any runner may deliver them, even after the app
	// has gone.
	if _, err := s.runner.ConfirmPassed(ctx); err != nil {
		return rep, err
	}
	rep.Unconfirmed = s.countHeld(ctx)
	claim := store.ClaimOptions{IgnoreBackoff: opts.IgnoreBackoff}
	// next is the message claimed with the previous one's success, if any.
	// It is never held across a quota measure: see more below.
	next := nextClaim{opts: claim}
	for ctx.Err() == nil {
		q, err := s.runQuota(ctx)
		if err != nil {
			return rep, err
		}
		room := q.room()
		if room == 0 {
			rep.Held = s.countWaiting(ctx)
			if rep.Held > 0 {
				notify(Event{Kind: EventHeld, Err: heldError(q)})
			}
			return rep, nil
		}
		for i := range batchSize {
			if room == 0 {
				break
			}
			m := next.m
			if !next.ok {
				msgs, err := s.runner.ClaimDue(ctx, s.now().Add(s.cfg.Lease), 1, claim)
				if err != nil {
					return rep, fmt.Errorf("claim due message: %w", err)
				}
				if len(msgs) == 0 {
					return rep, nil
				}
				m = msgs[0]
			} else if err := ctx.Err(); err != nil {
				// Claimed with the previous send, but the run was stopped
				// since: back in the queue, due at once, never tried.
				s.release(ctx, []store.Message{m}, errStopped, s.now(), notify, &rep)
				return rep, err
			}
			next = nextClaim{opts: claim}
			if w := s.weight(m); room >= 0 && w > room {
				// Counting recipients, this one would cross the limit.
				s.release(ctx, []store.Message{m}, heldError(q), q.FreesAt, notify, &rep)
				return rep, nil
			} else if room >= 0 {
				room -= w
			}
			// The transaction that records this one's success also claims
			// the next, but only when that one will be sent straight after,
			// where ClaimDue would have claimed it: not at the end of a
			// batch (the quota is measured first), not once the quota is
			// used up or the run stopped. A crash still leaves at most one
			// message in sending.
			more := i < batchSize-1 && room != 0 && ctx.Err() == nil
			var ahead *nextClaim
			if more {
				ahead = &next
			}
			_, ev := s.sendClaimed(ctx, m, ahead)
			notify(ev)
			rep.count(ev)
			switch mail.ClassOf(ev.Err) {
			case mail.ClassUnreachable, mail.ClassTLS, mail.ClassAuth:
				rep.Stop = ev.Err
				rep.Offline = mail.ClassOf(ev.Err) == mail.ClassUnreachable
				rep.AuthFailed = mail.ClassOf(ev.Err) == mail.ClassAuth
				return rep, nil
			}
			if more && ev.Kind == EventSent && ev.Err == nil && !next.ok {
				return rep, nil // recorded, and nothing else is due
			}
		}
	}
	return rep, ctx.Err()
}

func (r *RunReport) count(ev Event) {
	switch ev.Kind {
	case EventSent:
		r.Sent++
	case EventRetrying:
		r.Retrying++
	case EventFailed:
		r.Failed++
	case EventUncertain:
		r.Uncertain++
	case EventHeld:
		r.Held++
	}
}

// errStopped is why a message claimed ahead goes back untried, or one
// interrupted on the wire goes back to the queue.
var errStopped = errors.New("the run was stopped before it was sent")

// interrupted reports whether a send failed only because its caller
// stopped: the run was interrupted, not the server.
func interrupted(ctx context.Context, sendErr error) bool {
	return ctx.Err() != nil && errors.Is(sendErr, context.Canceled)
}

// release puts claimed messages that were not tried back in the queue, until
// `until` (or the usual backoff when zero).
func (s *Service) release(ctx context.Context, msgs []store.Message, reason error, until time.Time, notify func(Event), rep *RunReport) {
	kind := EventRetrying
	if !until.IsZero() && !errors.Is(reason, errStopped) {
		kind = EventHeld
	}
	for _, m := range msgs {
		at := until
		if at.IsZero() {
			at = s.now().Add(s.backoff(m.Attempts))
		}
		if err := s.db.MarkFailed(context.WithoutCancel(ctx), m.ID, reason.Error(), false, at); err != nil {
			s.log.Error("release message", "message", m.ID, "err", err)
			continue
		}
		ev := Event{Kind: kind, Message: m, Err: reason}
		notify(ev)
		rep.count(ev)
	}
}

// nextClaim asks sendClaimed to claim the next due message in the
// transaction that records a success (store.DB.MarkSentClaimNext).
type nextClaim struct {
	opts store.ClaimOptions
	m    store.Message // the message claimed, when ok
	ok   bool
}

// sendClaimed transmits a claimed message and records the outcome in a short
// transaction after the network I/O. The returned event says what happened;
// its Err is a sentence for the user, nil when sent. When next is not nil and
// the message was sent, the same transaction claims the next due message
// into next, which the caller must send at once.
func (s *Service) sendClaimed(ctx context.Context, m store.Message, next *nextClaim) (store.Message, Event) {
	s.sendMu.Lock()
	stop, beating := make(chan struct{}), make(chan struct{})
	go func() { defer close(beating); s.heartbeat(ctx, m.ID, stop) }()
	sendErr := s.tr.Send(ctx, m.From, m.Recipients, m.Raw)
	close(stop)
	<-beating // no renewal may land after the outcome is recorded
	s.sendMu.Unlock()

	// Record with a context that outlives a cancelled caller: the server's
	// answer must not be lost because the user pressed a key.
	rec := context.WithoutCancel(ctx)
	var kind EventKind
	var recErr error
	var se *mail.SendError
	sentAt := s.now()
	switch {
	case sendErr == nil:
		kind = EventSent
		if next != nil {
			next.m, next.ok, recErr = s.runner.MarkSentClaimNext(rec, m.ID, sentAt, s.now().Add(s.cfg.Lease), next.opts)
		} else {
			recErr = s.db.MarkSent(rec, m.ID, sentAt)
		}
	case errors.As(sendErr, &se) && se.Uncertain:
		// The server had the whole message when the line dropped: it may
		// have been delivered. Never resend that by ourselves.
		kind, recErr = EventUncertain, s.db.MarkUncertain(rec, m.ID, sendErr.Error())
	case mail.ClassOf(sendErr) == mail.ClassPermanent:
		kind, recErr = EventFailed, s.db.MarkFailed(rec, m.ID, sendErr.Error(), true, time.Time{})
	case interrupted(ctx, sendErr):
		// The user stopped the run (ctrl-c): back in the queue, due at
		// once, with no backoff for an attempt the server never judged.
		kind, recErr = EventRetrying, s.db.MarkFailed(rec, m.ID, errStopped.Error(), false, time.Time{})
		sendErr = errStopped
	default:
		kind, recErr = EventRetrying, s.db.MarkFailed(rec, m.ID, sendErr.Error(), false, s.now().Add(s.backoff(m.Attempts)))
	}
	ev := Event{Kind: kind, Message: m}
	switch kind {
	case EventSent:
		s.log.Info("sent", "message", m.ID)
	case EventRetrying:
		ev.Err = fmt.Errorf("not sent yet, kept in the outbox: %w", sendErr)
	case EventUncertain:
		ev.Err = fmt.Errorf("may or may not have been delivered (the connection dropped at the end): %w", sendErr)
	case EventFailed:
		ev.Err = fmt.Errorf("not sent: %w", sendErr)
	}
	if kind != EventSent {
		s.log.Warn("send failed", "message", m.ID, "outcome", kind, "err", sendErr)
	}
	if recErr != nil {
		s.log.Error("record send outcome", "message", m.ID, "err", recErr)
		ev.Err = fmt.Errorf("message %d: recording the outcome failed: %w (send result: %w)", m.ID, recErr, sendErr)
		return m, ev
	}
	if kind == EventSent {
		// The new state is known; skip reading the row (and its bytes) back.
		m.Status, m.SentAt, m.LeaseUntil, m.LastError, m.RetryAt = store.MessageSent, sentAt, time.Time{}, "", time.Time{}
		ev.Message = m
	} else if cur, err := s.db.GetMessage(rec, m.ID); err == nil {
		ev.Message = cur
	}
	return ev.Message, ev
}

// runQuota is QuotaStatus for a run, which only needs the room left: with
// no limit configured there is none to measure, and reading a day of sends
// every batch would cost more than the batch's own transactions.
func (s *Service) runQuota(ctx context.Context) (QuotaStatus, error) {
	if s.cfg.Quota.Daily <= 0 && s.cfg.Quota.PerMinute <= 0 {
		return QuotaStatus{Preset: s.cfg.Quota.Preset, CountsRecipients: s.cfg.Quota.CountRecipients}, nil
	}
	return s.QuotaStatus(ctx)
}

// weight is what a message counts against the quota.
func (s *Service) weight(m store.Message) int {
	if s.cfg.Quota.CountRecipients {
		return max(1, len(m.Recipients))
	}
	return 1
}

func (s *Service) countWaiting(ctx context.Context) int {
	c, err := s.db.MessageCounts(ctx)
	if err != nil {
		return 0
	}
	return c[store.MessageQueued] + c[store.MessageScheduled]
}

func heldError(q QuotaStatus) error {
	what := "sends"
	if q.CountsRecipients {
		what = "recipients"
	}
	limit := fmt.Sprintf("%d %s a day", q.Limit, what)
	if q.PerMinuteLimit > 0 && q.PerMinuteUsed >= q.PerMinuteLimit {
		limit = fmt.Sprintf("%d %s a minute", q.PerMinuteLimit, what)
	}
	name := q.Preset
	if name == "" || name == "custom" {
		name = "your mailbox"
	}
	if q.FreesAt.IsZero() {
		return &RefusalError{Reason: fmt.Sprintf("held: %s allows %s", name, limit)}
	}
	return &RefusalError{Reason: fmt.Sprintf("held: %s allows %s; it leaves after %s",
		name, limit, q.FreesAt.Local().Format("15:04"))}
}

// backoff is the capped exponential delay before attempt n+1, with jitter so
// that runners started together do not retry in lockstep.
func (s *Service) backoff(attempts int) time.Duration {
	d := s.cfg.RetryBase
	for i := 1; i < attempts && d < s.cfg.RetryMax; i++ {
		d *= 2
	}
	d = min(d, s.cfg.RetryMax)
	return d/2 + rand.N(d/2+1)
}
