package tui

import (
	"os"
	"runtime/debug"
)

// GCPercent is the collector's GOGC while the terminal UI runs. The UI
// keeps a small live heap and allocates in bursts (a page of 50 contacts is
// about 40 KB through the SQLite driver), so at Go's default of 100 it
// collects every hundred pages or so, and on a two-core laptop the page
// that meets a collection is the slow one: at 1,000,000 contacts a page's
// p99 was 1.0–4.6 ms at 100 and 0.6–1.1 ms at 400, p50 falling too
// (BenchmarkContactsSorted; make bench-1m runs the store benchmarks with
// this value, as the UI does).
const GCPercent = 400

// GCMemoryLimit is a ceiling for heavy work inside the UI (an import of a
// large file): its heap may not grow to five times what it holds, only to
// this, past which Go collects as often as it must. Browsing stays far
// below it (peak RSS 52 MB at 1,000,000 contacts, BenchmarkTUIPeakRSS).
const GCMemoryLimit = 256 << 20

// TuneGC sets GCPercent and GCMemoryLimit for the UI's run, unless GOGC or
// GOMEMLIMIT in the environment already chose, and returns what puts the
// previous settings back.
func TuneGC() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	pct := debug.SetGCPercent(GCPercent)
	limit := debug.SetMemoryLimit(GCMemoryLimit)
	return func() {
		debug.SetGCPercent(pct)
		debug.SetMemoryLimit(limit)
	}
}
