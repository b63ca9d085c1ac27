package stages

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/store/scope"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

func (m *Model) update(msg tea.Msg) tea.Cmd {
	_, cmd := m.Update(msg)
	return cmd
}

func (m *Model) press(t *testing.T, keys ...string) {
	t.Helper()
	for _, k := range keys {
		tuitest.Pump(t, m.update, m.update(tuitest.Key(k)), nil)
	}
}

func (m *Model) typeText(t *testing.T, s string) {
	t.Helper()
	for _, k := range tuitest.Type(s) {
		tuitest.Pump(t, m.update, m.update(k), nil)
	}
}

func (m *Model) view() string { return tuitest.Strip(m.View()) }

// admin is an administrator of w's database.
func admin(t *testing.T, w *tuitest.World) store.User {
	t.Helper()
	u, err := w.DB.UpsertUser(t.Context(), store.User{Name: "Ada Admin", Email: "ada@acme.test", Role: store.RoleAdministrator})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// editor opens the stages editor as u, through the store scoped to u.
func editor(t *testing.T, w *tuitest.World, u store.User, width, height int) *Model {
	t.Helper()
	m := New(tuitest.Common(t), scope.For(w.DB, u), Options{Me: u})
	m.SetSize(width, height)
	tuitest.Pump(t, m.update, m.Init(), nil)
	if m.state != stateReady {
		t.Fatalf("the editor did not load: %s", m.errText)
	}
	return m
}

// saved is the pipeline's stages as stored: "name probability outcome".
func saved(t *testing.T, w *tuitest.World) string {
	t.Helper()
	ss, err := w.DB.Stages(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return line(ss)
}

func line(ss []store.Stage) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = fmt.Sprintf("%s %d %s", s.Name, s.Probability, s.Outcome)
	}
	return strings.Join(parts, ", ")
}

// deal puts a deal of w's user in the stage called stage.
func deal(t *testing.T, w *tuitest.World, stage string) store.Opportunity {
	t.Helper()
	s, err := w.DB.StageByName(t.Context(), stage)
	if err != nil {
		t.Fatal(err)
	}
	o := store.Opportunity{Name: "Loom upgrade", Value: store.Money{Minor: 1000_00, Currency: "EUR"}, StageID: s.ID,
		PrimaryContactID: w.Ada.ID}
	if err := w.DB.CreateOpportunity(t.Context(), &o, w.User.ID); err != nil {
		t.Fatal(err)
	}
	return o
}

const defaults = "qualification 10 open, needs analysis 25 open, proposal 50 open, negotiation 75 open, won 100 won, lost 0 lost"

// An administrator adds a stage, edits one, reorders, removes an empty
// one, renames won, and saves it all at once; the stages are stored in
// that order and the editor says so and asks the root to close it.
func TestEditAndSaveTheWholeList(t *testing.T) {
	w := tuitest.NewWorld(t)
	o := deal(t, w, "proposal")
	m := editor(t, w, admin(t, w), 80, 24)
	v := m.view()
	for _, want := range []string{"Pipeline stages", "proposal", "50 %", "closing: won"} {
		if !strings.Contains(v, want) {
			t.Errorf("the editor lacks %q:\n%s", want, v)
		}
	}

	m.press(t, "down") // needs analysis
	m.press(t, "a")
	m.typeText(t, "demo booked")
	m.press(t, "tab")
	m.typeText(t, "40%")
	m.press(t, "enter") // into the list, after needs analysis
	m.press(t, "down", "e", "tab", "backspace", "backspace")
	m.typeText(t, "60")
	m.press(t, "enter")          // proposal 60
	m.press(t, "K")              // proposal before demo booked
	m.press(t, "up", "up", "up") // qualification
	m.press(t, "d")              // removed: it holds nothing
	m.press(t, "down", "down", "down", "down", "e")
	m.typeText(t, " (signed)")
	m.press(t, "enter") // won is renamed
	if saved(t, w) != defaults {
		t.Fatal("the editor wrote before saving")
	}
	if got, want := line(m.Stages()), "needs analysis 25 open, proposal 60 open, demo booked 40 open, negotiation 75 open, won (signed) 100 won, lost 0 lost"; got != want {
		t.Fatalf("edited\n got %s\nwant %s\n%s", got, want, m.view())
	}
	if v := m.view(); !strings.Contains(v, "new") || !strings.Contains(v, "changed") || !strings.Contains(v, "enter saves every change") {
		t.Errorf("the list does not show what changed:\n%s", v)
	}

	m.press(t, "enter")
	if got, want := saved(t, w), "needs analysis 25 open, proposal 60 open, demo booked 40 open, negotiation 75 open, won (signed) 100 won, lost 0 lost"; got != want {
		t.Fatalf("stored\n got %s\nwant %s", got, want)
	}
	in := m.Intents()
	var said string
	var closed bool
	for _, msg := range in {
		switch msg := msg.(type) {
		case common.StatusMsg:
			said = msg.Text
		case SavedMsg:
			closed = len(msg.Stages) == 6
		}
	}
	if !strings.HasPrefix(said, "Saved the pipeline's stages: needs analysis, proposal, demo booked") || !closed {
		t.Errorf("intents after saving: %#v", in)
	}
	got, err := w.DB.GetOpportunity(t.Context(), o.ID)
	if err != nil || got.Stage.Name != "proposal" || got.Weighted().Minor != 600_00 {
		t.Errorf("the deal after the change: %+v %v", got.Stage, err)
	}
}

// What the editor cannot do is a sentence, and neither the list nor the
// database changes: won and lost neither move nor go, a stage holding a
// deal is not removed, an open stage does not pass below won, and the
// form refuses no name, a name in use and a probability outside 0–100.
func TestRefusalsChangeNothing(t *testing.T) {
	w := tuitest.NewWorld(t)
	deal(t, w, "proposal")
	m := editor(t, w, admin(t, w), 80, 24)
	check := func(what, says string) {
		t.Helper()
		v := m.view()
		if !strings.Contains(strings.Join(strings.Fields(v), " "), says) {
			t.Errorf("%s: the editor does not say %q:\n%s", what, says, v)
		}
		if got := line(m.Stages()); got != defaults {
			t.Errorf("%s changed the list: %s", what, got)
		}
		if got := saved(t, w); got != defaults {
			t.Errorf("%s wrote: %s", what, got)
		}
	}

	m.press(t, "down", "down", "d")
	check("removing a stage with a deal", "Remove proposal: its 1 deal go to")
	m.press(t, "esc") // keeps it
	if m.mode != modeList || len(m.moves) != 0 {
		t.Errorf("esc left mode %d, moves %v", m.mode, m.moves)
	}
	check("keeping it", "Won and lost end the pipeline")
	m.press(t, "down", "down", "d")
	check("removing won", "Won cannot be removed: deals marked won go there; e renames it.")
	if m.keys.MoveUp.Enabled() || m.keys.MoveDown.Enabled() {
		t.Error("won offers to move")
	}
	m.press(t, "K")
	check("moving won", "Won cannot be removed") // K does nothing there: the last sentence stands
	m.press(t, "up")
	if m.keys.MoveDown.Enabled() {
		t.Error("negotiation offers to move below won")
	}
	m.press(t, "J")
	check("moving negotiation below won", "Won cannot be removed")

	for _, tc := range []struct {
		name, prob, says string
	}{
		{"", "40", "Give the stage a name."},
		{"Proposal", "40", "There is already a stage called proposal: give each its own name."},
		{"demo", "140", "The probability is a percentage from 0 to 100, not 140."},
		{"demo", "-5", "The probability is a percentage from 0 to 100, not -5."},
		{"demo", "high", `"high" is not a probability`},
		{"demo", "", "Give the probability, a percentage from 0 to 100"},
	} {
		m.press(t, "a")
		m.typeText(t, tc.name)
		m.press(t, "tab")
		m.typeText(t, tc.prob)
		m.press(t, "enter")
		check("adding "+tc.name+" at "+tc.prob, tc.says)
		if m.mode != modeForm {
			t.Errorf("adding %s at %s closed the form", tc.name, tc.prob)
		}
		m.press(t, "esc")
	}
	if m.Dirty() {
		t.Error("refusals left the editor with changes")
	}
}

// The store has the last word: a stage that gained a deal since the
// editor read the counts is not removed on save; the refusal is a
// sentence, nothing is written, and the edited list stays to fix.
func TestSaveRefusedByTheStoreWritesNothing(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := editor(t, w, admin(t, w), 80, 24)
	m.press(t, "down", "down", "down", "d") // negotiation, empty when read
	deal(t, w, "negotiation")
	m.press(t, "enter")
	v := strings.Join(strings.Fields(m.view()), " ")
	if !strings.Contains(v, "✗ Not saved: Stage negotiation holds 1 opportunity: move them to another stage before removing it.") {
		t.Errorf("the refusal is not said:\n%s", m.view())
	}
	if saved(t, w) != defaults {
		t.Error("a refused save wrote")
	}
	if !m.Dirty() || strings.Contains(line(m.Stages()), "negotiation") {
		t.Errorf("the edited list was lost: %s", line(m.Stages()))
	}
	for _, msg := range m.Intents() {
		if _, ok := msg.(SavedMsg); ok {
			t.Error("a refused save closes the editor")
		}
	}
}

// Anyone but an administrator is refused by the scoped store, with its
// sentence, and nothing changes.
func TestNonAdministratorRefused(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := editor(t, w, w.User, 80, 24) // a Salesperson
	m.press(t, "e", "tab", "backspace", "backspace")
	m.typeText(t, "15")
	m.press(t, "enter", "enter")
	v := strings.Join(strings.Fields(m.view()), " ")
	if !strings.Contains(v, "Not saved: Only an administrator can change the pipeline's stages (you are a Salesperson).") {
		t.Errorf("the refusal is not said:\n%s", m.view())
	}
	if saved(t, w) != defaults {
		t.Error("a salesperson changed the stages")
	}
}

// esc with changes asks first: n keeps editing, y leaves without writing;
// with none it goes back at once, and enter with none writes nothing.
func TestEscAsksBeforeDiscarding(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := editor(t, w, admin(t, w), 80, 24)
	m.press(t, "esc")
	if in := m.Intents(); len(in) != 1 || in[0] != (common.BackMsg{}) {
		t.Fatalf("esc without changes: %#v", in)
	}
	m.press(t, "enter")
	if in := m.Intents(); len(in) != 1 || in[0] != (common.BackMsg{}) {
		t.Fatalf("enter without changes: %#v", in)
	}
	m.press(t, "down", "K", "esc")
	if !strings.Contains(m.view(), "Discard the changes to the stages? (y/n)") || len(m.Intents()) != 0 || !m.Capturing() {
		t.Fatalf("esc with changes does not ask:\n%s", m.view())
	}
	if what, ok := m.Unsaved(); !ok || what != "the changes to the pipeline's stages" {
		t.Errorf("Unsaved = %q %v", what, ok)
	}
	m.press(t, "n")
	if !m.Dirty() || m.mode != modeList {
		t.Fatal("n lost the changes")
	}
	m.press(t, "esc", "y")
	if in := m.Intents(); len(in) != 1 || in[0] != (common.BackMsg{}) {
		t.Fatalf("y: %#v", in)
	}
	if saved(t, w) != defaults {
		t.Error("discarding wrote")
	}
}

// A twelfth stage is the last: a refuses a thirteenth with a sentence.
func TestAtMostMaxStages(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := editor(t, w, admin(t, w), 80, 24)
	for i := len(m.rows); i < store.MaxStages; i++ {
		m.press(t, "a")
		m.typeText(t, fmt.Sprintf("step %d", i))
		m.press(t, "tab")
		m.typeText(t, "30")
		m.press(t, "enter")
	}
	m.press(t, "a")
	if m.mode != modeList || !strings.Contains(m.view(), "A pipeline has at most 12 stages.") {
		t.Errorf("a thirteenth stage:\n%s", m.view())
	}
	m.press(t, "enter")
	if n := strings.Count(saved(t, w), ", ") + 1; n != store.MaxStages {
		t.Errorf("%d stages saved, want %d", n, store.MaxStages)
	}
	v := m.View()
	if lines := strings.Split(v, "\n"); len(lines) != 24 || !strings.Contains(tuitest.Strip(v), "lost") {
		t.Errorf("twelve stages do not fit 80x24 (%d lines):\n%s", len(lines), tuitest.Strip(v))
	}
}

type hostileStore struct{ *store.DB }

const hostile = "Evil\x1b[31m red\x07 stage\x1b]0;owned\x07"

func (h hostileStore) Stages(ctx context.Context) ([]store.Stage, error) {
	ss, err := h.DB.Stages(ctx)
	for i := range ss {
		ss[i].Name = fmt.Sprint(hostile, i)
	}
	return ss, err
}

// No control character from a stage's name reaches the terminal, in the
// list or in the form.
func TestHostileNamesNeverReachTheTerminalRaw(t *testing.T) {
	w := tuitest.NewWorld(t)
	u := admin(t, w)
	m := New(tuitest.Common(t), hostileStore{w.DB}, Options{Me: u})
	m.SetSize(120, 40)
	tuitest.Pump(t, m.update, m.Init(), nil)
	for _, v := range []string{m.View(), func() string { m.press(t, "e"); return m.View() }()} {
		for _, bad := range []string{"\x07", "\x1b[31m red", "\x1b]0;"} {
			if strings.Contains(v, bad) {
				t.Errorf("the view holds %q raw", bad)
			}
		}
		if !strings.Contains(tuitest.Strip(v), "Evil") {
			t.Errorf("the stage is not shown:\n%s", tuitest.Strip(v))
		}
	}
}

// Removing a stage that holds deals asks where they go (the next stage
// first, ←/→ to choose); the list shows them there; on save they move in
// the same transaction, each with its event, and a stage the moved deals
// were bound for, removed in turn, passes them on.
func TestRemovingAStageMovesItsDeals(t *testing.T) {
	w := tuitest.NewWorld(t)
	o := deal(t, w, "proposal")
	m := editor(t, w, admin(t, w), 80, 24)
	m.press(t, "down", "down", "d")
	v := strings.Join(strings.Fields(m.view()), " ")
	if m.mode != modeMoveTo || !strings.Contains(v, "Remove proposal: its 1 deal go to") || !strings.Contains(v, "› negotiation") {
		t.Fatalf("removing proposal does not ask, negotiation first:\n%s", m.view())
	}
	m.press(t, "left", "left") // needs analysis, then qualification
	m.press(t, "right")        // needs analysis
	m.press(t, "enter")
	v = strings.Join(strings.Fields(m.view()), " ")
	if !strings.Contains(v, "Removed proposal; its 1 deal go to needs analysis when you save.") {
		t.Errorf("the removal is not said:\n%s", m.view())
	}
	if n, _ := m.deals(m.rows[1]); m.rows[1].Name != "needs analysis" || n != 1 {
		t.Errorf("needs analysis shows %d deals, want the 1 bound for it", n)
	}
	m.press(t, "up", "d") // needs analysis now holds the deal bound for it
	if m.mode != modeMoveTo {
		t.Fatalf("removing needs analysis does not ask:\n%s", m.view())
	}
	m.press(t, "enter") // its next stage: negotiation
	if saved(t, w) != defaults {
		t.Fatal("the editor wrote before saving")
	}
	m.press(t, "enter")
	if got, want := saved(t, w), "qualification 10 open, negotiation 75 open, won 100 won, lost 0 lost"; got != want {
		t.Errorf("saved %s, want %s", got, want)
	}
	got, err := w.DB.GetOpportunity(t.Context(), o.ID)
	if err != nil || got.Stage.Name != "negotiation" {
		t.Errorf("the deal is in %q (%v), want negotiation", got.Stage.Name, err)
	}
	evs, err := w.DB.OpportunityTimeline(t.Context(), o.ID, 5)
	if err != nil || len(evs) == 0 || evs[0].Kind != store.EventStageChanged {
		t.Errorf("the deal's newest event: %+v, %v; want its stage change", evs, err)
	}
}
