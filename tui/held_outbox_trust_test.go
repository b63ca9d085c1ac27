package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// relaunch is the next launch of the app after a was closed (its outbox
// service ends, as the process does), an hour later, on the same database,
// sized width×height.
func relaunch(t *testing.T, a *app, width, height int) *app {
	t.Helper()
	if err := a.ob.Close(); err != nil {
		t.Fatal(err)
	}
	a.w.Clock.Set(a.w.Clock.Now().Add(time.Hour))
	ob := a.w.Mailer(t, a.tr)
	next := &app{Model: New(Options{Store: a.w.DB, Mailer: ob, Worker: a.w.NewWorker(ob), Now: a.w.Clock.Now,
		Context: t.Context(), StatusTTL: time.Millisecond, CountdownTick: time.Millisecond}),
		tr: a.tr, w: a.w, ob: ob}
	next.wk = next.opts.Worker.(*tuitest.Worker)
	next.pump(t, next.Init())
	next.pump(t, next.update(tea.WindowSizeMsg{Width: width, Height: height}))
	return next
}

// relaunchWithHeld sends to Ada, closes the app inside the undo window and
// launches the next one, the held dialog put off with esc: the send waits,
// held, for the user.
func relaunchWithHeld(t *testing.T, width, height int) (*app, store.Message) {
	t.Helper()
	a := newApp(t, 120, 40)
	m := a.sendToAda(t)
	next := relaunch(t, a, width, height)
	next.press(t, "esc") // decide later
	return next, m
}

// A held message is in the Outbox as held, the status bar counts it apart
// from the queued ones, and S there sends it.
func TestTrust01HeldInOutboxSendNow(t *testing.T) {
	a, m := relaunchWithHeld(t, 120, 40)
	if got := tuitest.Strip(a.outboxSummary(false)); !strings.Contains(got, "1 held") || strings.Contains(got, "queued") {
		t.Errorf("status bar %q: want 1 held and nothing queued", got)
	}
	a.pump(t, a.handleIntent(common.OpenOutboxMsg{}))
	v := a.view()
	for _, want := range []string{"⏸ held", "waits for you", "Held: undo window not confirmed", "S send held now"} {
		if !strings.Contains(v, want) {
			t.Errorf("the Outbox lacks %q:\n%s", want, v)
		}
	}
	a.press(t, "S")
	a.deliver(t)
	if got := a.msgStatus(t, m.ID); got != store.MessageSent || len(a.tr.Sent()) != 1 {
		t.Fatalf("after S: status %s, %d sent; want sent once", got, len(a.tr.Sent()))
	}
	if got := tuitest.Strip(a.outboxSummary(false)); strings.Contains(got, "held") {
		t.Errorf("status bar still counts it held: %q", got)
	}
}

// x cancels a held message like any waiting one; it never leaves.
func TestTrust01HeldInOutboxCancel(t *testing.T) {
	a, m := relaunchWithHeld(t, 120, 40)
	a.pump(t, a.handleIntent(common.OpenOutboxMsg{}))
	a.press(t, "x")
	a.deliver(t)
	if got := a.msgStatus(t, m.ID); got != store.MessageCancelled || len(a.tr.Sent()) != 0 {
		t.Fatalf("after x: status %s, %d sent; want cancelled, none sent", got, len(a.tr.Sent()))
	}
	if strings.Contains(a.view(), "⏸ held") {
		t.Errorf("the cancelled message is still shown held:\n%s", a.view())
	}
}

// At 80×24 the Outbox keeps its Last error column beside a held message.
func TestTrust17OutboxHeldAt80x24(t *testing.T) {
	a, _ := relaunchWithHeld(t, 80, 24)
	a.w.AddMessage(t, tuitest.MessageSpec{Contact: a.w.Ada, Subject: "Hello Ada", Status: store.MessageFailed,
		Attempts: 1, At: a.w.Clock.Now().Add(-time.Minute),
		LastError: "550 5.1.1 <ada@analytical.test>: Recipient address rejected"})
	a.pump(t, a.handleIntent(common.OpenOutboxMsg{}))
	v := a.view()
	fits(t, v, 80, 24)
	head := ""
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, "State") {
			head = l
		}
	}
	if !strings.Contains(head, "Last error") || !strings.Contains(v, "550 5.1.1") {
		t.Errorf("no Last error column at 80 columns:\n%s", v)
	}
	tuitest.Golden(t, v)
}
