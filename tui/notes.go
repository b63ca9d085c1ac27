package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/screens/callform"
	"github.com/leadmail/leadmail/tui/screens/note"
)

// The root's part in notes and logged calls: it opens the note editor, a
// note from Life of the Lead and the call form, and once one saved, closes
// the form that is done and tells every screen the contact changed.

// noteOptions are what the note screen needs of the root's options.
func (m *Model) noteOptions() note.Options {
	return note.Options{Sender: m.opts.Sender, Editor: m.opts.Editor}
}

// openNoteEditor opens the editor for a new note on a contact, or on a
// deal and its primary contact.
func (m *Model) openNoteEditor(msg common.NewNoteMsg) tea.Cmd {
	opts := m.noteOptions()
	opts.OpportunityID = msg.OpportunityID
	return m.push(note.New(m.common, m.opts.Store, msg.ContactID, opts))
}

// openNote shows a note from Life of the Lead, rendered; e edits it there.
func (m *Model) openNote(msg common.OpenNoteMsg) tea.Cmd {
	return m.push(note.Open(m.common, m.opts.Store, msg.NoteID, m.noteOptions()))
}

// openCallForm opens the form that logs a call with a contact.
func (m *Model) openCallForm(msg common.LogCallMsg) tea.Cmd {
	return m.push(callform.New(m.common, m.opts.Store, callform.Options{ContactID: msg.ContactID, Me: m.opts.Sender}))
}

// noteSaved closes the editor of a new note once it is written (an edited
// note stays on show, as saved) and tells every screen its contact
// changed.
func (m *Model) noteSaved(msg note.SavedMsg) tea.Cmd {
	if msg.Close {
		m.closeFinished(func(s common.Screen) bool { _, ok := s.(*note.Model); return ok })
	}
	return m.broadcast(common.ContactChangedMsg{ContactID: msg.Note.ContactID})
}

// callSaved closes the call form once the call is logged and tells every
// screen its contact changed.
func (m *Model) callSaved(msg callform.SavedMsg) tea.Cmd {
	m.closeFinished(func(s common.Screen) bool { _, ok := s.(*callform.Model); return ok })
	return m.broadcast(common.ContactChangedMsg{ContactID: msg.Call.ContactID})
}

// closeFinished takes the topmost screen that is done off the stack, wherever it
// is (a question may stand over it); the first screen always stays.
func (m *Model) closeFinished(done func(common.Screen) bool) {
	for i := len(m.stack) - 1; i > 0; i-- {
		if done(m.stack[i]) {
			m.stack = append(m.stack[:i], m.stack[i+1:]...)
			return
		}
	}
}
