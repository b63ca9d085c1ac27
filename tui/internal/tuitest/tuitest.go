// Package tuitest holds what the TUI's tests share: a real SQLite store in a
// temporary directory filled with a small, fixed world, a frozen clock, key
// presses by name, and a loop that runs a model's commands and feeds their
// messages back.
package tuitest

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/theme"
)

// Now is the frozen "now" of every UI test: Thursday 26 November 2026,
// 10:00 UTC.
var Now = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// Clock returns Now.
func Clock() time.Time { return Now }

// Common returns the shared screen context for tests: frozen clock, dark
// theme with colour (goldens strip ANSI), errors shown as their text.
func Common(t testing.TB) *common.Common {
	return &common.Common{
		Ctx:     t.Context(),
		Styles:  theme.New(true, false),
		Now:     Clock,
		ErrText: func(err error) string { return err.Error() },
	}
}

// Key returns the key press named like tea.KeyPressMsg.String: "enter",
// "down", "esc", "ctrl+c", or a single character such as "m" or "G".
func Key(name string) tea.KeyPressMsg {
	special := map[string]rune{
		"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab,
		"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
		"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd,
		"backspace": tea.KeyBackspace, "space": tea.KeySpace, "f1": tea.KeyF1,
	}
	if strings.HasPrefix(name, "ctrl+") {
		return tea.KeyPressMsg{Code: rune(name[len("ctrl+")]), Mod: tea.ModCtrl}
	}
	if r, ok := special[name]; ok {
		return tea.KeyPressMsg{Code: r}
	}
	r := []rune(name)
	if len(r) != 1 {
		panic("tuitest.Key: unknown key " + name)
	}
	return tea.KeyPressMsg{Code: r[0], Text: name}
}

// Type returns one key press per character of s.
func Type(s string) []tea.KeyPressMsg {
	var out []tea.KeyPressMsg
	for _, r := range s {
		out = append(out, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return out
}

// cmdTimeout bounds each command; a debounce tick is 120 ms, a store query
// a millisecond.
const cmdTimeout = 5 * time.Second

// Exec runs cmd, and the commands of any batch it returns, concurrently, and
// returns their messages. Commands that have not answered within wait are
// abandoned (long status-line ticks); wait of zero means cmdTimeout and
// failing the test instead.
func Exec(t testing.TB, cmd tea.Cmd, wait time.Duration) []tea.Msg {
	t.Helper()
	if cmd == nil {
		return nil
	}
	var (
		mu   sync.Mutex
		out  []tea.Msg
		wg   sync.WaitGroup
		run  func(tea.Cmd)
		done = make(chan struct{})
	)
	run = func(c tea.Cmd) {
		defer wg.Done()
		msg := c()
		if batch, ok := msg.(tea.BatchMsg); ok {
			for _, sub := range batch {
				if sub != nil {
					wg.Add(1)
					go run(sub)
				}
			}
			return
		}
		if msg != nil {
			mu.Lock()
			out = append(out, msg)
			mu.Unlock()
		}
	}
	wg.Add(1)
	go run(cmd)
	go func() { wg.Wait(); close(done) }()
	limit := wait
	if limit == 0 {
		limit = cmdTimeout
	}
	select {
	case <-done:
	case <-time.After(limit):
		if wait == 0 {
			t.Fatalf("a command did not finish within %s", cmdTimeout)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	return append([]tea.Msg(nil), out...)
}

// Pump runs cmd and feeds every message it produces back into update, and
// so on until no command is left. Messages for which drop returns true are
// not fed back (drop may be nil).
func Pump(t testing.TB, update func(tea.Msg) tea.Cmd, cmd tea.Cmd, drop func(tea.Msg) bool) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 1000 {
			t.Fatal("Pump: commands keep coming")
		}
		c := queue[0]
		queue = queue[1:]
		for _, msg := range Exec(t, c, 0) {
			if drop != nil && drop(msg) {
				continue
			}
			if next := update(msg); next != nil {
				queue = append(queue, next)
			}
		}
	}
}

// Strip removes ANSI sequences and trailing spaces on each line, for
// goldens that read as plain text.
func Strip(s string) string {
	lines := strings.Split(ansi.Strip(s), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// Golden compares the view, ANSI stripped, with testdata/<TestName>.golden
// (x/exp/golden; rewrite with go test -update).
func Golden(t testing.TB, view string) {
	t.Helper()
	golden.RequireEqual(t, Strip(view))
}

// OpenStore opens a fresh database in the test's temporary directory with a
// clock the caller controls.
func OpenStore(t testing.TB, now func() time.Time) *store.DB {
	t.Helper()
	return openStoreAt(t, filepath.Join(t.TempDir(), "t.db"), now)
}

func openStoreAt(t testing.TB, path string, now func() time.Time) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), path, store.Options{Now: now})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}
