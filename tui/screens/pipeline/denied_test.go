package pipeline

import (
	"strings"
	"testing"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/store/scope"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// A Marketing Manager has no pipeline (S16): the screen says so as a fact,
// not as a failure to try again.
func TestMarketingManagerHasNoPipeline(t *testing.T) {
	w := tuitest.NewWorld(t)
	deal(t, w, "Alpha", "qualification", 100_00, "EUR", 1)
	mm, err := w.DB.UpsertUser(t.Context(), store.User{Name: "Mia Marketing", Email: "mia@acme.test", Role: store.RoleMarketingManager})
	if err != nil {
		t.Fatal(err)
	}
	m := New(tuitest.Common(t), scope.For(w.DB, mm), Options{Me: mm})
	m.SetSize(120, 40)
	tuitest.Pump(t, m.update, m.Init(), nil)
	v := tuitest.Strip(m.View())
	if !strings.Contains(v, "A Marketing Manager has no pipeline") || strings.Contains(v, "Alpha") {
		t.Errorf("the view does not say the role has no pipeline:\n%s", v)
	}
	if strings.Contains(v, "Could not read") || strings.Contains(v, "tries again") || m.keys.Reload.Enabled() {
		t.Errorf("a denial is offered as a failure to retry:\n%s", v)
	}
}
