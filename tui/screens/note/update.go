package note

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/tui/common"
)

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case loadedMsg:
		m.handleLoaded(msg)
	case savedMsg:
		m.handleSaved(msg)
	case externalMsg:
		cmd = m.handleExternal(msg)
	case common.ThemeChangedMsg:
		m.restyle()
	case tea.KeyPressMsg:
		cmd = m.handleKey(msg)
	case tea.PasteMsg:
		if m.state == stateEdit && !m.asking && m.busy == busyNone {
			var n int
			msg.Content, n = StripBidi(msg.Content)
			if n > 0 {
				m.Post(common.StatusMsg{Text: StrippedStatus(n), Level: common.LevelWarning})
			}
			m.body, cmd = m.body.Update(msg)
		}
	}
	m.layout()
	m.updateKeys()
	return m, cmd
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case m.asking:
		m.handleAskKey(msg)
		return nil
	case m.state == stateEdit:
		return m.handleEditKey(msg)
	case key.Matches(msg, k.Back):
		m.Post(common.BackMsg{})
	case key.Matches(msg, k.Edit):
		return m.startEdit()
	default:
		m.scroll(msg)
	}
	return nil
}

func (m *Model) handleEditKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case m.busy == busyExternal:
		return nil // the text is in $EDITOR
	case key.Matches(msg, k.Leave):
		if m.Dirty() {
			m.asking = true
			return nil
		}
		m.leaveEditor()
		return nil
	case m.busy == busySaving:
		return nil // the text stays as it was saved until the store answers
	case key.Matches(msg, k.Save):
		return m.save()
	case key.Matches(msg, k.External):
		return m.startExternal()
	}
	var cmd tea.Cmd
	m.body, cmd = m.body.Update(msg)
	return cmd
}

func (m *Model) handleAskKey(msg tea.KeyPressMsg) {
	switch {
	case key.Matches(msg, m.keys.Yes):
		m.asking = false
		m.leaveEditor()
	case key.Matches(msg, m.keys.No):
		m.asking = false
	}
}

// leaveEditor closes a new note's screen, or shows an edited note as it
// was saved.
func (m *Model) leaveEditor() {
	m.saveErr = ""
	m.body.Blur()
	if m.noteID == 0 {
		m.Post(common.BackMsg{})
		return
	}
	m.state = stateView
	m.setRendered()
}
