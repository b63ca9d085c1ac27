package personalize

import (
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/tui/internal/editor"
)

// editedMsg carries the body as the editor left it, or the error.
type editedMsg struct {
	body string
	err  error
}

// openEditor opens the body in the editor; the result comes back as an
// editedMsg.
func (m *Model) openEditor() tea.Cmd {
	return editor.Open(m.opts.Editor, m.body.Value(), edited)
}

// edited is the editor.Done of this screen.
func edited(body string, err error) tea.Msg { return editedMsg{body: body, err: err} }

func (m *Model) handleEdited(msg editedMsg) tea.Cmd {
	if msg.err != nil {
		m.Post(errorIntent(msg.err)) // the body in the form is untouched
		return nil
	}
	if msg.body == m.body.Value() {
		return nil
	}
	m.body.SetValue(msg.body)
	return m.schedulePreview()
}
