package outbox

import (
	"context"
	"errors"
	"fmt"

	"github.com/leadmail/leadmail/store"
)

// Cancel takes back a message that has not left: the undo of the undo window,
// or cancelling a scheduled send. The composed message is kept, and the
// timeline says it was cancelled.
func (s *Service) Cancel(ctx context.Context, id int64) (store.Message, error) {
	m, err := s.db.CancelMessage(ctx, id)
	if errors.Is(err, store.ErrConflict) {
		return s.refuseAsIs(ctx, id, "too late to cancel %q: it is already %s")
	}
	if err != nil {
		return store.Message{}, fmt.Errorf("cancel message %d: %w", id, err)
	}
	s.log.Info("cancelled", "message", id)
	return m, nil
}

// Retry puts a failed, uncertain or cancelled message back in the queue to
// leave now, with the very bytes that were composed (same Message-ID). For an
// uncertain message this is the user's decision to resend it.
func (s *Service) Retry(ctx context.Context, id int64) (store.Message, error) {
	m, err := s.db.RequeueMessage(ctx, id, s.now())
	if errors.Is(err, store.ErrConflict) {
		return s.refuseAsIs(ctx, id, "%q cannot be retried: it is %s")
	}
	if err != nil {
		return store.Message{}, fmt.Errorf("retry message %d: %w", id, err)
	}
	s.log.Info("requeued", "message", id)
	return m, nil
}

// refuseAsIs explains a change refused because of message id's state: it
// returns the message as it is and a refusal built from format with its
// subject and status.
func (s *Service) refuseAsIs(ctx context.Context, id int64, format string) (store.Message, error) {
	cur, err := s.db.GetMessage(ctx, id)
	if err != nil {
		return store.Message{}, err
	}
	return cur, refuse(format, cur.Subject, cur.Status)
}

// MarkSent records that an uncertain message did arrive (the user found it
// in their Sent folder), so it is never resent.
func (s *Service) MarkSent(ctx context.Context, id int64) (store.Message, error) {
	cur, err := s.db.GetMessage(ctx, id)
	if err != nil {
		return store.Message{}, fmt.Errorf("load message %d: %w", id, err)
	}
	if cur.Status != store.MessageUncertain {
		return cur, refuse("only an uncertain message can be marked sent; %q is %s", cur.Subject, cur.Status)
	}
	if err := s.db.MarkSent(ctx, id, s.now()); err != nil {
		return cur, fmt.Errorf("mark message %d sent: %w", id, err)
	}
	s.log.Info("marked sent", "message", id)
	return s.db.GetMessage(ctx, id)
}

// Status counts the Sender's outbox by state (everyone's without a Sender:
// the mail this Service sends) and measures the quota. Whether the
// server is reachable is known only to a running Worker, whose updates carry
// it.
func (s *Service) Status(ctx context.Context) (Status, error) {
	c, err := s.runner.LiveCounts(ctx)
	if err != nil {
		return Status{}, fmt.Errorf("count messages: %w", err)
	}
	q, err := s.QuotaStatus(ctx)
	if err != nil {
		return Status{}, err
	}
	return Status{
		Queued:    c[store.MessageQueued] + c[store.MessageSending],
		Scheduled: c[store.MessageScheduled],
		Failed:    c[store.MessageFailed],
		Uncertain: c[store.MessageUncertain],
		Quota:     q,
		At:        s.now(),
	}, nil
}
