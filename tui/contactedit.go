package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/screens/contact"
	"github.com/leadmail/leadmail/tui/screens/contactform"
)

// handleContactEdit acts on the intents of changing a contact by hand:
// it opens the form (n on Contacts, e on a contact), the status chooser
// (s), the archive question (a) and the forget confirmation (X), and
// follows their results. Every change ends with a status line and a
// common.ContactChangedMsg to every screen.
func (m *Model) handleContactEdit(msg tea.Msg) tea.Cmd {
	st, c, by := m.opts.Store, m.common, m.opts.Sender.ID
	switch msg := msg.(type) {
	case common.NewContactMsg:
		if _, ok := m.top().(*contactform.Model); ok {
			return nil
		}
		return m.push(contactform.New(c, st, contactform.Options{By: by}))
	case common.EditContactMsg:
		if f, ok := m.top().(*contactform.Model); ok && f.ContactID() == msg.ContactID {
			return nil
		}
		return m.push(contactform.New(c, st, contactform.Options{ContactID: msg.ContactID, By: by}))
	case common.SetStatusMsg:
		return m.push(contactform.NewStatus(c, st, msg.ContactID, by, m.top()))
	case common.ArchiveContactMsg:
		return m.push(contactform.NewArchive(c, st, msg.ContactID, by, m.top()))
	case common.ForgetContactMsg:
		return m.push(contactform.NewForget(c, st, msg.ContactID, m.top()))
	case contactform.SavedMsg:
		return m.contactSaved(msg)
	case contactform.DoneMsg:
		return m.contactDone(msg)
	}
	return nil
}

// contactSaved closes the form; a new contact's screen opens in its place.
func (m *Model) contactSaved(msg contactform.SavedMsg) tea.Cmd {
	m.dropScreens(func(s common.Screen) bool { return s == msg.Form })
	ct := msg.Contact
	name := common.Printable(ct.Name())
	text := "Saved " + name + "."
	switch {
	case msg.Created:
		text = fmt.Sprintf("Added the %s %s.", ct.Kind, name)
	case !msg.Changed:
		text = "Nothing changed: " + name + " already has these values."
	}
	cmds := []tea.Cmd{m.broadcast(common.ContactChangedMsg{ContactID: ct.ID})}
	if msg.Created {
		cmds = append(cmds, m.push(contact.New(m.common, m.opts.Store, ct.ID)))
	}
	return tea.Batch(append(cmds, m.setStatus(text, common.LevelSuccess))...)
}

// contactDone closes a dialog that changed a contact; after a forget,
// every screen about the person closes with it, back to the list.
func (m *Model) contactDone(msg contactform.DoneMsg) tea.Cmd {
	m.dropScreens(func(s common.Screen) bool {
		if s == msg.Dialog {
			return true
		}
		about, ok := s.(interface{ ContactID() int64 })
		return msg.Forgotten && ok && about.ContactID() == msg.ContactID
	})
	return tea.Batch(m.broadcast(common.ContactChangedMsg{ContactID: msg.ContactID}),
		m.setStatus(msg.Text, common.LevelSuccess))
}

// dropScreens takes the screens gone matches off the stack, wherever they are;
// the first screen always stays.
func (m *Model) dropScreens(gone func(common.Screen) bool) {
	keep := m.stack[:1]
	for _, s := range m.stack[1:] {
		if !gone(s) {
			keep = append(keep, s)
		}
	}
	clear(m.stack[len(keep):])
	m.stack = keep
}
