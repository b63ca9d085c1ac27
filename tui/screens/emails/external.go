package emails

import (
	"fmt"
	"os"
	"os/exec"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/tui/common"
)

// externalCommand runs the editor command line (which may carry flags, as
// in "code --wait") on path.
func externalCommand(editor, path string) *exec.Cmd {
	args := strings.Fields(editor)
	args = append(args, path)
	return exec.Command(args[0], args[1:]...) //nolint:gosec // the user's own $EDITOR
}

// tempFileMsg says the body was written to a temporary file for $EDITOR.
type tempFileMsg struct {
	target view
	path   string
	err    error
}

// externalDoneMsg says $EDITOR exited.
type externalDoneMsg struct {
	target view
	path   string
	err    error
}

// externalBodyMsg carries the body read back from the temporary file.
type externalBodyMsg struct {
	target view
	body   string
	err    error
}

// startExternal writes body to a temporary Markdown file; $EDITOR opens
// it when the file is ready.
func (m *Model) startExternal(body string) tea.Cmd {
	target := m.view
	return func() tea.Msg {
		path, err := writeTemp(body)
		return tempFileMsg{target: target, path: path, err: err}
	}
}

func writeTemp(body string) (string, error) {
	f, err := os.CreateTemp("", "leadmail-*.md")
	if err != nil {
		return "", fmt.Errorf("create a file for $EDITOR: %w", err)
	}
	if _, err := f.WriteString(body); err != nil {
		_ = f.Close()
		_ = os.Remove(f.Name())
		return "", fmt.Errorf("write a file for $EDITOR: %w", err)
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(f.Name())
		return "", fmt.Errorf("write a file for $EDITOR: %w", err)
	}
	return f.Name(), nil
}

// readBack reads the edited file and removes it. A trailing newline the
// editor added is dropped so an unchanged body stays unchanged.
func readBack(path string) (string, error) {
	defer func() { _ = os.Remove(path) }()
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read back from $EDITOR: %w", err)
	}
	return strings.TrimSuffix(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n"), nil
}

func (m *Model) handleTempFile(msg tempFileMsg) tea.Cmd {
	if msg.err != nil {
		m.externalDone(msg.target, "", msg.err)
		return nil
	}
	path, target := msg.path, msg.target
	return tea.ExecProcess(externalCommand(m.opts.Editor, path), func(err error) tea.Msg {
		return externalDoneMsg{target: target, path: path, err: err}
	})
}

func (m *Model) handleExternalDone(msg externalDoneMsg) tea.Cmd {
	path, target, runErr := msg.path, msg.target, msg.err
	return func() tea.Msg {
		if runErr != nil {
			_ = os.Remove(path) // best effort; the edit is lost with the editor
			return externalBodyMsg{target: target, err: fmt.Errorf("$EDITOR failed: %w", runErr)}
		}
		body, err := readBack(path)
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
