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
type app struct {
	*Model
	tr *tuitest.Transport
	w  *tuitest.World
}

func newApp(t *testing.T, width, height int, tweak ...func(*Options)) *app {
	t.Helper()
	w := tuitest.NewWorld(t)
	tr := &tuitest.Transport{}
	opts := Options{Store: w.DB, Mailer: w.Mailer(t, tr), UserName: "Sam Seller", Now: tuitest.Clock,
		Context: t.Context(), StatusTTL: time.Millisecond}
	for _, f := range tweak {
		f(&opts)
	}
	a := &app{Model: New(opts), tr: tr, w: w}
	a.pump(t, a.Init())
	a.pump(t, a.update(tea.WindowSizeMsg{Width: width, Height: height}))
	return a
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
		_, isClear := msg.(statusClearMsg)
		_, isQuit := msg.(tea.QuitMsg)
		return isClear || isQuit
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

func TestDeliveryOutcomesInWords(t *testing.T) {
	a := newApp(t, 120, 40)
	ada := a.w.Ada
	msg := store.Message{ID: 7, Subject: "Hello Ada", Recipients: []string{ada.Email}}
	tests := []struct {
		name string
		in   common.DeliveredMsg
		want string
	}{
		{"sent", common.DeliveredMsg{Contact: ada, Message: withStatus(msg, store.MessageSent)},
			"Sent to ada@analytical.test: Hello Ada"},
		{"error", common.DeliveredMsg{Contact: ada, Message: withStatus(msg, store.MessageQueued),
			Err: errors.New("not sent yet, kept in the outbox: dial tcp: connection refused")},
			"Not sent to ada@analytical.test yet: not sent yet, kept in the outbox: dial tcp: connection refused — it stays in the outbox"},
		{"no error but not sent", common.DeliveredMsg{Contact: ada, Message: withStatus(msg, store.MessageSending)},
			"Not sent yet (sending) to ada@analytical.test: Hello Ada"},
		{"cancelled", common.DeliveredMsg{Contact: ada, Message: withStatus(msg, store.MessageQueued), Err: context.Canceled},
			""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a.status.text = ""
			a.pump(t, a.update(tt.in))
			if a.StatusText() != tt.want {
				t.Errorf("status = %q\nwant     %q", a.StatusText(), tt.want)
			}
		})
	}
}

func withStatus(m store.Message, s store.MessageStatus) store.Message {
	m.Status = s
	return m
}

func TestQuickSendFromTheContactScreen(t *testing.T) {
	a := newApp(t, 120, 40)
	a.pump(t, a.handleIntent(common.OpenContactMsg{ContactID: a.w.Ada.ID}))
	a.press(t, "m", "enter")
	if len(a.stack) != 2 {
		t.Fatalf("after the send: %d screens (want contacts and Ada), top %T", len(a.stack), a.top())
	}
	c, ok := a.top().(*contact.Model)
	if !ok || c.ContactID() != a.w.Ada.ID {
		t.Fatalf("top = %T", a.top())
	}
	if got := a.StatusText(); got != "Sent to ada@analytical.test: Following up, Ada" {
		t.Errorf("status = %q", got)
	}
	if n := len(a.tr.Sent()); n != 1 {
		t.Errorf("transport got %d messages", n)
	}
	view := a.view()
	if !strings.Contains(view, "✉ sent") || !strings.Contains(view, "Following up, Ada") {
		t.Errorf("the timeline does not show the send:\n%s", view)
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

func TestDeliveryFailureKeepsMessageQueued(t *testing.T) {
	a := newApp(t, 120, 40)
	a.tr.Fail(errors.New("dial tcp 127.0.0.1:587: connection refused"))
	a.press(t, "m", "enter")
	got := a.StatusText()
	if !strings.HasPrefix(got, "Not sent to alex.abbott@example.test yet:") || !strings.Contains(got, "connection refused") {
		t.Errorf("status = %q", got)
	}
	ms, err := a.w.DB.ListMessages(t.Context(), store.MessageFilter{ContactID: a.w.Bulk[0].ID})
	if err != nil || len(ms) != 1 || ms[0].Status != store.MessageQueued {
		t.Errorf("messages = %+v, %v; want one still queued", ms, err)
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

func TestQueuedSaysQueuedBeforeSent(t *testing.T) {
	a := newApp(t, 120, 40)
	a.pump(t, a.handleIntent(common.OpenPickerMsg{Contact: a.w.Ada}))
	q := common.QueuedMsg{Contact: a.w.Ada, Email: a.w.FollowUp,
		Message: store.Message{ID: 99, Subject: "Following up, Ada", Status: store.MessageQueued}}
	deliver := a.update(q) // not run: the delivery is still on its way
	if got := a.StatusText(); got != "Queued for Ada Lovelace: Following up, Ada" {
		t.Errorf("status = %q", got)
	}
	if c, ok := a.top().(*contact.Model); !ok || c.ContactID() != a.w.Ada.ID {
		t.Errorf("top = %T, want Ada's contact screen", a.top())
	}
	if deliver == nil {
		t.Error("no delivery started")
	}
}

func TestQueuedAfterLeavingThePickerDoesNotNavigate(t *testing.T) {
	a := newApp(t, 120, 40)
	a.pump(t, a.handleIntent(common.OpenPickerMsg{Contact: a.w.Ada}))
	a.press(t, "esc") // the user left before the queue answered
	a.update(common.QueuedMsg{Contact: a.w.Ada, Message: store.Message{ID: 99, Subject: "Hi"}})
	if len(a.stack) != 1 {
		t.Errorf("a late result opened %T", a.top())
	}
	if !strings.HasPrefix(a.StatusText(), "Queued for Ada Lovelace") {
		t.Errorf("status = %q", a.StatusText())
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
		})
	}
}
