package today

import (
	"context"
	"strings"
	"testing"

	"github.com/leadmail/leadmail/store"
)

// A task on a deal is listed with the deal's name, and the highlighted
// one names the deal and its contact in full.
func TestTodayNamesTheDeal(t *testing.T) {
	w := newTaskWorld(t)
	ctx := context.Background()
	o := w.AddDeal(t, "Analytical upgrade")
	tk := store.Task{OpportunityID: o.ID, Title: "Send the new quote", DueAt: day(26, 16, 0)}
	if err := w.DB.AddOpportunityTask(ctx, &tk, w.User.ID); err != nil {
		t.Fatal(err)
	}
	h := open(t, w, 120, 40)
	h.on(t, tk.ID)
	v := h.view()
	if !strings.Contains(v, "Send the new quote · deal Analytical upgrade") {
		t.Errorf("the list does not name the deal:\n%s", v)
	}
	if !strings.Contains(v, "deal Analytical upgrade · Ada Lovelace <ada@analytical.test> · owner Sam Seller") {
		t.Errorf("the highlighted task does not name its deal and contact:\n%s", v)
	}
	// A task on the contact alone names no deal.
	h.on(t, w.Pricing.ID)
	if v := h.view(); strings.Contains(v, "Follow up on pricing · deal") {
		t.Errorf("a contact's task names a deal:\n%s", v)
	}
}
