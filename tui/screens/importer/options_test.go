package importer

import (
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// unknownCSV is the preview of a CSV no application wrote, with no column
// the importer recognised as the email.
func unknownCSV() *Preview {
	return &Preview{File: "~/Downloads/messe.csv", Format: "csv", Source: "generic", Rows: 3,
		Columns: []Column{
			{Name: "E-Post", Field: "custom.e_post", Custom: "custom.e_post", Sample: "anna@example.de"},
			{Name: "Full name", Field: "name", Custom: "custom.full_name", Sample: "Anna Berg"},
			{Name: "Firma", Field: "custom.firma", Custom: "custom.firma", Sample: "Berg GmbH"},
			{Name: "Handy", Field: "custom.handy", Custom: "custom.handy", Sample: "+49 170 1234567"},
			{Name: "Notiz", Field: "custom.notiz", Custom: "custom.notiz", Sample: "met at the fair\nbooth 4"},
			{Name: "  ", Field: "-"},
		},
		Users: []User{{ID: 1, Name: "Ada Admin", Email: "ada@leadmail.test"}, {ID: 7, Name: "Sam Sales", Email: "sam@leadmail.test"}},
	}
}

// openPreview opens the screen on the preview p of a 3-line file.
func openPreview(t *testing.T, w, hgt int, p *Preview) (*harness, *dbImporter) {
	t.Helper()
	h, imp := open(t, w, hgt, false)
	imp.preview = p
	h.typePath(csvFile(t, 3))
	tuitest.Pump(t, h.update, h.update(tuitest.Key("enter")), notOurs)
	if h.state != stateOptions {
		t.Fatalf("state %v: %s", h.state, h.errText)
	}
	return h, imp
}

// press sends the named keys, in order.
func (h *harness) press(names ...string) {
	for _, n := range names {
		h.update(tuitest.Key(n))
	}
}

func TestPreviewView(t *testing.T) {
	for _, sz := range [][2]int{{120, 40}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			h, _ := openPreview(t, sz[0], sz[1], unknownCSV())
			view := tuitest.Strip(h.View())
			for _, want := range []string{"No email column found", "no known application",
				"E-Post", "custom.e_post", "Full name", "name", "- (dropped)", "Anna Berg"} {
				if !strings.Contains(view, want) {
					t.Errorf("the preview does not show %q", want)
				}
			}
			tuitest.Golden(t, h.View())
		})
	}
}

func TestPreviewKnownSource(t *testing.T) {
	p := &Preview{File: "hubspot.csv", Format: "csv", Source: "hubspot", Rows: 2, Columns: []Column{
		{Name: "First Name", Field: "first_name", Custom: "custom.first_name", Sample: "Ann"},
		{Name: "Email", Field: "email", Custom: "custom.email", Sample: "ann@example.com"},
		{Name: "Lifecycle Stage", Field: "custom.lifecycle_stage", Custom: "custom.lifecycle_stage", Sample: "lead"},
	}}
	h, _ := openPreview(t, 120, 40, p)
	view := tuitest.Strip(h.View())
	if !strings.Contains(view, "HubSpot export · CSV · 2 rows") || strings.Contains(view, "No email column") {
		t.Errorf("view:\n%s", view)
	}
}

// TestRemapReachesTheImporter changes a column's field, the kind, the
// owner, duplicates and dry run, and checks the import gets exactly that.
func TestRemapReachesTheImporter(t *testing.T) {
	h, imp := openPreview(t, 120, 40, unknownCSV())
	h.press("down", "down", "down")                                         // Handy
	h.press("left", "left", "left", "left", "left", "left", "left", "left") // custom.handy → … → phone
	if h.choice.fields[3] != "phone" {
		t.Fatalf("Handy maps to %q", h.choice.fields[3])
	}
	h.press("down", "down", "down")   // Kind
	h.press("right", "right")         // contact
	h.press("down", "right", "right") // Owner: Sam Sales
	h.press("down", "space")          // On duplicate: update
	h.press("down", "l")              // Dry run: on
	view := tuitest.Strip(h.View())
	for _, want := range []string{"phone *", "contact", "Sam Sales <sam@leadmail.test>", "update people", "on: report"} {
		if !strings.Contains(view, want) {
			t.Errorf("the preview does not show %q:\n%s", want, view)
		}
	}
	tuitest.Pump(t, h.update, h.update(tuitest.Key("enter")), notOurs)
	got := imp.options()
	want := Options{Map: map[string]string{"Handy": "phone"}, Kind: "contact", OwnerID: 7,
		OnDuplicate: "update", DryRun: true}
	if len(got) != 1 || !maps.Equal(got[0].Map, want.Map) || got[0].Kind != want.Kind ||
		got[0].OwnerID != want.OwnerID || got[0].OnDuplicate != want.OnDuplicate || got[0].DryRun != want.DryRun {
		t.Fatalf("the importer got %+v, want %+v", got, want)
	}
}

func TestUnknownCSVMapsEmail(t *testing.T) {
	h, imp := openPreview(t, 80, 24, unknownCSV())
	if !h.emailWarning() {
		t.Fatal("no warning without an email column")
	}
	h.press("right", "right", "right", "right", "right") // custom.e_post → - → first, last, name, email
	if h.choice.fields[0] != "email" {
		t.Fatalf("E-Post maps to %q", h.choice.fields[0])
	}
	if strings.Contains(tuitest.Strip(h.View()), "No email column") {
		t.Error("the warning stays once a column maps to email")
	}
	h.press("left") // wraps back through name
	h.press("right")
	tuitest.Pump(t, h.update, h.update(tuitest.Key("enter")), notOurs)
	if got := imp.options(); len(got) != 1 || !maps.Equal(got[0].Map, map[string]string{"E-Post": "email"}) ||
		got[0].Kind != "" || got[0].OwnerID != 0 || got[0].OnDuplicate != "skip" {
		t.Fatalf("the importer got %+v", got)
	}
}

func TestEscBacksOutOfThePreview(t *testing.T) {
	h, imp := openPreview(t, 80, 24, unknownCSV())
	path := h.input.Value()
	h.press("down", "right", "esc")
	if h.state != statePrompt || !h.Capturing() || h.input.Value() != path {
		t.Fatalf("esc on the preview: state %v, path %q", h.state, h.input.Value())
	}
	if len(h.Intents()) != 0 {
		t.Error("esc on the preview left the screen")
	}
	h.press("esc")
	if in := h.Intents(); len(in) != 1 || in[0] != (common.BackMsg{}) {
		t.Errorf("esc on the prompt: %v", in)
	}
	if got := imp.options(); len(got) != 0 {
		t.Errorf("imported %+v", got)
	}
	if n := h.count(t); n != 0 {
		t.Errorf("%d contacts written", n)
	}
}

func TestManyColumnsScroll(t *testing.T) {
	p := &Preview{File: "wide.csv", Format: "csv", Source: "outlook", Rows: 1}
	for i := range 40 {
		p.Columns = append(p.Columns, Column{Name: fmt.Sprint("Col ", i), Field: fmt.Sprint("custom.col_", i)})
	}
	p.Columns[3].Field = "email"
	h, _ := openPreview(t, 80, 24, p)
	for range 30 {
		h.press("down")
	}
	view := tuitest.Strip(h.View())
	if !strings.Contains(view, "› Col 30") || strings.Contains(view, "Col 0 ") || !strings.Contains(view, "of 40 columns") {
		t.Errorf("cursor on column 30:\n%s", view)
	}
	if lines := strings.Count(view, "\n") + 1; lines != 24 {
		t.Errorf("%d lines, want 24", lines)
	}
	for range 20 {
		h.press("down")
	}
	if !strings.Contains(tuitest.Strip(h.View()), "› Dry run") {
		t.Errorf("the cursor does not reach the last option:\n%s", tuitest.Strip(h.View()))
	}
}

// TestDryRunThenImport keeps the choices when the same file is previewed
// again after a dry run, so that the real import is one toggle away.
func TestDryRunThenImport(t *testing.T) {
	h, imp := openPreview(t, 120, 40, unknownCSV())
	h.press("right", "right", "right", "right", "right")                                     // E-Post → email
	h.press("down", "down", "down", "down", "down", "down", "down", "down", "down", "space") // Dry run
	tuitest.Pump(t, h.update, h.update(tuitest.Key("enter")), notOurs)
	if h.state != stateDone {
		t.Fatalf("state %v: %s", h.state, h.errText)
	}
	h.press("i")
	tuitest.Pump(t, h.update, h.update(tuitest.Key("enter")), notOurs)
	if h.state != stateOptions || h.choice.fields[0] != "email" || !h.choice.dryRun {
		t.Fatalf("choices lost: %+v", h.choice)
	}
	h.press("space") // Dry run off; the cursor stayed on it
	tuitest.Pump(t, h.update, h.update(tuitest.Key("enter")), notOurs)
	got := imp.options()
	if len(got) != 2 || !got[0].DryRun || got[1].DryRun || got[1].Map["E-Post"] != "email" {
		t.Errorf("imports %+v", got)
	}
}
