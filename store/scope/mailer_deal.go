package scope

import "context"

// sendFrom refuses a send, preview or draft to a contact the user may not
// work, or from a deal (opportunityID, 0 for none) they may not see: a
// Marketing Manager has no pipeline, a Salesperson or a Jr. Salesperson
// works only their own deals. The outbox is not reached on a refusal.
func (s *Store) sendFrom(ctx context.Context, contactID, opportunityID int64) error {
	if err := s.contact(ctx, contactID); err != nil {
		return err
	}
	if opportunityID == 0 {
		return nil
	}
	_, err := s.deal(ctx, opportunityID)
	return err
}
