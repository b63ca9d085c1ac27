package tui

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
	"github.com/leadmail/leadmail/tui/screens/contact"
)

func (a *app) messages(t *testing.T, contactID int64) []store.Message {
	t.Helper()
	ms, err := a.w.DB.ListMessages(t.Context(), store.MessageFilter{ContactID: contactID})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func TestQuickSendCountsDownThenReportsTheWorker(t *testing.T) {
	a := newApp(t, 120, 40)
	a.pump(t, a.handleIntent(common.OpenContactMsg{ContactID: a.w.Ada.ID}))
	a.press(t, "m", "enter")
	if len(a.stack) != 2 {
		t.Fatalf("after the send: %d screens (want contacts and Ada), top %T", len(a.stack), a.top())
	}
	if c, ok := a.top().(*contact.Model); !ok || c.ContactID() != a.w.Ada.ID {
		t.Fatalf("top = %T", a.top())
	}
	if got, want := a.statusLine(), "Sending to Ada Lovelace in 10s · u undo"; got != want || a.StatusText() != want {
		t.Errorf("status line = %q (StatusText %q), want %q", got, a.StatusText(), want)
	}
	if a.wk.Wakes() != 1 {
		t.Errorf("worker woken %d times, want 1", a.wk.Wakes())
	}
	if !a.keys.Undo.Enabled() {
		t.Error("u is disabled during the countdown")
	}
	if len(a.tr.Sent()) != 0 {
		t.Fatal("sent before the undo window passed")
	}

	a.deliver(t)
	if got := a.StatusText(); got != "Sent to ada@analytical.test: Following up, Ada" {
		t.Errorf("status = %q", got)
	}
	if a.undo.state != countdownIdle || a.keys.Undo.Enabled() {
		t.Error("the countdown still runs after the message left")
	}
	if n := len(a.tr.Sent()); n != 1 {
		t.Errorf("transport got %d messages", n)
	}
	view := a.view()
	if !strings.Contains(view, "✉ sent") || !strings.Contains(view, "Following up, Ada") {
		t.Errorf("the timeline does not show the send:\n%s", view)
	}
}

// statusLine is the status line as drawn, without the outbox summary.
func (a *app) statusLine() string {
	lines := strings.Split(a.view(), "\n")
	line := lines[len(lines)-2]
	if i := strings.Index(line, "   "); i >= 0 {
		line = line[:i]
	}
	return strings.TrimSpace(line)
}

func TestCountdownGolden(t *testing.T) {
	for _, size := range []struct{ w, h int }{{120, 40}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			a := newApp(t, size.w, size.h)
			a.press(t, "enter", "m", "enter")
			a.w.Clock.Set(tuitest.Now.Add(4 * time.Second))
			a.tick(t)
			tuitest.Golden(t, a.View().Content)
		})
	}
}

func TestCountdownTicksAndEnds(t *testing.T) {
	a := newApp(t, 120, 40)
	a.pump(t, a.handleIntent(common.OpenPickerMsg{Contact: a.w.Ada}))
	sendAt := a.w.Clock.Now().Add(10 * time.Second)
	q := common.QueuedMsg{Contact: a.w.Ada, Email: a.w.FollowUp,
		Message: store.Message{ID: 99, Subject: "Following up, Ada", Status: store.MessageQueued, SendAt: sendAt}}
	a.pump(t, a.update(q))
	if got := a.statusLine(); got != "Sending to Ada Lovelace in 10s · u undo" {
		t.Fatalf("status line = %q", got)
	}
	a.w.Clock.Set(tuitest.Now.Add(3500 * time.Millisecond))
	stale := countdownTickMsg{seq: a.undo.seq - 1}
	if cmd := a.update(stale); cmd != nil {
		t.Error("a stale tick re-armed")
	}
	a.tick(t)
	if got := a.statusLine(); got != "Sending to Ada Lovelace in 7s · u undo" {
		t.Errorf("after 3.5s: %q", got)
	}
	// A newer text shows over the countdown until it clears.
	a.setStatus("Loaded", common.LevelInfo)
	if got := a.statusLine(); got != "Loaded" {
		t.Errorf("a newer status is hidden: %q", got)
	}
	a.update(statusClearMsg{seq: a.status.seq})
	if got := a.statusLine(); !strings.HasPrefix(got, "Sending to Ada Lovelace in 7s") {
		t.Errorf("the countdown did not come back: %q", got)
	}
	a.w.Clock.Set(sendAt)
	a.tick(t)
	if got := a.StatusText(); got != "Sending to Ada Lovelace…" {
		t.Errorf("after the window: %q", got)
	}
	if a.keys.Undo.Enabled() || strings.Contains(a.view(), "Sent") {
		t.Error("after the window: u still enabled, or a claim that it was sent")
	}
}

func TestUndoCancelsAndTheTimelineShowsIt(t *testing.T) {
	a := newApp(t, 120, 40)
	alex := a.w.Bulk[0]
	a.press(t, "m", "enter", "u")
	if got := a.StatusText(); got != "Cancelled: not sent to Alex Abbott" {
		t.Fatalf("status = %q", got)
	}
	ms := a.messages(t, alex.ID)
	if len(ms) != 1 || ms[0].Status != store.MessageCancelled {
		t.Fatalf("messages = %+v", ms)
	}
	if !strings.Contains(a.view(), "⊘ cancelled") {
		t.Errorf("the timeline does not show the cancel:\n%s", a.view())
	}
	a.deliver(t)
	if n := len(a.tr.Sent()); n != 0 {
		t.Errorf("a cancelled message was sent (%d)", n)
	}
	if a.keys.Undo.Enabled() {
		t.Error("u still enabled")
	}
}

func TestUndoTooLateSaysSoInAModal(t *testing.T) {
	a := newApp(t, 120, 40)
	a.press(t, "m", "enter")
	id := a.undo.id
	// The worker got there first (the clock jumped).
	a.w.Clock.Set(a.w.Clock.Now().Add(tuitest.UndoWindow))
	if _, err := a.wk.DeliverDue(t.Context()); err != nil {
		t.Fatal(err)
	}
	a.press(t, "u")
	if len(a.modals) != 1 || a.modals[0].title != "Not cancelled" || !strings.Contains(a.modals[0].body, "too late to cancel") {
		t.Fatalf("modals = %+v", a.modals)
	}
	if got, _ := a.w.DB.GetMessage(t.Context(), id); got.Status != store.MessageSent {
		t.Errorf("status = %s", got.Status)
	}
}

func TestUndoKeyOnlyDuringACountdown(t *testing.T) {
	a := newApp(t, 120, 40)
	if a.keys.Undo.Enabled() {
		t.Fatal("u enabled with nothing to undo")
	}
	a.press(t, "u")
	if a.StatusText() != "" || len(a.modals) != 0 {
		t.Error("u did something with nothing to undo")
	}
	a.press(t, "m", "enter", "?")
	if !strings.Contains(a.view(), "undo send") {
		t.Errorf("the help does not offer u during the countdown:\n%s", a.view())
	}
}

func TestDeliveryFailureKeepsMessageQueued(t *testing.T) {
	a := newApp(t, 120, 40)
	a.tr.Fail(errors.New("dial tcp 127.0.0.1:587: connection refused"))
	a.press(t, "m", "enter")
	a.deliver(t)
	got := a.StatusText()
	if got != "Not sent yet — kept in the outbox: dial tcp 127.0.0.1:587: connection refused" {
		t.Errorf("status = %q", got)
	}
	if ms := a.messages(t, a.w.Bulk[0].ID); len(ms) != 1 || ms[0].Status != store.MessageQueued {
		t.Errorf("messages = %+v; want one still queued", ms)
	}
}

func TestPermanentFailureOpensAModal(t *testing.T) {
	a := newApp(t, 120, 40)
	a.tr.Fail(&mail.SendError{Class: mail.ClassPermanent, Msg: "550 5.1.1 mailbox unavailable"})
	a.press(t, "m", "enter")
	a.deliver(t)
	if len(a.modals) != 1 || a.modals[0].title != "Not sent" || !strings.Contains(a.modals[0].body, "550 5.1.1 mailbox unavailable") {
		t.Fatalf("modals = %+v", a.modals)
	}
	if strings.Contains(a.StatusText(), "Sent to") {
		t.Error("a refused message was reported sent")
	}
}

func TestWorkerEventsInWords(t *testing.T) {
	a := newApp(t, 120, 40)
	frees := time.Date(2026, 11, 26, 10, 42, 0, 0, time.UTC)
	msg := store.Message{ID: 7, ContactID: a.w.Ada.ID, Subject: "Hello Ada", Recipients: []string{"ada@analytical.test"}}
	reason := errors.New("421 4.7.0 try again later")
	tests := []struct {
		name  string
		kind  outbox.EventKind
		err   error
		mine  bool // sent in this session
		want  string
		modal string
	}{
		{"sent", outbox.EventSent, nil, true, "Sent to ada@analytical.test: Hello Ada", ""},
		{"sent in the background", outbox.EventSent, nil, false, "Sent to ada@analytical.test: Hello Ada", ""},
		{"retrying", outbox.EventRetrying, reason, true, "Not sent yet — kept in the outbox: 421 4.7.0 try again later", ""},
		{"retrying, not ours", outbox.EventRetrying, reason, false, "", ""},
		{"failed", outbox.EventFailed, errors.New("550 no such user"), true, "", "550 no such user"},
		{"failed in the background", outbox.EventFailed, errors.New("550 no such user"), false,
			"Not sent to ada@analytical.test: 550 no such user — see the Outbox (o)", ""},
		{"uncertain", outbox.EventUncertain, errors.New("connection reset"), false, "May or may not have been sent — see the Outbox (o)", ""},
		{"held", outbox.EventHeld, errors.New("quota"), true, "Held: sending limit reached, leaves at 10:42", ""},
		{"held till tomorrow", outbox.EventHeld, errors.New("quota"), false, "Held: sending limit reached, leaves at 27 Nov 09:00", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a.status.text, a.modals = "", nil
			if tt.mine {
				a.watch[msg.ID] = watched{contactID: a.w.Ada.ID, name: "Ada Lovelace"}
			} else {
				delete(a.watch, msg.ID)
			}
			at := frees
			if tt.name == "held till tomorrow" {
				at = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
			}
			u := outbox.Update{Status: outbox.Status{Quota: outbox.QuotaStatus{FreesAt: at}},
				Event: &outbox.Event{Kind: tt.kind, Message: msg, Err: tt.err}}
			a.pump(t, a.update(workerUpdateMsg{update: u}))
			if a.StatusText() != tt.want {
				t.Errorf("status = %q\nwant     %q", a.StatusText(), tt.want)
			}
			if tt.modal == "" && len(a.modals) > 0 {
				t.Errorf("unexpected modal %+v", a.modals)
			}
			if tt.modal != "" && (len(a.modals) != 1 || !strings.Contains(a.modals[0].body, tt.modal)) {
				t.Errorf("modals = %+v, want one saying %q", a.modals, tt.modal)
			}
		})
	}
}

func TestScheduleFromThePicker(t *testing.T) {
	a := newApp(t, 120, 40)
	a.pump(t, a.handleIntent(common.OpenContactMsg{ContactID: a.w.Ada.ID}))
	a.press(t, "m", "s")
	for _, k := range tuitest.Type("tomorrow 9:00") {
		a.pump(t, a.update(k))
	}
	if !strings.Contains(a.view(), "→ Fri 27 Nov 09:00 UTC (tomorrow)") {
		t.Fatalf("no parsed time under the prompt:\n%s", a.view())
	}
	a.press(t, "enter")
	if got, want := a.StatusText(), "Scheduled for Fri 27 Nov 2026 09:00 UTC: Following up, Ada to Ada Lovelace"; got != want {
		t.Errorf("status = %q\nwant     %q", got, want)
	}
	if c, ok := a.top().(*contact.Model); !ok || c.ContactID() != a.w.Ada.ID || len(a.stack) != 2 {
		t.Fatalf("after scheduling: top %T, %d screens", a.top(), len(a.stack))
	}
	ms := a.messages(t, a.w.Ada.ID)
	if ms[0].Status != store.MessageScheduled || !ms[0].SendAt.Equal(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("newest message: %s at %v", ms[0].Status, ms[0].SendAt)
	}
	if !strings.Contains(a.view(), "◷ scheduled") || a.undo.state == countdownRunning {
		t.Errorf("the timeline lacks the schedule, or a countdown runs:\n%s", a.view())
	}
	if a.wk.Wakes() != 1 {
		t.Errorf("worker woken %d times", a.wk.Wakes())
	}
}

func TestScheduleRefusedKeepsThePrompt(t *testing.T) {
	a := newApp(t, 120, 40)
	a.pump(t, a.handleIntent(common.OpenPickerMsg{Contact: a.w.NoEmail}))
	a.press(t, "s")
	for _, k := range tuitest.Type("in 2h") {
		a.pump(t, a.update(k))
	}
	a.press(t, "enter")
	if len(a.modals) != 1 || a.modals[0].title != "Not scheduled" {
		t.Fatalf("modals = %+v", a.modals)
	}
	a.press(t, "esc") // closes the modal
	if !a.top().Capturing() || !strings.Contains(a.view(), "Send at: in 2h") {
		t.Errorf("the prompt lost what was typed:\n%s", a.view())
	}
}

func TestRetryAllAfterARefusedLogin(t *testing.T) {
	a := newApp(t, 120, 40)
	if a.keys.RetryAll.Enabled() {
		t.Fatal("R enabled with nothing refused")
	}
	a.pump(t, a.update(workerUpdateMsg{update: outbox.Update{Status: outbox.Status{Queued: 2, AuthFailed: true}}}))
	if !key.Matches(tuitest.Key("R"), a.keys.RetryAll) {
		t.Fatal("R not enabled after a refused login")
	}
	a.press(t, "R")
	if a.wk.RunNows() != 1 || a.StatusText() != "Trying every queued message now…" {
		t.Errorf("RunNow calls %d, status %q", a.wk.RunNows(), a.StatusText())
	}
}

func TestNilWorkerNeverClaimsSent(t *testing.T) {
	a := newApp(t, 120, 40, func(o *Options) { o.Worker = nil })
	a.press(t, "m", "enter")
	if got := a.statusLine(); got != "Sending to Alex Abbott in 10s · u undo" {
		t.Fatalf("status line = %q", got)
	}
	a.w.Clock.Set(a.w.Clock.Now().Add(tuitest.UndoWindow))
	a.tick(t)
	if got := a.StatusText(); got != "Queued for Alex Abbott: Following up, Alex — it leaves when the outbox runs" {
		t.Errorf("status = %q", got)
	}
	a.press(t, "o", "R")
	if got := a.StatusText(); strings.Contains(got, "Trying") {
		t.Errorf("R without a worker: %q", got)
	}
}
