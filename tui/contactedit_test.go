package tui

import (
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
	"github.com/leadmail/leadmail/tui/screens/contact"
	"github.com/leadmail/leadmail/tui/screens/contactform"
)

// openContactDialog opens Ada's screen, then msg (its ContactID set to
// Ada's) over it, as e, s, a and X on her screen do.
func openContactDialog(msg tea.Msg) func(t *testing.T, a *app) {
	return func(t *testing.T, a *app) {
		id := a.w.Ada.ID
		a.pump(t, a.handleIntent(common.OpenContactMsg{ContactID: id}))
		switch msg.(type) {
		case common.EditContactMsg:
			msg = common.EditContactMsg{ContactID: id}
		case common.SetStatusMsg:
			msg = common.SetStatusMsg{ContactID: id}
		case common.ArchiveContactMsg:
			msg = common.ArchiveContactMsg{ContactID: id}
		case common.ForgetContactMsg:
			msg = common.ForgetContactMsg{ContactID: id}
		}
		a.pump(t, a.handleIntent(msg))
	}
}

// onContact opens the Contact screen of id as enter on the list does.
func (a *app) onContact(t *testing.T, id int64) *contact.Model {
	t.Helper()
	a.pump(t, a.handleIntent(common.OpenContactMsg{ContactID: id}))
	c, ok := a.top().(*contact.Model)
	if !ok {
		t.Fatalf("top is %T", a.top())
	}
	return c
}

func TestNewContactFromTheListOpensItsScreen(t *testing.T) {
	a := newApp(t, 120, 40)
	a.opts.Sender = a.w.User
	a.press(t, "n")
	if _, ok := a.top().(*contactform.Model); !ok {
		t.Fatalf("n opened %T", a.top())
	}
	if !strings.Contains(a.view(), "leadmail › Contacts › New lead") {
		t.Errorf("breadcrumb:\n%s", a.view())
	}
	a.typeText(t, "Marcus")
	a.press(t, "tab")
	a.typeText(t, "Bell")
	a.press(t, "tab")
	a.typeText(t, "marcus@bell.test")
	a.press(t, "ctrl+s")
	c, ok := a.top().(*contact.Model)
	if !ok || len(a.stack) != 2 {
		t.Fatalf("after saving, top %T and %d screens, want the new contact over the list", a.top(), len(a.stack))
	}
	saved, err := a.w.DB.GetContact(t.Context(), c.ContactID())
	if err != nil || saved.Email != "marcus@bell.test" || saved.OwnerID != a.w.User.ID {
		t.Fatalf("saved %+v, %v", saved, err)
	}
	if got := a.StatusText(); got != "Added the lead Marcus Bell." {
		t.Errorf("status %q", got)
	}
	v := a.view()
	if !strings.Contains(v, "Marcus Bell  lead · open · owner Sam Seller") || !strings.Contains(v, "Created") {
		t.Errorf("the new contact's screen:\n%s", v)
	}
	a.press(t, "esc")
	if !strings.Contains(a.view(), "Marcus Bell") {
		t.Errorf("the list did not reload with the new lead:\n%s", a.view())
	}
}

func TestEditFromTheContactScreen(t *testing.T) {
	a := newApp(t, 120, 40)
	a.opts.Sender = a.w.User
	a.onContact(t, a.w.Ada.ID)
	a.press(t, "e")
	if !strings.Contains(a.view(), "Contacts › Ada Lovelace › Edit") {
		t.Fatalf("e did not open the form:\n%s", a.view())
	}
	for range 4 { // first name, last, email, company → title
		a.press(t, "tab")
	}
	for range len(a.w.Ada.Title) {
		a.press(t, "backspace")
	}
	a.typeText(t, "Countess")
	a.press(t, "ctrl+s")
	if _, ok := a.top().(*contact.Model); !ok || len(a.stack) != 2 {
		t.Fatalf("after saving, top %T and %d screens", a.top(), len(a.stack))
	}
	if got := a.StatusText(); got != "Saved Ada Lovelace." {
		t.Errorf("status %q", got)
	}
	v := a.view()
	if !strings.Contains(v, "Countess") || !strings.Contains(v, "title changed from Head of Research to Countess") {
		t.Errorf("the contact does not show the edit:\n%s", v)
	}
}

func TestCtrlCInTheFormAsksFirst(t *testing.T) {
	a := newApp(t, 120, 40)
	a.press(t, "n")
	a.typeText(t, "Half typed")
	a.mustAsk(t, "Quit and discard this new lead? (y/n)")
	a.press(t, "n")
	if f, ok := a.top().(*contactform.Model); !ok || !f.Dirty() {
		t.Fatalf("n: top %T", a.top())
	}
}

func TestStatusFromTheContactScreen(t *testing.T) {
	a := newApp(t, 120, 40)
	a.opts.Sender = a.w.User
	a.onContact(t, a.w.Ada.ID)
	a.press(t, "s")
	v := a.view()
	for _, want := range []string{"Status of Ada Lovelace", "Now: qualified (lead)", "Life of the Lead"} {
		if !strings.Contains(v, want) {
			t.Errorf("the chooser over the contact lacks %q:\n%s", want, v)
		}
	}
	a.press(t, "enter") // open
	if _, ok := a.top().(*contact.Model); !ok {
		t.Fatalf("the chooser stayed: %T", a.top())
	}
	if got := a.StatusText(); got != "Ada Lovelace: qualified → open" {
		t.Errorf("status %q", got)
	}
	v = a.view()
	if !strings.Contains(v, "Ada Lovelace  lead · open · owner Sam Seller") || !strings.Contains(v, "Status: qualified → open") {
		t.Errorf("the contact does not show the change:\n%s", v)
	}
}

func TestArchiveHidesFromTheListAndShowsTheBadge(t *testing.T) {
	a := newApp(t, 120, 40)
	a.opts.Sender = a.w.User
	alex := a.w.Bulk[0]
	if !strings.Contains(a.view(), "Alex Abbott") {
		t.Fatalf("fixture: the list does not show Alex Abbott:\n%s", a.view())
	}
	a.onContact(t, alex.ID)
	a.press(t, "a")
	if !strings.Contains(a.view(), "Archive Alex Abbott?") {
		t.Fatalf("a did not ask:\n%s", a.view())
	}
	a.press(t, "y")
	if !strings.HasPrefix(a.StatusText(), "Archived Alex Abbott: hidden from the lists, history kept;") {
		t.Errorf("status %q", a.StatusText())
	}
	if v := a.view(); !strings.Contains(v, "[archived]") || !strings.Contains(v, "Archived — hidden from the lists, history kept") {
		t.Errorf("the contact has no badge or event:\n%s", v)
	}
	a.press(t, "esc")
	if list := tuitest.Strip(a.top().View()); strings.Contains(list, "Alex Abbott") || !strings.Contains(list, "Blair Abbott") {
		t.Errorf("the list still shows the archived contact:\n%s", list)
	}
	// a again on the archived contact brings them back.
	a.onContact(t, alex.ID)
	a.press(t, "a", "y")
	if a.StatusText() != "Unarchived Alex Abbott: back in the lists." || strings.Contains(a.view(), "[archived]") {
		t.Errorf("unarchive: %q\n%s", a.StatusText(), a.view())
	}
}

func TestForgetClosesBackToTheList(t *testing.T) {
	a := newApp(t, 120, 40)
	a.onContact(t, a.w.Ada.ID)
	a.press(t, "X")
	if _, ok := a.top().(*contactform.ForgetModel); !ok || !a.top().Capturing() {
		t.Fatalf("X opened %T", a.top())
	}
	a.typeText(t, "ada lovelace")
	a.press(t, "enter")
	if len(a.stack) != 1 {
		t.Fatalf("%d screens left, want the list alone; top %T", len(a.stack), a.top())
	}
	if !strings.HasPrefix(a.StatusText(), "Forgot Ada Lovelace: removed 1 message, 0 received messages, 0 notes") {
		t.Errorf("status %q", a.StatusText())
	}
	if _, err := a.w.DB.GetContact(t.Context(), a.w.Ada.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Ada is still stored: %v", err)
	}
}

func TestForgetWrongConfirmationKeepsEverything(t *testing.T) {
	a := newApp(t, 120, 40)
	a.onContact(t, a.w.Ada.ID)
	a.press(t, "X")
	a.typeText(t, "ada")
	a.press(t, "enter")
	if _, ok := a.top().(*contactform.ForgetModel); !ok || !strings.Contains(a.view(), "That is not ada@analytical.test") {
		t.Fatalf("a wrong confirmation:\n%s", a.view())
	}
	a.press(t, "esc")
	if _, ok := a.top().(*contact.Model); !ok {
		t.Fatalf("esc: top %T", a.top())
	}
	if _, err := a.w.DB.GetContact(t.Context(), a.w.Ada.ID); err != nil {
		t.Errorf("Ada is gone: %v", err)
	}
}
