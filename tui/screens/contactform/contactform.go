// Package contactform holds the screens of the leadmail TUI that change a
// contact by hand: the form that creates and edits one (every field, the
// owner among the CRM's users, custom fields added, renamed and removed),
// the status chooser (S18: the statuses the contact may move to, lead ↔
// contact conversion included), and the questions before archiving and
// forgetting a person.
//
// The form checks each field with the store's own validators
// (store.CheckContactField) and shows the refusal next to the field; what
// only the store can know is asked about: an email another contact has
// (store.DuplicateEmailError: save anyway, or keep editing) and an edit
// made on a contact that changed since the form opened it
// (store.StaleError: keep theirs, or overwrite with mine). Nothing typed
// is lost without the user choosing it.
package contactform

import (
	"context"
	"maps"
	"slices"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// Store is what the form, the status chooser and the archive and forget
// questions use. *store.DB satisfies it.
type Store interface {
	GetContact(ctx context.Context, id int64) (store.Contact, error)
	// ListUsers are the owners to choose among.
	ListUsers(ctx context.Context) ([]store.User, error)
	CreateContactWith(ctx context.Context, c *store.Contact, opts store.ContactOptions) error
	UpdateContact(ctx context.Context, id, expectedVersion int64, ch store.ContactChanges) (store.Contact, error)
	SetStatus(ctx context.Context, id int64, status store.Status, by int64) (store.Contact, error)
	Archive(ctx context.Context, id int64, by int64) (store.Contact, error)
	Unarchive(ctx context.Context, id int64, by int64) (store.Contact, error)
	Forget(ctx context.Context, id int64) (store.Forgotten, error)
}

// Options says what the form edits and for whom.
type Options struct {
	// ContactID is the contact to edit; 0 opens an empty form for a new
	// one.
	ContactID int64
	// By is the current user: named in the edit's events, and the owner a
	// new contact starts with (0: nobody).
	By int64
}

// SavedMsg is the form's intent once the store saved: the root closes the
// form, opens a new contact's screen, says so in the status line and
// broadcasts common.ContactChangedMsg.
type SavedMsg struct {
	// Form is the screen that saved, for the root to close.
	Form    common.Screen
	Contact store.Contact
	Created bool
	// Changed is false when an edit found every value as it was.
	Changed bool
}

type state int

const (
	stateLoading state = iota
	stateReady
	stateError
)

// confirm is the question the form is asking, if any.
type confirm int

const (
	confirmNone confirm = iota
	confirmDiscard
	confirmDuplicate
	confirmStale
)

// field is a focusable part of the form, in tab order. Custom fields
// follow fieldCustom: row i's name is fieldCustom+2i, its value +1.
type field int

const (
	fieldKind field = iota
	fieldFirst
	fieldLast
	fieldEmail
	fieldCompany
	fieldTitle
	fieldPhone
	fieldCity
	fieldCountry
	fieldOwner
	fieldCustom
)

// textFields are the one-line fields, in tab order, with the store's name
// for each (store.CheckContactField) and the label the form shows.
var textFields = []struct {
	f     field
	name  string
	label string
}{
	{fieldFirst, "first_name", "First name"}, {fieldLast, "last_name", "Last name"},
	{fieldEmail, "email", "Email"}, {fieldCompany, "company", "Company"},
	{fieldTitle, "title", "Title"}, {fieldPhone, "phone", "Phone"},
	{fieldCity, "city", "City"}, {fieldCountry, "country", "Country"},
}

// customRow is one custom field: its name and value as typed, and the
// name and value it had when the form opened ("" orig for a new row).
type customRow struct {
	orig, origValue string
	key, value      textinput.Model
	keyErr, valErr  string
	checked         bool // left once: checked as typed from then on
}

// Model is the contact form.
type Model struct {
	common.IntentQueue
	c     *common.Common
	store Store
	opts  Options
	keys  KeyMap

	width, height int
	state         state
	errText       string
	focus         field
	confirm       confirm
	saving        bool
	// formErr is why the last save was refused, when no field says it.
	formErr string
	// notice says something about the form that is not an error (a
	// paste refused, the form reloaded).
	notice string
	offset int // first scrollable line shown

	users   []store.User
	loaded  store.Contact // as opened (or reloaded): what an edit is made on
	kind    store.Kind
	owner   int64
	inputs  []textinput.Model // one per textFields entry
	base    []string          // the inputs' values as filled, to tell changes
	errs    []string          // a refusal per text field
	checked []bool            // left once: checked as typed from then on
	custom  []*customRow
	removed []string // names of custom fields the form had and removed

	dup   *store.DuplicateEmailError
	stale *store.StaleError
}

// New returns the form: empty for a new contact, or loading the contact
// opts.ContactID.
func New(c *common.Common, s Store, opts Options) *Model {
	m := &Model{c: c, store: s, opts: opts, keys: DefaultKeyMap(), kind: store.KindLead, focus: fieldFirst}
	m.inputs = make([]textinput.Model, len(textFields))
	m.base = make([]string, len(textFields))
	m.errs = make([]string, len(textFields))
	m.checked = make([]bool, len(textFields))
	for i := range m.inputs {
		m.inputs[i] = newInput()
	}
	m.inputs[2].Placeholder = common.Example("name@example.com")
	m.restyle()
	m.updateKeys()
	return m
}

func newInput() textinput.Model {
	in := textinput.New()
	in.Prompt = ""
	// No CharLimit: a value over its bound is refused with a sentence by
	// the store's validator, never cut silently.
	in.CharLimit = 0
	return in
}

// restyle takes the theme's styles again (after a theme change).
func (m *Model) restyle() {
	for i := range m.inputs {
		m.inputs[i].SetStyles(m.c.Styles.Input)
	}
	for _, r := range m.custom {
		r.key.SetStyles(m.c.Styles.Input)
		r.value.SetStyles(m.c.Styles.Input)
	}
}

// Editing reports whether the form edits an existing contact.
func (m *Model) Editing() bool { return m.opts.ContactID != 0 }

// ContactID is the contact edited, 0 for a new one.
func (m *Model) ContactID() int64 { return m.opts.ContactID }

// Title implements common.Screen.
func (m *Model) Title() string {
	if m.Editing() {
		return "Edit"
	}
	return "New " + string(m.kind)
}

// Capturing implements common.Screen: text goes into the focused input,
// and a question waits for its answer.
func (m *Model) Capturing() bool {
	if m.state != stateReady {
		return false
	}
	return m.confirm != confirmNone || m.textFocus() != nil
}

// loadedMsg carries the users and, when editing, the contact.
type loadedMsg struct {
	form    *Model
	users   []store.User
	contact store.Contact
	err     error
}

// Init implements common.Screen: read the users to choose an owner among
// and the contact being edited, in one command.
func (m *Model) Init() tea.Cmd {
	ctx, s, id := m.c.Ctx, m.store, m.opts.ContactID
	return func() tea.Msg {
		users, err := s.ListUsers(ctx)
		if err != nil || id == 0 {
			return loadedMsg{form: m, users: users, err: err}
		}
		c, err := s.GetContact(ctx, id)
		return loadedMsg{form: m, users: users, contact: c, err: err}
	}
}

func (m *Model) handleLoaded(msg loadedMsg) tea.Cmd {
	if msg.form != m {
		return nil
	}
	if msg.err != nil {
		if text := m.c.ErrText(msg.err); text != "" {
			m.state, m.errText = stateError, text
		}
		return nil
	}
	m.users = msg.users
	m.state = stateReady
	if m.Editing() {
		m.fill(msg.contact)
	} else {
		m.fill(store.Contact{Kind: store.KindLead, OwnerID: m.knownUser(m.opts.By)})
	}
	return m.focusField(fieldFirst)
}

// knownUser is id when it is one of the users, else 0.
func (m *Model) knownUser(id int64) int64 {
	for _, u := range m.users {
		if u.ID == id {
			return id
		}
	}
	return 0
}

// fill puts c into the form and makes it what changes are measured from.
// Values pass through the inputs' cleaning (no control characters), and
// the cleaned values are the base: a field left alone is never saved.
func (m *Model) fill(c store.Contact) {
	m.loaded = c
	m.kind, m.owner = c.Kind, c.OwnerID
	for i, v := range m.contactValues(c) {
		m.inputs[i].SetValue(v)
		m.inputs[i].CursorEnd()
		m.base[i] = m.inputs[i].Value()
		m.errs[i], m.checked[i] = "", false
	}
	m.custom, m.removed = nil, nil
	for _, k := range slices.Sorted(maps.Keys(c.Custom)) {
		r := m.newCustomRow()
		r.key.SetValue(k)
		r.value.SetValue(c.Custom[k])
		r.orig, r.origValue = k, r.value.Value()
		r.key.CursorEnd()
		r.value.CursorEnd()
		m.custom = append(m.custom, r)
	}
	m.formErr, m.dup, m.stale = "", nil, nil
}

// contactValues are c's text fields in textFields order.
func (m *Model) contactValues(c store.Contact) []string {
	return []string{c.FirstName, c.LastName, c.Email, c.Company, c.Title, c.Phone, c.City, c.Country}
}

func (m *Model) newCustomRow() *customRow {
	r := &customRow{key: newInput(), value: newInput()}
	r.key.Placeholder = common.Hint("name")
	r.value.Placeholder = common.Hint("value")
	r.key.SetStyles(m.c.Styles.Input)
	r.value.SetStyles(m.c.Styles.Input)
	return r
}

// value is the text field f as typed.
func (m *Model) value(f field) string { return m.inputs[textIndex(f)].Value() }

// textIndex is f's index in textFields (f must be a text field).
func textIndex(f field) int { return int(f - fieldFirst) }

// isTextField reports whether f is one of the standard text fields.
func isTextField(f field) bool { return f >= fieldFirst && f <= fieldCountry }

// lastField is the last focusable field.
func (m *Model) lastField() field { return fieldCustom + field(2*len(m.custom)) - 1 }

// customAt returns the custom row and part (0 name, 1 value) f points at.
func (m *Model) customAt(f field) (*customRow, int, bool) {
	if f < fieldCustom {
		return nil, 0, false
	}
	i := int(f-fieldCustom) / 2
	if i >= len(m.custom) {
		return nil, 0, false
	}
	return m.custom[i], int(f-fieldCustom) % 2, true
}

// textFocus is the input with focus, nil on the kind and owner choosers.
func (m *Model) textFocus() *textinput.Model {
	if isTextField(m.focus) {
		return &m.inputs[textIndex(m.focus)]
	}
	if r, part, ok := m.customAt(m.focus); ok {
		if part == 0 {
			return &r.key
		}
		return &r.value
	}
	return nil
}

// Dirty reports whether the form differs from the contact as opened: a
// value typed, the kind or owner switched, a custom field added, renamed,
// changed or removed.
func (m *Model) Dirty() bool {
	if m.state != stateReady {
		return false
	}
	if m.kind != m.loaded.Kind || m.owner != m.loaded.OwnerID {
		return true
	}
	for i := range m.inputs {
		if m.inputs[i].Value() != m.base[i] {
			return true
		}
	}
	if len(m.removed) > 0 {
		return true
	}
	for _, r := range m.custom {
		if r.orig == "" || r.key.Value() != r.orig || r.value.Value() != r.origValue {
			return true
		}
	}
	return false
}

// Unsaved implements common.Unsaved.
func (m *Model) Unsaved() (what string, ok bool) {
	if m.Dirty() {
		if m.Editing() {
			return "your changes to " + common.Printable(m.loaded.Name()), true
		}
		return "this new " + string(m.kind), true
	}
	return "", false
}

// ownerName is the chosen owner's name, "nobody" for none.
func (m *Model) ownerName() string {
	for _, u := range m.users {
		if u.ID == m.owner {
			return firstNonBlank(u.Name, u.Email)
		}
	}
	if m.owner != 0 && m.owner == m.loaded.OwnerID && m.loaded.OwnerName != "" {
		return m.loaded.OwnerName
	}
	return "nobody"
}

func firstNonBlank(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
