package scope_test

import (
	"errors"
	"testing"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/store/scope"
)

// TestOpportunityRoleTable: the Salesperson's deal is seen and moved by
// its owner and the managers and administrators; the Jr. Salesperson and
// the Marketing Manager are refused it; only the Jr. Salesperson and the
// Marketing Manager cannot create one. Every refusal changes nothing.
func TestOpportunityRoleTable(t *testing.T) {
	tm := newTeam(t)
	ctx := t.Context()
	ss, err := tm.db.Stages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sales := tm.users[store.RoleSalesperson]
	deal := store.Opportunity{Name: "Theo's renewal", Value: store.Money{Minor: 1200000, Currency: "EUR"},
		StageID: ss[0].ID, PrimaryContactID: tm.theirs.ID, OwnerID: sales.ID}
	if err := tm.db.CreateOpportunity(ctx, &deal, sales.ID); err != nil {
		t.Fatal(err)
	}
	for _, role := range store.Roles() {
		s := scope.For(tm.db, tm.users[role])
		sees := role != store.RoleJrSalesperson && role != store.RoleMarketingManager
		creates := sees
		before := tm.rows(t)
		_, err := s.GetOpportunity(ctx, deal.ID)
		if sees != (err == nil) || (!sees && !errors.Is(err, store.ErrDenied)) {
			t.Errorf("%s: GetOpportunity = %v, want seen %v", role, err, sees)
		}
		_, err = s.MoveOpportunity(ctx, deal.ID, ss[1].ID, tm.users[role].ID)
		if sees != (err == nil) || (!sees && !errors.Is(err, store.ErrDenied)) {
			t.Errorf("%s: MoveOpportunity = %v, want allowed %v", role, err, sees)
		}
		p, err := s.ListOpportunities(ctx, store.OpportunityQuery{})
		listed := false
		for _, o := range p.Opportunities {
			listed = listed || o.ID == deal.ID
		}
		switch {
		case role == store.RoleMarketingManager && !errors.Is(err, store.ErrDenied):
			t.Errorf("marketing manager lists the pipeline: %v", err)
		case role != store.RoleMarketingManager && (err != nil || listed != sees):
			t.Errorf("%s: ListOpportunities lists the deal %v, %v; want %v", role, listed, err, sees)
		}
		// A position after every deal counts the deal only for who sees it.
		end := store.OpportunityCursor{CloseKey: "~", ID: 1 << 62}
		n, err := s.OpportunitiesBefore(ctx, store.OpportunityQuery{OwnerID: sales.ID}, end)
		switch {
		case role == store.RoleMarketingManager && !errors.Is(err, store.ErrDenied):
			t.Errorf("marketing manager counts the pipeline: %v", err)
		case role != store.RoleMarketingManager && (err != nil || (n == 1) != sees):
			t.Errorf("%s: OpportunitiesBefore counts %d, %v; want the deal counted %v", role, n, err, sees)
		}
		if !sees {
			if after := tm.rows(t); after != before {
				t.Errorf("%s: refusals changed the database", role)
			}
		}
		o := store.Opportunity{Name: "New deal " + string(role), Value: store.Money{Minor: 100, Currency: "EUR"},
			StageID: ss[0].ID, PrimaryContactID: tm.mine.ID}
		err = s.CreateOpportunity(ctx, &o, tm.users[role].ID)
		if creates != (err == nil) || (!creates && !errors.Is(err, store.ErrDenied)) {
			t.Errorf("%s: CreateOpportunity = %v, want allowed %v", role, err, creates)
		}
	}
}
