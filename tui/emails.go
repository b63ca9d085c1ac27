package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/tui/screens/emails"
)

// openEmails shows the Emails designer, unless it is already in front.
func (m *Model) openEmails() tea.Cmd {
	if _, ok := m.top().(*emails.Model); ok {
		return nil
	}
	return m.push(emails.New(m.common, m.opts.Store, emails.Options{Sender: m.opts.Sender, Editor: m.opts.Editor}))
}
