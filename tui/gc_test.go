package tui

import (
	"os"
	"regexp"
	"runtime/debug"
	"strconv"
	"testing"
)

// The Makefile runs the UI's benchmarks with the UI's GOGC: one value.
func TestMakefileBenchmarksTheUIsGC(t *testing.T) {
	mk, err := os.ReadFile("../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^UI_GOGC\s*:=\s*(\d+)$`).FindSubmatch(mk)
	if m == nil || string(m[1]) != strconv.Itoa(GCPercent) {
		t.Errorf("the Makefile's UI_GOGC is %q, want tui.GCPercent %d", m, GCPercent)
	}
}

// TuneGC sets the UI's collector and puts the old settings back; GOGC in
// the environment wins.
func TestTuneGC(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	restore := TuneGC()
	if got := debug.SetGCPercent(GCPercent); got != GCPercent {
		t.Errorf("GOGC while the UI runs = %d, want %d", got, GCPercent)
	}
	if got := debug.SetMemoryLimit(-1); got != GCMemoryLimit {
		t.Errorf("memory limit while the UI runs = %d, want %d", got, GCMemoryLimit)
	}
	restore()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC after the UI = %d, want 100 back", got)
	}
	t.Setenv("GOGC", "50")
	TuneGC()()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("TuneGC changed GOGC the environment set: %d", got)
	}
}
