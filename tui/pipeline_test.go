package tui

import (
	"strings"
	"testing"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
	"github.com/leadmail/leadmail/tui/screens/opportunity"
	"github.com/leadmail/leadmail/tui/screens/pipeline"
)

// addDeal gives Ada an opportunity of the world's user, in proposal.
func addDeal(t *testing.T, a *app, name string) int64 {
	t.Helper()
	st, err := a.w.DB.StageByName(t.Context(), "proposal")
	if err != nil {
		t.Fatal(err)
	}
	o := store.Opportunity{Name: name, Value: store.Money{Minor: 12_000_00, Currency: "EUR"}, StageID: st.ID,
		PrimaryContactID: a.w.Ada.ID, CloseDate: tuitest.Now.AddDate(0, 0, 20)}
	if err := a.w.DB.CreateOpportunity(t.Context(), &o, a.w.User.ID); err != nil {
		t.Fatal(err)
	}
	return o.ID
}

// p on Contacts opens the Pipeline; enter a deal; m opens the picker for
// its primary contact from the deal; the Contact screen lists the deal
// and O opens it.
func TestPipelineFromContactsToTheDeal(t *testing.T) {
	a := newApp(t, 120, 40)
	a.opts.Sender = a.w.User
	id := addDeal(t, a, "Analytical upgrade")
	a.press(t, "p")
	if _, ok := a.top().(*pipeline.Model); !ok {
		t.Fatalf("p opened %T", a.top())
	}
	a.press(t, "enter")
	o, ok := a.top().(*opportunity.Model)
	if !ok || o.OpportunityID() != id {
		t.Fatalf("enter opened %T", a.top())
	}
	a.press(t, "esc", "esc")
	a.pump(t, a.handleIntent(common.OpenContactMsg{ContactID: a.w.Ada.ID}))
	if v := tuitest.Strip(a.view()); !strings.Contains(v, "Deals     Analytical upgrade (proposal, €12,000)") {
		t.Fatalf("the contact does not list its deal:\n%s", v)
	}
	a.press(t, "O")
	if o, ok := a.top().(*opportunity.Model); !ok || o.OpportunityID() != id {
		t.Fatalf("O opened %T", a.top())
	}
}

// A card moved on the Pipeline tells the contact's screen below it, whose
// header reads the deal's new stage.
func TestMovingACardRefreshesTheContact(t *testing.T) {
	a := newApp(t, 120, 40)
	a.opts.Sender = a.w.User
	addDeal(t, a, "Analytical upgrade")
	a.pump(t, a.handleIntent(common.OpenContactMsg{ContactID: a.w.Ada.ID}))
	a.pump(t, a.handleIntent(common.OpenPipelineMsg{}))
	a.press(t, "]")
	a.press(t, "esc")
	if v := tuitest.Strip(a.view()); !strings.Contains(v, "Analytical upgrade (negotiation, €12,000)") {
		t.Fatalf("the contact did not follow the move:\n%s", v)
	}
}

// A Quick Send from a deal goes back where the deal was: m enter on a
// card leaves the pipeline on top, and on the deal's screen the deal,
// whose timeline shows the send; the message is the deal's.
func TestQuickSendFromADealStaysOnTheDeal(t *testing.T) {
	a := newApp(t, 120, 40)
	a.opts.Sender = a.w.User
	id := addDeal(t, a, "Analytical upgrade")
	a.pump(t, a.handleIntent(common.OpenPipelineMsg{}))
	a.press(t, "m", "enter")
	if _, ok := a.top().(*pipeline.Model); !ok {
		t.Fatalf("after a Quick Send from a card, top is %T, want the pipeline", a.top())
	}
	a.press(t, "enter", "m", "enter")
	if o, ok := a.top().(*opportunity.Model); !ok || o.OpportunityID() != id {
		t.Fatalf("after a Quick Send from the deal, top is %T, want the deal", a.top())
	}
	var ms []store.Message
	for _, m := range a.messages(t, a.w.Ada.ID) {
		if m.OpportunityID == id {
			ms = append(ms, m)
		}
	}
	if len(ms) != 2 {
		t.Fatalf("%d of Ada's messages are from the deal, want the two sends", len(ms))
	}
	if v := tuitest.Strip(a.view()); strings.Count(v, ms[0].Subject) < 2 {
		t.Errorf("the deal's timeline does not show both sends of %q:\n%s", ms[0].Subject, v)
	}
}

// A Marketing Manager has no pipeline (S16): Contacts does not offer p,
// and p does nothing.
func TestNoPipelineKeyForAMarketingManager(t *testing.T) {
	a := newApp(t, 120, 40, func(o *Options) {
		o.Sender, o.OverdueEvery = store.User{ID: 1, Name: "Sofia Rossi", Role: store.RoleMarketingManager}, -1
	})
	if v := tuitest.Strip(a.view()); strings.Contains(v, "p pipeline") {
		t.Errorf("Contacts offers the pipeline to a Marketing Manager:\n%s", v)
	}
	a.press(t, "p")
	if _, ok := a.top().(*pipeline.Model); ok {
		t.Error("p opened the pipeline for a Marketing Manager")
	}
}
