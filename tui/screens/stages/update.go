package stages

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
	case common.ThemeChangedMsg:
		m.restyle()
	case tea.KeyPressMsg:
		switch m.mode {
		case modeForm:
			cmd = m.handleFormKey(msg)
		case modeAsking:
			m.handleAskKey(msg)
		case modeMoveTo:
			m.handleMoveToKey(msg)
		case modeList:
			cmd = m.handleKey(msg)
		}
	case tea.PasteMsg:
		if m.mode == modeForm {
			cmd = m.updateFocused(msg)
		}
	}
	m.updateKeys()
	return m, cmd
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	if m.state != stateReady {
		if key.Matches(msg, k.Back) {
			m.Post(common.BackMsg{})
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Up):
		m.cursor = max(0, m.cursor-1)
	case key.Matches(msg, k.Down):
		m.cursor = min(len(m.rows)-1, m.cursor+1)
	case key.Matches(msg, m.keys.MoveUp):
		m.move(-1)
	case key.Matches(msg, m.keys.MoveDown):
		m.move(1)
	case key.Matches(msg, k.Add):
		return m.openForm(-1)
	case key.Matches(msg, k.Edit):
		return m.openForm(m.cursor)
	case key.Matches(msg, k.Remove):
		m.remove()
	case key.Matches(msg, k.Save):
		return m.save()
	case key.Matches(msg, k.Back):
		if m.Dirty() {
			m.mode = modeAsking
			return nil
		}
		m.Post(common.BackMsg{})
	}
	return nil
}

// handleFormKey: enter applies the form, tab goes to the other field, esc
// leaves the list as it was; anything else is typed.
func (m *Model) handleFormKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Apply):
		return m.applyForm()
	case key.Matches(msg, k.Next):
		return m.focusField(1 - m.focus)
	case key.Matches(msg, k.Cancel):
		m.closeForm()
		return nil
	}
	m.formErr = ""
	return m.updateFocused(msg)
}

// updateFocused gives a key or a paste to the focused input.
func (m *Model) updateFocused(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	if m.focus == fieldName {
		m.name, cmd = m.name.Update(msg)
	} else {
		m.probability, cmd = m.probability.Update(msg)
	}
	return cmd
}

func (m *Model) handleAskKey(msg tea.KeyPressMsg) {
	switch {
	case key.Matches(msg, m.keys.Yes):
		m.mode = modeList
		m.Post(common.BackMsg{})
	case key.Matches(msg, m.keys.No):
		m.mode = modeList
	}
}

// handleMoveToKey: ←/→ choose where the deals of the stage being removed
// go, enter removes it, esc keeps it.
func (m *Model) handleMoveToKey(msg tea.KeyPressMsg) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Left):
		m.chooseDest(-1)
	case key.Matches(msg, k.Right):
		m.chooseDest(1)
	case key.Matches(msg, k.Apply):
		m.confirmMove()
	case key.Matches(msg, k.Cancel):
		m.mode = modeList
	}
}
