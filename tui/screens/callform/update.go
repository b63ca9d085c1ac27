package callform

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/screens/note"
)

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
		case m.asking:
			m.handleAskKey(msg)
		case m.state != stateReady:
			if key.Matches(msg, m.keys.Back) {
				m.Post(common.BackMsg{})
			}
		default:
			cmd = m.handleKey(msg)
		}
	case tea.PasteMsg:
		if m.state == stateReady && !m.asking && m.save == saveIdle {
			var n int
			msg.Content, n = note.StripBidi(msg.Content)
			if n > 0 {
				m.Post(common.StatusMsg{Text: note.StrippedStatus(n), Level: common.LevelWarning})
			}
			cmd = m.updateFocused(msg)
		}
	}
	m.layout()
	m.updateKeys()
	return m, cmd
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Back):
		if m.Dirty() {
			m.asking = true
			return nil
		}
		m.Post(common.BackMsg{})
		return nil
	case key.Matches(msg, k.Save):
		return m.saveCall()
	case key.Matches(msg, k.Next):
		return m.focusField((m.focus + 1) % fieldCount)
	case key.Matches(msg, k.Prev):
		return m.focusField((m.focus + fieldCount - 1) % fieldCount)
	case m.save == saveRunning:
		return nil // the form stays as it was saved until the store answers
	case m.focus != fieldNote && key.Matches(msg, k.Enter):
		return m.focusField(m.focus + 1)
	case m.focus == fieldOutcome && key.Matches(msg, k.OutcomeNext):
		m.outcome = (m.outcome + 1) % len(Outcomes)
		return nil
	case m.focus == fieldOutcome && key.Matches(msg, k.OutcomePrev):
		m.outcome = (m.outcome + len(Outcomes) - 1) % len(Outcomes)
		return nil
	}
	return m.updateFocused(msg)
}

// updateFocused gives a key or a paste to the focused input.
func (m *Model) updateFocused(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch m.focus {
	case fieldDuration:
		m.duration, cmd = m.duration.Update(msg)
	case fieldNote:
		m.note, cmd = m.note.Update(msg)
	}
	return cmd
}

func (m *Model) handleAskKey(msg tea.KeyPressMsg) {
	switch {
	case key.Matches(msg, m.keys.Yes):
		m.asking = false
		m.Post(common.BackMsg{})
	case key.Matches(msg, m.keys.No):
		m.asking = false
	}
}
