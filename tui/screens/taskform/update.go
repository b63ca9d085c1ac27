package taskform

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
		cmd = m.handleLoaded(msg)
	case savedMsg:
		m.handleSaved(msg)
	case common.ThemeChangedMsg:
		m.restyle()
	case tea.KeyPressMsg:
		switch {
		case m.confirm != confirmNone:
			m.handleConfirmKey(msg)
		case m.state != stateReady:
			if key.Matches(msg, m.keys.Back) {
				m.Post(common.BackMsg{})
			}
		default:
			cmd = m.handleKey(msg)
		}
	case tea.PasteMsg:
		if m.state == stateReady && m.confirm == confirmNone && m.save == saveIdle {
			cmd = m.updateFocused(msg)
		}
	}
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
		return m.saveTask()
	case key.Matches(msg, k.Enter):
		if m.focus == fieldTitle {
			return m.focusField(fieldDue)
		}
		return m.saveTask()
	case key.Matches(msg, k.Next):
		return m.focusField(m.step(1))
	case key.Matches(msg, k.Prev):
		return m.focusField(m.step(-1))
	case m.save == saveRunning:
		return nil // the form stays as it was saved until the store answers
	case key.Matches(msg, k.OwnerNext):
		m.owner = (m.owner + 1) % len(m.users)
		return nil
	case key.Matches(msg, k.OwnerPrev):
		m.owner = (m.owner + len(m.users) - 1) % len(m.users)
		return nil
	case key.Matches(msg, k.ContactNext):
		m.about = (m.about + 1) % len(m.deal.Contacts)
		return nil
	case key.Matches(msg, k.ContactPrev):
		m.about = (m.about + len(m.deal.Contacts) - 1) % len(m.deal.Contacts)
		return nil
	}
	return m.updateFocused(msg)
}

// updateFocused gives a key or a paste to the focused input.
func (m *Model) updateFocused(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch m.focus {
	case fieldTitle:
		m.title, cmd = m.title.Update(msg)
	case fieldDue:
		m.due, cmd = m.due.Update(msg)
	}
	return cmd
}

func (m *Model) handleConfirmKey(msg tea.KeyPressMsg) {
	switch {
	case key.Matches(msg, m.keys.Yes):
		m.confirm = confirmNone
		m.Post(common.BackMsg{})
	case key.Matches(msg, m.keys.No):
		m.confirm = confirmNone
	}
}
