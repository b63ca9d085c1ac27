package outbox

import (
	"context"
	"errors"
	"fmt"

	"github.com/leadmail/leadmail/store"
)

// HeldReason is how a message held for an undo window that was never
// confirmed is described: the app that queued it ended inside the window.
const HeldReason = "held: undo window not confirmed"

// PendingUndo lists this Service's sends still inside their undo window:
// what quitting now would leave unconfirmed. Those whose window already
// passed while the app ran (the user saw it end) are confirmed first, so
// that any runner may deliver them after the app has gone.
func (s *Service) PendingUndo(ctx context.Context) ([]store.Message, error) {
	if _, err := s.runner.ConfirmPassed(ctx); err != nil {
		return nil, err
	}
	return s.runner.Pending(ctx)
}

// Held lists the messages whose undo window passed while the app that
// queued them was gone: they leave only when the user releases them
// (Release) and can be cancelled as usual.
func (s *Service) Held(ctx context.Context) ([]store.Message, error) {
	s.findLocks(ctx)
	return s.db.HeldMessages(ctx, append(s.liveRunners(), s.runner.ID())...)
}

// Release sends a held message on the user's word: it is queued to leave
// now, with its undo window counted as confirmed. A message that is not
// held is a *RefusalError and changes nothing.
func (s *Service) Release(ctx context.Context, id int64) (store.Message, error) {
	m, err := s.db.ReleaseHeld(ctx, id, s.now())
	if errors.Is(err, store.ErrConflict) {
		return s.refuseAsIs(ctx, id, "%q is not held: it is %s")
	}
	if err != nil {
		return store.Message{}, fmt.Errorf("release message %d: %w", id, err)
	}
	s.log.Info("released", "message", id)
	return m, nil
}

// countHeld is how many messages wait for the user because their undo
// window was never confirmed.
func (s *Service) countHeld(ctx context.Context) int {
	ms, err := s.Held(ctx)
	if err != nil {
		s.log.Error("count held messages", "err", err)
		return 0
	}
	return len(ms)
}
