package opportunity

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// savedMsg is the store's answer to a save.
type savedMsg struct {
	opp     store.Opportunity
	created bool
	err     error
}

// save checks every field and, when they all read, creates or updates in
// a command. A refusal stays under its field and nothing is written.
func (f *Form) save() tea.Cmd {
	if f.saving {
		return nil
	}
	for _, fl := range f.fields() {
		f.check(fl)
	}
	for _, fl := range f.fields() {
		if f.errs[fl] != "" {
			f.inputs[f.focus].Blur()
			f.focus = fl
			if f.isText(fl) {
				return f.inputs[fl].Focus()
			}
			return nil
		}
	}
	value, _ := store.ParseMoney(f.value(fValue), f.value(fCurrency))
	closeDate, _ := f.closeDate()
	name, owner := f.value(fName), f.ownerID()
	ctx, s, by := f.c.Ctx, f.store, f.opts.Me.ID
	f.saving = true
	if f.IsNew() {
		o := store.Opportunity{Name: name, Value: value, CloseDate: closeDate, OwnerID: owner,
			PrimaryContactID: f.contact.ID}
		if open := f.openStages(); f.stage < len(open) {
			o.StageID = open[f.stage].ID
		}
		return func() tea.Msg {
			err := s.CreateOpportunity(ctx, &o, by)
			if err == nil {
				o, err = s.GetOpportunity(ctx, o.ID)
			}
			return savedMsg{opp: o, created: true, err: err}
		}
	}
	ch := f.changes(name, value, closeDate, owner)
	id, version := f.opp.ID, f.opp.Version
	return func() tea.Msg {
		o, err := s.UpdateOpportunity(ctx, id, version, ch, by)
		return savedMsg{opp: o, err: err}
	}
}

// changes are the fields that differ from the opportunity as opened.
func (f *Form) changes(name string, value store.Money, closeDate time.Time, owner int64) store.OpportunityChanges {
	var ch store.OpportunityChanges
	if name != f.opp.Name {
		ch.Name = &name
	}
	if value != f.opp.Value {
		ch.Value = &value
	}
	if !closeDate.Equal(f.opp.CloseDate) && (!closeDate.IsZero() || !f.opp.CloseDate.IsZero()) {
		ch.CloseDate = &closeDate
	}
	if owner != f.opp.OwnerID {
		ch.OwnerID = &owner
	}
	return ch
}

func (f *Form) handleSaved(msg savedMsg) tea.Cmd {
	f.saving = false
	var stale *store.StaleOpportunityError
	switch {
	case errors.As(msg.err, &stale):
		f.stale, f.confirm = stale, confirmStale
		return nil
	case msg.err != nil:
		title := "Not saved"
		if errors.Is(msg.err, store.ErrInvalid) {
			f.Post(common.ErrorMsg{Title: title, Err: errors.New(common.RefusalText(msg.err))})
		} else {
			f.Post(common.ErrorMsg{Title: title, Err: msg.err})
		}
		return nil
	}
	f.Post(SavedMsg{Opportunity: msg.opp, Created: msg.created})
	return nil
}

// handleStaleKey answers the question of an edit made on an opportunity
// that changed meanwhile: keep theirs (the form shows it, my edit
// dropped), overwrite with mine, or keep editing.
func (f *Form) handleStaleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := f.keys
	switch {
	case key.Matches(msg, k.Theirs):
		f.fill(f.stale.Current)
		f.stale, f.confirm = nil, confirmNone
		f.Post(common.StatusMsg{Text: "Showing their version: your edit was dropped", Level: common.LevelWarning})
	case key.Matches(msg, k.Overwrite):
		f.opp.Version = f.stale.Current.Version
		f.stale, f.confirm = nil, confirmNone
		return f.save()
	case key.Matches(msg, k.KeepEditing):
		f.confirm = confirmNone // the question comes back at the next save
	}
	return nil
}

// staleFields names what changed elsewhere: "value, close date".
func (f *Form) staleFields() string {
	cur := f.stale.Current
	var out []string
	if cur.Name != f.opp.Name {
		out = append(out, "name")
	}
	if cur.Value != f.opp.Value {
		out = append(out, "value")
	}
	if !cur.CloseDate.Equal(f.opp.CloseDate) {
		out = append(out, "close date")
	}
	if cur.OwnerID != f.opp.OwnerID {
		out = append(out, "owner")
	}
	if cur.StageID != f.opp.StageID {
		out = append(out, "stage")
	}
	if len(out) == 0 {
		return "its contacts"
	}
	return strings.Join(out, ", ")
}

// FormKeyMap is every key of the opportunity form.
type FormKeyMap struct {
	Save        key.Binding
	Cancel      key.Binding
	Next        key.Binding
	Prev        key.Binding
	ChoiceLeft  key.Binding
	ChoiceRight key.Binding
	PickUp      key.Binding
	PickDown    key.Binding
	Pick        key.Binding

	// The questions.
	Discard     key.Binding
	KeepEditing key.Binding
	Theirs      key.Binding
	Overwrite   key.Binding
}

// DefaultFormKeyMap returns the form's keys.
func DefaultFormKeyMap() FormKeyMap {
	return FormKeyMap{
		Save:        key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "save")),
		Cancel:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Next:        key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field")),
		Prev:        key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field")),
		ChoiceLeft:  key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "previous choice")),
		ChoiceRight: key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "next choice")),
		PickUp:      key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "previous contact")),
		PickDown:    key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "next contact")),
		Pick:        key.NewBinding(key.WithKeys("enter", "ctrl+o"), key.WithHelp("enter", "choose contact")),
		Discard:     key.NewBinding(key.WithKeys("y", "esc"), key.WithHelp("y/esc", "discard")),
		KeepEditing: key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "keep editing")),
		Theirs:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "keep theirs, drop mine")),
		Overwrite:   key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "overwrite with mine")),
	}
}

// ShortHelp implements help.KeyMap.
func (f *Form) ShortHelp() []key.Binding {
	k := f.keys
	return []key.Binding{k.Theirs, k.Overwrite, k.Discard, k.KeepEditing, k.Save, k.Pick, k.Next, k.ChoiceRight,
		k.Cancel, k.Prev, k.ChoiceLeft, k.PickUp, k.PickDown}
}

// FullHelp implements help.KeyMap.
func (f *Form) FullHelp() [][]key.Binding {
	k := f.keys
	return [][]key.Binding{
		{k.Save, k.Cancel, k.Next, k.Prev},
		{k.ChoiceLeft, k.ChoiceRight, k.PickUp, k.PickDown, k.Pick},
		{k.Discard, k.KeepEditing, k.Theirs, k.Overwrite},
	}
}

func (f *Form) updateKeys() {
	k := &f.keys
	ready := f.state == stateReady
	editing := ready && f.confirm == confirmNone
	k.Save.SetEnabled(editing && !f.saving)
	k.Cancel.SetEnabled(f.confirm == confirmNone)
	k.Next.SetEnabled(editing)
	k.Prev.SetEnabled(editing)
	choice := editing && (f.focus == fStage || f.focus == fOwner)
	k.ChoiceLeft.SetEnabled(choice)
	k.ChoiceRight.SetEnabled(choice)
	picking := editing && f.focus == fContact && len(f.found) > 0
	k.PickUp.SetEnabled(picking && len(f.found) > 1)
	k.PickDown.SetEnabled(picking && len(f.found) > 1)
	k.Pick.SetEnabled(picking)
	k.Discard.SetEnabled(f.confirm == confirmDiscard)
	k.KeepEditing.SetEnabled(f.confirm != confirmNone)
	if f.confirm == confirmStale {
		k.KeepEditing.SetHelp("n/esc", "keep editing")
		k.KeepEditing.SetKeys("n", "esc")
	} else {
		k.KeepEditing.SetHelp("n", "keep editing")
		k.KeepEditing.SetKeys("n")
	}
	k.Theirs.SetEnabled(f.confirm == confirmStale)
	k.Overwrite.SetEnabled(f.confirm == confirmStale)
}

// staleQuestion is the question of a stale edit, as the contact form words
// it.
func (f *Form) staleQuestion() string {
	return fmt.Sprintf("%s changed (%s) since you opened it.", common.Printable(f.stale.Current.Name), f.staleFields())
}
