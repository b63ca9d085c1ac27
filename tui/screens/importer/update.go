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
	case previewedMsg:
		cmd = m.handlePreviewed(msg)
	case progressMsg:
		cmd = m.handleProgress(msg)
	case doneMsg:
		m.handleDone(msg)
	case completedMsg:
		m.handleCompleted(msg)
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
	case key.Matches(msg, k.Complete):
		return complete(m.input.Value())
	case key.Matches(msg, k.Return):
		m.seq++ // a preview still being read is dropped
		m.state, m.errText = statePrompt, ""
		return m.input.Focus() // the path stays, to edit
	case m.state == stateOptions:
		return m.handleOptionKey(msg)
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
		m.errText, m.matches = "", nil
		return cmd
	}
	return nil
}

// handleCompleted puts a Tab completion in the prompt, unless the user
// typed on meanwhile, and keeps the names to show when it is ambiguous.
func (m *Model) handleCompleted(msg completedMsg) {
	if m.state != statePrompt || m.input.Value() != msg.typed {
		return
	}
	m.input.SetValue(msg.Value)
	m.input.CursorEnd()
	m.matches = nil
	if len(msg.Matches) > 1 {
		m.matches = msg.Matches
	}
}

// handleOptionKey moves over the preview's rows, changes one, or starts
// the import.
func (m *Model) handleOptionKey(msg tea.KeyPressMsg) tea.Cmd {
	k, c := m.keys, &m.choice
	switch {
	case key.Matches(msg, k.Up):
		m.moveCursor(-1)
	case key.Matches(msg, k.Down):
		m.moveCursor(1)
	case key.Matches(msg, k.Prev):
		c.cycle(m.preview, c.cursor, -1)
	case key.Matches(msg, k.Next):
		c.cycle(m.preview, c.cursor, 1)
	case key.Matches(msg, k.Run):
		return m.start()
	}
	return nil
}

// moveCursor moves over the columns then the option rows; the columns
// scroll, the option rows are always shown.
func (m *Model) moveCursor(delta int) {
	c := &m.choice
	n := len(m.preview.Columns)
	c.cursor = max(0, min(c.cursor+delta, n+optionRows-1))
	if n > 0 {
		cur := min(c.cursor, n-1)
		_, c.offset = common.MoveCursor(cur, c.offset, 0, n, m.columnRows())
	}
}

func (m *Model) handleChecked(msg checkedMsg) tea.Cmd {
	if msg.seq != m.seq || m.state != stateChecking {
		return nil
	}
	if msg.err != nil {
		m.state, m.errText = statePrompt, m.c.ErrText(msg.err)
		return m.input.Focus() // the typed path is kept, to fix
	}
	m.path = msg.path
	return previewFile(m.c.Ctx, m.imp, m.seq, msg.path)
}

func (m *Model) handlePreviewed(msg previewedMsg) tea.Cmd {
	if msg.seq != m.seq || m.state != stateChecking {
		return nil
	}
	if msg.err != nil {
		m.state, m.errText = statePrompt, m.c.ErrText(msg.err)
		return m.input.Focus()
	}
	if !sameColumns(m.preview, msg.preview) || len(m.preview.Users) != len(msg.preview.Users) {
		m.choice = newChoices(msg.preview)
	} // else the same file again (after a dry run): the choices stay
	m.state, m.preview = stateOptions, msg.preview
	m.moveCursor(0)
	return nil
}

// start runs the import with the choices of the preview.
func (m *Model) start() tea.Cmd {
	m.seq++
	ctx, cancel := context.WithCancel(m.c.Ctx)
	updates := make(chan progressMsg, 1)
	m.state, m.cancel, m.updates = stateRunning, cancel, updates
	m.progress = Progress{}
	m.stageStarted = m.c.Now()
	m.now = m.stageStarted
	return tea.Batch(run(ctx, m.imp, m.seq, m.path, m.choice.options(m.preview), updates), listen(updates))
}

func (m *Model) handleProgress(msg progressMsg) tea.Cmd {
	if msg.seq != m.seq {
		return nil
	}
	if m.state == stateRunning || m.state == stateCancelling {
		if msg.Stage != m.progress.Stage {
			m.stageStarted = m.c.Now() // rate and ETA are per stage
		}
		m.progress, m.now = msg.Progress, m.c.Now()
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
		if !msg.report.DryRun {
			m.Post(common.ContactsChangedMsg{})
		}
	case errors.Is(msg.err, context.Canceled):
		m.state = stateCancelled
	default:
		m.state, m.errText = stateFailed, m.c.ErrText(msg.err)
	}
}
