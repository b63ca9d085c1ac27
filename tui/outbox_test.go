package tui

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
	"github.com/leadmail/leadmail/tui/screens/message"
	outboxscreen "github.com/leadmail/leadmail/tui/screens/outbox"
)

// troubled is an outbox with something of everything to report.
var troubled = outbox.Status{Queued: 3, Scheduled: 1, Failed: 2, Uncertain: 1, Offline: true,
	Quota: outbox.QuotaStatus{Preset: "gmail", Used: 450, Limit: 500}}

func TestStatusBarGolden(t *testing.T) {
	statuses := []struct {
		name string
		s    outbox.Status
	}{
		{"offline", outbox.Status{Queued: 3, Scheduled: 1, Offline: true}},
		{"auth", outbox.Status{Queued: 2, AuthFailed: true}},
		{"uncertain", outbox.Status{Uncertain: 1, Failed: 2, Quota: outbox.QuotaStatus{Preset: "gmail", Used: 450, Limit: 500}}},
	}
	for _, st := range statuses {
		for _, size := range []struct{ w, h int }{{120, 40}, {80, 24}} {
			t.Run(fmt.Sprintf("%s_%dx%d", st.name, size.w, size.h), func(t *testing.T) {
				a := newApp(t, size.w, size.h)
				a.pump(t, a.update(workerUpdateMsg{update: outbox.Update{Status: st.s}}))
				a.pump(t, a.setStatus("Sent to ada@analytical.test: Hello Ada", common.LevelSuccess))
				tuitest.Golden(t, a.View().Content)
			})
		}
	}
}

func TestStatusBarSummary(t *testing.T) {
	a := newApp(t, 200, 40)
	tests := []struct {
		name string
		s    outbox.Status
		want string
	}{
		{"nothing", outbox.Status{}, ""},
		{"offline", outbox.Status{Queued: 3, Offline: true}, "3 queued · offline"},
		{"offline, empty", outbox.Status{Offline: true}, "offline"},
		{"all", troubled, "2 failed · 1 uncertain · 450 of 500 sends today · 3 queued · offline · 1 scheduled"},
		{"auth", outbox.Status{Queued: 1, AuthFailed: true}, "login refused — check your password, R to retry · 1 queued"},
		{"quota full", outbox.Status{Quota: outbox.QuotaStatus{Used: 30, Limit: 500, PerMinuteUsed: 30, PerMinuteLimit: 30,
			FreesAt: time.Date(2026, 11, 26, 10, 1, 0, 0, time.UTC)}}, "sending limit reached, next send at 10:01"},
		{"quota far", outbox.Status{Quota: outbox.QuotaStatus{Used: 12, Limit: 500}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a.pump(t, a.update(workerUpdateMsg{update: outbox.Update{Status: tt.s}}))
			if got := tuitest.Strip(a.outboxSummary(false)); got != tt.want {
				t.Errorf("summary = %q\nwant      %q", got, tt.want)
			}
		})
	}
}

func TestStatusComesFromTheMailerAtStart(t *testing.T) {
	a := newApp(t, 120, 40, func(o *Options) { o.Worker = nil })
	a.w.AddMessage(t, tuitest.MessageSpec{Contact: a.w.Ada, Subject: "Stuck", Status: store.MessageUncertain})
	a.pump(t, a.Init())
	if !strings.Contains(a.view(), "1 uncertain") {
		t.Errorf("the status bar lacks the mailer's status:\n%s", a.view())
	}
	// An older status does not replace a newer one.
	a.pump(t, a.update(outboxStatusMsg{status: outbox.Status{Failed: 9, At: tuitest.Now.Add(-time.Minute)}}))
	if strings.Contains(a.view(), "9 failed") {
		t.Error("a stale status replaced the current one")
	}
}

func TestListenReadsEachUpdateAndStops(t *testing.T) {
	ch := make(chan outbox.Update, 2)
	w := tuitest.NewWorld(t)
	m := New(Options{Store: w.DB, Mailer: w.Mailer(t, &tuitest.Transport{}), Worker: chanWorker(ch), Context: t.Context()})
	ch <- outbox.Update{Status: outbox.Status{Queued: 4}}
	msgs := tuitest.Exec(t, m.listen(), 0)
	if len(msgs) != 1 {
		t.Fatalf("listen returned %v", msgs)
	}
	_, next := m.Update(msgs[0])
	if !m.outbox.known || m.outbox.status.Queued != 4 {
		t.Errorf("status not kept: %+v", m.outbox)
	}
	close(ch)
	var closed bool
	for _, msg := range tuitest.Exec(t, next, 0) { // the re-armed listener
		if _, ok := msg.(workerClosedMsg); ok {
			closed = true
			m.Update(msg)
		}
	}
	if !closed || m.listen() != nil {
		t.Error("the listener did not stop when the channel closed")
	}
}

// chanWorker is a worker that only publishes what the test puts in ch.
type chanWorker chan outbox.Update

func (chanWorker) Wake()                           {}
func (chanWorker) RunNow()                         {}
func (c chanWorker) Updates() <-chan outbox.Update { return c }

func TestOutboxOpensFromContactsAndContact(t *testing.T) {
	a := newApp(t, 120, 40)
	a.press(t, "o")
	if _, ok := a.top().(*outboxscreen.Model); !ok {
		t.Fatalf("o on Contacts opened %T", a.top())
	}
	if !strings.Contains(a.view(), "leadmail › Contacts › Outbox") || !strings.Contains(a.view(), "✉ sent") {
		t.Errorf("outbox view:\n%s", a.view())
	}
	a.press(t, "enter")
	if _, ok := a.top().(*message.Model); !ok {
		t.Fatalf("enter in the outbox opened %T", a.top())
	}
	a.press(t, "esc", "esc", "enter", "o")
	if _, ok := a.top().(*outboxscreen.Model); !ok || len(a.stack) != 3 {
		t.Errorf("o on the contact screen: top %T, %d screens", a.top(), len(a.stack))
	}
}

func TestOutboxActionsReachTheRoot(t *testing.T) {
	a := newApp(t, 120, 40)
	failed := a.w.AddMessage(t, tuitest.MessageSpec{Contact: a.w.Ada, Subject: "Bounced", Status: store.MessageFailed,
		Attempts: 1, LastError: "550 no such user"})
	a.pump(t, a.loadOutboxStatus())
	a.press(t, "o")
	if !strings.Contains(a.view(), "1 failed") {
		t.Fatalf("no failure counted:\n%s", a.view())
	}
	a.press(t, "r")
	if got := a.StatusText(); got != "Queued again: Bounced to ada@analytical.test" {
		t.Errorf("status = %q", got)
	}
	if got, _ := a.w.DB.GetMessage(t.Context(), failed.ID); got.Status != store.MessageQueued {
		t.Errorf("message is %s", got.Status)
	}
	if a.wk.Wakes() != 1 || strings.Contains(a.view(), "1 failed") || !strings.Contains(a.view(), "1 queued") {
		t.Errorf("after the retry: %d wakes, view:\n%s", a.wk.Wakes(), a.view())
	}
	a.pump(t, a.update(workerUpdateMsg{update: outbox.Update{Status: outbox.Status{Queued: 1, AuthFailed: true}}}))
	if a.keys.RetryAll.Enabled() {
		t.Error("the root's R is enabled on the Outbox, which has its own")
	}
	a.press(t, "R")
	if a.wk.RunNows() != 1 {
		t.Errorf("R on the Outbox: %d RunNow calls", a.wk.RunNows())
	}
}

// demoServer is a demo mail server that only flips a switch.
type demoServer struct {
	mu      sync.Mutex
	running bool
	fail    error
}

func (d *demoServer) Stop() error  { return d.set(false) }
func (d *demoServer) Start() error { return d.set(true) }
func (d *demoServer) Running() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.running
}

func (d *demoServer) set(on bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fail != nil {
		return d.fail
	}
	d.running = on
	return nil
}

func TestDemoServerToggle(t *testing.T) {
	srv := &demoServer{running: true}
	a := newApp(t, 120, 40, func(o *Options) { o.Demo, o.DemoServer = true, srv })
	if !a.keys.DemoServer.Enabled() || strings.Contains(a.view(), "mail server: stopped") {
		t.Fatal("D disabled, or the server shown stopped at start")
	}
	a.press(t, "D")
	if srv.Running() || !strings.Contains(a.view(), "mail server: stopped") {
		t.Fatalf("after D: running %v\n%s", srv.Running(), a.view())
	}
	if got := a.StatusText(); got != "Demo mail server stopped: new mail waits in the outbox" {
		t.Errorf("status = %q", got)
	}
	a.press(t, "D")
	if !srv.Running() || strings.Contains(a.view(), "mail server: stopped") || a.wk.RunNows() != 1 {
		t.Errorf("after D again: running %v, RunNow %d\n%s", srv.Running(), a.wk.RunNows(), a.view())
	}
	a.press(t, "?")
	if !strings.Contains(a.view(), "stop/start demo mail server") {
		t.Errorf("the help does not offer D:\n%s", a.view())
	}

	srv.fail = errors.New("address already in use")
	a.press(t, "esc", "D")
	if got := a.StatusText(); got != "demo mail server: address already in use" {
		t.Errorf("status = %q", got)
	}
}

func TestNoDemoToggleOutsideDemo(t *testing.T) {
	a := newApp(t, 120, 40, func(o *Options) { o.DemoServer = &demoServer{running: true} })
	if a.keys.DemoServer.Enabled() {
		t.Error("D enabled outside demo mode")
	}
	b := newApp(t, 120, 40, func(o *Options) { o.Demo = true })
	if b.keys.DemoServer.Enabled() {
		t.Error("D enabled without a server")
	}
}

func TestRootKeysStayOutOfInputs(t *testing.T) {
	a := newApp(t, 120, 40, func(o *Options) { o.Demo, o.DemoServer = true, &demoServer{running: true} })
	a.press(t, "m", "enter") // a countdown runs: u is live
	a.press(t, "esc", "/")   // back on Contacts, typing a search
	a.press(t, "u", "D")
	if a.undo.state != countdownRunning || a.demo == demoStopped {
		t.Errorf("letters typed in the search reached the root: countdown %v, demo %v", a.undo.state, a.demo)
	}
}
