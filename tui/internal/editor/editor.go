// Package editor runs the user's $EDITOR on a body of text and reads the
// result back, for every screen that offers ctrl+e. The round trip is one
// command so screens keep no temporary-file state and do no file I/O in
// Update.
package editor

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	tea "charm.land/bubbletea/v2"
)

// ErrNoEditor is reported when no editor is set and none of the
// fallbacks is installed.
var ErrNoEditor = errors.New("no editor found: set $EDITOR (for example export EDITOR=nano) and restart leadmail")

// Fallbacks are the editors tried, in order, when none is set: as git does,
// vi first, then the friendlier nano.
func Fallbacks() []string { return []string{"vi", "nano"} }

// Resolve returns the editor command line to run: editorCmd when set,
// otherwise the first of Fallbacks found on $PATH, otherwise ErrNoEditor.
// It searches $PATH, so it runs in a command, never in Update.
func Resolve(editorCmd string) (string, error) {
	if strings.TrimSpace(editorCmd) != "" {
		return editorCmd, nil
	}
	for _, name := range Fallbacks() {
		if path, err := exec.LookPath(name); err == nil {
			return path, nil
		}
	}
	return "", ErrNoEditor
}

// Done turns the outcome of a round trip into the caller's message. On a
// non-nil err the body is empty and the caller keeps its own.
type Done func(body string, err error) tea.Msg

// Open returns a command that writes body to a temporary Markdown file, runs
// editorCmd on it through tea.ExecProcess (the terminal is handed over), and
// reports the edited body through done. An empty editorCmd falls back as
// Resolve says. The file is removed in every case.
func Open(editorCmd, body string, done Done) tea.Cmd {
	return func() tea.Msg {
		editorCmd, err := Resolve(editorCmd)
		if err != nil {
			return done("", err)
		}
		path, err := Prepare(body)
		if err != nil {
			return done("", err)
		}
		return tea.ExecProcess(Command(editorCmd, path), Exited(path, done))()
	}
}

// Prepare writes body to a new temporary Markdown file and returns its path.
// On failure nothing is left behind.
func Prepare(body string) (string, error) {
	f, err := os.CreateTemp("", "leadmail-*.md")
	if err != nil {
		return "", fmt.Errorf("create a file for $EDITOR: %w", err)
	}
	_, err = f.WriteString(body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return "", fmt.Errorf("write a file for $EDITOR: %w", err)
	}
	return f.Name(), nil
}

// Command is the editor command line (which may carry flags, as in
// "code --wait") run on path.
func Command(editorCmd, path string) *exec.Cmd {
	args := strings.Fields(editorCmd)
	if len(args) == 0 {
		return exec.Command("") // fails to start rather than running path
	}
	return exec.Command(args[0], append(args[1:], path)...) //nolint:gosec // the user's own $EDITOR on a file we created
}

// Exited is what runs when the editor exits. It answers with a command, not
// the result, because tea calls it on the event loop: reading the file back
// belongs in a command.
func Exited(path string, done Done) tea.ExecCallback {
	return func(runErr error) tea.Msg {
		return tea.BatchMsg{func() tea.Msg { return done(Finish(path, runErr)) }}
	}
}

// Finish ends a round trip on path: after a failed editor it removes the
// file and reports the failure, otherwise it reads the file back.
func Finish(path string, runErr error) (string, error) {
	if runErr != nil {
		_ = os.Remove(path) // best effort; the edit is lost with the editor
		return "", fmt.Errorf("$EDITOR failed: %w", runErr)
	}
	return ReadBack(path)
}

// ReadBack reads the edited file and removes it. Line endings become "\n"
// and one trailing newline the editor added is dropped, so an unchanged body
// stays unchanged.
func ReadBack(path string) (string, error) {
	defer func() { _ = os.Remove(path) }()
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read back from $EDITOR: %w", err)
	}
	return strings.TrimSuffix(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n"), nil
}
