package taskform

import (
	"strings"
	"testing"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/store/scope"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// openOnDeal opens the form on a deal as me, through s.
func openOnDeal(t *testing.T, w *tuitest.World, s Store, dealID int64, me store.User) *harness {
	t.Helper()
	h := &harness{Model: New(tuitest.Common(t), s, Options{OpportunityID: dealID, Me: me}), w: w}
	h.SetSize(80, 24)
	tuitest.Pump(t, h.update, h.Init(), nil)
	return h
}

// The task form on a deal names the deal, is about its primary contact,
// and saves the task on both.
func TestTaskFormOnADeal(t *testing.T) {
	w := tuitest.NewWorld(t)
	o := w.AddDeal(t, "Analytical upgrade")
	h := openOnDeal(t, w, w.DB, o.ID, w.User)
	if v := h.view(); !strings.Contains(v, "Deal    Analytical upgrade") || !strings.Contains(v, "For     Ada Lovelace") ||
		!strings.Contains(v, "the deal's timeline") {
		t.Fatalf("the form does not name the deal and its contact:\n%s", v)
	}
	h.typeText(t, "Send the new quote")
	h.press(t, "enter")
	h.typeText(t, "tomorrow 9:00")
	h.press(t, "enter")
	s, ok := h.saved()
	if !ok || s.Task.OpportunityID != o.ID || s.Task.ContactID != w.Ada.ID || s.Task.OpportunityName != "Analytical upgrade" {
		t.Fatalf("saved %+v (%v):\n%s", s.Task, ok, h.view())
	}
	var status string
	for _, in := range h.intents {
		if st, ok := in.(common.StatusMsg); ok {
			status = st.Text
		}
	}
	if status != "Task added for the deal Analytical upgrade (Ada Lovelace): Send the new quote, due Fri 27 Nov 09:00 UTC (tomorrow)" {
		t.Errorf("status %q", status)
	}
	es, err := w.DB.OpportunityTimeline(t.Context(), o.ID, 1)
	if err != nil || len(es) != 1 || es[0].Kind != store.EventTask || es[0].Data["title"] != "Send the new quote" {
		t.Errorf("the deal's newest event = %+v, %v", es, err)
	}
}

// A Jr. Salesperson who may not work the deal is told so, with esc to go
// back, and nothing is written.
func TestTaskFormOnADealRefused(t *testing.T) {
	w := tuitest.NewWorld(t)
	o := w.AddDeal(t, "Analytical upgrade")
	jr, err := w.DB.AddUser(t.Context(), store.User{Name: "Jo Junior", Email: "jo@acme.test", Role: store.RoleJrSalesperson})
	if err != nil {
		t.Fatal(err)
	}
	before := written(t, w, w.Ada.ID)
	h := openOnDeal(t, w, scope.For(w.DB, jr), o.ID, jr)
	if v := h.view(); h.state != stateError || !strings.Contains(v, "is not yours") {
		t.Errorf("the form opened on a deal that is not theirs:\n%s", v)
	}
	h.typeText(t, "x")
	h.press(t, "ctrl+s", "esc")
	if _, ok := h.saved(); ok {
		t.Error("a task was saved")
	}
	if written(t, w, w.Ada.ID) != before {
		t.Error("the refused form wrote")
	}
}

// On a deal with several contacts, the For field chooses which one the
// task is about: tab reaches it, ←/→ choose, and the task is saved on
// the chosen contact. With one contact, tab passes it by.
func TestTaskFormChoosesTheDealsContact(t *testing.T) {
	w := tuitest.NewWorld(t)
	o := w.AddDeal(t, "Analytical upgrade")
	single := openOnDeal(t, w, w.DB, o.ID, w.User)
	single.press(t, "tab", "tab", "tab")
	if single.focus != fieldTitle || single.keys.ContactNext.Enabled() {
		t.Errorf("with one contact, tab stopped on %v", single.focus)
	}
	if _, err := w.DB.AddOpportunityContact(t.Context(), o.ID, w.NoEmail.ID, w.User.ID); err != nil {
		t.Fatal(err)
	}
	h := openOnDeal(t, w, w.DB, o.ID, w.User)
	h.typeText(t, "Ask Nils for the budget")
	h.press(t, "tab")
	h.typeText(t, "tomorrow 9:00")
	h.press(t, "tab", "tab")
	if h.focus != fieldContact || !h.keys.ContactNext.Enabled() {
		t.Fatalf("tab did not reach the contact: focus %v", h.focus)
	}
	h.press(t, "right")
	if v := h.view(); !strings.Contains(v, "› For     ‹ Nils Noemail ›") {
		t.Errorf("the chosen contact is not shown:\n%s", v)
	}
	h.press(t, "ctrl+s")
	s, ok := h.saved()
	if !ok || s.Task.ContactID != w.NoEmail.ID || s.Task.OpportunityID != o.ID {
		t.Fatalf("saved %+v (%v):\n%s", s.Task, ok, h.view())
	}
	es, err := w.DB.Timeline(t.Context(), w.NoEmail.ID, 1)
	if err != nil || len(es) != 1 || es[0].Data["title"] != "Ask Nils for the budget" || es[0].OpportunityID != o.ID {
		t.Errorf("Nils's newest event = %+v, %v", es, err)
	}
}
