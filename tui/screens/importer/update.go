package importer

import (
	"context"
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/tui/common"
)

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case common.ThemeChangedMsg:
		m.applyStyles()
	case checkedMsg:
		cmd = m.handleChecked(msg)
	case progressMsg:
		cmd = m.handleProgress(msg)
	case doneMsg:
		m.handleDone(msg)
	case tea.KeyPressMsg:
		cmd = m.handleKey(msg)
	default:
		if m.state == statePrompt {
			m.input, cmd = m.input.Update(msg) // paste
		}
	}
	m.updateKeys()
	return m, cmd
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Start):
		if strings.TrimSpace(m.input.Value()) == "" {
			m.errText = "Type the path of a CSV or vCard file."
			return nil
		}
		m.seq++
		m.state, m.errText = stateChecking, ""
		m.input.Blur()
		return check(m.seq, m.input.Value())
	case key.Matches(msg, k.Back):
		m.Post(common.BackMsg{})
		return nil
	case key.Matches(msg, k.Cancel):
		m.state = stateCancelling
		m.cancel()
		return nil
	case key.Matches(msg, k.Again):
		m.state, m.errText = statePrompt, ""
		return m.input.Focus() // the last path stays, to edit
	case key.Matches(msg, k.Close):
		m.Post(common.BackMsg{})
		return nil
	}
	if m.state == statePrompt {
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		m.errText = ""
		return cmd
	}
	return nil
}

func (m *Model) handleChecked(msg checkedMsg) tea.Cmd {
	if msg.seq != m.seq || m.state != stateChecking {
		return nil
	}
	if msg.err != nil {
		m.state, m.errText = statePrompt, m.c.ErrText(msg.err)
		return m.input.Focus() // the typed path is kept, to fix
	}
	ctx, cancel := context.WithCancel(m.c.Ctx)
	updates := make(chan progressMsg, 1)
	m.state, m.path, m.cancel, m.updates = stateRunning, msg.path, cancel, updates
	m.done, m.total = 0, 0
	m.started = m.c.Now()
	m.now = m.started
	return tea.Batch(run(ctx, m.imp, m.seq, msg.path, updates), listen(updates))
}

func (m *Model) handleProgress(msg progressMsg) tea.Cmd {
	if msg.seq != m.seq {
		return nil
	}
	if m.state == stateRunning || m.state == stateCancelling {
		m.done, m.total, m.now = msg.done, msg.total, m.c.Now()
	}
	return listen(m.updates)
}

func (m *Model) handleDone(msg doneMsg) {
	if msg.seq != m.seq {
		return
	}
	m.cancel()
	switch {
	case msg.err == nil:
		m.state, m.report = stateDone, msg.report
		m.Post(common.ContactsChangedMsg{})
	case errors.Is(msg.err, context.Canceled):
		m.state = stateCancelled
	default:
		m.state, m.errText = stateFailed, m.c.ErrText(msg.err)
	}
}
