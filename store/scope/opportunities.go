package scope

import (
	"context"

	"github.com/leadmail/leadmail/store"
)

// The pipeline as S16 deals it out: a Marketing Manager has none; a
// Salesperson and a Jr. Salesperson see and work only the opportunities
// they own (the owner in the same query as the page and the totals), and
// a Jr. Salesperson cannot create one; the managers and administrators see
// every opportunity.

// noPipeline refuses the pipeline to a Marketing Manager.
func (s *Store) noPipeline() error {
	if err := s.check(); err != nil {
		return err
	}
	if !s.u.Role.HasPipeline() {
		return denied("a Marketing Manager has no pipeline: opportunities are the sales team's")
	}
	return nil
}

// ownDeals reports whether the user sees only the opportunities they own.
func (s *Store) ownDeals() bool {
	return s.u.Role == store.RoleSalesperson || s.u.Role == store.RoleJrSalesperson
}

// deal refuses opportunity id unless the user may see and work it.
func (s *Store) deal(ctx context.Context, id int64) (store.Opportunity, error) {
	if err := s.noPipeline(); err != nil {
		return store.Opportunity{}, err
	}
	o, err := s.db.GetOpportunity(ctx, id)
	if err != nil {
		return store.Opportunity{}, err
	}
	if s.ownDeals() && o.OwnerID != s.u.ID {
		return store.Opportunity{}, denied("opportunity %d is not yours: %s sees and works only their own opportunities", id, RoleName(s.u.Role))
	}
	return o, nil
}

// GetOpportunity returns an opportunity the user may see.
func (s *Store) GetOpportunity(ctx context.Context, id int64) (store.Opportunity, error) {
	return s.deal(ctx, id)
}

// CreateOpportunity adds an opportunity; a Jr. Salesperson and a Marketing
// Manager may not, and a Salesperson's is their own.
func (s *Store) CreateOpportunity(ctx context.Context, o *store.Opportunity, by int64) error {
	if err := s.noPipeline(); err != nil {
		return err
	}
	if s.u.Role == store.RoleJrSalesperson {
		return denied("a Jr. Salesperson cannot create opportunities: ask a Salesperson or a Sales Manager")
	}
	if s.ownDeals() {
		if o.OwnerID == 0 {
			o.OwnerID = s.u.ID
		}
		if o.OwnerID != s.u.ID {
			return denied("a Salesperson's opportunities are their own: ask a Sales Manager to give one to someone else")
		}
	}
	return s.db.CreateOpportunity(ctx, o, by)
}

// UpdateOpportunity edits an opportunity the user may work; a Salesperson
// cannot hand it to someone else.
func (s *Store) UpdateOpportunity(ctx context.Context, id, expectedVersion int64, ch store.OpportunityChanges, by int64) (store.Opportunity, error) {
	if _, err := s.deal(ctx, id); err != nil {
		return store.Opportunity{}, err
	}
	if s.ownDeals() && ch.OwnerID != nil && *ch.OwnerID != s.u.ID {
		return store.Opportunity{}, denied("%s cannot hand an opportunity to someone else: ask a Sales Manager", RoleName(s.u.Role))
	}
	return s.db.UpdateOpportunity(ctx, id, expectedVersion, ch, by)
}

// MoveOpportunity moves an opportunity the user may work to a stage.
func (s *Store) MoveOpportunity(ctx context.Context, id, stageID, by int64) (store.Opportunity, error) {
	if _, err := s.deal(ctx, id); err != nil {
		return store.Opportunity{}, err
	}
	return s.db.MoveOpportunity(ctx, id, stageID, by)
}

// WinOpportunity marks won an opportunity the user may work.
func (s *Store) WinOpportunity(ctx context.Context, id, by int64) (store.Opportunity, error) {
	if _, err := s.deal(ctx, id); err != nil {
		return store.Opportunity{}, err
	}
	return s.db.WinOpportunity(ctx, id, by)
}

// LoseOpportunity marks lost an opportunity the user may work.
func (s *Store) LoseOpportunity(ctx context.Context, id int64, reason string, by int64) (store.Opportunity, error) {
	if _, err := s.deal(ctx, id); err != nil {
		return store.Opportunity{}, err
	}
	return s.db.LoseOpportunity(ctx, id, reason, by)
}

// AddOpportunityContact adds a contact the user may see to an opportunity
// they may work.
func (s *Store) AddOpportunityContact(ctx context.Context, id, contactID, by int64) (store.Opportunity, error) {
	if _, err := s.deal(ctx, id); err != nil {
		return store.Opportunity{}, err
	}
	if err := s.contact(ctx, contactID); err != nil {
		return store.Opportunity{}, err
	}
	return s.db.AddOpportunityContact(ctx, id, contactID, by)
}

// RemoveOpportunityContact takes a contact off an opportunity the user may
// work.
func (s *Store) RemoveOpportunityContact(ctx context.Context, id, contactID, by int64) (store.Opportunity, error) {
	if _, err := s.deal(ctx, id); err != nil {
		return store.Opportunity{}, err
	}
	return s.db.RemoveOpportunityContact(ctx, id, contactID, by)
}

// ListOpportunities is a page of the opportunities the user may see.
func (s *Store) ListOpportunities(ctx context.Context, q store.OpportunityQuery) (store.OpportunityPage, error) {
	if err := s.noPipeline(); err != nil {
		return store.OpportunityPage{}, err
	}
	q, ok := s.ownQuery(q)
	if !ok {
		return store.OpportunityPage{}, nil
	}
	return s.db.ListOpportunities(ctx, q)
}

// OpportunitiesBefore is the position of cur in the listing q asks for,
// among the opportunities the user may see.
func (s *Store) OpportunitiesBefore(ctx context.Context, q store.OpportunityQuery, cur store.OpportunityCursor) (int, error) {
	if err := s.noPipeline(); err != nil {
		return 0, err
	}
	q, ok := s.ownQuery(q)
	if !ok {
		return 0, nil
	}
	return s.db.OpportunitiesBefore(ctx, q, cur)
}

// ownQuery narrows a listing to the opportunities the user may see; false
// when it asks for another owner's, which the user sees none of.
func (s *Store) ownQuery(q store.OpportunityQuery) (store.OpportunityQuery, bool) {
	if s.ownDeals() {
		if q.OwnerID != 0 && q.OwnerID != s.u.ID {
			return q, false
		}
		q.OwnerID = s.u.ID
	}
	return q, true
}

// OpportunitiesOf lists the opportunities of a contact the user may see,
// keeping those the user may see.
func (s *Store) OpportunitiesOf(ctx context.Context, contactID int64) ([]store.Opportunity, error) {
	if err := s.contact(ctx, contactID); err != nil {
		return nil, err
	}
	if err := s.noPipeline(); err != nil {
		return nil, err
	}
	os, err := s.db.OpportunitiesOf(ctx, contactID)
	if err != nil || !s.ownDeals() {
		return os, err
	}
	kept := os[:0]
	for _, o := range os {
		if o.OwnerID == s.u.ID {
			kept = append(kept, o)
		}
	}
	return kept, nil
}

// Pipeline is the totals of the opportunities the user may see.
func (s *Store) Pipeline(ctx context.Context, f store.PipelineFilter) ([]store.StageTotals, error) {
	if err := s.noPipeline(); err != nil {
		return nil, err
	}
	if s.ownDeals() {
		if f.OwnerID != 0 && f.OwnerID != s.u.ID {
			f.OwnerID = -1 // nobody's: empty totals per stage
		} else {
			f.OwnerID = s.u.ID
		}
	}
	return s.db.Pipeline(ctx, f)
}

// OpportunityTimeline is the timeline of an opportunity the user may see.
func (s *Store) OpportunityTimeline(ctx context.Context, id int64, limit int) ([]store.Event, error) {
	if _, err := s.deal(ctx, id); err != nil {
		return nil, err
	}
	return s.db.OpportunityTimeline(ctx, id, limit)
}
