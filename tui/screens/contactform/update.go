package contactform

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// maxCustomRows is the most custom fields the form offers to add.
const maxCustomRows = store.MaxCustomFields

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case loadedMsg:
		cmd = m.handleLoaded(msg)
	case savedMsg:
		m.handleSaved(msg)
	case common.ThemeChangedMsg:
		m.restyle()
	case tea.KeyPressMsg:
		switch {
		case m.state != stateReady:
			if key.Matches(msg, m.keys.Back) {
				m.Post(common.BackMsg{})
			}
		case m.confirm != confirmNone:
			cmd = m.handleConfirmKey(msg)
		case m.saving:
			// The form stays as it was sent until the store answers.
		default:
			cmd = m.handleKey(msg)
		}
	case tea.PasteMsg:
		if m.state == stateReady && m.confirm == confirmNone && !m.saving {
			cmd = m.paste(msg)
		}
	}
	m.scrollToFocus()
	m.updateKeys()
	return m, cmd
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Back):
		if m.Dirty() {
			m.confirm = confirmDiscard
			return nil
		}
		m.Post(common.BackMsg{})
		return nil
	case key.Matches(msg, k.Save):
		return m.save(store.ContactOptions{})
	case key.Matches(msg, k.Enter):
		if m.focus == m.lastField() {
			return m.save(store.ContactOptions{})
		}
		return m.focusField(m.focus + 1)
	case key.Matches(msg, k.Next):
		return m.focusField((m.focus + 1) % (m.lastField() + 1))
	case key.Matches(msg, k.Prev):
		return m.focusField((m.focus + m.lastField()) % (m.lastField() + 1))
	case key.Matches(msg, k.Left):
		m.choose(-1)
		return nil
	case key.Matches(msg, k.Right):
		m.choose(1)
		return nil
	case key.Matches(msg, k.AddCustom):
		return m.addCustom()
	case key.Matches(msg, k.RemoveCustom):
		return m.removeCustom()
	}
	return m.updateFocused(msg)
}

// choose moves the kind or the owner chooser by delta.
func (m *Model) choose(delta int) {
	m.formErr = ""
	switch m.focus {
	case fieldKind:
		if m.kind == store.KindLead {
			m.kind = store.KindContact
		} else {
			m.kind = store.KindLead
		}
	case fieldOwner:
		ids := []int64{0}
		for _, u := range m.users {
			ids = append(ids, u.ID)
		}
		i := 0
		for j, id := range ids {
			if id == m.owner {
				i = j
			}
		}
		m.owner = ids[(i+delta+len(ids))%len(ids)]
	}
}

func (m *Model) handleConfirmKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch m.confirm {
	case confirmDiscard:
		switch {
		case key.Matches(msg, k.Yes):
			m.confirm = confirmNone
			m.Post(common.BackMsg{})
		case key.Matches(msg, k.No):
			m.confirm = confirmNone
		}
	case confirmDuplicate:
		switch {
		case key.Matches(msg, k.Yes):
			m.confirm = confirmNone
			return m.save(store.ContactOptions{AllowDuplicateEmail: true})
		case key.Matches(msg, k.Open):
			m.Post(common.OpenContactMsg{ContactID: m.dup.Other.ID})
		case key.Matches(msg, k.No):
			m.confirm, m.dup = confirmNone, nil
			return m.focusField(fieldEmail)
		}
	case confirmStale:
		switch {
		case key.Matches(msg, k.Reload):
			name := common.Printable(m.stale.Current.Name())
			m.confirm = confirmNone
			m.fill(m.stale.Current)
			m.notice = "Reloaded " + name + " as it is now; your changes were dropped."
			return m.focusField(min(m.focus, m.lastField()))
		case key.Matches(msg, k.Overwrite):
			// Mine go on top of theirs: only the fields this form changed
			// are written, on the version the store has now.
			m.confirm = confirmNone
			m.loaded.Version = m.stale.Current.Version
			m.stale = nil
			return m.save(store.ContactOptions{})
		case key.Matches(msg, k.No):
			m.confirm = confirmNone
		}
	}
	return nil
}

// updateFocused gives a key to the focused input and checks what changed.
func (m *Model) updateFocused(msg tea.Msg) tea.Cmd {
	in := m.textFocus()
	if in == nil {
		return nil
	}
	before := in.Value()
	var cmd tea.Cmd
	*in, cmd = in.Update(msg)
	if in.Value() != before {
		m.formErr, m.notice = "", ""
		m.validate(m.focus, false)
	}
	return cmd
}

// paste inserts pasted text into the focused input, unless the field could
// not hold it: then it refuses with a sentence and inserts nothing, so a
// 100 KB paste never lands half in a name.
func (m *Model) paste(msg tea.PasteMsg) tea.Cmd {
	in := m.textFocus()
	if in == nil {
		return nil
	}
	limit, what := m.limit(m.focus)
	if n := len([]rune(in.Value())) + len([]rune(msg.Content)); limit > 0 && n > limit {
		m.notice = fmt.Sprintf("Nothing was pasted: the %s would be %s characters long, and it holds at most %d.",
			what, thousands(n), limit)
		return nil
	}
	return m.updateFocused(msg)
}

// limit is the most characters field f holds, and its name.
func (m *Model) limit(f field) (int, string) {
	if isTextField(f) {
		tf := textFields[textIndex(f)]
		return store.ContactFieldLimit(tf.name), common.Humanize(tf.name)
	}
	if _, part, ok := m.customAt(f); ok {
		if part == 0 {
			return store.MaxCustomKeyLen, "custom field name"
		}
		return store.MaxCustomValueLen, "custom field value"
	}
	return 0, ""
}

// focusField moves the focus to f, checking the field it leaves.
func (m *Model) focusField(f field) tea.Cmd {
	if m.state != stateReady {
		return nil
	}
	if f != m.focus {
		m.validate(m.focus, true)
	}
	m.focus = max(fieldKind, min(f, m.lastField()))
	for i := range m.inputs {
		m.inputs[i].Blur()
	}
	for _, r := range m.custom {
		r.key.Blur()
		r.value.Blur()
	}
	if in := m.textFocus(); in != nil {
		return in.Focus()
	}
	return nil
}

// addCustom adds an empty custom field and focuses its name.
func (m *Model) addCustom() tea.Cmd {
	m.custom = append(m.custom, m.newCustomRow())
	return m.focusField(fieldCustom + field(2*(len(m.custom)-1)))
}

// removeCustom removes the focused custom field; one the contact had is
// removed on save.
func (m *Model) removeCustom() tea.Cmd {
	r, _, ok := m.customAt(m.focus)
	if !ok {
		return nil
	}
	i := int(m.focus-fieldCustom) / 2
	if r.orig != "" {
		m.removed = append(m.removed, r.orig)
	}
	m.custom = append(m.custom[:i], m.custom[i+1:]...)
	m.formErr = ""
	next := m.focus - (m.focus-fieldCustom)%2
	if len(m.custom) == 0 {
		next = fieldOwner
	}
	m.focus = fieldKind // nothing to check on the row that is gone
	return m.focusField(min(next, m.lastField()))
}

// validate checks field f with the store's validators. A field is checked
// once the user left it (left), and as typed from then on, so a sentence
// does not shout at an address half typed.
func (m *Model) validate(f field, left bool) {
	if isTextField(f) {
		i := textIndex(f)
		m.checked[i] = m.checked[i] || left
		m.errs[i] = ""
		if m.checked[i] {
			m.errs[i] = refusal(store.CheckContactField(textFields[i].name, m.inputs[i].Value()))
		}
		return
	}
	if r, _, ok := m.customAt(f); ok {
		r.checked = r.checked || left
		if r.checked {
			m.checkCustom(r)
		}
	}
}

// checkCustom checks a custom row's name and value, and that no other row
// has its name.
func (m *Model) checkCustom(r *customRow) {
	name := r.key.Value()
	r.keyErr = refusal(store.CheckCustomFieldName(name))
	r.valErr = refusal(store.CheckCustomFieldValue(name, r.value.Value()))
	if r.keyErr != "" {
		return
	}
	for _, o := range m.custom {
		if o != r && o.key.Value() == name {
			r.keyErr = fmt.Sprintf("there is already a custom field %q", name)
		}
	}
}

// validateAll checks every field and returns the first that is refused,
// or -1.
func (m *Model) validateAll() field {
	first := field(-1)
	for i, tf := range textFields {
		m.checked[i] = true
		m.validate(tf.f, true)
		if m.errs[i] != "" && first < 0 {
			first = tf.f
		}
	}
	for i, r := range m.custom {
		r.checked = true
		m.checkCustom(r)
		if first < 0 {
			switch {
			case r.keyErr != "":
				first = fieldCustom + field(2*i)
			case r.valErr != "":
				first = fieldCustom + field(2*i+1)
			}
		}
	}
	return first
}
