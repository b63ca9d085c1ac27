package note

import (
	"strings"
	"testing"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/store/scope"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// A note on a deal is written in the same editor, named by the deal and
// its primary contact, and lands on both.
func TestNoteOnADeal(t *testing.T) {
	w := tuitest.NewWorld(t)
	o := w.AddDeal(t, "Analytical upgrade")
	m := newNote(t, w, 80, 24, Options{Sender: w.User, OpportunityID: o.ID})
	if v := m.view(); !strings.Contains(v, "New note on the deal Analytical upgrade (Ada Lovelace)") {
		t.Fatalf("the editor does not name the deal:\n%s", v)
	}
	m.typeText(t, "Wants the *3-year* term.")
	m.press(t, "ctrl+s")
	got := m.Intents()
	saved, ok := has[SavedMsg](got)
	if !ok || saved.Note.OpportunityID != o.ID || saved.Note.ContactID != w.Ada.ID || !saved.Close {
		t.Fatalf("intents = %#v", got)
	}
	if st, _ := has[common.StatusMsg](got); st.Text != "Note saved on the deal Analytical upgrade (Ada Lovelace)" {
		t.Errorf("status = %q", st.Text)
	}
	es, err := w.DB.OpportunityTimeline(t.Context(), o.ID, 1)
	if err != nil || len(es) != 1 || es[0].Kind != store.EventNote || es[0].Data["text"] != "Wants the *3-year* term." {
		t.Errorf("the deal's newest event = %+v, %v", es, err)
	}
	// Opened again from a timeline, it is named by its deal.
	v := openNote(t, w, saved.Note.ID, 80, 24).view()
	if !strings.Contains(v, "Note on the deal Analytical upgrade (Ada Lovelace)") {
		t.Errorf("the opened note does not name its deal:\n%s", v)
	}
}

// A Jr. Salesperson who may not work the deal is told why when the editor
// opens; the text typed stays, the save is refused with the sentence, and
// nothing is written.
func TestNoteOnADealRefused(t *testing.T) {
	w := tuitest.NewWorld(t)
	o := w.AddDeal(t, "Analytical upgrade")
	jr, err := w.DB.AddUser(t.Context(), store.User{Name: "Jo Junior", Email: "jo@acme.test", Role: store.RoleJrSalesperson})
	if err != nil {
		t.Fatal(err)
	}
	before := written(t, w)
	m := New(tuitest.Common(t), scope.For(w.DB, jr), w.Ada.ID, Options{Sender: jr, OpportunityID: o.ID})
	m.SetSize(80, 24)
	tuitest.Pump(t, m.update, m.Init(), nil)
	if e, ok := has[common.ErrorMsg](m.Intents()); !ok || !strings.Contains(e.Err.Error(), "is not yours") {
		t.Errorf("opening says %#v", e)
	}
	m.typeText(t, "Sneaky note")
	m.press(t, "ctrl+s")
	if v := m.view(); !strings.Contains(v, "Sneaky note") || !strings.Contains(v, "not yours") {
		t.Errorf("the refusal is not shown with the text kept:\n%s", v)
	}
	if _, ok := has[SavedMsg](m.Intents()); ok {
		t.Error("a refused note was reported saved")
	}
	if written(t, w) != before {
		t.Error("a refused note wrote")
	}
}
