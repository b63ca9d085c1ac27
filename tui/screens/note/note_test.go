package note

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/tui/common"
	exteditor "github.com/leadmail/leadmail/tui/internal/editor"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

func (m *Model) update(msg tea.Msg) tea.Cmd {
	_, cmd := m.Update(msg)
	return cmd
}

func (m *Model) press(t *testing.T, keys ...string) {
	t.Helper()
	for _, k := range keys {
		tuitest.Pump(t, m.update, m.update(tuitest.Key(k)), nil)
	}
}

func (m *Model) typeText(t *testing.T, s string) {
	t.Helper()
	for _, k := range tuitest.Type(s) {
		tuitest.Pump(t, m.update, m.update(k), nil)
	}
}

func (m *Model) view() string { return tuitest.Strip(m.View()) }

// newNote opens the editor for a new note on Ada.
func newNote(t *testing.T, w *tuitest.World, width, height int, opts ...Options) *Model {
	t.Helper()
	o := Options{Sender: w.User}
	if len(opts) > 0 {
		o = opts[0]
	}
	m := New(tuitest.Common(t), w.DB, w.Ada.ID, o)
	m.SetSize(width, height)
	tuitest.Pump(t, m.update, m.Init(), nil)
	return m
}

// openNote shows note id.
func openNote(t *testing.T, w *tuitest.World, id int64, width, height int) *Model {
	t.Helper()
	m := Open(tuitest.Common(t), w.DB, id, Options{Sender: w.User})
	m.SetSize(width, height)
	tuitest.Pump(t, m.update, m.Init(), nil)
	return m
}

// written is Ada's notes and timeline, to prove that a refusal wrote
// nothing.
func written(t *testing.T, w *tuitest.World) string {
	t.Helper()
	ns, err := w.DB.Notes(t.Context(), w.Ada.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	es, err := w.DB.Timeline(t.Context(), w.Ada.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%+v\n%+v", ns, es)
}

func has[T any](msgs []tea.Msg) (T, bool) {
	for _, m := range msgs {
		if v, ok := m.(T); ok {
			return v, true
		}
	}
	var zero T
	return zero, false
}

func TestNewNoteSaves(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := newNote(t, w, 120, 40)
	if !m.Capturing() || m.Title() != "New note" {
		t.Fatalf("capturing %v, title %q", m.Capturing(), m.Title())
	}
	if v := m.view(); !strings.Contains(v, "New note on Ada Lovelace") {
		t.Errorf("no title:\n%s", v)
	}
	m.typeText(t, "Met at the *fair*")
	m.press(t, "enter", "enter")
	m.typeText(t, "- wants a demo")
	if v := m.view(); !strings.Contains(v, "● unsaved") {
		t.Errorf("typed text is not marked unsaved:\n%s", v)
	}
	m.press(t, "ctrl+s")
	in := m.Intents()
	saved, ok := has[SavedMsg](in)
	if !ok || !saved.Close || saved.Note.ID == 0 {
		t.Fatalf("intents %v, want SavedMsg closing the screen", in)
	}
	if st, _ := has[common.StatusMsg](in); st.Text != "Note saved on Ada Lovelace" {
		t.Errorf("status %q", st.Text)
	}
	ns, err := w.DB.Notes(t.Context(), w.Ada.ID, 0)
	if err != nil || len(ns) != 1 || ns[0].Body != "Met at the *fair*\n\n- wants a demo" || ns[0].UserID != w.User.ID {
		t.Fatalf("notes = %+v, %v", ns, err)
	}
}

func TestEmptyNoteIsRefusedAndWritesNothing(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := newNote(t, w, 80, 24)
	before := written(t, w)
	m.press(t, "ctrl+s") // nothing typed
	m.typeText(t, "   ")
	m.press(t, "enter")
	m.press(t, "ctrl+s") // blanks only
	if v := m.view(); !strings.Contains(v, "Not saved: The note is empty: write something, or press esc to leave.") {
		t.Errorf("no sentence:\n%s", v)
	}
	if in := m.Intents(); len(in) != 0 {
		t.Errorf("intents %v, want none", in)
	}
	if after := written(t, w); after != before {
		t.Errorf("an empty note wrote:\n%s\n---\n%s", before, after)
	}
	if m.state != stateEdit || m.busy != busyNone {
		t.Errorf("state %v busy %v, want the editor still open", m.state, m.busy)
	}
}

func TestStoreRefusalKeepsTheText(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := newNote(t, w, 120, 40)
	before := written(t, w)
	big := strings.Repeat("word ", 13200) // 66,000 bytes: over the 64 KB a note may hold
	tuitest.Pump(t, m.update, m.update(tea.PasteMsg{Content: big}), nil)
	m.press(t, "ctrl+s")
	if v := m.view(); !strings.Contains(v, "Not saved: The note is 65 KB; at most 64 KB are allowed.") {
		t.Errorf("no sentence:\n%s", v)
	}
	if m.body.Value() != big {
		t.Errorf("the text changed: %d bytes", len(m.body.Value()))
	}
	if after := written(t, w); after != before {
		t.Error("a refused note wrote")
	}
	if _, ok := has[SavedMsg](m.Intents()); ok {
		t.Error("a refused note says it was saved")
	}
}

func TestPastedBidiControlsAreTakenOut(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := newNote(t, w, 120, 40)
	tuitest.Pump(t, m.update, m.update(tea.PasteMsg{Content: "left\u202Eright\u2066"}), nil)
	if m.body.Value() != "leftright" {
		t.Errorf("body %q", m.body.Value())
	}
	st, _ := has[common.StatusMsg](m.Intents())
	if st.Text != "Removed 2 invisible right-to-left control characters from the text" {
		t.Errorf("status %q", st.Text)
	}
	if strings.ContainsRune(m.View(), '\u202E') {
		t.Error("the override reaches the terminal")
	}
}

func TestEscAsksBeforeDiscarding(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := newNote(t, w, 80, 24)
	m.press(t, "esc")
	if in := m.Intents(); len(in) != 1 || in[0] != (common.BackMsg{}) {
		t.Fatalf("esc on an empty note: %v, want back at once", in)
	}

	m = newNote(t, w, 80, 24)
	m.typeText(t, "half a thought")
	if what, ok := m.Unsaved(); !ok || what != "this note" {
		t.Errorf("Unsaved = %q, %v", what, ok)
	}
	m.press(t, "esc")
	if v := m.view(); !strings.Contains(v, "Discard this note? (y/n)") {
		t.Fatalf("no question:\n%s", v)
	}
	m.press(t, "x", "n") // other keys wait; n keeps editing
	if m.asking || m.body.Value() != "half a thought" || len(m.Intents()) != 0 {
		t.Fatalf("after n: asking %v, body %q", m.asking, m.body.Value())
	}
	m.press(t, "esc", "y")
	if in := m.Intents(); len(in) != 1 || in[0] != (common.BackMsg{}) {
		t.Errorf("y: %v, want back", in)
	}
}

func TestOpenShowsTheNoteRenderedAndEditsIt(t *testing.T) {
	w := tuitest.NewWorld(t)
	n, err := w.DB.AddNote(t.Context(), w.Ada.ID, w.User.ID, "# Plan\n\n- **demo** on Monday\n- send {{pricing}}")
	if err != nil {
		t.Fatal(err)
	}
	m := openNote(t, w, n.ID, 80, 24)
	v := m.view()
	for _, want := range []string{"Note on Ada Lovelace", "Plan", "demo on Monday", "send {{pricing}}"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "**") || strings.Contains(v, "# Plan") {
		t.Errorf("the Markdown is not rendered:\n%s", v)
	}
	if m.Capturing() || !m.keys.Edit.Enabled() || m.keys.Save.Enabled() {
		t.Error("the rendered note must be read-only with e to edit")
	}
	tuitest.Golden(t, v)

	m.press(t, "e")
	if m.state != stateEdit || m.body.Value() != n.Body || !m.Capturing() {
		t.Fatalf("e: state %v, body %q", m.state, m.body.Value())
	}
	before := written(t, w)
	m.press(t, "ctrl+s") // unchanged: nothing is written
	if m.state != stateView || written(t, w) != before {
		t.Fatalf("an unchanged note wrote, or the editor stayed (state %v)", m.state)
	}
	if st, _ := has[common.StatusMsg](m.Intents()); st.Text != "The note is unchanged" {
		t.Errorf("status %q", st.Text)
	}

	m.press(t, "e")
	m.typeText(t, "Update: ")
	m.press(t, "ctrl+s")
	got, err := w.DB.GetNote(t.Context(), n.ID)
	if err != nil || got.Body != "Update: "+n.Body || got.EditedAt.IsZero() {
		t.Fatalf("note = %+v, %v", got, err)
	}
	saved, ok := has[SavedMsg](m.Intents())
	if !ok || saved.Close || saved.Note.ContactID != w.Ada.ID {
		t.Errorf("saved %+v, %v; want the screen kept open", saved, ok)
	}
	if m.state != stateView || !strings.Contains(m.view(), "Update: # Plan") {
		t.Errorf("after saving, the note shows:\n%s", m.view())
	}
}

func TestEditEscAsksThenShowsTheNoteAsSaved(t *testing.T) {
	w := tuitest.NewWorld(t)
	n, err := w.DB.AddNote(t.Context(), w.Ada.ID, w.User.ID, "Keep this")
	if err != nil {
		t.Fatal(err)
	}
	m := openNote(t, w, n.ID, 80, 24)
	m.press(t, "e")
	m.typeText(t, "not this ")
	m.press(t, "esc")
	if v := m.view(); !strings.Contains(v, "Discard the changes to this note? (y/n)") {
		t.Fatalf("no question:\n%s", v)
	}
	m.press(t, "y")
	if m.state != stateView || !strings.Contains(m.view(), "Keep this") || strings.Contains(m.view(), "not this") {
		t.Errorf("after discarding:\n%s", m.view())
	}
	if in := m.Intents(); len(in) != 0 {
		t.Errorf("intents %v: discarding an edit stays on the note", in)
	}
}

func TestOpenMissingNoteSaysSo(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := openNote(t, w, 4242, 80, 24)
	if v := m.view(); !strings.Contains(v, "Cannot show this note:") {
		t.Errorf("view:\n%s", v)
	}
	m.press(t, "esc")
	if in := m.Intents(); len(in) != 1 || in[0] != (common.BackMsg{}) {
		t.Errorf("esc: %v", in)
	}
}

func TestExternalEditorWritesTheNote(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "ed.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nprintf 'Written in $EDITOR\\n\\n- with a list\\n' >> \"$1\"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	w := tuitest.NewWorld(t)
	m := newNote(t, w, 80, 24, Options{Sender: w.User, Editor: script})
	m.typeText(t, "Typed first. ")
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	msgs := tuitest.Exec(t, m.update(tuitest.Key("ctrl+e")), 0)
	if len(msgs) != 1 || m.busy != busyExternal {
		t.Fatalf("ctrl+e gave %v, busy %v", msgs, m.busy)
	}
	if v := m.view(); !strings.Contains(v, "in $EDITOR…") {
		t.Errorf("no sign of $EDITOR:\n%s", v)
	}
	files, err := filepath.Glob(filepath.Join(tmp, "leadmail-*.md"))
	if err != nil || len(files) != 1 {
		t.Fatalf("temporary files %v, %v", files, err)
	}
	// Run the editor as tea.ExecProcess would, then hand back the result.
	runErr := exteditor.Command(script, files[0]).Run()
	tuitest.Pump(t, m.update, func() tea.Msg { return exteditor.Exited(files[0], externalDone)(runErr) }, nil)
	want := "Typed first. Written in $EDITOR\n\n- with a list"
	if m.body.Value() != want || m.busy != busyNone {
		t.Fatalf("body %q busy %v", m.body.Value(), m.busy)
	}
	if _, err := os.Stat(files[0]); !os.IsNotExist(err) {
		t.Errorf("the temporary file is left behind: %v", err)
	}
	m.press(t, "ctrl+s")
	ns, err := w.DB.Notes(t.Context(), w.Ada.ID, 0)
	if err != nil || len(ns) != 1 || ns[0].Body != want {
		t.Errorf("notes = %+v, %v", ns, err)
	}
}

func TestExternalEditorFailureKeepsTheText(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := newNote(t, w, 80, 24, Options{Sender: w.User, Editor: "false"})
	m.typeText(t, "my text")
	t.Setenv("TMPDIR", t.TempDir())
	msgs := tuitest.Exec(t, m.update(tuitest.Key("ctrl+e")), 0)
	if len(msgs) != 1 {
		t.Fatalf("ctrl+e gave %v", msgs)
	}
	files, _ := filepath.Glob(filepath.Join(os.Getenv("TMPDIR"), "leadmail-*.md"))
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	runErr := exteditor.Command("false", files[0]).Run()
	tuitest.Pump(t, m.update, func() tea.Msg { return exteditor.Exited(files[0], externalDone)(runErr) }, nil)
	if m.body.Value() != "my text" || m.busy != busyNone {
		t.Errorf("body %q busy %v", m.body.Value(), m.busy)
	}
	if e, ok := has[common.ErrorMsg](m.Intents()); !ok || !strings.Contains(e.Err.Error(), "$EDITOR failed") {
		t.Errorf("error %v, %v", e.Err, ok)
	}
}

func TestNoSenderCannotSave(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := newNote(t, w, 120, 40, Options{})
	before := written(t, w)
	m.typeText(t, "a note")
	m.press(t, "ctrl+s")
	if !strings.Contains(m.view(), "set user.email and user.name") || written(t, w) != before {
		t.Errorf("a note without a user:\n%s", m.view())
	}
}

func TestRenderIsTextForTheTerminal(t *testing.T) {
	// A backslash escapes punctuation in Markdown, braces too.
	got := Render("Hi {{first_name}} and \\{{x}}\n\n**bold** \x1b[2J[site](https://example.com)\r\n")
	for _, want := range []string{"Hi {{first_name}} and {{x}}", "bold", "https://example.com"} {
		if !strings.Contains(got, want) {
			t.Errorf("Render lacks %q: %q", want, got)
		}
	}
	if strings.ContainsAny(got, "\x1b\r") || strings.Contains(got, "**") {
		t.Errorf("Render = %q", got)
	}
}

func TestEditorGolden(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := newNote(t, w, 80, 24)
	m.typeText(t, "Called about the pilot.")
	m.press(t, "enter", "enter")
	m.typeText(t, "- wants a **demo**")
	tuitest.Golden(t, m.View())
}
