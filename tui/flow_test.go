package tui

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
	"github.com/leadmail/leadmail/tui/screens/contact"
)

// flow runs the whole program on the test world with the real outbox and
// its real background worker; only the mail server is replaced. The worker's
// timers run on the wall clock while the world's clock is the test's, so
// the test moves the clock past the undo window and wakes the worker.
type flow struct {
	tm  *teatest.TestModel
	w   *tuitest.World
	tr  *tuitest.Transport
	svc *outbox.Service
	wk  *outbox.Worker
}

func startFlow(t *testing.T) *flow {
	t.Helper()
	w := tuitest.NewWorld(t)
	tr := &tuitest.Transport{}
	svc := w.Mailer(t, tr)
	wk := svc.NewWorker(outbox.WorkerOptions{})
	ctx, stop := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = wk.Run(ctx)
	}()
	// Before the database closes.
	t.Cleanup(func() { stop(); <-done })
	m := New(Options{Store: w.DB, Mailer: svc, Worker: wk, UserName: "Sam Seller", Now: w.Clock.Now,
		Context: t.Context(), StatusTTL: time.Minute})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ASCII)))
	f := &flow{tm: tm, w: w, tr: tr, svc: svc, wk: wk}
	f.waitFor(t, "Alex Abbott")
	return f
}

// waitFor waits until the output since the last wait holds every text.
// Each wait consumes the output it read, so texts that may arrive in one
// frame are waited for together.
func (f *flow) waitFor(t *testing.T, texts ...string) {
	t.Helper()
	teatest.WaitFor(t, f.tm.Output(), func(b []byte) bool {
		for _, text := range texts {
			if !bytes.Contains(b, []byte(text)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(5*time.Second))
}

func (f *flow) quit(t *testing.T) *Model {
	t.Helper()
	f.tm.Send(tuitest.Key("ctrl+c"))
	// With a send still in its undo window the first ctrl+c asks (see
	// tui/quit.go); the second quits, leaving the send held. Without one
	// the program has already ended and the second is dropped.
	f.tm.Send(tuitest.Key("ctrl+c"))
	return f.tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
}

// TestQuickSendThreeKeystrokes is the promise: from the Contacts screen, m
// and enter typed back to back queue the first Smart Mail to the highlighted
// contact; the undo window counts down, the worker sends it and publishes
// EventSent, and only then does the status line say "Sent".
func TestQuickSendThreeKeystrokes(t *testing.T) {
	f := startFlow(t)
	// Back to back: the picker must take enter before its list is loaded.
	f.tm.Send(tuitest.Key("m"))
	f.tm.Send(tuitest.Key("enter"))
	f.waitFor(t, "Sending to Alex Abbott in 10s · u undo")

	f.w.Clock.Set(tuitest.Now.Add(tuitest.UndoWindow))
	f.wk.Wake()
	// The renderer rewrites only the cells that changed, and "Sending to"
	// and "Sent to" share their start: wait for the part that differs.
	// The timeline's "newest first" appears with its second event.
	f.waitFor(t, "alex.abbott@example.test: Following up, Alex", "newest first")
	final := f.quit(t)
	if view := tuitest.Strip(final.View().Content); !strings.Contains(view, "✉ sent") {
		t.Errorf("the timeline does not show the send:\n%s", view)
	}

	if got, want := final.StatusText(), "Sent to alex.abbott@example.test: Following up, Alex"; got != want {
		t.Errorf("status = %q, want %q", got, want)
	}
	if c, ok := final.top().(*contact.Model); !ok || c.ContactID() != f.w.Bulk[0].ID {
		t.Errorf("after the send the top screen is %T, want Alex's contact screen", final.top())
	}
	sent := f.tr.Sent()
	if len(sent) != 1 || len(sent[0].Rcpts) != 1 || sent[0].Rcpts[0] != "alex.abbott@example.test" {
		t.Fatalf("transport got %+v", sent)
	}
	ms, err := f.w.DB.ListMessages(t.Context(), store.MessageFilter{ContactID: f.w.Bulk[0].ID})
	if err != nil || len(ms) != 1 || ms[0].Status != store.MessageSent || ms[0].Subject != "Following up, Alex" {
		t.Errorf("messages = %+v, %v", ms, err)
	}
	events, err := f.w.DB.Timeline(t.Context(), f.w.Bulk[0].ID, 10)
	if err != nil || len(events) == 0 || events[0].Kind != store.EventEmailSent {
		t.Errorf("timeline = %+v, %v", events, err)
	}
}

// TestUndoFlow: m, enter, u cancels within the undo window, and a delivery
// run after the window finds nothing to send.
func TestUndoFlow(t *testing.T) {
	f := startFlow(t)
	f.tm.Send(tuitest.Key("m"))
	f.tm.Send(tuitest.Key("enter"))
	f.waitFor(t, "u undo")
	f.tm.Send(tuitest.Key("u"))
	f.waitFor(t, "Cancelled: not sent to Alex Abbott", "newest first")

	f.w.Clock.Set(tuitest.Now.Add(tuitest.UndoWindow))
	// A run of its own, to know when it is over; the worker's would be
	// the same run.
	rep, err := f.svc.Run(t.Context(), outbox.RunOptions{})
	if err != nil || rep.Sent != 0 {
		t.Fatalf("a run after the undo sent %d messages (%v)", rep.Sent, err)
	}
	final := f.quit(t)
	if n := len(f.tr.Sent()); n != 0 {
		t.Errorf("transport got %d messages after undo", n)
	}
	if got := final.StatusText(); got != "Cancelled: not sent to Alex Abbott" {
		t.Errorf("status = %q", got)
	}
	if view := tuitest.Strip(final.View().Content); !strings.Contains(view, "⊘ cancelled") {
		t.Errorf("the timeline does not show the cancel:\n%s", view)
	}
	ms, err := f.w.DB.ListMessages(t.Context(), store.MessageFilter{ContactID: f.w.Bulk[0].ID})
	if err != nil || len(ms) != 1 || ms[0].Status != store.MessageCancelled {
		t.Errorf("messages = %+v, %v", ms, err)
	}
}
