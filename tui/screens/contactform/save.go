package contactform

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// savedMsg is the store's answer to a save.
type savedMsg struct {
	form    *Model
	contact store.Contact
	created bool
	changed bool
	err     error
}

// save checks every field and, when none is refused, creates the contact
// or saves the changes made on the version the form opened. The answer is
// a savedMsg; every typed value stays in the form until it is saved.
func (m *Model) save(opts store.ContactOptions) tea.Cmd {
	m.formErr, m.notice = "", ""
	if f := m.validateAll(); f >= 0 {
		m.formErr = "A field is refused: fix it (the sentence is next to it), then save."
		return m.focusField(f)
	}
	ctx, s, form := m.c.Ctx, m.store, m
	if !m.Editing() {
		c := m.newContact()
		m.saving = true
		return func() tea.Msg {
			err := s.CreateContactWith(ctx, &c, opts)
			return savedMsg{form: form, contact: c, created: true, changed: true, err: err}
		}
	}
	ch := m.changes()
	ch.Options = opts
	id, version := m.loaded.ID, m.loaded.Version
	m.saving = true
	return func() tea.Msg {
		saved, err := s.UpdateContact(ctx, id, version, ch)
		return savedMsg{form: form, contact: saved, changed: err == nil && saved.Version != version, err: err}
	}
}

// newContact is the form as a contact to create: a lead starts open, a
// contact as a contact.
func (m *Model) newContact() store.Contact {
	v := func(f field) string { return strings.TrimSpace(m.value(f)) }
	c := store.Contact{Kind: m.kind, Status: store.StatusOpen, OwnerID: m.owner,
		FirstName: v(fieldFirst), LastName: v(fieldLast), Email: v(fieldEmail), Company: v(fieldCompany),
		Title: v(fieldTitle), Phone: v(fieldPhone), City: v(fieldCity), Country: v(fieldCountry)}
	if m.kind == store.KindContact {
		c.Status = store.StatusContact
	}
	if len(m.custom) > 0 {
		c.Custom = map[string]string{}
		for _, r := range m.custom {
			c.Custom[r.key.Value()] = strings.TrimSpace(r.value.Value())
		}
	}
	return c
}

// changes are the edits the form holds against the contact as opened:
// only the fields that differ, so that saving on a newer version
// (overwrite) keeps what others changed elsewhere.
func (m *Model) changes() store.ContactChanges {
	ch := store.ContactChanges{By: m.opts.By}
	ptrs := []**string{&ch.FirstName, &ch.LastName, &ch.Email, &ch.Company, &ch.Title, &ch.Phone, &ch.City, &ch.Country}
	for i := range m.inputs {
		if v := m.inputs[i].Value(); v != m.base[i] {
			*ptrs[i] = &v
		}
	}
	if m.kind != m.loaded.Kind {
		k := m.kind
		ch.Kind = &k
	}
	if m.owner != m.loaded.OwnerID {
		o := m.owner
		ch.OwnerID = &o
	}
	ch.RemoveCustom = append([]string(nil), m.removed...)
	for _, r := range m.custom {
		name, v := r.key.Value(), r.value.Value()
		if r.orig != "" && name != r.orig {
			if ch.RenameCustom == nil {
				ch.RenameCustom = map[string]string{}
			}
			ch.RenameCustom[r.orig] = name
		}
		if r.orig == "" || v != r.origValue {
			if ch.SetCustom == nil {
				ch.SetCustom = map[string]string{}
			}
			ch.SetCustom[name] = v
		}
	}
	return ch
}

func (m *Model) handleSaved(msg savedMsg) {
	if msg.form != m {
		return
	}
	m.saving = false
	var (
		dup   *store.DuplicateEmailError
		stale *store.StaleError
	)
	switch {
	case msg.err == nil:
		m.Post(SavedMsg{Form: m, Contact: msg.contact, Created: msg.created, Changed: msg.changed})
	case errors.As(msg.err, &dup):
		m.dup, m.confirm = dup, confirmDuplicate
	case errors.As(msg.err, &stale):
		m.stale, m.confirm = stale, confirmStale
	case errors.Is(msg.err, store.ErrInvalid):
		m.formErr = capitalize(refusal(msg.err)) + "."
	default:
		if text := m.c.ErrText(msg.err); text != "" {
			m.formErr = "Not saved: " + text
		}
	}
}

// staleFields names the fields the other edit changed, against the
// contact as this form opened it.
func (m *Model) staleFields() []string {
	if m.stale == nil {
		return nil
	}
	was, now := m.loaded, m.stale.Current
	var out []string
	wv, nv := m.contactValues(was), m.contactValues(now)
	for i, tf := range textFields {
		if wv[i] != nv[i] {
			out = append(out, strings.ToLower(tf.label))
		}
	}
	if was.Kind != now.Kind {
		out = append(out, "kind")
	}
	if was.Status != now.Status {
		out = append(out, "status")
	}
	if was.OwnerID != now.OwnerID {
		out = append(out, "owner")
	}
	if fmt.Sprint(was.Custom) != fmt.Sprint(now.Custom) {
		out = append(out, "custom fields")
	}
	if was.ArchivedAt.IsZero() != now.ArchivedAt.IsZero() {
		out = append(out, "archived")
	}
	return out
}

// refusal is the sentence of a store refusal, without the operations it
// was wrapped in ("edit contact 3: invalid input: …"); "" for nil.
func refusal(err error) string {
	if err == nil {
		return ""
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, store.ErrInvalid.Error()+": "); i >= 0 {
		msg = msg[i+len(store.ErrInvalid.Error())+2:]
	}
	return common.Printable(msg)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// thousands writes n with thousands separators: 102,400.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
