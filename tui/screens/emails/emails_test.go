package emails

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	exteditor "github.com/leadmail/leadmail/tui/internal/editor"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
	"github.com/leadmail/leadmail/tui/theme"
)

var sizes = []struct{ w, h int }{{120, 40}, {80, 24}}

// screen opens the Emails screen on the world's store and waits for the
// templates and the sample contact.
func screen(t *testing.T, w *tuitest.World, width, height int, opts ...Options) *Model {
	t.Helper()
	o := Options{Sender: w.User}
	if len(opts) > 0 {
		o = opts[0]
	}
	m := New(tuitest.Common(t), w.DB, o)
	m.SetSize(width, height)
	tuitest.Pump(t, m.update, m.Init(), nil)
	if m.state != stateReady || !m.hasSample {
		t.Fatalf("state = %v, sample %v, err %q", m.state, m.hasSample, m.errText)
	}
	return m
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	_, cmd := m.Update(msg)
	return cmd
}

// press sends keys and runs every command they start, to the end.
func (m *Model) press(t *testing.T, keys ...tea.KeyPressMsg) {
	t.Helper()
	for _, k := range keys {
		tuitest.Pump(t, m.update, m.update(k), nil)
	}
}

func (m *Model) typeText(t *testing.T, s string) { t.Helper(); m.press(t, tuitest.Type(s)...) }

// selectEmail moves the cursor to the email named name.
func (m *Model) selectEmail(t *testing.T, name string) {
	t.Helper()
	for m.cursor > 0 {
		m.press(t, tuitest.Key("up"))
	}
	for range m.emails {
		if e, _ := m.Selected(); e.Name == name {
			return
		}
		m.press(t, tuitest.Key("down"))
	}
	t.Fatalf("no email %q in %v", name, emailNames(m))
}

func emailNames(m *Model) []string {
	var out []string
	for _, e := range m.emails {
		out = append(out, e.Name)
	}
	return out
}

// focusField tabs to f in the editor.
func (m *Model) focusField(t *testing.T, f field) {
	t.Helper()
	for range fieldCount {
		if m.editor.focus == f {
			return
		}
		m.press(t, tuitest.Key("tab"))
	}
	t.Fatalf("cannot reach field %d", f)
}

func statuses(intents []tea.Msg) []string {
	var out []string
	for _, in := range intents {
		if s, ok := in.(common.StatusMsg); ok {
			out = append(out, s.Text)
		}
	}
	return out
}

func TestListGolden(t *testing.T) {
	w := tuitest.NewWorld(t)
	for _, size := range sizes {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			m := screen(t, w, size.w, size.h)
			m.press(t, tuitest.Key("down"))
			tuitest.Golden(t, m.View())
		})
	}
}

func TestListMarksSmartMailAndTags(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, 120, 40)
	view := tuitest.Strip(m.View())
	for _, want := range []string{"★ Intro to leadmail", "#intro #cold", "  November newsletter", "#news"} {
		if !strings.Contains(view, want) {
			t.Errorf("list lacks %q:\n%s", want, view)
		}
	}
}

func TestEditorInlineErrorGolden(t *testing.T) {
	for _, size := range sizes {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			w := tuitest.NewWorld(t)
			m := screen(t, w, size.w, size.h)
			m.selectEmail(t, w.Intro.Name)
			m.press(t, tuitest.Key("enter"))
			m.focusField(t, fieldBody)
			m.press(t, tuitest.Key("down"), tuitest.Key("down"), tuitest.Key("right"), tuitest.Key("right"))
			m.typeText(t, "{{frist_name}}")
			m.press(t, tuitest.Key("ctrl+s"))
			p := m.editor.problem
			if p == nil || p.field != fieldBody || p.line != 3 || p.col != 3 {
				t.Fatalf("problem = %+v, want the body at line 3, column 3", p)
			}
			if m.editor.focus != fieldBody || m.editor.body.Line() != 2 {
				t.Errorf("focus %d on line %d, want the body's third line", m.editor.focus, m.editor.body.Line()+1)
			}
			tuitest.Golden(t, m.View())
		})
	}
}

func TestTrialRenderGolden(t *testing.T) {
	w := tuitest.NewWorld(t)
	for _, size := range sizes {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			m := screen(t, w, size.w, size.h)
			m.selectEmail(t, w.Industry.Name)
			m.press(t, tuitest.Key("enter"), tuitest.Key("ctrl+r"))
			tr := m.editor.trial
			if tr == nil {
				t.Fatal("no trial render after ctrl+r")
			}
			first := m.sample.FirstName
			if !strings.Contains(tr.text, "Hi "+first+",") || !strings.Contains(tr.text, w.User.Name) {
				t.Errorf("trial text = %q, want the sample's first name and the sender", tr.text)
			}
			if !slices.Equal(tr.missing, []string{"custom.industry"}) {
				t.Errorf("missing = %v, want custom.industry", tr.missing)
			}
			tuitest.Golden(t, m.View())
		})
	}
}

func TestDeletePromptGolden(t *testing.T) {
	w := tuitest.NewWorld(t)
	for _, size := range sizes {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			m := screen(t, w, size.w, size.h)
			m.selectEmail(t, w.Intro.Name)
			m.press(t, tuitest.Key("x"))
			if m.prompt != promptDelete || !m.keys.Yes.Enabled() || m.keys.New.Enabled() {
				t.Fatalf("prompt %v, yes %v, new %v", m.prompt, m.keys.Yes.Enabled(), m.keys.New.Enabled())
			}
			tuitest.Golden(t, m.View())
		})
	}
}

func TestDeleteArchivesOrDeletes(t *testing.T) {
	tests := []struct {
		name     string
		email    func(w *tuitest.World) store.Email
		archived bool
		status   string
	}{
		{"referenced by a sent message", func(w *tuitest.World) store.Email { return w.Intro }, true, "Archived “Intro to leadmail”"},
		{"never sent", func(w *tuitest.World) store.Email { return w.News }, false, "Deleted “November newsletter”"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := tuitest.NewWorld(t)
			m := screen(t, w, 120, 40)
			e := tt.email(w)
			m.selectEmail(t, e.Name)
			m.press(t, tuitest.Key("x"), tuitest.Key("y"))
			if got := statuses(m.Intents()); len(got) != 1 || !strings.HasPrefix(got[0], tt.status) {
				t.Errorf("status = %q, want %q…", got, tt.status)
			}
			if slices.Contains(emailNames(m), e.Name) {
				t.Errorf("list still shows %q", e.Name)
			}
			got, err := w.DB.GetEmail(t.Context(), e.ID)
			if tt.archived && (err != nil || !got.Archived) {
				t.Errorf("GetEmail = %+v, %v; want archived", got, err)
			}
			if !tt.archived && err == nil {
				t.Errorf("email still stored: %+v", got)
			}
		})
	}
}

func TestDeleteNoKeepsTheEmail(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, 120, 40)
	m.selectEmail(t, w.News.Name)
	m.press(t, tuitest.Key("x"), tuitest.Key("n"))
	if m.prompt != promptNone || !slices.Contains(emailNames(m), w.News.Name) {
		t.Fatalf("prompt %v, emails %v", m.prompt, emailNames(m))
	}
	if _, err := w.DB.GetEmail(t.Context(), w.News.ID); err != nil {
		t.Fatal(err)
	}
}

func TestDuplicateIsNotSmartMail(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, 120, 40)
	m.selectEmail(t, w.Intro.Name)
	m.press(t, tuitest.Key("d"))
	sel, ok := m.Selected()
	if !ok || sel.Name != "Intro to leadmail (copy)" || sel.SmartMail || sel.Body != w.Intro.Body {
		t.Fatalf("selected %+v, want the Smart Mail-off copy", sel)
	}
	m.selectEmail(t, w.Intro.Name)
	m.press(t, tuitest.Key("d"))
	if sel, _ := m.Selected(); sel.Name != "Intro to leadmail (copy 2)" {
		t.Errorf("second copy named %q", sel.Name)
	}
}

func TestNewEmailSaves(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, 120, 40)
	m.press(t, tuitest.Key("n"))
	if m.view != viewEditor || !m.Capturing() || m.keys.New.Enabled() {
		t.Fatalf("view %v capturing %v new %v", m.view, m.Capturing(), m.keys.New.Enabled())
	}
	m.typeText(t, "Pricing")
	m.press(t, tuitest.Key("tab"))
	m.typeText(t, "Prices for {{company}}")
	m.press(t, tuitest.Key("tab"))
	m.typeText(t, "Hi {{first_name}},")
	m.press(t, tuitest.Key("tab"), tuitest.Key("space"), tuitest.Key("tab"))
	m.typeText(t, "pricing, #warm")
	m.press(t, tuitest.Key("tab"))
	m.typeText(t, "Sam at Acme")
	m.press(t, tuitest.Key("ctrl+s"))
	if m.editor.problem != nil || m.editor.saveErr != "" {
		t.Fatalf("problem %+v, err %q", m.editor.problem, m.editor.saveErr)
	}
	got, err := w.DB.EmailByName(t.Context(), "Pricing")
	if err != nil {
		t.Fatal(err)
	}
	if got.Subject != "Prices for {{company}}" || got.Body != "Hi {{first_name}}," || !got.SmartMail ||
		!slices.Equal(got.Tags, []string{"pricing", "warm"}) || got.FromName != "Sam at Acme" {
		t.Errorf("stored %+v", got)
	}
	if m.editor.dirty() || m.editor.trial == nil {
		t.Errorf("dirty %v after save, trial %v", m.editor.dirty(), m.editor.trial)
	}
	m.press(t, tuitest.Key("esc"))
	if sel, _ := m.Selected(); m.view != viewList || sel.Name != "Pricing" {
		t.Errorf("view %v on %q, want the list on the new email", m.view, sel.Name)
	}
}

func TestBrokenTemplateIsNeverSavedAsSmartMail(t *testing.T) {
	tests := []struct {
		name  string
		field field
		text  string
		line  int
	}{
		{"unknown variable in the subject", fieldSubject, " {{frist_name}}", 1},
		{"unclosed tag in the body", fieldBody, "{{first_name", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := tuitest.NewWorld(t)
			m := screen(t, w, 120, 40)
			before, err := w.DB.ListEmails(t.Context(), store.EmailFilter{IncludeArchived: true})
			if err != nil {
				t.Fatal(err)
			}
			m.selectEmail(t, w.News.Name)
			m.press(t, tuitest.Key("enter"))
			m.focusField(t, fieldSmart)
			m.press(t, tuitest.Key("space"))
			m.focusField(t, tt.field)
			m.typeText(t, tt.text)
			m.press(t, tuitest.Key("ctrl+s"))
			if p := m.editor.problem; p == nil || p.field != tt.field || p.line != tt.line {
				t.Fatalf("problem = %+v, want one in field %d", p, tt.field)
			}
			after, err := w.DB.ListEmails(t.Context(), store.EmailFilter{IncludeArchived: true})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("the store changed:\nbefore %+v\nafter  %+v", before, after)
			}
			if !m.editor.dirty() || !m.editor.smart {
				t.Error("the typed edits were lost")
			}
		})
	}
}

func TestLeavingWithUnsavedChangesAsks(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, 120, 40)
	m.press(t, tuitest.Key("enter"), tuitest.Key("esc"))
	if m.view != viewList {
		t.Fatalf("an unchanged editor should close at once, view %v", m.view)
	}
	m.press(t, tuitest.Key("enter"))
	m.typeText(t, "x")
	m.press(t, tuitest.Key("esc"))
	if m.prompt != promptDiscard || m.view != viewEditor {
		t.Fatalf("prompt %v view %v, want the discard question", m.prompt, m.view)
	}
	if !strings.Contains(tuitest.Strip(m.View()), "Discard the unsaved changes") {
		t.Error("the question is not shown")
	}
	m.press(t, tuitest.Key("n"))
	if m.view != viewEditor || !strings.HasSuffix(m.editor.inputs[fieldName].Value(), "x") {
		t.Fatalf("no must keep the edits: view %v", m.view)
	}
	m.press(t, tuitest.Key("esc"), tuitest.Key("y"))
	if m.view != viewList || m.editor != nil {
		t.Fatalf("yes must discard: view %v", m.view)
	}
}

func TestKeysEnabledOnlyWhereTheyWork(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, 120, 40)
	k := m.keys
	if !k.New.Enabled() || !k.Edit.Enabled() || !k.Sigs.Enabled() || k.Save.Enabled() || k.Toggle.Enabled() || k.Yes.Enabled() {
		t.Errorf("list keys: %+v", k)
	}
	m.press(t, tuitest.Key("e"))
	k = m.keys
	if k.New.Enabled() || k.Delete.Enabled() || !k.Save.Enabled() || !k.Next.Enabled() || k.Toggle.Enabled() || !k.External.Enabled() {
		t.Errorf("editor keys: new %v delete %v save %v toggle %v external %v",
			k.New.Enabled(), k.Delete.Enabled(), k.Save.Enabled(), k.Toggle.Enabled(), k.External.Enabled())
	}
	m.focusField(t, fieldSmart)
	if !m.keys.Toggle.Enabled() {
		t.Error("space must toggle Smart Mail on its field")
	}
}

// openExternal presses ctrl+e in m's editor and runs the command, which
// writes the body to a temporary file in the test's TMPDIR and hands the
// terminal over (not run here, with no terminal). It returns the file.
func openExternal(t *testing.T, m *Model) string {
	t.Helper()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	msgs := tuitest.Exec(t, m.update(tuitest.Key("ctrl+e")), 0)
	if len(msgs) != 1 || m.editor.busy != busyExternal {
		t.Fatalf("ctrl+e gave %v, busy %v", msgs, m.editor.busy)
	}
	files, err := filepath.Glob(filepath.Join(tmp, "leadmail-*.md"))
	if err != nil || len(files) != 1 {
		t.Fatalf("temporary files %v, %v; want one", files, err)
	}
	return files[0]
}

// playExternal runs the editor command line on path as tea.ExecProcess
// would, then feeds what the screen gets back into it.
func playExternal(t *testing.T, m *Model, path string) {
	t.Helper()
	runErr := exteditor.Command(m.opts.Editor, path).Run()
	tuitest.Pump(t, m.update, func() tea.Msg { return exteditor.Exited(path, externalBody(viewEditor))(runErr) }, nil)
}

func TestExternalEditorReadsBack(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "ed.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nprintf 'Edited in $EDITOR, {{first_name}}\\n' > \"$1\"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("EDITOR", script)
	w := tuitest.NewWorld(t)
	m := screen(t, w, 120, 40, Options{Sender: w.User, Editor: os.Getenv("EDITOR")})
	m.selectEmail(t, w.Intro.Name)
	m.press(t, tuitest.Key("enter"))
	path := openExternal(t, m)
	if b, err := os.ReadFile(path); err != nil || string(b) != w.Intro.Body {
		t.Fatalf("temp file holds %q, %v; want the body", b, err)
	}
	playExternal(t, m, path)
	if got := m.editor.body.Value(); got != "Edited in $EDITOR, {{first_name}}" || m.editor.busy != busyNone {
		t.Errorf("body = %q, busy %v", got, m.editor.busy)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the temporary file is left behind: %v", err)
	}
	if !m.editor.dirty() {
		t.Error("the read-back body must count as an unsaved change")
	}
}

func TestExternalEditorFailureKeepsTheBody(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, 120, 40, Options{Sender: w.User, Editor: "false"})
	m.selectEmail(t, w.Intro.Name)
	m.press(t, tuitest.Key("enter"))
	path := openExternal(t, m)
	playExternal(t, m, path)
	if m.editor.body.Value() != w.Intro.Body || m.editor.busy != busyNone {
		t.Errorf("body %q busy %v", m.editor.body.Value(), m.editor.busy)
	}
	if in := m.Intents(); len(in) != 1 {
		t.Errorf("intents %v, want the error", in)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the temporary file is left behind: %v", err)
	}
}

func TestStoreRefusalKeepsTheEdits(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, 120, 40)
	m.press(t, tuitest.Key("n"))
	m.typeText(t, w.Intro.Name) // taken
	m.press(t, tuitest.Key("tab"))
	m.typeText(t, "Hi")
	m.press(t, tuitest.Key("ctrl+s"))
	e := m.editor
	if !strings.HasPrefix(e.saveErr, "Not saved: ") || e.orig.ID != 0 || e.busy != busyNone {
		t.Fatalf("saveErr %q, id %d, busy %v", e.saveErr, e.orig.ID, e.busy)
	}
	if e.inputs[fieldSubject].Value() != "Hi" || !strings.Contains(tuitest.Strip(m.View()), "Not saved: ") {
		t.Error("the edits or the reason are gone")
	}
	list, err := w.DB.ListEmails(t.Context(), store.EmailFilter{})
	if err != nil || len(list) != 4 {
		t.Errorf("%d emails, %v; want the 4 of the world", len(list), err)
	}
}

func TestTrust19PlaceholdersReadAsExamplesWithoutColour(t *testing.T) {
	w := tuitest.NewWorld(t)
	c := tuitest.Common(t)
	c.Styles = theme.New(true, true) // NO_COLOR
	m := New(c, w.DB, Options{Sender: w.User})
	m.SetSize(120, 40)
	tuitest.Pump(t, m.update, m.Init(), nil)
	m.press(t, tuitest.Key("n"))
	v := tuitest.Strip(m.View())
	for _, want := range []string{"e.g. Hello {{first_name}}", "e.g. Hi {{first_name}}", "(none)"} {
		if !strings.Contains(v, want) {
			t.Errorf("the new template does not show %q:\n%s", want, v)
		}
	}
	if strings.Contains(strings.ReplaceAll(v, "e.g. Hello", ""), "Hello {{first_name}}") {
		t.Errorf("a placeholder reads like a typed subject:\n%s", v)
	}
}

func TestTrust20SignaturesWithoutSenderSayWhatToSet(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, 120, 40, Options{})
	m.press(t, tuitest.Key("s"))
	got := statuses(m.Intents())
	if m.view != viewList || len(got) != 1 || !strings.Contains(got[0], "set user.email") {
		t.Errorf("s without a sender: view %v, statuses %q", m.view, got)
	}
}
