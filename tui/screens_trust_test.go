package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/editor"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

func TestTrust20OfflineHeaderSeparated(t *testing.T) {
	a := newApp(t, 120, 40, func(o *Options) { o.UserName, o.NoColor = "Sam Rivera", true })
	a.demo = demoStopped
	head := tuitest.Strip(a.headerView())
	if !strings.Contains(head, "mail server: stopped · Sam Rivera") {
		t.Errorf("the header runs together: %q", head)
	}
	if !strings.Contains(head, "   mail server") {
		t.Errorf("no gap between the breadcrumb and the right side: %q", head)
	}
}

func TestTrust20FooterHasNoStrayBullet(t *testing.T) {
	for _, width := range []int{40, 60, 80, 120} {
		a := newApp(t, width, 24)
		for _, typing := range []bool{false, true} {
			if typing {
				a.press(t, "/") // the search takes typed text, ? included
			}
			foot := strings.TrimSpace(tuitest.Strip(a.footerView()))
			if strings.HasSuffix(foot, "•") || strings.HasPrefix(foot, "•") || strings.Contains(foot, "• •") {
				t.Errorf("width %d, typing %v: stray bullet in %q", width, typing, foot)
			}
		}
	}
}

// screensAt80x24 opens every screen of the app, in front of the Contacts
// screen, as the user would reach it.
var screensAt80x24 = []struct {
	name string
	open func(t *testing.T, a *app)
}{
	{"contacts", func(*testing.T, *app) {}},
	{"filters", func(t *testing.T, a *app) { a.press(t, "f") }}, // the Contacts filter panel
	{"contact", func(t *testing.T, a *app) { a.pump(t, a.handleIntent(common.OpenContactMsg{ContactID: a.w.Ada.ID})) }},
	{"message", func(t *testing.T, a *app) { a.pump(t, a.handleIntent(common.OpenMessageMsg{MessageID: a.w.Sent.ID})) }},
	{"picker", func(t *testing.T, a *app) { a.pump(t, a.handleIntent(common.OpenPickerMsg{Contact: a.w.Ada})) }},
	{"personalize", func(t *testing.T, a *app) {
		a.pump(t, a.handleIntent(common.OpenPersonalizeMsg{Contact: a.w.Ada, EmailID: a.w.Intro.ID}))
	}},
	{"outbox", func(t *testing.T, a *app) {
		a.w.AddMessage(t, tuitest.MessageSpec{Contact: a.w.Ada, Subject: "Hello Ada", Status: store.MessageFailed,
			Attempts: 1, At: tuitest.Now.Add(-time.Minute),
			LastError: "550 5.1.1 <ada@analytical.test>: Recipient address rejected"})
		a.pump(t, a.handleIntent(common.OpenOutboxMsg{}))
	}},
	{"received", func(t *testing.T, a *app) {
		s := a.w.AddMailSync(t)
		a.pump(t, a.handleIntent(common.OpenReceivedMsg{ReceivedID: s.Reply.ID}))
	}},
	{"emails", func(t *testing.T, a *app) { a.pump(t, a.handleIntent(common.OpenEmailsMsg{})) }},
	{"signatures", func(t *testing.T, a *app) {
		a.pump(t, a.handleIntent(common.OpenEmailsMsg{}))
		a.press(t, "s")
	}},
	{"editor", func(t *testing.T, a *app) {
		a.pump(t, a.handleIntent(common.OpenEmailsMsg{}))
		a.press(t, "e")
	}},
	{"contactform", openContactDialog(common.EditContactMsg{})}, // contactedit_test.go
	{"status", openContactDialog(common.SetStatusMsg{})},
	{"forget", openContactDialog(common.ForgetContactMsg{})},
	{"taskform", func(t *testing.T, a *app) { a.pump(t, a.handleIntent(common.NewTaskMsg{ContactID: a.w.Ada.ID})) }},
	{"today", func(t *testing.T, a *app) { // tasks_test.go
		addTask(t, a, "Send the proposal", tuitest.Now.Add(-26*time.Hour))
		addTask(t, a, "Follow up on pricing", tuitest.Now.Add(23*time.Hour))
		a.pump(t, a.handleIntent(common.OpenTodayMsg{}))
	}},
	{"note", func(t *testing.T, a *app) { a.pump(t, a.handleIntent(common.NewNoteMsg{ContactID: a.w.Ada.ID})) }}, // notes_test.go
	{"noteview", func(t *testing.T, a *app) {
		a.pump(t, a.handleIntent(common.OpenNoteMsg{NoteID: addNote(t, a, sampleNote)}))
	}},
	{"callform", func(t *testing.T, a *app) { a.pump(t, a.handleIntent(common.LogCallMsg{ContactID: a.w.Ada.ID})) }},
	{"timelinesearch", func(t *testing.T, a *app) {
		a.pump(t, a.handleIntent(common.OpenContactMsg{ContactID: a.w.Ada.ID}))
		a.press(t, "/", "h", "e", "l", "l", "o")
	}},
	{"pipeline", func(t *testing.T, a *app) { // pipeline_test.go
		addDeal(t, a, "Analytical upgrade")
		a.pump(t, a.handleIntent(common.OpenPipelineMsg{}))
	}},
	{"opportunity", func(t *testing.T, a *app) {
		a.pump(t, a.handleIntent(common.OpenOpportunityMsg{OpportunityID: addDeal(t, a, "Analytical upgrade")}))
	}},
	{"opportunityform", func(t *testing.T, a *app) { a.pump(t, a.handleIntent(common.NewOpportunityMsg{})) }},
	{"stages", func(t *testing.T, a *app) { a.pump(t, a.handleIntent(common.OpenStagesMsg{})) }}, // stages_test.go
	{"dealnote", func(t *testing.T, a *app) { // deal_work_test.go
		a.pump(t, a.handleIntent(common.NewNoteMsg{ContactID: a.w.Ada.ID, OpportunityID: addDeal(t, a, "Analytical upgrade")}))
	}},
	{"dealtask", func(t *testing.T, a *app) {
		a.pump(t, a.handleIntent(common.NewTaskMsg{ContactID: a.w.Ada.ID, OpportunityID: addDeal(t, a, "Analytical upgrade")}))
	}},
}

func TestTrust17EveryScreenAt80x24(t *testing.T) {
	const width, height = 80, 24
	for _, sc := range screensAt80x24 {
		t.Run(sc.name, func(t *testing.T) {
			a := newApp(t, width, height, func(o *Options) { o.Demo = true })
			a.opts.Sender = a.w.User // the owner of the signatures
			sc.open(t, a)
			v := a.view()
			fits(t, v, width, height)
			lines := strings.Split(v, "\n")
			foot := lines[len(lines)-1]
			// While typing, ? is text: the footer offers f1.
			if !strings.Contains(foot, "all keys") {
				t.Errorf("the footer does not lead to every key: %q", foot)
			}
			if strings.HasSuffix(strings.TrimSpace(foot), "•") {
				t.Errorf("the footer ends in a separator: %q", foot)
			}
			if sc.name == "outbox" && !strings.Contains(v, "Last error") {
				t.Errorf("the outbox drops the last error:\n%s", v)
			}
			tuitest.Golden(t, v)
			helpKey := "?"
			if a.top().Capturing() {
				helpKey = "f1" // typing: ? is text
			}
			a.press(t, helpKey)
			overlay := helpPages(t, a, width, height)
			want := enabledKeys(flatten(a.footer().FullHelp()))
			for _, b := range want {
				if !strings.Contains(overlay, b.Help().Key+" ") {
					t.Errorf("the help overlay lacks %q (%s):\n%s", b.Help().Key, b.Help().Desc, overlay)
				}
			}
		})
	}
}

// F1 opens the help on every screen, even while a field takes typed text;
// the typed text stays as it was, and the help says f1 works there.
func TestTrust20F1OpensHelpWhileTyping(t *testing.T) {
	for _, sc := range screensAt80x24 {
		t.Run(sc.name, func(t *testing.T) {
			a := newApp(t, 80, 24)
			a.opts.Sender = a.w.User
			sc.open(t, a)
			if sc.name == "contacts" {
				a.press(t, "/") // the search takes typed text
			}
			before := a.top().View()
			a.press(t, "f1")
			if len(a.modals) != 1 || a.modals[0].kind != modalHelp {
				t.Fatalf("f1 on %s (typing %v) opened no help:\n%s", sc.name, a.top().Capturing(), a.view())
			}
			if !strings.Contains(helpPages(t, a, 80, 24), "f1 ") {
				t.Errorf("the help does not mention f1:\n%s", a.view())
			}
			a.press(t, "f1")
			if len(a.modals) != 0 {
				t.Fatal("f1 again does not close the help")
			}
			if after := a.top().View(); after != before {
				t.Errorf("f1 changed the screen under the help:\n%s\n---\n%s", before, after)
			}
		})
	}
}

func TestTrust17HelpOverlayGolden(t *testing.T) {
	a := newApp(t, 80, 24, func(o *Options) { o.Demo = true })
	a.pump(t, a.handleIntent(common.OpenContactMsg{ContactID: a.w.Ada.ID}))
	a.press(t, "?")
	tuitest.Golden(t, a.view())
}

// fits fails unless view is exactly height lines of at most width cells.
func fits(t *testing.T, view string, width, height int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != height {
		t.Errorf("%d lines, want %d", len(lines), height)
	}
	for _, l := range lines {
		if n := ansi.StringWidth(l); n > width {
			t.Errorf("a line is %d wide: %q", n, l)
		}
	}
}

// helpPages is every page of the open help overlay, scrolled with pgdown
// until it stops moving, each page checked to fit the screen; it scrolls
// back to the top before returning.
func helpPages(t *testing.T, a *app, width, height int) string {
	t.Helper()
	var pages []string
	for range 20 {
		v := a.view()
		fits(t, v, width, height)
		if len(pages) > 0 && v == pages[len(pages)-1] {
			break
		}
		pages = append(pages, v)
		a.press(t, "pgdown")
	}
	for range pages {
		a.press(t, "pgup")
	}
	return strings.Join(pages, "\n")
}

func flatten(groups [][]key.Binding) []key.Binding {
	var out []key.Binding
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

func TestTrust17FooterImportantKeysFirst(t *testing.T) {
	a := newApp(t, 80, 24, func(o *Options) { o.Importer = nopImporter{} })
	foot := tuitest.Strip(a.footerView())
	for _, want := range []string{"enter open", "m smart mail", "o outbox", "e emails", "i import", "q quit", "? all keys"} {
		if !strings.Contains(foot, want) {
			t.Errorf("the footer at 80 columns hides %q: %q", want, foot)
		}
	}
}

func TestTrust20NoEditorIsOneSentence(t *testing.T) {
	got := ErrorText(fmt.Errorf("open the body: %w", editor.ErrNoEditor))
	if !strings.HasPrefix(got, "No editor found") || !strings.Contains(got, "set $EDITOR") {
		t.Errorf("ErrorText = %q", got)
	}
}
