package contactform

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// pumpScreen opens a dialog at 80x24 and runs its first load.
func pumpScreen(t *testing.T, s common.Screen) {
	t.Helper()
	s.SetSize(80, 24)
	tuitest.Pump(t, func(msg tea.Msg) tea.Cmd { _, cmd := s.Update(msg); return cmd }, s.Init(), nil)
}

func pressOn(t *testing.T, s common.Screen, keys ...string) {
	t.Helper()
	update := func(msg tea.Msg) tea.Cmd { _, cmd := s.Update(msg); return cmd }
	for _, k := range keys {
		tuitest.Pump(t, update, update(keyPress(k)), nil)
	}
}

// boxText is a dialog's view as one line of words: borders gone, wrapped
// lines joined, so a sentence is found wherever the box wrapped it.
func boxText(v string) string {
	v = strings.NewReplacer("│", " ", "╭", " ", "╮", " ", "╰", " ", "╯", " ", "─", " ").Replace(tuitest.Strip(v))
	return strings.Join(strings.Fields(v), " ")
}

// done returns the DoneMsg a dialog posted, failing without one.
func done(t *testing.T, s common.Screen) DoneMsg {
	t.Helper()
	for _, in := range s.Intents() {
		if d, ok := in.(DoneMsg); ok {
			return d
		}
	}
	t.Fatalf("the dialog did not finish; it shows:\n%s", tuitest.Strip(s.View()))
	return DoneMsg{}
}

func TestStatusChooserOffersTheStepsAndSetsOne(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := NewStatus(tuitest.Common(t), w.DB, w.Ada.ID, w.User.ID, nil)
	pumpScreen(t, m)
	var offered []store.Status
	for _, o := range m.options {
		offered = append(offered, o.status)
	}
	if want := []store.Status{store.StatusOpen, store.StatusUnqualified, store.StatusContact}; !reflect.DeepEqual(offered, want) {
		t.Fatalf("offered %v, want %v", offered, want)
	}
	v := tuitest.Strip(m.View())
	for _, want := range []string{"Status of Ada Lovelace", "Now: qualified (lead)", "contact — converts the lead to a contact"} {
		if !strings.Contains(v, want) {
			t.Errorf("the chooser lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "contact with opportunity") {
		t.Error("contact with opportunity is offered by hand")
	}
	pressOn(t, m, "down", "down", "enter") // open, unqualified, contact
	d := done(t, m)
	if d.Text != "Ada Lovelace: qualified → contact, now a contact" || d.ContactID != w.Ada.ID || d.Forgotten {
		t.Errorf("done %+v", d)
	}
	c, err := w.DB.GetContact(t.Context(), w.Ada.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != store.StatusContact || c.Kind != store.KindContact {
		t.Errorf("status %s kind %s", c.Status, c.Kind)
	}
	ev, err := w.DB.Timeline(t.Context(), w.Ada.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev) != 1 || ev[0].Kind != store.EventStatusChanged || ev[0].Data["old"] != "qualified" ||
		ev[0].Data["new"] != "contact" || ev[0].Data["by"] != "Sam Seller" {
		t.Errorf("the status event: %+v", ev)
	}
}

func TestStatusChooserOpenLeadAndOpportunity(t *testing.T) {
	w := tuitest.NewWorld(t)
	open := NewStatus(tuitest.Common(t), w.DB, w.Bulk[0].ID, w.User.ID, nil)
	pumpScreen(t, open)
	if v := boxText(open.View()); !strings.Contains(v, "to convert to a contact, qualify the lead first") {
		t.Errorf("an open lead's chooser does not say how to convert:\n%s", v)
	}
	withOpp := w.Bulk[4]
	if withOpp.Status != store.StatusContactWithOpportunity {
		t.Fatalf("fixture: %s", withOpp.Status)
	}
	before := snap(t, w, withOpp.ID)
	m := NewStatus(tuitest.Common(t), w.DB, withOpp.ID, w.User.ID, nil)
	pumpScreen(t, m)
	if v := boxText(m.View()); !strings.Contains(v, "has an opportunity: its status follows the opportunity") {
		t.Errorf("the chooser:\n%s", v)
	}
	if m.keys.Choose.Enabled() {
		t.Error("enter is offered with nothing to choose")
	}
	pressOn(t, m, "enter", "esc")
	if in := m.Intents(); len(in) != 1 || in[0] != (common.BackMsg{}) {
		t.Errorf("intents %v", in)
	}
	if after := snap(t, w, withOpp.ID); !reflect.DeepEqual(after, before) {
		t.Error("the chooser changed a contact with an opportunity")
	}
}

func TestStatusRefusalIsShownAndChangesNothing(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := NewStatus(tuitest.Common(t), w.DB, w.Ada.ID, w.User.ID, nil)
	pumpScreen(t, m)
	before := snap(t, w, w.Ada.ID)
	m.handleSet(statusSetMsg{to: m, err: fmt.Errorf("set status of contact 1: %w: Ada Lovelace cannot go from qualified to open", store.ErrInvalid)})
	if v := boxText(m.View()); !strings.Contains(v, "✗ Ada Lovelace cannot go from qualified to open") {
		t.Errorf("the refusal:\n%s", v)
	}
	if len(m.Intents()) != 0 {
		t.Error("a refusal closed the chooser")
	}
	if after := snap(t, w, w.Ada.ID); !reflect.DeepEqual(after, before) {
		t.Error("a refusal changed the contact")
	}
}

func TestArchiveAsksThenArchivesAndUnarchives(t *testing.T) {
	w := tuitest.NewWorld(t)
	before := snap(t, w, w.Ada.ID)
	m := NewArchive(tuitest.Common(t), w.DB, w.Ada.ID, w.User.ID, nil)
	pumpScreen(t, m)
	if v := tuitest.Strip(m.View()); !strings.Contains(v, "Archive Ada Lovelace?") || !strings.Contains(v, "y archive · n/esc cancel") {
		t.Fatalf("the question:\n%s", v)
	}
	pressOn(t, m, "x", "n")
	if in := m.Intents(); len(in) != 1 || in[0] != (common.BackMsg{}) {
		t.Fatalf("n posted %v", in)
	}
	if after := snap(t, w, w.Ada.ID); !reflect.DeepEqual(after, before) {
		t.Fatal("no archived the contact")
	}
	pressOn(t, m, "y")
	d := done(t, m)
	if !strings.HasPrefix(d.Text, "Archived Ada Lovelace: hidden from the lists, history kept;") {
		t.Errorf("text %q", d.Text)
	}
	if c := snap(t, w, w.Ada.ID).c; c.ArchivedAt.IsZero() {
		t.Fatal("not archived")
	}
	u := NewArchive(tuitest.Common(t), w.DB, w.Ada.ID, w.User.ID, nil)
	pumpScreen(t, u)
	if v := tuitest.Strip(u.View()); !strings.Contains(v, "Unarchive Ada Lovelace?") || u.Title() != "Unarchive" {
		t.Fatalf("the question:\n%s", v)
	}
	pressOn(t, u, "y")
	if d := done(t, u); d.Text != "Unarchived Ada Lovelace: back in the lists." {
		t.Errorf("text %q", d.Text)
	}
	if c := snap(t, w, w.Ada.ID).c; !c.ArchivedAt.IsZero() {
		t.Fatal("still archived")
	}
}

func TestForgetNeedsTheTypedEmailOrName(t *testing.T) {
	w := tuitest.NewWorld(t)
	before := snap(t, w, w.Ada.ID)
	m := NewForget(tuitest.Common(t), w.DB, w.Ada.ID, nil)
	pumpScreen(t, m)
	v := boxText(m.View())
	for _, want := range []string{"Forget Ada Lovelace for good?", "It cannot be undone.", "Type their email, ada@analytical.test, or their name"} {
		if !strings.Contains(v, want) {
			t.Errorf("the confirmation lacks %q:\n%s", want, v)
		}
	}
	if m.keys.Confirm.Enabled() {
		t.Error("enter is offered before anything is typed")
	}
	for _, k := range tuitest.Type("ada@analytical") {
		pressOn(t, m, k.Text)
	}
	pressOn(t, m, "enter")
	if v := boxText(m.View()); !strings.Contains(v, "That is not ada@analytical.test or Ada Lovelace: nothing was erased.") {
		t.Errorf("a wrong confirmation:\n%s", v)
	}
	if len(m.Intents()) != 0 {
		t.Fatal("a wrong confirmation finished")
	}
	if after := snap(t, w, w.Ada.ID); !reflect.DeepEqual(after, before) {
		t.Fatal("a wrong confirmation changed the contact")
	}
	pressOn(t, m, ".", "t", "e", "s", "t", "enter")
	d := done(t, m)
	if !d.Forgotten || d.ContactID != w.Ada.ID {
		t.Errorf("done %+v", d)
	}
	if !strings.HasPrefix(d.Text, "Forgot Ada Lovelace: removed 1 message, 0 received messages, 0 notes, 0 calls, 0 tasks and ") {
		t.Errorf("text %q", d.Text)
	}
	if _, err := w.DB.GetContact(t.Context(), w.Ada.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Ada is still there: %v", err)
	}
}

func TestForgetByNameAndEscErasesNothing(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := NewForget(tuitest.Common(t), w.DB, w.NoEmail.ID, nil)
	pumpScreen(t, m)
	if v := tuitest.Strip(m.View()); !strings.Contains(v, "Type their name, Nils Noemail, to confirm:") {
		t.Errorf("without an email the name is asked:\n%s", v)
	}
	tuitest.Pump(t, func(msg tea.Msg) tea.Cmd { _, cmd := m.Update(msg); return cmd }, func() tea.Msg {
		return tea.PasteMsg{Content: "nils noemail"}
	}, nil)
	pressOn(t, m, "esc")
	in := m.Intents()
	if len(in) != 2 || in[0] != (common.BackMsg{}) || in[1] != (common.StatusMsg{Text: "Nothing was erased.", Level: common.LevelInfo}) {
		t.Fatalf("esc posted %v", in)
	}
	if _, err := w.DB.GetContact(t.Context(), w.NoEmail.ID); err != nil {
		t.Fatal("esc erased")
	}
	pressOn(t, m, "enter")
	if d := done(t, m); !d.Forgotten {
		t.Errorf("done %+v", d)
	}
}
