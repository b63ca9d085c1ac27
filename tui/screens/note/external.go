package note

import (
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/tui/common"
	exteditor "github.com/leadmail/leadmail/tui/internal/editor"
)

// externalMsg carries the body read back from $EDITOR, or the error.
type externalMsg struct {
	body string
	err  error
}

// startExternal opens the editor's text in $EDITOR; the result comes back
// as an externalMsg.
func (m *Model) startExternal() tea.Cmd {
	m.busy = busyExternal
	return exteditor.Open(m.opts.Editor, m.body.Value(), externalDone)
}

// externalDone reports a $EDITOR round trip.
func externalDone(body string, err error) tea.Msg { return externalMsg{body: body, err: err} }

// handleExternal puts the edited text in the editor, or reports why
// $EDITOR failed and keeps the text as it was.
func (m *Model) handleExternal(msg externalMsg) tea.Cmd {
	if m.busy != busyExternal {
		return nil
	}
	m.busy = busyNone
	if msg.err != nil {
		m.Post(common.ErrorMsg{Err: msg.err})
		return nil
	}
	body, n := StripBidi(msg.body)
	if n > 0 {
		m.Post(common.StatusMsg{Text: StrippedStatus(n), Level: common.LevelWarning})
	}
	m.body.SetValue(body)
	m.body.MoveToBegin()
	return nil
}
