package contactform

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

func form(t *testing.T, w *tuitest.World, opts Options) *Model {
	t.Helper()
	m := New(tuitest.Common(t), w.DB, opts)
	m.SetSize(100, 30)
	tuitest.Pump(t, m.update, m.Init(), nil)
	if m.state != stateReady {
		t.Fatalf("the form did not open: %s", m.errText)
	}
	return m
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	_, cmd := m.Update(msg)
	return cmd
}

func (m *Model) press(t *testing.T, keys ...string) {
	t.Helper()
	for _, k := range keys {
		tuitest.Pump(t, m.update, m.update(keyPress(k)), nil)
	}
}

// keyPress is tuitest.Key, and shift+tab.
func keyPress(name string) tea.KeyPressMsg {
	if name == "shift+tab" {
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	}
	return tuitest.Key(name)
}

func (m *Model) typeText(t *testing.T, s string) {
	t.Helper()
	for _, k := range tuitest.Type(s) {
		tuitest.Pump(t, m.update, m.update(k), nil)
	}
}

// goTo moves the focus to f with tab, as a person would.
func (m *Model) goTo(t *testing.T, f field) {
	t.Helper()
	for range 100 {
		if m.focus == f {
			return
		}
		m.press(t, "tab")
	}
	t.Fatalf("tab never reached field %d", f)
}

// clearField empties the focused input.
func (m *Model) clearField(t *testing.T) {
	t.Helper()
	for m.textFocus().Value() != "" {
		m.press(t, "backspace")
		m.textFocus().CursorEnd()
	}
}

// saved returns the SavedMsg the form posted, failing without one.
func (m *Model) saved(t *testing.T) SavedMsg {
	t.Helper()
	for _, in := range m.Intents() {
		if s, ok := in.(SavedMsg); ok {
			return s
		}
	}
	t.Fatalf("the form did not save; it shows:\n%s", tuitest.Strip(m.View()))
	return SavedMsg{}
}

// snapshot is a contact's row and how many events it has, to prove a
// refusal changed nothing.
type snapshot struct {
	c      store.Contact
	events int
}

func snap(t *testing.T, w *tuitest.World, id int64) snapshot {
	t.Helper()
	c, err := w.DB.GetContact(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := w.DB.Timeline(context.Background(), id, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return snapshot{c: c, events: len(ev)}
}

func countEmail(t *testing.T, w *tuitest.World, email string) int {
	t.Helper()
	page, err := w.DB.ListContacts(context.Background(), store.PageRequest{Filter: store.ContactFilter{Search: email}, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range page.Contacts {
		if strings.EqualFold(c.Email, email) {
			n++
		}
	}
	return n
}

func TestCreateLeadWithOwnerAndCustomField(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := form(t, w, Options{By: w.User.ID})
	if m.focus != fieldFirst || m.owner != w.User.ID {
		t.Fatalf("a new form starts on %d owned by %d, want first name owned by the user", m.focus, m.owner)
	}
	m.typeText(t, "Marcus")
	m.press(t, "tab")
	m.typeText(t, "Bell")
	m.press(t, "tab")
	m.typeText(t, "marcus@bell.test")
	m.press(t, "tab")
	m.typeText(t, "Bell & Sons")
	m.press(t, "ctrl+n")
	m.typeText(t, "industry")
	m.press(t, "tab")
	m.typeText(t, "hardware")
	if m.Title() != "New lead" {
		t.Errorf("title %q", m.Title())
	}
	m.press(t, "enter") // on the last field: saves
	s := m.saved(t)
	if !s.Created || s.Form != m {
		t.Fatalf("saved = %+v", s)
	}
	c, err := w.DB.GetContact(t.Context(), s.Contact.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := store.Contact{Kind: store.KindLead, Status: store.StatusOpen, FirstName: "Marcus", LastName: "Bell",
		Email: "marcus@bell.test", Company: "Bell & Sons", OwnerID: w.User.ID}
	got := store.Contact{Kind: c.Kind, Status: c.Status, FirstName: c.FirstName, LastName: c.LastName,
		Email: c.Email, Company: c.Company, OwnerID: c.OwnerID}
	if !reflect.DeepEqual(got, want) || c.Custom["industry"] != "hardware" {
		t.Errorf("created %+v custom %v\nwant %+v", got, c.Custom, want)
	}
}

func TestCreateContactKindAndNoOwner(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := form(t, w, Options{By: w.User.ID})
	m.press(t, "shift+tab") // kind
	m.press(t, "space")
	if m.kind != store.KindContact || m.Title() != "New contact" {
		t.Fatalf("kind %q, title %q", m.kind, m.Title())
	}
	m.goTo(t, fieldEmail)
	m.typeText(t, "only@mail.test")
	m.goTo(t, fieldOwner)
	m.press(t, "left") // the user → nobody
	if m.ownerName() != "nobody" {
		t.Fatalf("owner %q", m.ownerName())
	}
	m.press(t, "ctrl+s")
	c, err := w.DB.GetContact(t.Context(), m.saved(t).Contact.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != store.KindContact || c.Status != store.StatusContact || c.OwnerID != 0 || c.Email != "only@mail.test" {
		t.Errorf("created %+v", c)
	}
}

func TestEditSavesOnlyTheChangesAsEvents(t *testing.T) {
	w := tuitest.NewWorld(t)
	before := snap(t, w, w.Ada.ID)
	m := form(t, w, Options{ContactID: w.Ada.ID, By: w.User.ID})
	if m.Dirty() {
		t.Fatal("a form just opened is dirty")
	}
	m.goTo(t, fieldCompany)
	m.clearField(t)
	m.typeText(t, "Difference Engines")
	m.goTo(t, fieldOwner)
	m.press(t, "right") // the only user → nobody
	// Custom fields are sorted: employees, then industry.
	m.goTo(t, fieldCustom)
	if m.textFocus().Value() != "employees" {
		t.Fatalf("first custom field %q", m.textFocus().Value())
	}
	m.press(t, "ctrl+x")
	if m.textFocus().Value() != "industry" {
		t.Fatalf("after removing, focus on %q", m.textFocus().Value())
	}
	m.clearField(t)
	m.typeText(t, "sector")
	m.press(t, "ctrl+n")
	m.typeText(t, "tier")
	m.press(t, "tab")
	m.typeText(t, "gold")
	m.press(t, "ctrl+s")
	s := m.saved(t)
	if s.Created || !s.Changed {
		t.Fatalf("saved %+v", s)
	}
	after := snap(t, w, w.Ada.ID)
	c := after.c
	if c.Company != "Difference Engines" || c.OwnerID != 0 || c.Version != before.c.Version+1 {
		t.Errorf("saved %+v", c)
	}
	if !reflect.DeepEqual(c.Custom, map[string]string{"sector": "computing", "tier": "gold"}) {
		t.Errorf("custom %v", c.Custom)
	}
	if c.Email != before.c.Email || c.Phone != before.c.Phone || c.Title != before.c.Title {
		t.Errorf("a field left alone changed: %+v", c)
	}
	ev, err := w.DB.Timeline(t.Context(), w.Ada.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	var details []string
	for _, e := range ev[:after.events-before.events] {
		if e.Kind != store.EventEdited {
			t.Errorf("event %v", e.Kind)
		}
		details = append(details, e.Detail)
	}
	all := strings.Join(details, "\n")
	for _, want := range []string{"company changed from Analytical Engines to Difference Engines",
		"owner Sam Seller removed", "custom field industry renamed to sector", "custom field employees (50) removed",
		"custom field tier set to gold"} {
		if !strings.Contains(all, want) {
			t.Errorf("no event says %q:\n%s", want, all)
		}
	}
}

func TestRefusedFieldIsSaidNextToItAndChangesNothing(t *testing.T) {
	w := tuitest.NewWorld(t)
	before := snap(t, w, w.Ada.ID)
	m := form(t, w, Options{ContactID: w.Ada.ID, By: w.User.ID})
	m.goTo(t, fieldEmail)
	m.clearField(t)
	m.typeText(t, "ada at analytical")
	if strings.Contains(m.View(), "not an email address") {
		t.Error("the sentence shouts while the address is being typed")
	}
	m.press(t, "tab") // leaving the field checks it
	lines := strings.Split(tuitest.Strip(m.View()), "\n")
	at := -1
	for i, l := range lines {
		if strings.Contains(l, "Email") && strings.Contains(l, "ada at analytical") {
			at = i
		}
	}
	if at < 0 || at+1 >= len(lines) || !strings.Contains(lines[at+1], `✗ "ada at analytical" is not an email address`) {
		t.Fatalf("the refusal is not under the email field:\n%s", strings.Join(lines, "\n"))
	}
	m.goTo(t, fieldCompany)
	m.typeText(t, "\u202Eevil") // a right-to-left override
	m.press(t, "ctrl+s")
	if len(m.Intents()) != 0 {
		t.Fatal("a refused form posted an intent")
	}
	if m.focus != fieldEmail {
		t.Errorf("save did not take the focus to the first refused field (%d)", m.focus)
	}
	v := tuitest.Strip(m.View())
	for _, want := range []string{"right-to-left control character (U+202E)", "A field is refused"} {
		if !strings.Contains(v, want) {
			t.Errorf("the form does not say %q:\n%s", want, v)
		}
	}
	if after := snap(t, w, w.Ada.ID); !reflect.DeepEqual(after, before) {
		t.Errorf("a refused edit changed the row:\n%+v\n%+v", before, after)
	}
	// Fixing the field clears its sentence as typed.
	m.goTo(t, fieldEmail)
	m.clearField(t)
	m.typeText(t, "ada@analytical.test")
	if strings.Contains(m.View(), "not an email address") {
		t.Error("the sentence stays once the address is fixed")
	}
}

func TestStoreRefusalWithoutAFieldChangesNothing(t *testing.T) {
	w := tuitest.NewWorld(t)
	before := snap(t, w, w.NoEmail.ID)
	m := form(t, w, Options{ContactID: w.NoEmail.ID, By: w.User.ID})
	m.goTo(t, fieldFirst)
	m.clearField(t)
	m.press(t, "tab")
	m.clearField(t)
	m.press(t, "ctrl+s")
	if !strings.Contains(tuitest.Strip(m.View()), "A contact needs a name or an email.") {
		t.Fatalf("no sentence:\n%s", tuitest.Strip(m.View()))
	}
	if len(m.Intents()) != 0 {
		t.Fatal("a refused save posted an intent")
	}
	if after := snap(t, w, w.NoEmail.ID); !reflect.DeepEqual(after, before) {
		t.Errorf("a refused edit changed the row:\n%+v\n%+v", before, after)
	}
	// A lead that is not qualified cannot become a contact by its kind.
	lead := w.Bulk[0] // open lead
	before = snap(t, w, lead.ID)
	m = form(t, w, Options{ContactID: lead.ID, By: w.User.ID})
	m.goTo(t, fieldKind)
	m.press(t, "right")
	if !strings.Contains(m.View(), "converts the lead to a contact") {
		t.Error("the kind switch does not say it converts")
	}
	m.press(t, "ctrl+s")
	if v := tuitest.Strip(m.View()); !strings.Contains(v, "qualify the lead before converting it to a contact") {
		t.Errorf("no sentence:\n%s", v)
	}
	if after := snap(t, w, lead.ID); !reflect.DeepEqual(after, before) {
		t.Errorf("a refused conversion changed the row:\n%+v\n%+v", before, after)
	}
}

func TestHostileInput(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := form(t, w, Options{By: w.User.ID})
	// Control characters typed or pasted never reach the input.
	tuitest.Pump(t, m.update, m.update(tea.PasteMsg{Content: "Eve\x1b]2;pwned\x07\x1b[2J"}), nil)
	if v := m.value(fieldFirst); strings.ContainsAny(v, "\x1b\x07") || v != "Eve]2;pwned[2J" {
		t.Errorf("first name %q", v)
	}
	if strings.ContainsAny(m.View(), "\x07") || strings.Contains(m.View(), "\x1b]2;") {
		t.Error("a control sequence reached the view")
	}
	// 100 KB pasted is refused with a sentence, and nothing is pasted.
	m.press(t, "tab")
	tuitest.Pump(t, m.update, m.update(tea.PasteMsg{Content: strings.Repeat("x", 100*1024)}), nil)
	if m.value(fieldLast) != "" {
		t.Errorf("a 100 KB paste landed: %d characters", len(m.value(fieldLast)))
	}
	if v := tuitest.Strip(m.View()); !strings.Contains(v, "Nothing was pasted: the last name would be 102,400 characters long, and it holds at most 200.") {
		t.Errorf("no sentence:\n%s", v)
	}
	// Typed past the bound: refused with a sentence, never cut.
	m.typeText(t, strings.Repeat("y", store.MaxFieldLen+1))
	m.press(t, "tab")
	if v := tuitest.Strip(m.View()); !strings.Contains(v, "the last name is 201 characters long; at most 200 are allowed") {
		t.Errorf("no sentence for a long name:\n%s", v)
	}
	if len(m.value(fieldLast)) != store.MaxFieldLen+1 {
		t.Error("the typed name was cut")
	}
}

func TestImportedControlCharactersAreShownCleanAndLeftAlone(t *testing.T) {
	w := tuitest.NewWorld(t)
	// An import brings what a person could not type.
	evil := []store.Contact{{Kind: store.KindLead, Status: store.StatusOpen, FirstName: "Mal\x1b[31mory",
		LastName: "Evil\x07", Email: "mallory@evil.test", Company: "Acme\x1b]0;owned\x07"}}
	if err := w.DB.InsertContacts(t.Context(), evil); err != nil {
		t.Fatal(err)
	}
	before := snap(t, w, evil[0].ID)
	m := form(t, w, Options{ContactID: evil[0].ID, By: w.User.ID})
	if v := m.View(); strings.Contains(v, "\x1b[31m") || strings.ContainsAny(v, "\x07") || strings.Contains(v, "\x1b]0;") {
		t.Errorf("data reached the terminal raw: %q", v)
	}
	m.goTo(t, fieldCity)
	m.typeText(t, "Springfield")
	m.press(t, "ctrl+s")
	m.saved(t)
	after := snap(t, w, evil[0].ID)
	if after.c.FirstName != before.c.FirstName || after.c.Company != before.c.Company || after.c.City != "Springfield" {
		t.Errorf("fields left alone were rewritten: %+v", after.c)
	}
}

func TestDuplicateEmailAsksShowingTheOther(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := form(t, w, Options{By: w.User.ID})
	m.typeText(t, "Augusta")
	m.goTo(t, fieldEmail)
	m.typeText(t, "ADA@analytical.test")
	m.press(t, "ctrl+s")
	if m.confirm != confirmDuplicate {
		t.Fatalf("no question; the form shows:\n%s", tuitest.Strip(m.View()))
	}
	v := tuitest.Strip(m.View())
	for _, want := range []string{"already the email of the lead Ada Lovelace · qualified · Analytical Engines",
		"owner Sam Seller.", "⚠ another contact has this email", "y save anyway", "o open them"} {
		if !strings.Contains(v, want) {
			t.Errorf("the question lacks %q:\n%s", want, v)
		}
	}
	if n := countEmail(t, w, "ada@analytical.test"); n != 1 {
		t.Fatalf("%d contacts have the email before the answer", n)
	}
	m.press(t, "o")
	if in := m.Intents(); len(in) != 1 || in[0] != (common.OpenContactMsg{ContactID: w.Ada.ID}) {
		t.Errorf("o posted %v", in)
	}
	m.press(t, "n")
	if m.confirm != confirmNone || m.focus != fieldEmail || m.value(fieldEmail) != "ADA@analytical.test" {
		t.Fatalf("n: confirm %d, focus %d, email %q", m.confirm, m.focus, m.value(fieldEmail))
	}
	m.press(t, "ctrl+s", "y")
	m.saved(t)
	if n := countEmail(t, w, "ada@analytical.test"); n != 2 {
		t.Errorf("save anyway: %d contacts have the email, want 2", n)
	}
}

func TestStaleEditOverwriteKeepsTheirsElsewhere(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := form(t, w, Options{ContactID: w.Ada.ID, By: w.User.ID})
	// The CLI edits the same contact meanwhile.
	phone := "+44 20 0000 0000"
	if _, err := w.DB.UpdateContact(t.Context(), w.Ada.ID, w.Ada.Version, store.ContactChanges{Phone: &phone}); err != nil {
		t.Fatal(err)
	}
	m.goTo(t, fieldTitle)
	m.clearField(t)
	m.typeText(t, "Countess")
	m.press(t, "ctrl+s")
	if m.confirm != confirmStale {
		t.Fatalf("no question; the form shows:\n%s", tuitest.Strip(m.View()))
	}
	v := tuitest.Strip(m.View())
	if !strings.Contains(v, "Ada Lovelace changed (phone) since you opened it.") || !strings.Contains(v, "w overwrite with mine") {
		t.Errorf("the question:\n%s", v)
	}
	if c := snap(t, w, w.Ada.ID).c; c.Title != w.Ada.Title {
		t.Fatal("the stale edit was saved before the answer")
	}
	m.press(t, "esc") // decide later: nothing lost
	if m.confirm != confirmNone || m.value(fieldTitle) != "Countess" {
		t.Fatal("esc lost the edit")
	}
	m.press(t, "ctrl+s", "w")
	m.saved(t)
	c := snap(t, w, w.Ada.ID).c
	if c.Title != "Countess" || c.Phone != phone {
		t.Errorf("overwrite: title %q phone %q, want mine and theirs", c.Title, c.Phone)
	}
}

func TestStaleEditReloadKeepsTheirs(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := form(t, w, Options{ContactID: w.Ada.ID, By: w.User.ID})
	title := "Analyst"
	if _, err := w.DB.UpdateContact(t.Context(), w.Ada.ID, w.Ada.Version, store.ContactChanges{Title: &title}); err != nil {
		t.Fatal(err)
	}
	before := snap(t, w, w.Ada.ID)
	m.goTo(t, fieldTitle)
	m.clearField(t)
	m.typeText(t, "Countess")
	m.press(t, "ctrl+s", "r")
	if len(m.Intents()) != 0 {
		t.Fatal("reload posted an intent")
	}
	if m.value(fieldTitle) != "Analyst" || m.Dirty() {
		t.Errorf("reload: title %q, dirty %v", m.value(fieldTitle), m.Dirty())
	}
	if !strings.Contains(tuitest.Strip(m.View()), "your changes were dropped") {
		t.Error("reload does not say the changes were dropped")
	}
	if after := snap(t, w, w.Ada.ID); !reflect.DeepEqual(after, before) {
		t.Errorf("reload wrote:\n%+v\n%+v", before, after)
	}
	// The form now edits the new version.
	m.clearField(t)
	m.typeText(t, "Countess")
	m.press(t, "ctrl+s")
	m.saved(t)
	if c := snap(t, w, w.Ada.ID).c; c.Title != "Countess" {
		t.Errorf("title %q", c.Title)
	}
}

func TestEscAsksBeforeDiscarding(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := form(t, w, Options{ContactID: w.Ada.ID, By: w.User.ID})
	m.press(t, "esc")
	if in := m.Intents(); len(in) != 1 || in[0] != (common.BackMsg{}) {
		t.Fatalf("esc on an untouched form posted %v", in)
	}
	m.typeText(t, "x")
	if what, ok := m.Unsaved(); !ok || what != "your changes to Ada Lovelace" {
		t.Errorf("Unsaved = %q %v", what, ok)
	}
	m.press(t, "esc")
	if !strings.Contains(tuitest.Strip(m.View()), "Discard your changes? y/n") || len(m.Intents()) != 0 {
		t.Fatal("esc with typed text did not ask")
	}
	m.press(t, "n")
	if m.value(fieldFirst) != "Adax" {
		t.Fatalf("n lost the typing: %q", m.value(fieldFirst))
	}
	m.press(t, "esc", "y")
	if in := m.Intents(); len(in) != 1 || in[0] != (common.BackMsg{}) {
		t.Fatalf("y posted %v", in)
	}
}

func TestSaveWithoutChangesSaysSo(t *testing.T) {
	w := tuitest.NewWorld(t)
	before := snap(t, w, w.Ada.ID)
	m := form(t, w, Options{ContactID: w.Ada.ID, By: w.User.ID})
	m.press(t, "ctrl+s")
	if s := m.saved(t); s.Changed {
		t.Errorf("saved %+v", s)
	}
	if after := snap(t, w, w.Ada.ID); !reflect.DeepEqual(after, before) {
		t.Error("saving nothing wrote")
	}
}

func TestCustomFieldNameIsChecked(t *testing.T) {
	w := tuitest.NewWorld(t)
	before := snap(t, w, w.Ada.ID)
	m := form(t, w, Options{ContactID: w.Ada.ID, By: w.User.ID})
	m.press(t, "ctrl+n")
	m.typeText(t, "industry") // Ada has it
	m.press(t, "tab")
	m.typeText(t, "x")
	m.press(t, "ctrl+n")
	m.typeText(t, "has space")
	m.press(t, "ctrl+s")
	v := tuitest.Strip(m.View())
	for _, want := range []string{`there is already a custom field "industry"`, `may hold only letters, digits and _`} {
		if !strings.Contains(v, want) {
			t.Errorf("no sentence %q:\n%s", want, v)
		}
	}
	if after := snap(t, w, w.Ada.ID); !reflect.DeepEqual(after, before) {
		t.Error("a refused custom field was saved")
	}
}

func TestNotSavedOnStoreError(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := form(t, w, Options{ContactID: w.Ada.ID, By: w.User.ID})
	m.typeText(t, "x")
	m.handleSaved(savedMsg{form: m, err: errors.New("edit contact 1: the disk holding t.db is full; nothing was changed")})
	if v := tuitest.Strip(m.View()); !strings.Contains(v, "Not saved: edit contact 1: the disk holding t.db is full") {
		t.Errorf("the failure is not said:\n%s", v)
	}
	if m.value(fieldFirst) != "Adax" {
		t.Error("a failed save lost the typing")
	}
}
