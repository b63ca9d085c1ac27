package today

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
	case actionMsg:
		cmd = m.handleAction(msg)
	case common.ContactChangedMsg, common.ContactsChangedMsg, common.MailSyncedMsg, RefreshMsg:
		if m.state != stateLoading {
			cmd = m.load() // supersedes a load under way, which may be stale
		}
	case common.ThemeChangedMsg:
		m.when.SetStyles(m.c.Styles.Input)
	case tea.KeyPressMsg:
		if m.prompt != promptNone {
			cmd = m.handlePromptKey(msg)
		} else {
			cmd = m.handleKey(msg)
		}
	case tea.PasteMsg:
		if m.prompt != promptNone {
			m.when, cmd = m.when.Update(msg)
		}
	}
	m.clampOffset() // the prompt's height follows what is typed
	m.updateKeys()
	return m, cmd
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	page := max(1, m.listLines()-1)
	t, _ := m.Selected()
	switch {
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.PageUp):
		m.move(-page)
	case key.Matches(msg, k.PageDown):
		m.move(page)
	case key.Matches(msg, k.Top):
		m.move(-len(m.items))
	case key.Matches(msg, k.Bottom):
		m.move(len(m.items))
	case key.Matches(msg, k.Open):
		m.Post(common.OpenContactMsg{ContactID: t.ContactID})
	case key.Matches(msg, k.Done):
		return m.run(actDone, t, t.DueAt)
	case key.Matches(msg, k.Snooze):
		return m.openPrompt(promptSnooze)
	case key.Matches(msg, k.Reschedule):
		return m.openPrompt(promptReschedule)
	case key.Matches(msg, k.All):
		m.all = !m.all
		m.cursor, m.offset = 0, 0
		m.state = stateLoading
		return m.load()
	case key.Matches(msg, k.Back):
		m.Post(common.BackMsg{})
	}
	return nil
}

func (m *Model) handlePromptKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Accept):
		return m.accept()
	case key.Matches(msg, k.Cancel):
		m.closePrompt()
		return nil
	case key.Matches(msg, k.ChoiceUp):
		m.choice = (m.choice + len(snoozePresets) - 1) % len(snoozePresets)
		return nil
	case key.Matches(msg, k.ChoiceDown):
		m.choice = (m.choice + 1) % len(snoozePresets)
		return nil
	}
	var cmd tea.Cmd
	m.when, cmd = m.when.Update(msg)
	return cmd
}
