package opportunity

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// FormStore is what the opportunity form reads and writes. *store.DB
// satisfies it, and so does the store scoped to the current user.
type FormStore interface {
	Store
	Stages(ctx context.Context) ([]store.Stage, error)
	ListUsers(ctx context.Context) ([]store.User, error)
	// ListContacts finds the primary contact of a new opportunity.
	ListContacts(ctx context.Context, req store.PageRequest) (store.ContactPage, error)
	CreateOpportunity(ctx context.Context, o *store.Opportunity, by int64) error
	UpdateOpportunity(ctx context.Context, id, expectedVersion int64, ch store.OpportunityChanges, by int64) (store.Opportunity, error)
}

// FormOptions say what the form is for.
type FormOptions struct {
	// OpportunityID is the opportunity to edit; 0 makes a new one.
	OpportunityID int64
	// StageID is a new opportunity's first stage (0: the first one), and
	// ContactID its primary contact when it starts from one.
	StageID   int64
	ContactID int64
	// Me makes the change and owns a new opportunity.
	Me store.User
	// Currency is a new opportunity's currency until one is typed.
	Currency string
}

// SavedMsg is the intent the form posts when it saved: the root closes it,
// says so and tells every screen.
type SavedMsg struct {
	Opportunity store.Opportunity
	Created     bool
}

// field is a focusable part of the form, in tab order.
type field int

const (
	fName field = iota
	fValue
	fCurrency
	fStage // new only
	fClose
	fOwner
	fContact // new only
	fieldCount
)

var fieldLabels = [fieldCount]string{"Name", "Value", "Currency", "Stage", "Close", "Owner", "Contact"}

// confirm is the question open at the bottom of the form.
type confirm int

const (
	confirmNone confirm = iota
	confirmDiscard
	confirmStale
)

// Form makes a new opportunity or edits one.
type Form struct {
	common.IntentQueue
	c     *common.Common
	store FormStore
	opts  FormOptions
	keys  FormKeyMap

	width, height int
	state         state
	errText       string
	focus         field
	inputs        [fieldCount]textinput.Model // name, value, currency, close, contact search
	base          [fieldCount]string          // the values as opened, to tell an edit
	errs          [fieldCount]string
	stages        []store.Stage
	stage         int // index into the open stages
	users         []store.User
	owner         int // index into users
	opp           store.Opportunity
	found         []store.Contact // the contact search's results
	pick          int             // the highlighted result
	contact       store.Contact   // the chosen primary contact
	searchSeq     int
	saving        bool
	confirm       confirm
	stale         *store.StaleOpportunityError
}

// NewForm returns the form on a new opportunity or, with
// opts.OpportunityID, on an existing one.
func NewForm(c *common.Common, s FormStore, opts FormOptions) *Form {
	f := &Form{c: c, store: s, opts: opts, keys: DefaultFormKeyMap()}
	for i := range f.inputs {
		in := textinput.New()
		in.Prompt = ""
		in.CharLimit = 200
		in.SetStyles(c.Styles.Input)
		f.inputs[i] = in
	}
	f.inputs[fCurrency].CharLimit = 3
	f.inputs[fName].Placeholder = common.Hint("e.g. 50 seats, annual plan")
	f.inputs[fValue].Placeholder = common.Hint("12,000 or 12000.50")
	f.inputs[fClose].Placeholder = common.Hint("2027-01-15, 9 dec, friday, in 3 weeks")
	f.inputs[fContact].Placeholder = common.Hint("type a name, email or company")
	cur := opts.Currency
	if cur == "" {
		cur = "EUR"
	}
	f.inputs[fCurrency].SetValue(cur)
	f.base[fCurrency] = cur
	f.updateKeys()
	return f
}

// IsNew reports whether the form makes a new opportunity.
func (f *Form) IsNew() bool { return f.opts.OpportunityID == 0 }

// Title implements common.Screen.
func (f *Form) Title() string {
	if f.IsNew() {
		return "New opportunity"
	}
	return "Edit opportunity"
}

// Capturing implements common.Screen: the text fields take typed text.
func (f *Form) Capturing() bool {
	return f.state == stateReady && f.confirm == confirmNone && f.isText(f.focus)
}

func (f *Form) isText(fl field) bool { return fl != fStage && fl != fOwner }

// SetSize implements common.Screen.
func (f *Form) SetSize(width, height int) {
	f.width, f.height = width, height
	for i := range f.inputs {
		f.inputs[i].SetWidth(max(10, width-14))
	}
}

// formLoadedMsg carries the stages, the users and the opportunity edited.
type formLoadedMsg struct {
	stages  []store.Stage
	users   []store.User
	opp     store.Opportunity
	contact store.Contact
	err     error
}

// Init implements common.Screen.
func (f *Form) Init() tea.Cmd {
	ctx, s, opts := f.c.Ctx, f.store, f.opts
	return func() tea.Msg {
		var out formLoadedMsg
		if out.stages, out.err = s.Stages(ctx); out.err != nil {
			return out
		}
		if out.users, out.err = s.ListUsers(ctx); out.err != nil {
			return out
		}
		if opts.OpportunityID != 0 {
			out.opp, out.err = s.GetOpportunity(ctx, opts.OpportunityID)
		} else if opts.ContactID != 0 {
			out.contact, out.err = s.GetContact(ctx, opts.ContactID)
		}
		return out
	}
}

// openStages are the stages a new opportunity may start in.
func (f *Form) openStages() []store.Stage {
	var out []store.Stage
	for _, s := range f.stages {
		if s.Outcome == store.OutcomeOpen {
			out = append(out, s)
		}
	}
	return out
}

func (f *Form) handleLoaded(msg formLoadedMsg) tea.Cmd {
	if msg.err != nil {
		f.state, f.errText = stateError, f.c.ErrText(msg.err)
		return nil
	}
	f.state, f.stages, f.users = stateReady, msg.stages, msg.users
	f.owner = max(0, slices.IndexFunc(f.users, func(u store.User) bool { return u.ID == f.opts.Me.ID }))
	f.stage = max(0, slices.IndexFunc(f.openStages(), func(s store.Stage) bool { return s.ID == f.opts.StageID }))
	if msg.contact.ID != 0 {
		f.contact = msg.contact
	}
	if !f.IsNew() {
		f.fill(msg.opp)
	}
	f.focus = fName
	return f.inputs[fName].Focus()
}

// fill puts an opportunity's values in the form, as its base.
func (f *Form) fill(o store.Opportunity) {
	f.opp = o
	f.set(fName, o.Name)
	digits, _ := store.CurrencyDigits(o.Value.Currency)
	amount := store.Money{Minor: o.Value.Minor, Currency: "XXX"}.String() // no symbol: "XXX 12,000.00"
	amount = strings.TrimPrefix(amount, "XXX ")
	if digits == 0 {
		amount, _, _ = strings.Cut(amount, ".")
	}
	f.set(fValue, amount)
	f.set(fCurrency, o.Value.Currency)
	closeText := ""
	if !o.CloseDate.IsZero() {
		closeText = o.CloseDate.Format(time.DateOnly)
	}
	f.set(fClose, closeText)
	f.owner = max(0, slices.IndexFunc(f.users, func(u store.User) bool { return u.ID == o.OwnerID }))
	f.errs = [fieldCount]string{}
}

func (f *Form) set(fl field, v string) {
	f.inputs[fl].SetValue(v)
	f.base[fl] = v
}

func (f *Form) value(fl field) string { return strings.TrimSpace(f.inputs[fl].Value()) }

// dirty reports whether anything was typed or chosen since the form
// opened.
func (f *Form) dirty() bool {
	for _, fl := range []field{fName, fValue, fCurrency, fClose} {
		if f.value(fl) != strings.TrimSpace(f.base[fl]) {
			return true
		}
	}
	if !f.IsNew() && f.ownerID() != f.opp.OwnerID {
		return true
	}
	return f.IsNew() && (f.contact.ID != 0 && f.contact.ID != f.opts.ContactID)
}

func (f *Form) ownerID() int64 {
	if f.owner < len(f.users) {
		return f.users[f.owner].ID
	}
	return f.opts.Me.ID
}

// fields are the fields the form has: a new opportunity chooses its stage
// and primary contact; an edit moves with the pipeline's keys instead.
func (f *Form) fields() []field {
	if f.IsNew() {
		return []field{fName, fValue, fCurrency, fStage, fClose, fOwner, fContact}
	}
	return []field{fName, fValue, fCurrency, fClose, fOwner}
}

// Update implements common.Screen.
func (f *Form) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case formLoadedMsg:
		cmd = f.handleLoaded(msg)
	case foundMsg:
		f.handleFound(msg)
	case savedMsg:
		cmd = f.handleSaved(msg)
	case common.ThemeChangedMsg:
		for i := range f.inputs {
			f.inputs[i].SetStyles(f.c.Styles.Input)
		}
	case tea.KeyPressMsg:
		cmd = f.handleKey(msg)
	case tea.PasteMsg:
		if f.Capturing() {
			f.inputs[f.focus], cmd = f.inputs[f.focus].Update(msg)
			cmd = tea.Batch(cmd, f.afterTyping())
		}
	}
	f.updateKeys()
	return f, cmd
}

func (f *Form) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := f.keys
	switch f.confirm {
	case confirmDiscard:
		switch {
		case key.Matches(msg, k.Discard):
			f.Post(common.BackMsg{})
		case key.Matches(msg, k.KeepEditing):
			f.confirm = confirmNone
		}
		return nil
	case confirmStale:
		return f.handleStaleKey(msg)
	}
	if f.state != stateReady {
		if key.Matches(msg, k.Cancel) {
			f.Post(common.BackMsg{})
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Save):
		return f.save()
	case key.Matches(msg, k.Cancel):
		if f.dirty() {
			f.confirm = confirmDiscard
			return nil
		}
		f.Post(common.BackMsg{})
		return nil
	case key.Matches(msg, k.Next):
		return f.step(1)
	case key.Matches(msg, k.Prev):
		return f.step(-1)
	case key.Matches(msg, k.ChoiceLeft), key.Matches(msg, k.ChoiceRight):
		d := 1
		if key.Matches(msg, k.ChoiceLeft) {
			d = -1
		}
		switch f.focus {
		case fStage:
			n := len(f.openStages())
			f.stage = (f.stage + d + n) % max(1, n)
		case fOwner:
			n := len(f.users)
			f.owner = (f.owner + d + n) % max(1, n)
		}
		return nil
	case key.Matches(msg, k.PickUp):
		f.pick = max(0, f.pick-1)
		return nil
	case key.Matches(msg, k.PickDown):
		f.pick = min(len(f.found)-1, f.pick+1)
		return nil
	case key.Matches(msg, k.Pick):
		if f.pick < len(f.found) {
			f.contact = f.found[f.pick]
			f.errs[fContact] = ""
		}
		return nil
	}
	if !f.isText(f.focus) {
		return nil
	}
	var cmd tea.Cmd
	f.inputs[f.focus], cmd = f.inputs[f.focus].Update(msg)
	return tea.Batch(cmd, f.afterTyping())
}

// afterTyping checks the field typed in, or searches the contacts.
func (f *Form) afterTyping() tea.Cmd {
	if f.focus == fContact {
		return f.search()
	}
	f.errs[f.focus] = ""
	return nil
}

// step moves the focus to the next or previous field, checking the one
// left.
func (f *Form) step(d int) tea.Cmd {
	fs := f.fields()
	i := slices.Index(fs, f.focus)
	f.check(f.focus)
	f.inputs[f.focus].Blur()
	f.focus = fs[(i+d+len(fs))%len(fs)]
	if f.isText(f.focus) {
		return f.inputs[f.focus].Focus()
	}
	return nil
}

// check reads one field and keeps its refusal under it.
func (f *Form) check(fl field) {
	f.errs[fl] = ""
	switch fl {
	case fName:
		if f.value(fName) == "" {
			f.errs[fl] = "An opportunity needs a name."
		}
	case fValue, fCurrency:
		if _, err := store.ParseMoney(f.value(fValue), f.value(fCurrency)); err != nil {
			f.errs[fValue] = common.RefusalText(err)
		}
	case fClose:
		if _, err := f.closeDate(); err != nil {
			f.errs[fl] = common.RefusalText(err)
		}
	case fContact:
		if f.IsNew() && f.contact.ID == 0 {
			f.errs[fl] = "Choose the primary contact: type to search, ↑/↓ and ctrl+o to pick."
		}
	}
}

// closeDate reads the close field: a date, words the scheduler reads
// ("9 dec", "friday", "in 3 weeks"; only the day counts), or nothing. Its
// error is the user's sentence, shown through reason.
func (f *Form) closeDate() (time.Time, error) {
	s := f.value(fClose)
	if s == "" {
		return time.Time{}, nil
	}
	now := f.c.Now()
	if t, err := time.ParseInLocation(time.DateOnly, s, now.Location()); err == nil {
		return t, nil
	}
	t, err := outbox.ParseWhen(s, now)
	if err != nil {
		return time.Time{}, errors.New("write the close date as 2027-01-15, or words such as “9 dec”, “friday” or “in 3 weeks”")
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, now.Location()), nil
}

// foundMsg carries the contact search's results.
type foundMsg struct {
	seq      int
	contacts []store.Contact
	err      error
}

// search finds contacts for the primary contact field: a page of the
// contacts list searched, as the Contacts screen does.
func (f *Form) search() tea.Cmd {
	f.searchSeq++
	q := f.value(fContact)
	if q == "" {
		f.found, f.pick = nil, 0
		return nil
	}
	seq, ctx, s := f.searchSeq, f.c.Ctx, f.store
	return func() tea.Msg {
		p, err := s.ListContacts(ctx, store.PageRequest{Filter: store.ContactFilter{Search: q}, Limit: searchResults, Brief: true})
		return foundMsg{seq: seq, contacts: p.Contacts, err: err}
	}
}

// searchResults is how many contacts the search offers.
const searchResults = 5

func (f *Form) handleFound(msg foundMsg) {
	if msg.seq != f.searchSeq {
		return
	}
	if msg.err != nil {
		f.errs[fContact] = f.c.ErrText(msg.err)
		return
	}
	f.found, f.pick = msg.contacts, 0
}
