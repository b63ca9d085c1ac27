package scope_test

import (
	"errors"
	"testing"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/store/scope"
)

// TestImportOwner: a Jr. Salesperson's import adds new contacts, all
// theirs; updating known contacts or giving the new ones to another is
// refused with the sentence. Every other role imports as asked.
func TestImportOwner(t *testing.T) {
	tm := newTeam(t)
	jr, sp := tm.users[store.RoleJrSalesperson], tm.users[store.RoleSalesperson]
	for _, role := range store.Roles() {
		s := scope.For(tm.db, tm.users[role])
		for _, tc := range []struct {
			onDup store.OnDuplicate
			owner int64
		}{{store.DuplicateSkip, 0}, {store.DuplicateSkip, sp.ID}, {store.DuplicateSkip, jr.ID}, {store.DuplicateUpdate, 0}} {
			got, err := s.ImportOwner(tc.onDup, tc.owner)
			switch {
			case role != store.RoleJrSalesperson:
				if err != nil || got != tc.owner {
					t.Errorf("%s %v: %d, %v; want %d as asked", role, tc, got, err, tc.owner)
				}
			case tc.onDup == store.DuplicateUpdate:
				if !errors.Is(err, store.ErrDenied) || err.Error() != "a Jr. Salesperson's import adds new contacts only: updating the known ones could change contacts assigned to someone else" {
					t.Errorf("Jr. updating: %v", err)
				}
			case tc.owner == sp.ID:
				if !errors.Is(err, store.ErrDenied) {
					t.Errorf("Jr. importing for another: %v, want refused", err)
				}
			default:
				if err != nil || got != jr.ID {
					t.Errorf("Jr. %v: %d, %v; want theirs (%d)", tc, got, err, jr.ID)
				}
			}
		}
	}
	if _, err := scope.Unidentified(tm.db, "who are you?").ImportOwner(store.DuplicateSkip, 0); err == nil || err.Error() != "who are you?" {
		t.Errorf("unidentified: %v", err)
	}
}
