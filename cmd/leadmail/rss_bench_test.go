package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/mail/demo"
	"github.com/leadmail/leadmail/store"
)

// benchContacts is the size of BenchmarkTUIPeakRSS's database; issue 5's
// bar is at 1M (`make bench-1m` passes -benchcontacts 1000000).
var benchContacts = flag.Int("benchcontacts", 100_000, "contacts in the benchmark database")

// rssChildEnv names the database a re-executed test binary browses as the
// real terminal UI, then reports its peak RSS.
const rssChildEnv = "LEADMAIL_RSS_CHILD_DB"

// BenchmarkTUIPeakRSS is issue 5's memory bar: the peak resident set of the
// running terminal UI (`leadmail --db`, outbox worker included) while it
// pages through the whole list, jumps to both ends, filters by kind,
// searches and opens a contact. The database is built first, by this
// process; the UI runs in a fresh process (this test binary, re-executed),
// so the build's memory is not counted. Keys go in through a pipe, frames
// out to a buffer whose tail is checked.
func BenchmarkTUIPeakRSS(b *testing.B) {
	dir := b.TempDir()
	dbPath := filepath.Join(dir, "crm.db")
	ctx := b.Context()
	db, err := store.Open(ctx, dbPath, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.UpsertUser(ctx, demoSender); err != nil {
		b.Fatal(err)
	}
	owners, err := seedOwners(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	if err := demo.Synthetic(ctx, db, *benchContacts, owners, nil); err != nil {
		b.Fatal(err)
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	env := append(os.Environ(), rssChildEnv+"="+dbPath,
		"XDG_DATA_HOME="+filepath.Join(dir, "data"), "XDG_STATE_HOME="+filepath.Join(dir, "state"),
		"XDG_CONFIG_HOME="+filepath.Join(dir, "config"), "LEADMAIL_USER_EMAIL="+demoSender.Email,
		"LEADMAIL_SMTP_HOST=", "LEADMAIL_SMTP_PASSWORD=")
	var peak int
	for b.Loop() {
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("TUI child: %v\n%s", err, out)
		}
		_, v, ok := strings.Cut(string(out), "peak-rss-kb ")
		kb, err := strconv.Atoi(strings.TrimSpace(v))
		if !ok || err != nil {
			b.Fatalf("TUI child said:\n%s", out)
		}
		peak = max(peak, kb)
	}
	b.ReportMetric(float64(peak)/1024, "peak-rss-MB")
	b.ReportMetric(float64(*benchContacts), "contacts")
}

// rssChild runs the terminal UI on dbPath with a scripted session and
// prints its peak RSS; it is the child of BenchmarkTUIPeakRSS.
func rssChild(dbPath string) int {
	in, keys := io.Pipe()
	frames := &tailBuffer{max: 64 << 10}
	go func() {
		script(keys)
		_ = keys.Close()
	}()
	err := runRoot(context.Background(), &globals{dbPath: dbPath},
		tea.WithInput(in), tea.WithOutput(frames), tea.WithWindowSize(120, 40))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	// The session ends on a contact's page: the keys went through.
	if tail := frames.String(); !strings.Contains(tail, "Life of the Lead") {
		fmt.Fprintf(os.Stderr, "the session never opened a contact; last output:\n%q\n", tail)
		return 1
	}
	kb, err := peakRSS()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("peak-rss-kb %d\n", kb)
	return 0
}

// script types a browsing session: every page of a long stretch, both
// ends, the kind filters, four searches and a contact, then quits. Each
// key waits long enough for its page fetch; searches wait out the debounce.
func script(w io.Writer) {
	const (
		pgDn, pgUp, home, end = "\x1b[6~", "\x1b[5~", "\x1b[H", "\x1b[F"
		esc, enter, tab       = "\x1b", "\r", "\t"
		ctrlU, ctrlC          = "\x15", "\x03"
	)
	send := func(k string, n int, pause time.Duration) {
		for range n {
			_, _ = io.WriteString(w, k)
			time.Sleep(pause)
		}
	}
	time.Sleep(500 * time.Millisecond) // the first frame
	send(pgDn, 200, 5*time.Millisecond)
	send(end, 1, 50*time.Millisecond)
	send(pgUp, 50, 5*time.Millisecond)
	send(home, 1, 50*time.Millisecond)
	send(tab, 1, 50*time.Millisecond) // Leads
	send(pgDn, 50, 5*time.Millisecond)
	send(tab, 2, 50*time.Millisecond) // Contacts, then All
	for _, q := range []string{"ka", "mar", "lin be", "o'brien"} {
		send("/", 1, 50*time.Millisecond)
		send(q, 1, 400*time.Millisecond)
		send(enter, 1, 50*time.Millisecond)
		send(pgDn, 5, 5*time.Millisecond)
		send("/", 1, 50*time.Millisecond)
		send(ctrlU, 1, 300*time.Millisecond)
		send(enter, 1, 50*time.Millisecond)
	}
	send(enter, 1, 300*time.Millisecond) // open the contact under the cursor
	send(esc, 1, 300*time.Millisecond)
	send(ctrlC, 1, 0)
}

// peakRSS is this process's peak resident set, in KiB (Linux).
func peakRSS() (int, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			return strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/self/status")
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if over := t.buf.Len() - t.max; over > 0 {
		t.buf.Next(over)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}
