package opportunity

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

func (m *Model) update(msg tea.Msg) tea.Cmd {
	_, cmd := m.Update(msg)
	return cmd
}

func (f *Form) update(msg tea.Msg) tea.Cmd {
	_, cmd := f.Update(msg)
	return cmd
}

func (f *Form) press(t *testing.T, keys ...string) {
	t.Helper()
	for _, k := range keys {
		tuitest.Pump(t, f.update, f.update(tuitest.Key(k)), nil)
	}
}

func (f *Form) typeText(t *testing.T, s string) {
	t.Helper()
	for _, k := range tuitest.Type(s) {
		tuitest.Pump(t, f.update, f.update(k), nil)
	}
}

func deal(t *testing.T, w *tuitest.World) store.Opportunity {
	t.Helper()
	o := store.Opportunity{Name: "Analytical upgrade", Value: store.Money{Minor: 12_000_00, Currency: "EUR"},
		PrimaryContactID: w.Ada.ID, ContactIDs: []int64{w.NoEmail.ID}, CloseDate: tuitest.Now.AddDate(0, 1, 0)}
	if err := w.DB.CreateOpportunity(t.Context(), &o, w.User.ID); err != nil {
		t.Fatal(err)
	}
	return o
}

func screen(t *testing.T, w *tuitest.World, id int64, width, height int) *Model {
	t.Helper()
	m := New(tuitest.Common(t), w.DB, id)
	m.SetSize(width, height)
	tuitest.Pump(t, m.update, m.Init(), nil)
	return m
}

func TestOpportunityGoldenAndIntents(t *testing.T) {
	w := tuitest.NewWorld(t)
	o := deal(t, w)
	if _, err := w.DB.MoveOpportunity(t.Context(), o.ID, o.StageID+2, w.User.ID); err != nil {
		t.Fatal(err)
	}
	for _, size := range []struct{ w, h int }{{120, 40}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			m := screen(t, w, o.ID, size.w, size.h)
			tuitest.Golden(t, m.View())
		})
	}
	m := screen(t, w, o.ID, 120, 40)
	v := tuitest.Strip(m.View())
	for _, want := range []string{"€12,000.00", "proposal (50%)", "€6,000.00", "★ Ada Lovelace", "Nils Noemail",
		"Stage: qualification → proposal"} {
		if !strings.Contains(v, want) {
			t.Errorf("the screen lacks %q:\n%s", want, v)
		}
	}
	m.update(tuitest.Key("enter"))
	m.update(tuitest.Key("m"))
	m.update(tuitest.Key("e"))
	got := m.Intents()
	if len(got) != 3 || got[0] != (common.OpenContactMsg{ContactID: w.Ada.ID}) {
		t.Fatalf("intents = %#v", got)
	}
	if p, ok := got[1].(common.OpenPickerMsg); !ok || p.Contact.ID != w.Ada.ID || p.OpportunityID != o.ID {
		t.Errorf("m posted %#v", got[1])
	}
	if got[2] != (common.EditOpportunityMsg{OpportunityID: o.ID}) {
		t.Errorf("e posted %#v", got[2])
	}
}

func form(t *testing.T, w *tuitest.World, opts FormOptions) *Form {
	t.Helper()
	opts.Me = w.User
	f := NewForm(tuitest.Common(t), w.DB, opts)
	f.SetSize(100, 30)
	tuitest.Pump(t, f.update, f.Init(), nil)
	if f.state != stateReady {
		t.Fatalf("the form did not open: %s", f.errText)
	}
	return f
}

// clear empties the focused input.
func (f *Form) clear() { f.inputs[f.focus].SetValue("") }

func TestStaleEditAsks(t *testing.T) {
	w := tuitest.NewWorld(t)
	o := deal(t, w)
	f := form(t, w, FormOptions{OpportunityID: o.ID})
	// Someone else changes the value meanwhile.
	v := store.Money{Minor: 15_000_00, Currency: "EUR"}
	if _, err := w.DB.UpdateOpportunity(t.Context(), o.ID, o.Version, store.OpportunityChanges{Value: &v}, w.User.ID); err != nil {
		t.Fatal(err)
	}
	f.clear()
	f.typeText(t, "Analytical upgrade, 60 seats")
	f.press(t, "ctrl+s")
	if f.confirm != confirmStale {
		t.Fatalf("no question:\n%s", tuitest.Strip(f.View()))
	}
	view := tuitest.Strip(f.View())
	if !strings.Contains(view, "Analytical upgrade changed (value) since you opened it.") ||
		!strings.Contains(view, "w overwrite with mine") {
		t.Errorf("the question:\n%s", view)
	}
	if got, _ := w.DB.GetOpportunity(t.Context(), o.ID); got.Name != o.Name {
		t.Fatal("the stale edit was saved before the answer")
	}
	f.press(t, "esc") // keep editing: nothing lost
	if f.confirm != confirmNone || f.value(fName) != "Analytical upgrade, 60 seats" {
		t.Fatal("esc lost the edit")
	}
	f.press(t, "ctrl+s", "w")
	got, _ := w.DB.GetOpportunity(t.Context(), o.ID)
	// Mine overwrites what I changed; their value, which I left alone, stays.
	if got.Name != "Analytical upgrade, 60 seats" || got.Value.Minor != 15_000_00 {
		t.Fatalf("overwrite saved %q %v", got.Name, got.Value)
	}
	if saved := f.Intents(); len(saved) != 1 {
		t.Errorf("intents = %#v", saved)
	} else if s, ok := saved[0].(SavedMsg); !ok || s.Opportunity.Name != got.Name || s.Created {
		t.Errorf("saved = %#v", saved[0])
	}
}

func TestStaleEditKeepTheirs(t *testing.T) {
	w := tuitest.NewWorld(t)
	o := deal(t, w)
	f := form(t, w, FormOptions{OpportunityID: o.ID})
	name := "Renamed elsewhere"
	if _, err := w.DB.UpdateOpportunity(t.Context(), o.ID, o.Version, store.OpportunityChanges{Name: &name}, w.User.ID); err != nil {
		t.Fatal(err)
	}
	f.press(t, "tab")
	f.clear()
	f.typeText(t, "13000")
	f.press(t, "ctrl+s", "r")
	if f.value(fName) != name || f.value(fValue) != "12,000.00" || f.confirm != confirmNone {
		t.Fatalf("keep theirs shows %q %q", f.value(fName), f.value(fValue))
	}
	if got, _ := w.DB.GetOpportunity(t.Context(), o.ID); got.Value.Minor != 12_000_00 {
		t.Fatal("keep theirs wrote mine")
	}
}

func TestNewOpportunityFindsTheContactAndRefusesBadInput(t *testing.T) {
	w := tuitest.NewWorld(t)
	f := form(t, w, FormOptions{})
	count := func() int {
		p, err := w.DB.ListOpportunities(t.Context(), store.OpportunityQuery{})
		if err != nil {
			t.Fatal(err)
		}
		return len(p.Opportunities)
	}
	// Nothing typed: each refusal under its field, nothing written.
	f.press(t, "ctrl+s")
	view := tuitest.Strip(f.View())
	for _, want := range []string{"An opportunity needs a name.", "The value is empty", "Choose the primary contact"} {
		if !strings.Contains(view, want) {
			t.Errorf("the form does not say %q:\n%s", want, view)
		}
	}
	if count() != 0 {
		t.Fatal("a refused form wrote an opportunity")
	}
	f.typeText(t, "Engine pilot")
	f.press(t, "tab")
	f.typeText(t, "12,000.5")
	f.press(t, "tab", "tab", "right", "right", "tab") // currency, stage → proposal, close
	f.typeText(t, "someday")
	f.press(t, "tab")
	if !strings.Contains(tuitest.Strip(f.View()), "Write the close date as 2027-01-15") {
		t.Errorf("an unreadable close date is not refused:\n%s", tuitest.Strip(f.View()))
	}
	f.inputs[fClose].SetValue("2027-01-15")
	for f.focus != fContact {
		f.press(t, "tab")
	}
	f.typeText(t, "lovelace")
	if len(f.found) == 0 || f.found[0].ID != w.Ada.ID {
		t.Fatalf("the search found %v", f.found)
	}
	f.press(t, "enter", "ctrl+s")
	if count() != 1 {
		t.Fatalf("not saved:\n%s", tuitest.Strip(f.View()))
	}
	p, _ := w.DB.ListOpportunities(t.Context(), store.OpportunityQuery{})
	o := p.Opportunities[0]
	if o.Name != "Engine pilot" || o.Value.Minor != 12_000_50 || o.Value.Currency != "EUR" ||
		o.Stage.Name != "proposal" || o.CloseDate.Format("2006-01-02") != "2027-01-15" || o.PrimaryContactID != w.Ada.ID {
		t.Errorf("saved %+v", o)
	}
}

// n and t post a note and a task on the deal and its primary contact;
// enter on a note of its timeline opens the note; without a primary
// contact the user may see, n and t are off.
func TestNoteAndTaskKeys(t *testing.T) {
	w := tuitest.NewWorld(t)
	o := deal(t, w)
	n, err := w.DB.AddOpportunityNote(t.Context(), o.ID, w.User.ID, "Wants the 3-year term.")
	if err != nil {
		t.Fatal(err)
	}
	m := screen(t, w, o.ID, 120, 40)
	if v := tuitest.Strip(m.View()); !strings.Contains(v, "Wants the 3-year term.") {
		t.Fatalf("the deal's timeline lacks its note:\n%s", v)
	}
	m.update(tuitest.Key("n"))
	m.update(tuitest.Key("t"))
	m.update(tuitest.Key("down"))
	m.update(tuitest.Key("down")) // past Ada and Nils: the newest event, the note
	if help := m.keys.Open.Help().Desc; help != "view note" {
		t.Errorf("enter on the note says %q", help)
	}
	m.update(tuitest.Key("enter"))
	got := m.Intents()
	want := []tea.Msg{
		common.NewNoteMsg{ContactID: w.Ada.ID, OpportunityID: o.ID},
		common.NewTaskMsg{ContactID: w.Ada.ID, OpportunityID: o.ID},
		common.OpenNoteMsg{NoteID: n.ID},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("intents = %#v, want %#v", got, want)
	}

	m.primary = store.Contact{} // as when the primary contact is not the user's to see
	m.updateKeys()
	if m.keys.Note.Enabled() || m.keys.Task.Enabled() {
		t.Error("n and t are on with no primary contact to write on")
	}
}
