package tui

import (
	"strings"
	"testing"

	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
	"github.com/leadmail/leadmail/tui/screens/emails"
	"github.com/leadmail/leadmail/tui/screens/personalize"
)

// ctrlC presses ctrl+c and reports whether the program ends.
func (a *app) ctrlC(t *testing.T) bool {
	t.Helper()
	cmd := a.update(tuitest.Key("ctrl+c"))
	if quits(t, cmd) {
		return true
	}
	a.pump(t, cmd)
	return false
}

// mustAsk presses ctrl+c and fails unless the question is asked.
func (a *app) mustAsk(t *testing.T, question string) {
	t.Helper()
	if a.ctrlC(t) {
		t.Fatal("ctrl+c with unsaved input quit without asking")
	}
	if _, asking := a.top().(*common.QuitPrompt); !asking || !strings.Contains(a.view(), question) {
		t.Fatalf("ctrl+c did not ask %q; top %T:\n%s", question, a.top(), a.view())
	}
}

// emailEditor opens the Emails screen and edits the highlighted email.
func emailEditor(t *testing.T) (*app, *emails.Model) {
	t.Helper()
	a := newApp(t, 120, 40)
	a.opts.Sender = a.w.User
	a.press(t, "e", "e")
	ed, ok := a.top().(*emails.Model)
	if !ok {
		t.Fatalf("top is %T, want the email editor", a.top())
	}
	return a, ed
}

func TestTrust16CtrlCAsksBeforeDiscardingTypedInput(t *testing.T) {
	const question = "Quit and discard the unsaved changes to this email? (y/n)"
	a, ed := emailEditor(t)
	a.press(t, "x")
	a.mustAsk(t, question)
	a.press(t, "q", "u") // any other key leaves the question waiting
	if _, asking := a.top().(*common.QuitPrompt); !asking {
		t.Fatalf("a stray key answered the question; top %T", a.top())
	}
	a.press(t, "n")
	if a.top() != ed {
		t.Fatalf("n: top %T, want the editor back", a.top())
	}
	if what, ok := ed.Unsaved(); !ok {
		t.Fatalf("n discarded the changes (%q)", what)
	}
	a.press(t, "x") // typing goes on where it stopped
	a.mustAsk(t, question)
	a.press(t, "esc")
	if a.top() != ed {
		t.Fatalf("esc: top %T, want the editor back", a.top())
	}
	a.mustAsk(t, question)
	if !quits(t, a.update(tuitest.Key("y"))) {
		t.Fatal("y did not quit")
	}
	if a.common.Ctx.Err() == nil {
		t.Error("quitting did not cancel the UI's I/O")
	}
}

func TestTrust16CtrlCWithoutUnsavedInputQuitsAtOnce(t *testing.T) {
	a, _ := emailEditor(t)
	if !a.ctrlC(t) {
		t.Fatalf("ctrl+c in an untouched editor asked; top %T", a.top())
	}
}

func TestTrust16CtrlCTwiceQuits(t *testing.T) {
	a := newApp(t, 120, 40)
	a.pump(t, a.handleIntent(common.OpenContactMsg{ContactID: a.w.Ada.ID}))
	a.press(t, "m", "p") // the picker, then Personalize
	p, ok := a.top().(*personalize.Model)
	if !ok {
		t.Fatalf("top is %T, want Personalize", a.top())
	}
	a.press(t, "!")
	a.mustAsk(t, "Quit and discard your changes to this message? (y/n)")
	if !p.Dirty() {
		t.Error("asking discarded the draft")
	}
	if !a.ctrlC(t) {
		t.Error("a second ctrl+c while asked did not quit")
	}
}

// Both questions, in order: unsaved typing first, then the undo window;
// staying at the second keeps the typing.
func TestTrust16UnsavedInputThenUndoWindow(t *testing.T) {
	a := newApp(t, 120, 40)
	a.opts.Sender = a.w.User
	a.sendToAda(t)
	a.pump(t, a.handleIntent(common.BackMsg{})) // back to Contacts
	a.press(t, "e", "e", "x")
	ed, ok := a.top().(*emails.Model)
	if !ok {
		t.Fatalf("top is %T, want the email editor", a.top())
	}
	a.mustAsk(t, "Quit and discard the unsaved changes to this email? (y/n)")
	if a.runQuits(t, a.update(tuitest.Key("y"))) {
		t.Fatal("y quit with a send still in its undo window")
	}
	if !strings.Contains(a.view(), quitQuestion) {
		t.Fatalf("the undo window question was not asked:\n%s", a.view())
	}
	if a.runQuits(t, a.update(tuitest.Key("esc"))) {
		t.Fatal("esc at the undo question quit")
	}
	if _, dirty := ed.Unsaved(); a.top() != ed || !dirty {
		t.Errorf("staying lost the editor or its changes: top %T", a.top())
	}
}
