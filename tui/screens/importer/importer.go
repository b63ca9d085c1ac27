// Package importer is the Import screen of the leadmail TUI: a prompt for
// a CSV or vCard file; a preview of what was found in it (the exporting
// application, the rows, each column and the field it imports as) where the
// user can remap columns and choose kind, owner, what to do with people
// already known, and a dry run, as `leadmail import` does with flags; the
// import itself with a progress bar (rows done, rows per second, time left)
// that x cancels, leaving the database as it was; and the report at the end
// (created, updated, skipped, rejected rows with their lines and where they
// were written).
package importer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"charm.land/bubbles/v2/progress"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/tui/common"
)

// Importer reads a contact file and imports it in one transaction.
type Importer interface {
	// Preview reads the file at path without writing anything and says how
	// it would be imported with no column remapped, and who may own it.
	Preview(ctx context.Context, path string) (Preview, error)
	// Import imports the file at path with opts; a cancelled ctx leaves the
	// database as it was. progress is called now and then with the
	// contacts handled so far; it must not block.
	Import(ctx context.Context, path string, opts Options, progress func(Progress)) (Report, error)
}

// Report is what an import did.
type Report struct {
	File, Format, Source string
	// DryRun says nothing was written: the counts are what would have been.
	DryRun            bool
	Read, Created     int
	Updated           int
	SkippedDuplicates int
	NoEmail           int
	Invalid           []Rejected
	// Skipped lists skipped duplicates by line, the first ones if many.
	Skipped []Rejected
	// Warnings are as in Preview.
	Warnings []string
	// RejectedFile is where the invalid rows were written, if any.
	RejectedFile string
	// UnknownOwners counts the rows whose owner (a name or email in the
	// file) is no user, by that owner.
	UnknownOwners map[string]int
}

// Progress is how far a running import is: Stage is "inserting" (reading
// the file, checking each email against the database and writing),
// "indexing" or "saving"; Done and Total count rows while inserting, Total
// an estimate from the file's lines until the end.
type Progress struct {
	Stage       string
	Done, Total int
}

// Rejected is one invalid row of the file.
type Rejected struct {
	Line   int
	Reason string
}

type state int

const (
	statePrompt   state = iota
	stateChecking       // the file is opened, then previewed
	stateOptions        // the preview: mapping and choices
	stateRunning
	stateCancelling
	stateDone
	stateCancelled
	stateFailed
)

// Model is the Import screen.
type Model struct {
	common.IntentQueue
	c    *common.Common
	imp  Importer
	keys KeyMap

	width, height int
	state         state
	errText       string // why the path was refused or the import failed
	input         textinput.Model
	bar           progress.Model

	seq          int // the current import; stale messages are dropped
	path         string
	preview      Preview
	choice       choices // what the user picked on the preview
	cancel       context.CancelFunc
	updates      <-chan progressMsg
	matches      []string // the names Tab found, when it could not choose
	progress     Progress
	stageStarted time.Time
	now          time.Time
	report       Report
}

// New returns the Import screen.
func New(c *common.Common, imp Importer) *Model {
	in := textinput.New()
	in.Prompt = "File: "
	in.Placeholder = "~/Downloads/contacts.csv"
	in.CharLimit = 4096
	m := &Model{c: c, imp: imp, keys: DefaultKeyMap(), input: in}
	m.applyStyles()
	m.updateKeys()
	return m
}

func (m *Model) applyStyles() {
	p := m.c.Styles.Palette
	m.bar = progress.New(progress.WithoutPercentage(), progress.WithColors(p.Accent),
		progress.WithWidth(m.bar.Width()))
	m.bar.EmptyColor = p.Subtle
}

// Title implements common.Screen.
func (m *Model) Title() string { return "Import" }

// Capturing implements common.Screen.
func (m *Model) Capturing() bool { return m.state == statePrompt }

// SetSize implements common.Screen.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.input.SetWidth(max(10, width-len(m.input.Prompt)-2))
	m.bar.SetWidth(max(10, min(60, width-2)))
	if m.state == stateOptions {
		m.moveCursor(0) // keep the cursor's column in view
	}
}

// Init implements common.Screen.
func (m *Model) Init() tea.Cmd { return m.input.Focus() }

// checkedMsg says whether the file can be read.
type checkedMsg struct {
	seq  int
	path string
	err  error
}

// previewedMsg carries the preview of the checked file.
type previewedMsg struct {
	seq     int
	preview Preview
	err     error
}

// progressMsg is one progress report of the running import.
type progressMsg struct {
	seq int
	Progress
}

// doneMsg ends an import.
type doneMsg struct {
	seq    int
	report Report
	err    error
}

// completedMsg is the Tab completion of the path typed.
type completedMsg struct {
	typed string
	common.PathCompletion
}

// complete completes the typed path in a command, as a shell's Tab does.
func complete(typed string) tea.Cmd {
	return func() tea.Msg {
		home, _ := os.UserHomeDir()
		c, _ := common.CompletePath(typed, home) // no completion is no news
		return completedMsg{typed: typed, PathCompletion: c}
	}
}

// check opens the file in a command: it must exist, be a regular file
// (a FIFO would block the open, a device never end) and be readable.
func check(seq int, typed string) tea.Cmd {
	return func() tea.Msg {
		home, _ := os.UserHomeDir()
		path := common.ExpandHome(strings.TrimSpace(typed), home)
		fi, err := os.Stat(path)
		switch {
		case err != nil:
		case fi.IsDir():
			err = fmt.Errorf("%s is a folder, not a file", path)
		case !fi.Mode().IsRegular():
			err = fmt.Errorf("%s is not a regular file (a pipe or a device): save it to a file first", path)
		}
		if err == nil {
			var f *os.File
			if f, err = os.Open(path); err == nil {
				err = f.Close()
			}
		}
		if errors.Is(err, os.ErrNotExist) {
			err = fmt.Errorf("no such file: %s", path)
		} else if errors.Is(err, os.ErrPermission) {
			err = fmt.Errorf("cannot read %s: permission denied", path)
		}
		return checkedMsg{seq: seq, path: path, err: err}
	}
}

// previewFile reads the file in a command to show how it maps.
func previewFile(ctx context.Context, imp Importer, seq int, path string) tea.Cmd {
	return func() tea.Msg {
		p, err := imp.Preview(ctx, path)
		return previewedMsg{seq: seq, preview: p, err: err}
	}
}

// run imports in a command; progress goes through updates, which run
// closes when the import is over.
func run(ctx context.Context, imp Importer, seq int, path string, opts Options,
	updates chan progressMsg) tea.Cmd {
	return func() tea.Msg {
		rep, err := imp.Import(ctx, path, opts, func(pr Progress) {
			p := progressMsg{seq: seq, Progress: pr}
			select {
			case updates <- p:
			default: // the UI has not read the last one; it gets a later one
			}
		})
		close(updates)
		return doneMsg{seq: seq, report: rep, err: err}
	}
}

// listen waits for the next progress report; re-armed after each one.
func listen(updates <-chan progressMsg) tea.Cmd {
	return func() tea.Msg {
		p, ok := <-updates
		if !ok {
			return nil
		}
		return p
	}
}
