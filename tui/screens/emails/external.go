package emails

import (
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/tui/common"
	exteditor "github.com/leadmail/leadmail/tui/internal/editor" // editor is the form here
)

// externalBodyMsg carries the body read back from $EDITOR, or the error.
type externalBodyMsg struct {
	target view
	body   string
	err    error
}

// startExternal opens body in $EDITOR for the current view; the result
// comes back as an externalBodyMsg.
func (m *Model) startExternal(body string) tea.Cmd {
	return exteditor.Open(m.opts.Editor, body, externalBody(m.view))
}

// externalBody reports a $EDITOR round trip to the view that started it.
func externalBody(target view) exteditor.Done {
	return func(body string, err error) tea.Msg {
		return externalBodyMsg{target: target, body: body, err: err}
	}
}

// externalDone puts the edited body (or the error) into the editor that
// opened $EDITOR, if it is still open.
func (m *Model) externalDone(target view, body string, err error) {
	switch {
	case target == viewEditor && m.editor != nil:
		m.editor.busy = busyNone
		if err == nil {
			m.editor.body.SetValue(body)
			m.editor.body.MoveToBegin()
		}
	case target == viewSigEditor && m.sig != nil:
		m.sig.busy = busyNone
		if err == nil {
			m.sig.body.SetValue(body)
			m.sig.body.MoveToBegin()
		}
	default:
		return
	}
	if err != nil {
		m.Post(common.ErrorMsg{Err: err})
	}
}
