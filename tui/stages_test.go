package tui

import (
	"strings"
	"testing"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/store/scope"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
	"github.com/leadmail/leadmail/tui/screens/pipeline"
	"github.com/leadmail/leadmail/tui/screens/stages"
)

// asAdministrator makes the app's user an Administrator, through the
// store scoped to them, as leadmail runs it.
func asAdministrator(t *testing.T, a *app) store.User {
	t.Helper()
	u, err := a.w.DB.UpsertUser(t.Context(), store.User{Name: "Ada Admin", Email: "ada@acme.test", Role: store.RoleAdministrator})
	if err != nil {
		t.Fatal(err)
	}
	a.opts.Sender, a.opts.Store = u, scope.For(a.w.DB, u)
	return u
}

// S on the Pipeline opens the stages editor for an Administrator; a new
// stage saved there closes the editor and the Pipeline shows its column.
func TestStagesFromThePipeline(t *testing.T) {
	a := newApp(t, 120, 40)
	asAdministrator(t, a)
	addDeal(t, a, "Analytical upgrade")
	a.press(t, "p")
	if _, ok := a.top().(*pipeline.Model); !ok {
		t.Fatalf("p opened %T", a.top())
	}
	if !strings.Contains(helpOf(a), "S edit stages") {
		t.Errorf("the Pipeline's help does not offer S to an Administrator: %s", helpOf(a))
	}
	a.press(t, "S")
	if _, ok := a.top().(*stages.Model); !ok {
		t.Fatalf("S opened %T", a.top())
	}
	a.press(t, "a")
	for _, k := range tuitest.Type("demo booked") {
		a.pump(t, a.update(k))
	}
	a.press(t, "tab", "4", "0", "enter", "enter")
	if _, ok := a.top().(*pipeline.Model); !ok {
		t.Fatalf("after saving the top is %T", a.top())
	}
	p := a.top().(*pipeline.Model)
	var cols []string
	for i := 0; ; i++ {
		s, _ := p.Column(i)
		if s.ID == 0 {
			break
		}
		cols = append(cols, s.Name)
	}
	if got := strings.Join(cols, ", "); got != "qualification, demo booked, needs analysis, proposal, negotiation" {
		t.Errorf("the Pipeline's columns after saving: %s", got)
	}
	if v := a.view(); !strings.Contains(v, "demo booked") || !strings.Contains(v, "Saved the pipeline's stages") {
		t.Errorf("the Pipeline does not show the new stage or what was saved:\n%s", v)
	}
}

// A Salesperson's Pipeline neither offers S nor opens the editor.
func TestSalespersonHasNoStagesKey(t *testing.T) {
	a := newApp(t, 120, 40)
	a.opts.Sender = a.w.User // a Salesperson
	a.opts.Store = scope.For(a.w.DB, a.w.User)
	a.press(t, "p", "S")
	if _, ok := a.top().(*pipeline.Model); !ok {
		t.Fatalf("S as a Salesperson opened %T", a.top())
	}
	if strings.Contains(helpOf(a), "edit stages") {
		t.Errorf("the help offers the stages to a Salesperson: %s", helpOf(a))
	}
}

// helpOf is every enabled key of the top screen, "key desc" each.
func helpOf(a *app) string {
	var out []string
	for _, b := range enabledKeys(flatten(a.top().FullHelp())) {
		out = append(out, b.Help().Key+" "+b.Help().Desc)
	}
	return strings.Join(out, " · ")
}
