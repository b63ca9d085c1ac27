package personalize

import (
	"fmt"
	"net/mail"
	"strings"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
)

// maxMatches is how many contacts the search offers at once.
const maxMatches = 5

// recipientField is More To, CC or BCC: the recipients added (chips), the
// input, the contacts matching what is typed, and the latest refusal.
type recipientField struct {
	label string
	name  string // "to", "cc" or "bcc", as CheckRecipient reads it
	input textinput.Model
	chips []outbox.Recipient

	matches  []store.Contact
	cursor   int // index into matches
	seq      int // the latest search; older results are dropped
	checking int // checks under way
	err      string
}

func newRecipientField(label, name string) *recipientField {
	return &recipientField{label: label, name: name, input: newInput("type a name or an address", 254)}
}

func (r *recipientField) list() []outbox.Recipient {
	return append([]outbox.Recipient(nil), r.chips...)
}

// searchTickMsg ends a debounce: search if nothing was typed since.
type searchTickMsg struct {
	field int
	seq   int
}

// searchMsg carries the contacts matching a query.
type searchMsg struct {
	field    int
	seq      int
	contacts []store.Contact
	err      error
}

// checkedMsg is the outbox's verdict on a recipient being added.
type checkedMsg struct {
	field int
	r     outbox.Recipient
	typed string // the input's text when it was added
	err   error
}

// typedChanged restarts the debounce of field i's search.
func (m *Model) typedChanged(i int) tea.Cmd {
	r := m.recipients[i]
	r.seq++
	r.err = ""
	if isBlank(r.input.Value()) {
		r.matches, r.cursor = nil, 0
		m.offerDeal()
		return nil
	}
	seq := r.seq
	return tea.Tick(m.opts.Debounce, func(time.Time) tea.Msg { return searchTickMsg{field: i, seq: seq} })
}

func (m *Model) handleSearchTick(msg searchTickMsg) tea.Cmd {
	r := m.recipients[msg.field]
	if msg.seq != r.seq {
		return nil
	}
	ctx, s, q, seq := m.c.Ctx, m.store, strings.TrimSpace(r.input.Value()), r.seq
	return func() tea.Msg {
		page, err := s.ListContacts(ctx, store.PageRequest{Filter: store.ContactFilter{Search: q}, Limit: maxMatches * 2})
		var found []store.Contact
		for _, c := range page.Contacts {
			if c.Email != "" && len(found) < maxMatches {
				found = append(found, c)
			}
		}
		return searchMsg{field: msg.field, seq: seq, contacts: found, err: err}
	}
}

func (m *Model) handleSearch(msg searchMsg) {
	r := m.recipients[msg.field]
	if msg.seq != r.seq {
		return // typing went on
	}
	if msg.err != nil {
		r.err = "Cannot search contacts: " + m.c.ErrText(msg.err)
		return
	}
	r.matches, r.cursor = msg.contacts, 0
}

// addRecipient adds the highlighted match, or the typed address, after the
// outbox has checked it.
func (m *Model) addRecipient(i int) tea.Cmd {
	r := m.recipients[i]
	typed := r.input.Value()
	var rc outbox.Recipient
	if len(r.matches) > 0 {
		c := r.matches[r.cursor]
		rc = outbox.Recipient{Name: c.Name(), Email: c.Email, ContactID: c.ID}
	} else {
		a, err := mail.ParseAddress(strings.TrimSpace(typed))
		if err != nil {
			r.err = fmt.Sprintf("%q is not an email address", strings.TrimSpace(typed))
			return nil
		}
		rc = outbox.Recipient{Name: a.Name, Email: a.Address}
	}
	for _, have := range m.allRecipients() {
		if strings.EqualFold(have.Email, rc.Email) {
			r.err = rc.Email + " is already a recipient"
			return nil
		}
	}
	r.checking++
	r.err = ""
	ctx, mailer, name := m.c.Ctx, m.mailer, r.name
	return func() tea.Msg {
		return checkedMsg{field: i, r: rc, typed: typed, err: mailer.CheckRecipient(ctx, rc, name)}
	}
}

// allRecipients is everyone the message goes to, the primary first.
func (m *Model) allRecipients() []outbox.Recipient {
	out := []outbox.Recipient{{Name: m.contact.Name(), Email: m.contact.Email, ContactID: m.contact.ID}}
	for _, r := range m.recipients {
		out = append(out, r.chips...)
	}
	return out
}

func (m *Model) handleChecked(msg checkedMsg) tea.Cmd {
	r := m.recipients[msg.field]
	r.checking = max(0, r.checking-1)
	if msg.err != nil {
		r.err = m.c.ErrText(msg.err) // the typed text stays to be corrected
		return nil
	}
	r.chips = append(r.chips, msg.r)
	if r.input.Value() == msg.typed {
		r.input.Reset()
		r.matches, r.cursor = nil, 0
		r.seq++
	}
	m.offerDeal()
	return m.schedulePreview()
}

// removeLast drops the last recipient of field i.
func (m *Model) removeLast(i int) tea.Cmd {
	r := m.recipients[i]
	if len(r.chips) == 0 {
		return nil
	}
	r.chips = r.chips[:len(r.chips)-1]
	r.err = ""
	m.offerDeal()
	return m.schedulePreview()
}

// chipText is a recipient as a chip: the name, or the address.
func chipText(rc outbox.Recipient) string {
	if rc.Name != "" {
		return rc.Name + " <" + rc.Email + ">"
	}
	return rc.Email
}
