package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/tui/common"
)

// status is the one-line message under the screen. Each new text gets a
// sequence number; the tick that clears it carries the number, so an old
// tick never clears a newer text.
type status struct {
	text  string
	level common.Level
	seq   int
}

// statusClearMsg clears the status line if it still shows text seq.
type statusClearMsg struct{ seq int }

// setStatus shows text and schedules its removal. Errors stay twice as long.
func (m *Model) setStatus(text string, level common.Level) tea.Cmd {
	m.status.seq++
	m.status.text, m.status.level = text, level
	ttl := m.opts.StatusTTL
	if level == common.LevelError {
		ttl *= 2
	}
	seq := m.status.seq
	return tea.Tick(ttl, func(time.Time) tea.Msg { return statusClearMsg{seq: seq} })
}

func (m *Model) clearStatus(msg statusClearMsg) {
	if msg.seq == m.status.seq {
		m.status.text = ""
	}
}

// StatusText is the status line's text as shown (the undo countdown while
// it runs), for tests and tools.
func (m *Model) StatusText() string {
	if m.showsCountdown() {
		return m.countdownText()
	}
	return m.status.text
}
