package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
	"github.com/leadmail/leadmail/tui/screens/contact"
	"github.com/leadmail/leadmail/tui/screens/contacts"
	"github.com/leadmail/leadmail/tui/screens/message"
	"github.com/leadmail/leadmail/tui/screens/picker"
)

// app is the root model on the test world, sized, with its first page in.
// Its worker is quiet: the test delivers with a.deliver and feeds the
// updates itself. Its clock is the world's, which the test moves.
type app struct {
	*Model
	tr *tuitest.Transport
	w  *tuitest.World
	ob *outbox.Service
	wk *tuitest.Worker
}

func newApp(t *testing.T, width, height int, tweak ...func(*Options)) *app {
	t.Helper()
	w := tuitest.NewWorld(t)
	tr := &tuitest.Transport{}
	ob := w.Mailer(t, tr)
	wk := w.NewWorker(ob)
	opts := Options{Store: w.DB, Mailer: ob, Worker: wk, UserName: "Sam Seller", Now: w.Clock.Now,
		Context: t.Context(), StatusTTL: time.Millisecond, CountdownTick: time.Millisecond}
	for _, f := range tweak {
		f(&opts)
	}
	a := &app{Model: New(opts), tr: tr, w: w, ob: ob, wk: wk}
	a.pump(t, a.Init())
	a.pump(t, a.update(tea.WindowSizeMsg{Width: width, Height: height}))
	return a
}

// deliver lets the undo window pass and has the worker send what is due,
// feeding each update to the model as its listener would.
func (a *app) deliver(t *testing.T) {
	t.Helper()
	a.w.Clock.Set(a.w.Clock.Now().Add(tuitest.UndoWindow))
	ups, err := a.wk.DeliverDue(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range ups {
		a.pump(t, a.update(workerUpdateMsg{update: u}))
	}
}

// tick delivers the countdown's current tick, as the timer would.
func (a *app) tick(t *testing.T) {
	t.Helper()
	a.pump(t, a.update(countdownTickMsg{seq: a.undo.seq}))
}

func (a *app) update(msg tea.Msg) tea.Cmd {
	_, cmd := a.Update(msg)
	return cmd
}

// pump runs cmd to the end. Status-line clear ticks are dropped so the
// status stays readable; the test of the status line sends them itself.
func (a *app) pump(t *testing.T, cmd tea.Cmd) {
	t.Helper()
	tuitest.Pump(t, a.update, cmd, func(msg tea.Msg) bool {
		switch msg.(type) {
		case statusClearMsg, tea.QuitMsg, countdownTickMsg:
			return true // the test sends ticks itself
		}
		return false
	})
}

func (a *app) press(t *testing.T, keys ...string) {
	t.Helper()
	for _, k := range keys {
		a.pump(t, a.update(tuitest.Key(k)))
	}
}

func (a *app) view() string { return tuitest.Strip(a.View().Content) }

// quits reports whether cmd (or a batch in it) ends the program.
func quits(t *testing.T, cmd tea.Cmd) bool {
	for _, msg := range tuitest.Exec(t, cmd, 100*time.Millisecond) {
		if _, ok := msg.(tea.QuitMsg); ok {
			return true
		}
	}
	return false
}

func TestRootGolden(t *testing.T) {
	for _, size := range []struct{ w, h int }{{120, 40}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			a := newApp(t, size.w, size.h, func(o *Options) {
				o.Demo, o.DemoMailbox = true, "/home/sam/.local/share/leadmail/demo-mailbox"
			})
			v := a.View()
			if !v.AltScreen || v.WindowTitle != "leadmail — Contacts (demo)" {
				t.Errorf("AltScreen %v, title %q", v.AltScreen, v.WindowTitle)
			}
			if n := strings.Count(v.Content, "\n") + 1; n != size.h {
				t.Errorf("view is %d lines, want %d", n, size.h)
			}
			tuitest.Golden(t, v.Content)
		})
	}
}

func TestNavigation(t *testing.T) {
	a := newApp(t, 120, 40)
	a.press(t, "enter")
	if _, ok := a.top().(*contact.Model); !ok {
		t.Fatalf("enter opened %T", a.top())
	}
	if !strings.Contains(a.view(), "leadmail › Contacts › Alex Abbott") {
		t.Errorf("breadcrumb:\n%s", a.view())
	}
	a.press(t, "m")
	if _, ok := a.top().(*picker.Model); !ok {
		t.Fatalf("m on the contact opened %T", a.top())
	}
	a.press(t, "esc", "esc")
	if _, ok := a.top().(*contacts.Model); !ok || len(a.stack) != 1 {
		t.Fatalf("esc twice: %d screens, top %T", len(a.stack), a.top())
	}
	// One esc too many (a habit from the screens above) must not close
	// the app: only q and ctrl+c do.
	if cmd := a.update(tuitest.Key("esc")); quits(t, cmd) {
		t.Error("esc on the first screen quits")
	}
	if cmd := a.update(tuitest.Key("q")); !quits(t, cmd) {
		t.Error("q on the first screen does not quit")
	}
}

func TestOpenSentMessageFromTimeline(t *testing.T) {
	a := newApp(t, 120, 40)
	a.pump(t, a.handleIntent(common.OpenContactMsg{ContactID: a.w.Ada.ID}))
	a.press(t, "enter") // the reply, which belongs to the sent Intro
	if _, ok := a.top().(*message.Model); !ok {
		t.Fatalf("enter on the timeline opened %T", a.top())
	}
	if !strings.Contains(a.view(), "<intro-1@acme.test>") {
		t.Errorf("message view:\n%s", a.view())
	}
}

func TestCtrlCQuitsAnywhere(t *testing.T) {
	a := newApp(t, 120, 40)
	a.press(t, "m", "/") // picker, typing in its filter
	if cmd := a.update(tuitest.Key("ctrl+c")); !quits(t, cmd) {
		t.Error("ctrl+c while typing did not quit")
	}
	if a.common.Ctx.Err() == nil {
		t.Error("quitting did not cancel the commands' context")
	}
}

func TestHelpModal(t *testing.T) {
	a := newApp(t, 80, 24)
	a.press(t, "?")
	if len(a.modals) != 1 || !strings.Contains(a.view(), "Contacts — keys") {
		t.Fatalf("? did not open the help:\n%s", a.view())
	}
	a.press(t, "down") // held by the modal
	if c, _ := a.top().(*contacts.Model).Selected(); c.FirstName != "Alex" || c.LastName != "Abbott" {
		t.Errorf("a key reached the screen under the modal: on %s", c.Name())
	}
	a.press(t, "esc")
	if len(a.modals) != 0 {
		t.Fatal("esc did not close the help")
	}
	// While typing a search, ? is text.
	a.press(t, "/", "?")
	if len(a.modals) != 0 {
		t.Error("? opened the help while typing")
	}
}

func TestContactHelpHasLegend(t *testing.T) {
	a := newApp(t, 120, 40)
	a.press(t, "enter", "?")
	for _, want := range []string{"✉", "sent", "◔", "queued", "◉", "opened", "✗", "failed"} {
		if !strings.Contains(a.view(), want) {
			t.Errorf("the contact's help lacks %q", want)
		}
	}
}

func TestStatusClearsOnlyItsOwnText(t *testing.T) {
	a := newApp(t, 120, 40)
	a.setStatus("first", common.LevelInfo)
	a.setStatus("second", common.LevelInfo)
	a.update(statusClearMsg{seq: a.status.seq - 1})
	if a.StatusText() != "second" {
		t.Fatalf("an old tick cleared the newer text: %q", a.StatusText())
	}
	a.update(statusClearMsg{seq: a.status.seq})
	if a.StatusText() != "" {
		t.Errorf("status not cleared: %q", a.StatusText())
	}
}

func TestQuickSendRefusedShowsModal(t *testing.T) {
	a := newApp(t, 120, 40)
	a.pump(t, a.handleIntent(common.OpenPickerMsg{Contact: a.w.NoEmail}))
	a.press(t, "enter")
	if len(a.modals) != 1 || a.modals[0].title != "Not sent" {
		t.Fatalf("modals = %+v", a.modals)
	}
	if !strings.Contains(a.modals[0].body, "Nils Noemail has no email address") {
		t.Errorf("modal body = %q", a.modals[0].body)
	}
	if _, ok := a.top().(*picker.Model); !ok {
		t.Errorf("the picker closed after a refusal: top %T", a.top())
	}
	if len(a.tr.Sent()) != 0 || strings.Contains(a.StatusText(), "Sent") {
		t.Error("a refused send was sent or reported as sent")
	}
}

func TestErrorText(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{context.Canceled, ""},
		{fmt.Errorf("load: %w", context.Canceled), ""},
		{fmt.Errorf("quick send: %w", &outbox.RefusalError{Reason: "Nils has no email address"}), "Nils has no email address"},
		{&outbox.MissingVarsError{Contact: "Alex", Names: []string{"custom.industry"}},
			`Alex has no value for custom.industry: fill the field, or give the variable a fallback like {{custom.industry | "..."}}`},
		{fmt.Errorf("get contact 9: %w", store.ErrNotFound), "That record no longer exists"},
		{errors.New("disk I/O error"), "disk I/O error"},
	}
	for _, tt := range tests {
		if got := ErrorText(tt.err); got != tt.want {
			t.Errorf("ErrorText(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestNoColor(t *testing.T) {
	a := newApp(t, 120, 40, func(o *Options) { o.NoColor = true; o.Demo = true })
	a.pump(t, a.handleIntent(common.OpenContactMsg{ContactID: a.w.Ada.ID}))
	raw := a.View().Content
	if strings.Contains(raw, "\x1b[38;") || strings.Contains(raw, "\x1b[48;") {
		t.Error("colour sequences with NoColor")
	}
	view := a.view()
	for _, marker := range []string{"[DEMO]", "› ", "+ created"} {
		if !strings.Contains(view, marker) {
			t.Errorf("without colour the view lacks the text marker %q", marker)
		}
	}
}

func TestTerminalWithoutColour(t *testing.T) {
	a := newApp(t, 120, 40)
	if a.common.Styles.NoColor {
		t.Fatal("colour off before the terminal said so")
	}
	a.pump(t, a.update(tea.ColorProfileMsg{})) // unknown: no change
	if a.common.Styles.NoColor {
		t.Fatal("an unknown profile turned colour off")
	}
	a.pump(t, a.update(tea.ColorProfileMsg{Profile: colorprofile.ASCII}))
	if !a.common.Styles.NoColor {
		t.Error("an ASCII terminal still gets colours")
	}
}

func TestSmallTerminalsDoNotOverflow(t *testing.T) {
	for _, size := range []struct{ w, h int }{{30, 7}, {40, 10}, {60, 15}, {24, 6}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			a := newApp(t, size.w, size.h)
			check := func(where string) {
				t.Helper()
				content := a.View().Content
				if n := strings.Count(content, "\n") + 1; n > size.h {
					t.Errorf("%s: %d lines on a %d-line terminal", where, n, size.h)
				}
				for i, line := range strings.Split(content, "\n") {
					if w := ansi.StringWidth(line); w > size.w {
						t.Errorf("%s: line %d is %d wide on a %d-column terminal", where, i, w, size.w)
					}
				}
			}
			check("contacts")
			a.pump(t, a.handleIntent(common.OpenContactMsg{ContactID: a.w.Ada.ID}))
			check("contact")
			a.press(t, "m")
			check("picker")
			a.press(t, "esc", "enter")
			check("message")
			a.press(t, "?")
			check("help")
			a.press(t, "esc", "esc", "o")
			check("outbox")
			a.pump(t, a.update(workerUpdateMsg{update: outbox.Update{Status: troubled}}))
			check("status bar")
			a.press(t, "esc", "m", "s")
			for _, k := range tuitest.Type("next blursday") {
				a.pump(t, a.update(k))
			}
			check("schedule prompt")
		})
	}
}

// TestCustomFieldReachesThePreviewFromTheList: the Contacts screen holds
// brief rows without custom fields; Smart Mail opened from it still renders
// {{custom.industry}} for Ada.
func TestCustomFieldReachesThePreviewFromTheList(t *testing.T) {
	a := newApp(t, 120, 40)
	a.press(t, "/")
	a.press(t, "l", "o", "v", "e", "l", "a", "c", "e", "enter")
	list, ok := a.top().(*contacts.Model)
	if !ok {
		t.Fatalf("top screen is %T", a.top())
	}
	c, ok := list.Selected()
	if !ok || c.ID != a.w.Ada.ID || c.Custom != nil || c.Phone != "" {
		t.Fatalf("selected %+v; want Ada as a brief row", c)
	}
	a.press(t, "m")
	if _, ok := a.top().(*picker.Model); !ok {
		t.Fatalf("m opened %T", a.top())
	}
	a.press(t, "/", "i", "n", "d", "u", "s", "t", "r", "y", "enter")
	if v := a.view(); !strings.Contains(v, "What we see in computing") ||
		!strings.Contains(v, "what teams in computing do") {
		t.Errorf("the preview does not render Ada's custom field:\n%s", v)
	}
}
