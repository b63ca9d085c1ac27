package scope

import "github.com/leadmail/leadmail/store"

// ImportOwner is the owner an import by the user gives the contacts it
// creates: owner as asked (0: the file's owner column) for every role but
// the Jr. Salesperson, whose import adds new contacts only, all their own.
// Updating the contacts whose email is already known could change ones
// assigned to someone else, and contacts given to another would leave
// their sight, so both are refused with the sentence and nothing is read.
func (s *Store) ImportOwner(onDup store.OnDuplicate, owner int64) (int64, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	if !s.ownOnly() {
		return owner, nil
	}
	if onDup == store.DuplicateUpdate {
		return 0, denied("a Jr. Salesperson's import adds new contacts only: updating the known ones could change contacts assigned to someone else")
	}
	if owner != 0 {
		if err := s.keepsOwner(owner); err != nil {
			return 0, err
		}
	}
	return s.u.ID, nil
}
