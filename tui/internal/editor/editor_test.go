package editor

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// result is what the tests' Done returns.
type result struct {
	body string
	err  error
}

func done(body string, err error) tea.Msg { return result{body: body, err: err} }

// exited runs what Exited answers, as tea would: the batch's one command.
func exited(t *testing.T, path string, runErr error) result {
	t.Helper()
	batch, ok := Exited(path, done)(runErr).(tea.BatchMsg)
	if !ok || len(batch) != 1 {
		t.Fatalf("Exited answered %#v, want a batch of one command", batch)
	}
	r, ok := batch[0]().(result)
	if !ok {
		t.Fatal("the command did not answer through done")
	}
	return r
}

func gone(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("%s is left behind: %v", path, err)
	}
}

func TestPrepare(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	path, err := Prepare("Hi {{first_name}}")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Remove(path) })
	if filepath.Ext(path) != ".md" || filepath.Dir(path) != os.TempDir() {
		t.Errorf("path %q, want a .md file in %s", path, os.TempDir())
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "Hi {{first_name}}" {
		t.Errorf("file holds %q, %v", b, err)
	}
}

func TestPrepareFails(t *testing.T) {
	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "missing"))
	if _, err := Prepare("body"); err == nil || !strings.Contains(err.Error(), "$EDITOR") {
		t.Errorf("err = %v, want a clear error", err)
	}
	r := Open("true", "body", done)().(result)
	if r.err == nil || r.body != "" {
		t.Errorf("Open gave %+v, want the write error", r)
	}
}

func TestCommand(t *testing.T) {
	tests := []struct {
		editor string
		want   []string
	}{
		{"vi", []string{"vi", "/tmp/f.md"}},
		{"code --wait", []string{"code", "--wait", "/tmp/f.md"}},
		{"  emacs  -nw ", []string{"emacs", "-nw", "/tmp/f.md"}},
	}
	for _, tt := range tests {
		t.Run(tt.editor, func(t *testing.T) {
			if got := Command(tt.editor, "/tmp/f.md").Args; !slices.Equal(got, tt.want) {
				t.Errorf("args %q, want %q", got, tt.want)
			}
		})
	}
	if err := Command("", "/tmp/f.md").Run(); err == nil {
		t.Error("an empty editor must fail, not run the file")
	}
}

func TestReadBack(t *testing.T) {
	tests := []struct {
		name, file, want string
	}{
		{"unchanged", "Hi", "Hi"},
		{"newline added", "Hi\n", "Hi"},
		{"only one newline dropped", "Hi\n\n", "Hi\n"},
		{"CRLF", "Hi\r\nthere\r\n", "Hi\nthere"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f.md")
			if err := os.WriteFile(path, []byte(tt.file), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := ReadBack(path)
			if err != nil || got != tt.want {
				t.Errorf("ReadBack = %q, %v; want %q", got, err, tt.want)
			}
			gone(t, path)
		})
	}
	if _, err := ReadBack(filepath.Join(t.TempDir(), "missing.md")); err == nil {
		t.Error("a missing file must be an error")
	}
}

// TestRoundTrip plays the editor with a script taking a flag, as
// tea.ExecProcess would run it.
func TestRoundTrip(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	script := filepath.Join(t.TempDir(), "ed.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\n[ \"$1\" = --wait ] || exit 2\nprintf 'Edited\\r\\n' > \"$2\"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	path, err := Prepare("Original")
	if err != nil {
		t.Fatal(err)
	}
	r := exited(t, path, Command(script+" --wait", path).Run())
	if r.err != nil || r.body != "Edited" {
		t.Errorf("got %+v, want the edited body", r)
	}
	gone(t, path)
}

func TestEditorFails(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	path, err := Prepare("Original")
	if err != nil {
		t.Fatal(err)
	}
	r := exited(t, path, Command("false", path).Run())
	if r.err == nil || r.body != "" || !strings.Contains(r.err.Error(), "$EDITOR failed") {
		t.Errorf("got %+v, want the failure and no body", r)
	}
	gone(t, path)
}

func TestTrust20EditorFallsBackWhenUnset(t *testing.T) {
	bin := t.TempDir()
	nano := filepath.Join(bin, "nano")
	if err := os.WriteFile(nano, []byte("#!/bin/sh\nexit 0\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, set, path, want string
		err                   error
	}{
		{name: "set wins", set: "code --wait", path: bin, want: "code --wait"},
		{name: "nano when no vi", set: "", path: bin, want: nano},
		{name: "blank is unset", set: "  ", path: bin, want: nano},
		{name: "nothing installed", set: "", path: t.TempDir(), err: ErrNoEditor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("PATH", tt.path)
			got, err := Resolve(tt.set)
			if got != tt.want || !errors.Is(err, tt.err) {
				t.Errorf("Resolve(%q) = %q, %v; want %q, %v", tt.set, got, err, tt.want, tt.err)
			}
		})
	}
	t.Run("Open says so", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		r, ok := Open("", "body", done)().(result)
		if !ok || !errors.Is(r.err, ErrNoEditor) || !strings.Contains(r.err.Error(), "set $EDITOR") {
			t.Errorf("Open with no editor gave %#v", r)
		}
	})
}
