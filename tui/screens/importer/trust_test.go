package importer

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// The owner starts on the user running leadmail, "(you)", not on nobody;
// a file that names its owners keeps them.
func TestTrust07OwnerStartsOnYou(t *testing.T) {
	p := unknownCSV()
	p.Me = 7
	h, imp := openPreview(t, 80, 24, p)
	if view := tuitest.Strip(h.View()); !strings.Contains(view, "Owner         Sam Sales <sam@leadmail.test> (you)") {
		t.Errorf("the owner does not start on you:\n%s", view)
	}
	tuitest.Pump(t, h.update, h.update(tuitest.Key("enter")), notOurs)
	if got := imp.options(); len(got) == 0 || got[len(got)-1].OwnerID != 7 {
		t.Errorf("imports %+v, want owner 7", got)
	}

	withOwners := unknownCSV()
	withOwners.Me = 7
	withOwners.Columns[3].Field = "owner"
	h, _ = openPreview(t, 80, 24, withOwners)
	if view := tuitest.Strip(h.View()); !strings.Contains(view, "from the file's owner column") {
		t.Errorf("a file with owners does not keep them:\n%s", view)
	}
}

// The preview says which columns import as one field and which row looks
// cut by an unbalanced quote; the report lists skipped rows by line.
func TestTrust07PreviewAndReportSayWhatIsOdd(t *testing.T) {
	for _, sz := range [][2]int{{120, 40}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			p := unknownCSV()
			p.Warnings = []string{`columns "E-Post" and "Mail" both import as email: each row keeps the first one that is not empty`,
				"suspected unbalanced quote at line 3: a field takes in line breaks and what look like 2 more rows; fix the quote and import this row and those again"}
			h, _ := openPreview(t, sz[0], sz[1], p)
			view := tuitest.Strip(h.View())
			for _, want := range []string{`! columns "E-Post" and "Mail" both import as email`, "! suspected unbalanced quote at line 3",
				"Dry run"} {
				if !strings.Contains(view, want) {
					t.Errorf("the preview does not show %q:\n%s", want, view)
				}
			}
			tuitest.Golden(t, h.View())
		})
	}
	h, _ := open(t, 80, 24, false)
	h.state = stateDone
	h.report = Report{File: "/tmp/leads.csv", Format: "csv", Source: "generic", Read: 4, Created: 1, SkippedDuplicates: 2,
		Skipped:      []Rejected{{Line: 2, Reason: "its email is already known"}, {Line: 3, Reason: "same name and company as line 2, no email"}},
		RejectedFile: "/tmp/leads.csv.rejected-2.csv", Invalid: []Rejected{{Line: 4, Reason: "no name and no email"}}}
	view := tuitest.Strip(h.View())
	for _, want := range []string{"line 2: its email is already known", "line 3: same name and company as line 2, no email",
		"Rejected rows written to /tmp/leads.csv.rejected-2.csv (leads.csv.rejected.csv"} {
		if !strings.Contains(view, want) {
			t.Errorf("the report does not show %q:\n%s", want, view)
		}
	}
}

// Tab completes the path; ~ is the home folder; a FIFO is refused at once.
func TestTrust09PathPromptCompletesAndRefusesPipes(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	if err := os.WriteFile(filepath.Join(home, "leads-2026.csv"), []byte("a@example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h, _ := open(t, 80, 24, false)
	if !h.keys.Complete.Enabled() {
		t.Fatal("tab is not offered on the prompt")
	}
	h.typePath("~/lea")
	tuitest.Pump(t, h.update, h.update(tuitest.Key("tab")), notOurs)
	if got := h.input.Value(); got != "~/leads-2026.csv" {
		t.Fatalf("tab made %q", got)
	}

	fifo := filepath.Join(home, "pipe.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	h.input.SetValue(fifo)
	tuitest.Pump(t, h.update, h.update(tuitest.Key("enter")), notOurs)
	if h.state != statePrompt || !strings.Contains(h.errText, "not a regular file") {
		t.Errorf("state %v, error %q", h.state, h.errText)
	}
}
