package scope

import (
	"context"

	"github.com/leadmail/leadmail/store"
)

// Notes and tasks on an opportunity: written by whoever may work the deal
// (deal), and, since they land in a contact's Life of the Lead too, only on
// a contact the user may work (contact) — a Jr. Salesperson's own deal
// whose primary contact is someone else's is refused as that contact is.

// AddOpportunityNote writes a note on an opportunity the user may work and
// its primary contact.
func (s *Store) AddOpportunityNote(ctx context.Context, id, by int64, body string) (store.Note, error) {
	o, err := s.deal(ctx, id)
	if err != nil {
		return store.Note{}, err
	}
	if err := s.contact(ctx, o.PrimaryContactID); err != nil {
		return store.Note{}, err
	}
	return s.db.AddOpportunityNote(ctx, id, by, body)
}

// AddOpportunityTask writes a follow-up on an opportunity the user may
// work, about its primary contact or t.ContactID.
func (s *Store) AddOpportunityTask(ctx context.Context, t *store.Task, by int64) error {
	o, err := s.deal(ctx, t.OpportunityID)
	if err != nil {
		return err
	}
	about := t.ContactID
	if about == 0 {
		about = o.PrimaryContactID
	}
	if err := s.contact(ctx, about); err != nil {
		return err
	}
	return s.db.AddOpportunityTask(ctx, t, by)
}
