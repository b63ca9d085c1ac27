package outbox

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
	case bounceCheckedMsg:
		cmd = m.handleBounceChecked(msg)
	case common.OutboxStatusMsg:
		m.status = msg.Status
	case common.OutboxChangedMsg, common.QueuedMsg:
		cmd = m.load() // supersedes a load under way, which may be stale
	case tea.KeyPressMsg:
		if m.confirm != confirmNone {
			cmd = m.handleConfirmKey(msg)
		} else {
			cmd = m.handleKey(msg)
		}
	}
	m.updateKeys()
	return m, cmd
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	page := max(1, m.tableRows())
	row, _ := m.Selected()
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
		m.move(-len(m.rows))
	case key.Matches(msg, k.Bottom):
		m.move(len(m.rows))
	case key.Matches(msg, k.Filter):
		m.filter = (m.filter + 1) % len(filters)
		m.cursor, m.offset = 0, 0
		m.state = stateLoading
		return m.load()
	case key.Matches(msg, k.Open):
		m.Post(common.OpenMessageMsg{MessageID: row.ID})
	case key.Matches(msg, k.Retry):
		return m.checkBounce(actRetry, row)
	case key.Matches(msg, k.Cancel):
		return m.run(actCancel, row)
	case key.Matches(msg, k.Edit):
		return m.checkBounce(actEdit, row)
	case key.Matches(msg, k.Release):
		return m.checkBounce(actRelease, row)
	case key.Matches(msg, k.MarkSent):
		m.confirm, m.confirmID = confirmMarkSent, row.ID
	case key.Matches(msg, k.RetryAll):
		if !m.somethingToSend() {
			m.Post(common.StatusMsg{Text: m.nothingDue(), Level: common.LevelInfo})
			return nil
		}
		m.Post(common.RunOutboxMsg{})
	case key.Matches(msg, k.Back):
		m.Post(common.BackMsg{})
	}
	return nil
}

func (m *Model) handleConfirmKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Yes), key.Matches(msg, k.SendAnyway):
		asked := m.confirm
		m.confirm = confirmNone
		row, ok := m.Selected()
		if !ok || row.ID != m.confirmID {
			return nil
		}
		if asked == confirmBounce {
			return m.proceed(m.bounceAct, row)
		}
		return m.run(actMarkSent, row)
	case key.Matches(msg, k.No):
		if m.confirm == confirmBounce {
			m.Post(common.StatusMsg{Text: "Nothing sent to " + common.Printable(m.bounce.Email), Level: common.LevelInfo})
		}
		m.confirm = confirmNone
	}
	return nil
}
