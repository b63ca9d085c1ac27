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
// crash never leaves a message that was not handed over in sending.
const batchSize = 50

// A run records the sends the server accepted in groups (sentGroup), in
// the transaction that claims the next message: at most recordEvery of
// them, none older than recordWithin. Recording after the fact opens no
// window for a double: until the group is committed its sends stay in
// sending, and a crash makes them uncertain (they are then resolved
// against the mailbox, or by the user), never resent. The bounds cap how
// many a crash leaves so, and how long a send shows as sending.
const (
	recordEvery  = 8
	recordWithin = 50 * time.Millisecond
)

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
	if err := s.mayDeliver(ctx, id); err != nil {
		return store.Message{}, err
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
	got, ev := s.sendClaimed(ctx, m)
	return got, ev.Err
}

// mayDeliver refuses a message of another user: it leaves through its
// own user's mailbox, from their leadmail, never through this one's login.
// (The runner's claim refuses it too; this says why.)
func (s *Service) mayDeliver(ctx context.Context, id int64) error {
	if s.sender.ID == 0 {
		return nil
	}
	m, err := s.db.GetMessage(ctx, id)
	if err != nil {
		return err
	}
	if m.UserID == s.sender.ID {
		return nil
	}
	owner := "another user"
	if u, err := s.db.GetUser(ctx, m.UserID); err == nil && u.Name != "" {
		owner = u.Name
	}
	return fmt.Errorf("message %d is %s's: it leaves through their mailbox, from their leadmail, not through yours", id, owner)
}

// Run delivers every message that may leave now, in batches over one
// connection, within the provider's quota. It first turns messages left in
// "sending" by a crash into "uncertain". A connection-level failure (server
// unreachable, TLS, login refused) ends the run early: the rest stay queued.
// Sends are recorded, and reported to Notify, in small groups once the
// server accepted them (recordEvery), and all of them before Run returns.
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
	var sent sentGroup
	err = s.deliverDue(ctx, claim, &sent, notify, &rep)
	s.recordSent(ctx, &sent, time.Time{}, claim, notify, &rep)
	return rep, err
}

// deliverDue is Run's loop: batches of due messages, each claimed just
// before it is sent, within the quota, until nothing is due, the quota is
// used up, the connection fails or ctx ends. The sends the server accepts
// gather in sent, recorded with later claims (or by the caller at the end).
func (s *Service) deliverDue(ctx context.Context, claim store.ClaimOptions, sent *sentGroup, notify func(Event), rep *RunReport) error {
	for ctx.Err() == nil {
		if s.limited() {
			// The quota counts what is recorded sent.
			s.recordSent(ctx, sent, time.Time{}, claim, notify, rep)
		}
		q, err := s.runQuota(ctx)
		if err != nil {
			return err
		}
		room := q.room()
		if room == 0 {
			rep.Held = s.countWaiting(ctx)
			if rep.Held > 0 {
				notify(Event{Kind: EventHeld, Err: heldError(q)})
			}
			return nil
		}
		for i := range batchSize {
			if room == 0 {
				break
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			m, ok, err := s.claimNext(ctx, claim, sent, i > 0, notify, rep)
			if err != nil || !ok {
				return err
			}
			if w := s.weight(m); room >= 0 && w > room {
				// Counting recipients, this one would cross the limit.
				s.release(ctx, []store.Message{m}, heldError(q), q.FreesAt, notify, rep)
				return nil
			} else if room >= 0 {
				room -= w
			}
			sentAt, sendErr := s.transmit(ctx, m, sent.ids())
			if sendErr == nil {
				sent.add(m, sentAt)
				continue
			}
			_, ev := s.record(ctx, m, sentAt, sendErr)
			notify(ev)
			rep.count(ev)
			switch mail.ClassOf(ev.Err) {
			case mail.ClassUnreachable, mail.ClassTLS, mail.ClassAuth:
				rep.Stop = ev.Err
				rep.Offline = mail.ClassOf(ev.Err) == mail.ClassUnreachable
				rep.AuthFailed = mail.ClassOf(ev.Err) == mail.ClassAuth
				return nil
			}
		}
	}
	return ctx.Err()
}

// claimNext claims the next due message, recording the sends in sent in
// the same transaction once they are due to be (sentGroup.due); ok is
// false when nothing is due. busy says the previous claim of this run
// found a message: the next one is then claimed straight away, where an
// idle look first reads whether anything is due, so as not to take the
// write lock for nothing.
func (s *Service) claimNext(ctx context.Context, claim store.ClaimOptions, sent *sentGroup, busy bool, notify func(Event), rep *RunReport) (store.Message, bool, error) {
	lease := s.now().Add(s.cfg.Lease)
	if busy || sent.due(s.now()) {
		if !sent.due(s.now()) {
			sent = &sentGroup{} // not yet
		}
		if m, ok, recorded := s.recordSent(ctx, sent, lease, claim, notify, rep); recorded {
			return m, ok, nil
		}
		// Recording failed, and claimed nothing: claim on its own.
	}
	msgs, err := s.runner.ClaimDue(ctx, lease, 1, claim)
	if err != nil {
		return store.Message{}, false, fmt.Errorf("claim due message: %w", err)
	}
	if len(msgs) == 0 {
		return store.Message{}, false, nil
	}
	return msgs[0], true, nil
}

// sentGroup holds the sends of a run that the server accepted and that
// are not recorded yet, oldest first.
type sentGroup struct {
	msgs []store.Message
	at   []store.Delivered
}

func (g *sentGroup) add(m store.Message, at time.Time) {
	g.msgs = append(g.msgs, m)
	g.at = append(g.at, store.Delivered{ID: m.ID, At: at})
}

// due reports whether the group is to be recorded now, at now.
func (g *sentGroup) due(now time.Time) bool {
	return len(g.at) >= recordEvery || len(g.at) > 0 && now.Sub(g.at[0].At) >= recordWithin
}

// ids are the messages of the group, whose leases a send in progress
// renews with its own.
func (g *sentGroup) ids() []int64 {
	ids := make([]int64, len(g.at))
	for i, d := range g.at {
		ids[i] = d.ID
	}
	return ids
}

// recordSent records the sends in sent, and empties it, in one
// transaction that also claims the next due message unless lease is zero
// (store.Runner.RecordSentClaimNext). It tells notify and rep about each
// send once it is recorded; a send that could not be recorded is reported
// with that error, and stays in sending to be recovered as uncertain.
// recorded is false when the transaction failed: then nothing was claimed.
func (s *Service) recordSent(ctx context.Context, sent *sentGroup, lease time.Time, claim store.ClaimOptions, notify func(Event), rep *RunReport) (next store.Message, ok, recorded bool) {
	if len(sent.at) == 0 && lease.IsZero() {
		return store.Message{}, false, true
	}
	// The server's answers must not be lost because the run was stopped.
	next, ok, refused, err := s.runner.RecordSentClaimNext(context.WithoutCancel(ctx), sent.at, lease, claim)
	for i, m := range sent.msgs {
		ev := Event{Kind: EventSent, Message: m}
		recErr := err
		if err == nil {
			recErr = refused[i]
		}
		if recErr != nil {
			s.log.Error("record send outcome", "message", m.ID, "err", recErr)
			ev.Err = unrecordedSend(m.ID, recErr)
		} else {
			s.log.Info("sent", "message", m.ID)
			// The new state is known; skip reading the row (and its bytes) back.
			ev.Message.Status, ev.Message.SentAt, ev.Message.LeaseUntil = store.MessageSent, sent.at[i].At, time.Time{}
			ev.Message.LastError, ev.Message.RetryAt = "", time.Time{}
		}
		notify(ev)
		rep.count(ev)
	}
	*sent = sentGroup{msgs: sent.msgs[:0], at: sent.at[:0]}
	return next, ok, err == nil
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

// errStopped is why a message interrupted on the wire goes back to the
// queue.
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
	if !until.IsZero() {
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

// sendClaimed transmits a claimed message and records the outcome in a
// short transaction after the network I/O. The returned event says what
// happened; its Err is a sentence for the user, nil when sent.
func (s *Service) sendClaimed(ctx context.Context, m store.Message) (store.Message, Event) {
	sentAt, sendErr := s.transmit(ctx, m, nil)
	return s.record(ctx, m, sentAt, sendErr)
}

// transmit hands a claimed message to the server and returns when the
// server answered, at sentAt. While it is on the wire, its lease and those
// of also (sends accepted but not recorded yet) are renewed.
func (s *Service) transmit(ctx context.Context, m store.Message, also []int64) (sentAt time.Time, err error) {
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	stop := s.heartbeat(ctx, append(also, m.ID))
	err = s.tr.Send(ctx, m.From, m.Recipients, m.Raw)
	stop() // no renewal may land after the outcome is recorded
	return s.now(), err
}

// record writes the outcome of a send, sendErr from the server at sentAt,
// with a context that outlives a cancelled caller: the server's answer
// must not be lost because the user pressed a key.
func (s *Service) record(ctx context.Context, m store.Message, sentAt time.Time, sendErr error) (store.Message, Event) {
	rec := context.WithoutCancel(ctx)
	var kind EventKind
	var recErr error
	var se *mail.SendError
	switch {
	case sendErr == nil:
		kind, recErr = EventSent, s.db.MarkSent(rec, m.ID, sentAt)
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
		if sendErr == nil {
			ev.Err = unrecordedSend(m.ID, recErr)
		} else {
			ev.Err = fmt.Errorf("message %d: recording the outcome failed: %w (send result: %w)", m.ID, recErr, sendErr)
		}
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

// unrecordedSend is the error of a send the server accepted but that could
// not be recorded: it stays in sending, to be recovered as uncertain.
func unrecordedSend(id int64, recErr error) error {
	return fmt.Errorf("message %d: the server accepted it, but recording that failed: %w", id, recErr)
}

// runQuota is QuotaStatus for a run, which only needs the room left: with
// no limit configured there is none to measure, and reading a day of sends
// every batch would cost more than the batch's own transactions.
func (s *Service) runQuota(ctx context.Context) (QuotaStatus, error) {
	if !s.limited() {
		return QuotaStatus{Preset: s.cfg.Quota.Preset, CountsRecipients: s.cfg.Quota.CountRecipients}, nil
	}
	return s.QuotaStatus(ctx)
}

// limited reports whether a quota limits the sends.
func (s *Service) limited() bool { return s.cfg.Quota.Daily > 0 || s.cfg.Quota.PerMinute > 0 }

// weight is what a message counts against the quota.
func (s *Service) weight(m store.Message) int {
	if s.cfg.Quota.CountRecipients {
		return max(1, len(m.Recipients))
	}
	return 1
}

func (s *Service) countWaiting(ctx context.Context) int {
	c, err := s.runner.LiveCounts(ctx)
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
