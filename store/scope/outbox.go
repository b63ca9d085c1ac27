package scope

import (
	"context"
	"errors"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
)

// The outbox as a user sees it: a message is theirs to see and act on
// when its contact is (S16), so a Jr. Salesperson's counts, held messages
// and worker news are those of the mail to the contacts they own. The
// worker itself delivers every message (no user acts there); only what it
// tells the user is kept to what they may see.

// Status is the outbox at a glance, counting the messages the user sees;
// the quota and the connection's state are the mailbox's own.
func (m *Mailer) Status(ctx context.Context) (outbox.Status, error) {
	if err := m.s.check(); err != nil {
		return outbox.Status{}, err
	}
	st, err := m.Outbox.Status(ctx)
	if err != nil || !m.s.ownOnly() {
		return st, err
	}
	return m.s.ownCounts(ctx, st)
}

// ownCounts replaces st's message counts with those of the messages to
// the contacts the user owns.
func (s *Store) ownCounts(ctx context.Context, st outbox.Status) (outbox.Status, error) {
	c, err := s.db.MessageCountsOwnedBy(ctx, s.u.ID)
	if err != nil {
		return outbox.Status{}, err
	}
	st.Queued = c[store.MessageQueued] + c[store.MessageSending]
	st.Scheduled = c[store.MessageScheduled]
	st.Failed = c[store.MessageFailed]
	st.Uncertain = c[store.MessageUncertain]
	return st, nil
}

// MayShow reports whether the user may see message id; an error is one
// the store gave, not a refusal. The command line asks it before printing
// what the outbox worker did.
func (s *Store) MayShow(ctx context.Context, id int64) (bool, error) {
	err := s.message(ctx, id)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, store.ErrDenied):
		return false, nil
	}
	return false, err
}

// Worker is the outbox's background worker as the terminal UI watches it
// (*outbox.Worker satisfies it).
type Worker interface {
	Wake()
	RunNow()
	Updates() <-chan outbox.Update
}

// watched is a Worker whose updates are kept to what its user may see.
type watched struct {
	Worker
	updates chan outbox.Update
}

func (w *watched) Updates() <-chan outbox.Update { return w.updates }

// WatchWorker is w as the user may watch it. For a Jr. Salesperson each
// update counts only the messages to the contacts they own, and an event
// about another's message is left out (its update still carries the
// status); every other role watches w itself. The updates are read until
// w closes its channel; like the worker's own, an update nobody reads is
// dropped rather than stalling the worker.
func (s *Store) WatchWorker(ctx context.Context, w Worker) Worker {
	if !s.ownOnly() {
		return w
	}
	out := &watched{Worker: w, updates: make(chan outbox.Update, cap(w.Updates()))}
	go func() {
		defer close(out.updates)
		for u := range w.Updates() {
			if ev := u.Event; ev != nil && ev.Message.ID != 0 {
				if ok, err := s.MayShow(ctx, ev.Message.ID); !ok || err != nil {
					u.Event = nil
				}
			}
			st, err := s.ownCounts(ctx, u.Status)
			if err != nil {
				continue // the next update carries the status again
			}
			u.Status = st
			select {
			case out.updates <- u:
			default:
			}
		}
	}()
	return out
}

// draft refuses a draft to a contact the user may not work, from a deal
// they may not see (the draft's or opportunityID, 0 for none), or one
// copying such a contact, whose timeline the send would be written on.
// The outbox is not reached on a refusal.
func (s *Store) draft(ctx context.Context, d outbox.Draft, opportunityID int64) error {
	if err := s.sendFrom(ctx, d.ContactID, d.OpportunityID); err != nil {
		return err
	}
	if opportunityID != 0 && opportunityID != d.OpportunityID {
		if err := s.sendFrom(ctx, d.ContactID, opportunityID); err != nil {
			return err
		}
	}
	if !s.ownOnly() {
		return nil
	}
	for _, rs := range [][]outbox.Recipient{d.To, d.Cc, d.Bcc} {
		for _, r := range rs {
			if r.ContactID == 0 || r.ContactID == d.ContactID {
				continue
			}
			if err := s.contact(ctx, r.ContactID); errors.Is(err, store.ErrDenied) {
				return denied("%s is not yours: a Jr. Salesperson sends only to the leads and contacts assigned to them", r.Email)
			} else if err != nil {
				return err
			}
		}
	}
	return nil
}
