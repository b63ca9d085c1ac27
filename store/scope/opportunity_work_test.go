package scope_test

import (
	"errors"
	"testing"
	"time"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/store/scope"
)

// TestOpportunityWorkRoleTable: a note and a task on the Salesperson's
// deal are written by its owner and by the managers and administrators;
// the Jr. Salesperson and the Marketing Manager are refused with a
// sentence and nothing is written. A Jr. Salesperson's own deal on
// someone else's contact is refused as that contact is.
func TestOpportunityWorkRoleTable(t *testing.T) {
	tm := newTeam(t)
	ctx := t.Context()
	sales := tm.users[store.RoleSalesperson]
	deal := store.Opportunity{Name: "Theo's renewal", Value: store.Money{Minor: 1200000, Currency: "EUR"},
		PrimaryContactID: tm.theirs.ID, OwnerID: sales.ID}
	if err := tm.db.CreateOpportunity(ctx, &deal, sales.ID); err != nil {
		t.Fatal(err)
	}
	due := time.Now().Add(48 * time.Hour)
	for _, role := range store.Roles() {
		u := tm.users[role]
		s := scope.For(tm.db, u)
		works := role != store.RoleJrSalesperson && role != store.RoleMarketingManager
		before := tm.rows(t)
		n, err := s.AddOpportunityNote(ctx, deal.ID, u.ID, "note by "+string(role))
		if works != (err == nil) || (!works && !errors.Is(err, store.ErrDenied)) {
			t.Errorf("%s: AddOpportunityNote = %v, want allowed %v", role, err, works)
		}
		if works && (n.OpportunityID != deal.ID || n.ContactID != tm.theirs.ID) {
			t.Errorf("%s: note = %+v", role, n)
		}
		tk := store.Task{OpportunityID: deal.ID, Title: "task by " + string(role), DueAt: due}
		err = s.AddOpportunityTask(ctx, &tk, u.ID)
		if works != (err == nil) || (!works && !errors.Is(err, store.ErrDenied)) {
			t.Errorf("%s: AddOpportunityTask = %v, want allowed %v", role, err, works)
		}
		if !works {
			if after := tm.rows(t); after != before {
				t.Errorf("%s: refusals wrote", role)
			}
			var d *scope.DeniedError
			if errors.As(err, &d) && (d.Sentence == "" || d.Sentence[len(d.Sentence)-1] == '.') {
				t.Errorf("%s: refusal %q is not a sentence to show", role, d.Sentence)
			}
		}
	}

	// The Jr. Salesperson's own deal, whose primary contact is the
	// Salesperson's: the deal is theirs, the contact is not.
	jr := tm.users[store.RoleJrSalesperson]
	own := store.Opportunity{Name: "Mina's pilot", Value: store.Money{Minor: 500, Currency: "EUR"},
		PrimaryContactID: tm.theirs.ID, ContactIDs: []int64{tm.mine.ID}, OwnerID: jr.ID}
	if err := tm.db.CreateOpportunity(ctx, &own, tm.users[store.RoleSalesManager].ID); err != nil {
		t.Fatal(err)
	}
	s := scope.For(tm.db, jr)
	before := tm.rows(t)
	if _, err := s.AddOpportunityNote(ctx, own.ID, jr.ID, "x"); !errors.Is(err, store.ErrDenied) {
		t.Errorf("Jr. Salesperson's note through another's primary contact = %v, want denied", err)
	}
	if err := s.AddOpportunityTask(ctx, &store.Task{OpportunityID: own.ID, Title: "x", DueAt: due}, jr.ID); !errors.Is(err, store.ErrDenied) {
		t.Errorf("Jr. Salesperson's task on another's primary contact = %v, want denied", err)
	}
	if tm.rows(t) != before {
		t.Error("the Jr. Salesperson's refusals wrote")
	}
	tk := store.Task{OpportunityID: own.ID, ContactID: tm.mine.ID, Title: "call Mina", DueAt: due}
	if err := s.AddOpportunityTask(ctx, &tk, jr.ID); err != nil || tk.OpportunityName != "Mina's pilot" {
		t.Errorf("Jr. Salesperson's task on their deal and their contact = %+v, %v", tk, err)
	}
}
