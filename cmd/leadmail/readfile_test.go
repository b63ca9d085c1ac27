package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// mkfifo makes a named pipe no one writes to: opening it for reading the
// usual way waits forever.
func mkfifo(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pipe.csv")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	return p
}

// within fails the test if fn has not returned after a minute: the
// watchdog of a read that would hang, not a timing.
func within(t *testing.T, what string, fn func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-time.After(time.Minute):
		t.Fatalf("%s hangs", what)
		return nil
	}
}

func TestTrust09ReadUserFileRefusesWhatIsNoFile(t *testing.T) {
	dir := t.TempDir()
	big := writeTemp(t, dir, "big.md", strings.Repeat("x", maxTextFile+1))
	ok := writeTemp(t, dir, "ok.md", "Hello")
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	for _, tc := range []struct {
		name, path string
		ctx        context.Context
		want       string
	}{
		{"FIFO", mkfifo(t), t.Context(), "named pipe (FIFO), not a file"},
		{"device", "/dev/zero", t.Context(), "is a device, not a file"},
		{"folder", dir, t.Context(), "is a folder, not a file"},
		{"missing", filepath.Join(dir, "gone.md"), t.Context(), "no such file"},
		{"over 1 MB", big, t.Context(), "larger than 1 MB"},
		{"cancelled", ok, cancelled, "context canceled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := within(t, "readUserFile", func() error {
				_, err := readUserFile(tc.ctx, tc.path, maxTextFile)
				return err
			})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	got, err := readUserFile(t.Context(), ok, maxTextFile)
	if err != nil || string(got) != "Hello" {
		t.Fatalf("readUserFile(ok) = %q, %v", got, err)
	}
}

// `leadmail import`, `signatures add --file` and `send --body-file` refuse a
// FIFO and a device at once, and write nothing.
func TestTrust09CommandsRefuseFIFOsAndDevices(t *testing.T) {
	e := newCLIEnv(t)
	useTestSMTP(t)
	to, tmpl := firstEmail(t, e), firstSmartMail(t, e)
	fifo := mkfifo(t)
	before := messageCount(t, e)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"import FIFO", []string{"import", fifo}, "named pipe"},
		{"import /dev/zero", []string{"import", "/dev/zero"}, "is a device"},
		{"signature FIFO", []string{"signatures", "add", "Pipe", "--file", fifo}, "named pipe"},
		{"signature /dev/zero", []string{"signatures", "add", "Zero", "--file", "/dev/zero"}, "is a device"},
		{"body FIFO", []string{"send", "--to", to, "--email", tmpl, "--body-file", fifo}, "named pipe"},
		{"body /dev/zero", []string{"send", "--to", to, "--email", tmpl, "--body-file", "/dev/zero"}, "is a device"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := within(t, tc.name, func() error {
				_, err := e.run(t, tc.args...)
				return err
			})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	if n := messageCount(t, e); n != before {
		t.Errorf("a refusal queued %d messages", n-before)
	}
	out, err := e.run(t, "signatures", "list", "--json")
	if err != nil || strings.Contains(out, "Pipe") || strings.Contains(out, "Zero") {
		t.Errorf("signatures after the refusals: %s %v", out, err)
	}
}

// An import that is cancelled while the file is read stops there.
func TestTrust09ImportReadIsCancellable(t *testing.T) {
	path := streamCSV(t, 100)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := openImportFile(ctx, path, importOptions{})
	if err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("openImportFile with a cancelled context: %v", err)
	}
	if _, err := os.Stat(path + ".rejected.csv"); err == nil {
		t.Error("a cancelled import wrote its rejected rows")
	}
}
