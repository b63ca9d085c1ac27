package tui

import (
	"strings"
	"testing"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/screens/note"
	"github.com/leadmail/leadmail/tui/screens/opportunity"
	"github.com/leadmail/leadmail/tui/screens/taskform"
)

// n on a deal writes a note and t adds a task, in the editor and the form
// a contact uses; each closes onto the deal, whose timeline shows it at
// once, as does its primary contact's; Today lists the task with the
// deal's name.
func TestNoteAndTaskFromADeal(t *testing.T) {
	a := taskApp(t, 120, 40)
	id := addDeal(t, a, "Analytical upgrade")
	a.pump(t, a.handleIntent(common.OpenOpportunityMsg{OpportunityID: id}))
	deal, ok := a.top().(*opportunity.Model)
	if !ok {
		t.Fatalf("the deal did not open: %T", a.top())
	}

	a.press(t, "n")
	if _, ok := a.top().(*note.Model); !ok {
		t.Fatalf("n opened %T", a.top())
	}
	if v := a.view(); !strings.Contains(v, "› Analytical upgrade › New note") ||
		!strings.Contains(v, "New note on the deal Analytical upgrade (Ada Lovelace)") {
		t.Errorf("the editor does not say where the note goes:\n%s", v)
	}
	a.typeText(t, "Wants the 3-year term.")
	a.press(t, "ctrl+s")
	if a.top() != deal {
		t.Fatalf("after saving, top is %T, want the deal", a.top())
	}
	if got := a.statusLine(); !strings.Contains(got, "Note saved on the deal Analytical upgrade (Ada Lovelace)") {
		t.Errorf("status line %q", got)
	}
	if v := a.view(); !strings.Contains(v, "Wants the 3-year term.") {
		t.Errorf("the deal's timeline does not show the note:\n%s", v)
	}

	a.press(t, "t")
	if _, ok := a.top().(*taskform.Model); !ok {
		t.Fatalf("t opened %T", a.top())
	}
	a.typeText(t, "Send the new quote")
	a.press(t, "enter")
	a.typeText(t, "tomorrow 9:00")
	a.press(t, "enter")
	if a.top() != deal {
		t.Fatalf("after saving the task, top is %T, want the deal", a.top())
	}
	if v := a.view(); !strings.Contains(v, "Task: Send the new quote") {
		t.Errorf("the deal's timeline does not show the task:\n%s", v)
	}

	es, err := a.w.DB.Timeline(t.Context(), a.w.Ada.ID, 2)
	if err != nil || len(es) != 2 || es[0].Kind != store.EventTask || es[1].Kind != store.EventNote ||
		es[0].OpportunityID != id || es[1].OpportunityID != id {
		t.Errorf("Ada's newest events = %+v, %v; want the deal's task and note", es, err)
	}

	a.pump(t, a.handleIntent(common.OpenTodayMsg{}))
	if v := a.view(); !strings.Contains(v, "Send the new quote · deal Analytical upgrade") {
		t.Errorf("Today does not name the deal:\n%s", v)
	}
}
