package personalize

import (
	"fmt"
	"os"
	"os/exec"
	"strings"

	tea "charm.land/bubbletea/v2"
)

// editorReadyMsg says the body was written to path for the editor.
type editorReadyMsg struct {
	path string
	err  error
}

// editedMsg carries the body as the editor left it.
type editedMsg struct {
	body string
	err  error
}

// openEditor writes the body to a temporary Markdown file in a command;
// the editor runs when it is there.
func (m *Model) openEditor() tea.Cmd {
	body := m.body.Value()
	return func() tea.Msg {
		f, err := os.CreateTemp("", "leadmail-*.md")
		if err != nil {
			return editorReadyMsg{err: fmt.Errorf("create a file for the editor: %w", err)}
		}
		_, err = f.WriteString(body)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			_ = os.Remove(f.Name())
			return editorReadyMsg{err: fmt.Errorf("write the body for the editor: %w", err)}
		}
		return editorReadyMsg{path: f.Name()}
	}
}

func (m *Model) handleEditorReady(msg editorReadyMsg) tea.Cmd {
	if msg.err != nil {
		m.Post(errorIntent(msg.err))
		return nil
	}
	args := strings.Fields(m.opts.Editor)
	cmd := exec.Command(args[0], append(args[1:], msg.path)...) //nolint:gosec // the user's own $EDITOR on a file we created
	return tea.ExecProcess(cmd, EditorDone(msg.path))
}

// EditorDone returns what runs when the editor exits: it reads the file
// back and removes it. It is exported for tests, which play the editor.
func EditorDone(path string) tea.ExecCallback {
	return func(runErr error) tea.Msg {
		defer func() { _ = os.Remove(path) }()
		if runErr != nil {
			return editedMsg{err: fmt.Errorf("run the editor: %w", runErr)}
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return editedMsg{err: fmt.Errorf("read the edited body: %w", err)}
		}
		return editedMsg{body: string(b)}
	}
}

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
