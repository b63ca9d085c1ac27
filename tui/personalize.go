package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/screens/personalize"
)

// openPersonalize opens Personalize over the picker (a new draft) or over
// the Outbox screen (a queued message's draft).
func (m *Model) openPersonalize(msg common.OpenPersonalizeMsg) tea.Cmd {
	if _, ok := m.top().(*personalize.Model); ok {
		return nil
	}
	return m.push(personalize.New(m.common, m.opts.Store, m.opts.Mailer, personalize.Options{
		Contact: msg.Contact, EmailID: msg.EmailID, MessageID: msg.MessageID, Editor: m.opts.Editor,
		OpportunityID: msg.OpportunityID}))
}

// closePersonalize closes Personalize once its send was queued; the rest
// of handleQueued then goes on exactly as for a Quick Send from the picker.
// A refused send leaves it open with every edit.
func (m *Model) closePersonalize(msg common.QueuedMsg) {
	if msg.Err != nil {
		return
	}
	if p, ok := m.top().(*personalize.Model); ok && p.ContactID() == msg.Contact.ID {
		m.pop()
	}
}
