package importer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// dbImporter imports one generated contact per line of the file into a
// real store; with gate set, it stops at the first progress report until
// the import is cancelled. Its preview is one Email column unless preview
// is set; it records the options of every import.
type dbImporter struct {
	db      *store.DB
	gate    bool
	started chan struct{}
	once    sync.Once
	preview *Preview

	mu      sync.Mutex
	imports []Options
}

func (d *dbImporter) Preview(_ context.Context, path string) (Preview, error) {
	if d.preview != nil {
		return *d.preview, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Preview{}, err
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	return Preview{File: path, Format: "csv", Source: "generic", Rows: len(lines),
		Columns: []Column{{Name: "Email", Field: "email", Custom: "custom.email", Sample: lines[0]}}}, nil
}

// options returns the options of every import so far.
func (d *dbImporter) options() []Options {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Options(nil), d.imports...)
}

func (d *dbImporter) Import(ctx context.Context, path string, opts Options, progress func(Progress)) (Report, error) {
	d.mu.Lock()
	d.imports = append(d.imports, opts)
	d.mu.Unlock()
	data, err := os.ReadFile(path)
	if err != nil {
		return Report{}, err
	}
	var cs []store.Contact
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		cs = append(cs, store.Contact{Kind: store.KindLead, FirstName: fmt.Sprint("P", i), Email: strings.TrimSpace(line)})
	}
	rep, err := d.db.ImportContacts(ctx, cs, store.ImportOptions{Source: filepath.Base(path), Progress: func(p store.ImportProgress) {
		progress(Progress{Stage: string(p.Stage), Done: p.Done, Total: p.Total})
		if d.gate {
			d.once.Do(func() { close(d.started) })
			<-ctx.Done()
		}
	}})
	if err != nil {
		return Report{}, err
	}
	return Report{File: path, Format: "csv", Source: "generic", Read: len(cs), Created: rep.Created,
		SkippedDuplicates: rep.Skipped, NoEmail: 1,
		Invalid:      []Rejected{{Line: 7, Reason: `invalid email "bob@"`}, {Line: 12, Reason: "no name and no email"}},
		RejectedFile: path + ".rejected.csv"}, nil
}

// notOurs drops the cursor's blinks, which never end.
func notOurs(msg tea.Msg) bool {
	switch msg.(type) {
	case checkedMsg, previewedMsg, progressMsg, doneMsg, completedMsg:
		return false
	}
	return true
}

type harness struct {
	*Model
	db *store.DB
}

func open(t *testing.T, w, h int, gate bool) (*harness, *dbImporter) {
	t.Helper()
	db := tuitest.OpenStore(t, tuitest.Clock)
	imp := &dbImporter{db: db, gate: gate, started: make(chan struct{})}
	m := New(tuitest.Common(t), imp)
	m.SetSize(w, h)
	m.Init()
	return &harness{Model: m, db: db}, imp
}

func (h *harness) update(msg tea.Msg) tea.Cmd {
	_, cmd := h.Update(msg)
	return cmd
}

func (h *harness) typePath(p string) {
	for _, k := range tuitest.Type(p) {
		h.update(k)
	}
}

// csvFile writes n lines of addresses and returns its path.
func csvFile(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "p%d@example.com\n", i)
	}
	path := filepath.Join(t.TempDir(), "leads.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func (h *harness) count(t *testing.T) int {
	t.Helper()
	n, err := h.db.CountContacts(t.Context(), store.ContactFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPromptView(t *testing.T) {
	for _, sz := range [][2]int{{120, 40}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			h, _ := open(t, sz[0], sz[1], false)
			h.typePath("~/leads.csv")
			tuitest.Golden(t, h.View())
		})
	}
}

func TestMissingFileKeepsThePath(t *testing.T) {
	h, _ := open(t, 80, 24, false)
	if !h.Capturing() || !h.keys.Start.Enabled() || h.keys.Cancel.Enabled() {
		t.Fatal("the prompt does not have the keys")
	}
	missing := filepath.Join(t.TempDir(), "nope.csv")
	h.typePath(missing)
	tuitest.Pump(t, h.update, h.update(tuitest.Key("enter")), notOurs)
	if h.state != statePrompt || !strings.Contains(h.errText, "no such file") {
		t.Fatalf("state %v, error %q", h.state, h.errText)
	}
	if h.input.Value() != missing {
		t.Errorf("typed path lost: %q", h.input.Value())
	}
	if !strings.Contains(tuitest.Strip(h.View()), "no such file") {
		t.Error("the error is not shown")
	}

	h.input.SetValue(t.TempDir())
	tuitest.Pump(t, h.update, h.update(tuitest.Key("enter")), notOurs)
	if !strings.Contains(h.errText, "is a folder") {
		t.Errorf("a folder: %q", h.errText)
	}
}

func TestExpandHome(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	home, _ := os.UserHomeDir()
	if err := os.WriteFile(filepath.Join(home, "x.csv"), []byte("a@example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	msg := check(1, "~/x.csv")().(checkedMsg)
	if msg.err != nil || msg.path != filepath.Join(home, "x.csv") {
		t.Errorf("check ~/x.csv = %+v", msg)
	}
}

func TestImportReports(t *testing.T) {
	h, imp := open(t, 120, 40, false)
	path := csvFile(t, 600)
	h.typePath(path)
	tuitest.Pump(t, h.update, h.update(tuitest.Key("enter")), notOurs)
	if h.state != stateOptions || h.Capturing() || !h.keys.Run.Enabled() || h.keys.Start.Enabled() {
		t.Fatalf("after the path: state %v: %s", h.state, h.errText)
	}
	tuitest.Pump(t, h.update, h.update(tuitest.Key("enter")), notOurs)
	if got := imp.options(); len(got) != 1 || got[0].Map != nil || got[0].Kind != "" ||
		got[0].OnDuplicate != "skip" || got[0].OwnerID != 0 || got[0].DryRun {
		t.Errorf("the defaults reached the importer as %+v", got)
	}
	if h.state != stateDone {
		t.Fatalf("state %v: %s", h.state, h.errText)
	}
	if h.report.Created != 600 || h.count(t) != 600 {
		t.Errorf("created %d, contacts %d", h.report.Created, h.count(t))
	}
	var changed bool
	for _, in := range h.Intents() {
		_, changed = in.(common.ContactsChangedMsg)
	}
	if !changed {
		t.Error("the contact list is not told to reload")
	}
	if !h.keys.Close.Enabled() || !h.keys.Again.Enabled() || h.keys.Cancel.Enabled() || h.keys.Start.Enabled() {
		t.Error("report keys")
	}
	h.report.File = "leads.csv" // the temporary directory varies
	h.report.RejectedFile = "leads.csv.rejected.csv"
	h.report.UnknownOwners = map[string]int{"Jane Doe": 2, "Ola Nordmann": 1}
	for _, sz := range [][2]int{{120, 40}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			h.SetSize(sz[0], sz[1])
			tuitest.Golden(t, h.View())
		})
	}
	h.update(tuitest.Key("esc"))
	if in := h.Intents(); len(in) != 1 || in[0] != (common.BackMsg{}) {
		t.Errorf("esc on the report: %v", in)
	}
}

func TestProgressView(t *testing.T) {
	for _, sz := range [][2]int{{120, 40}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			h, _ := open(t, sz[0], sz[1], false)
			h.seq, h.state, h.path = 1, stateRunning, "~/leads.csv"
			h.update(progressMsg{seq: 1, Progress: Progress{Stage: "inserting", Done: 1500, Total: 6000}})
			h.now = tuitest.Now.Add(3 * time.Second) // 500 rows/s, 9s left
			h.updateKeys()
			if !h.keys.Cancel.Enabled() || h.keys.Start.Enabled() || h.Capturing() {
				t.Error("running keys")
			}
			tuitest.Golden(t, h.View())
		})
	}
}

func TestProgressStages(t *testing.T) {
	h, _ := open(t, 120, 40, false)
	h.seq, h.state, h.path = 1, stateRunning, "~/leads.csv"
	for _, tc := range []struct {
		p    Progress
		want string
	}{
		{Progress{}, "reading the file…"},
		{Progress{Stage: "inserting", Total: 6000}, "0 / 6000 rows · — rows/s · ETA —"},
		{Progress{Stage: "indexing"}, "building the indexes for sorting and search…"},
		{Progress{Stage: "saving"}, "saving…"},
	} {
		h.update(progressMsg{seq: 1, Progress: tc.p})
		if v := tuitest.Strip(h.View()); !strings.Contains(v, tc.want) {
			t.Errorf("%+v: no %q in\n%s", tc.p, tc.want, v)
		}
	}
}

func TestCancelLeavesTheDatabase(t *testing.T) {
	h, imp := open(t, 80, 24, true)
	before := h.count(t)
	h.typePath(csvFile(t, 2000))
	tuitest.Pump(t, h.update, h.update(tuitest.Key("enter")), notOurs)
	run := h.update(tuitest.Key("enter"))
	if h.state != stateRunning {
		t.Fatalf("state %v: %s", h.state, h.errText)
	}
	got := make(chan []tea.Msg)
	go func() { got <- tuitest.Exec(t, run, 0) }()
	select {
	case <-imp.started:
	case <-time.After(5 * time.Second):
		t.Fatal("the import did not start")
	}
	h.update(tuitest.Key("x"))
	if h.state != stateCancelling {
		t.Fatalf("state after x: %v", h.state)
	}
	for _, msg := range <-got {
		h.update(msg)
	}
	if h.state != stateCancelled {
		t.Fatalf("state %v: %s", h.state, h.errText)
	}
	if after := h.count(t); after != before {
		t.Errorf("contacts %d, before the import %d", after, before)
	}
	if !strings.Contains(tuitest.Strip(h.View()), "Nothing was written") {
		t.Errorf("view:\n%s", tuitest.Strip(h.View()))
	}
	h.update(tuitest.Key("i"))
	if h.state != statePrompt || !h.Capturing() {
		t.Errorf("i after a cancel: state %v", h.state)
	}
}
