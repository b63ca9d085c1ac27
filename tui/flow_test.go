package tui

import (
	"bytes"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
	"github.com/leadmail/leadmail/tui/screens/contact"
)

// TestQuickSendThreeKeystrokes is the promise: from the Contacts screen, m
// and enter typed back to back queue and send the first Smart Mail to the
// highlighted contact, through the real program loop.
func TestQuickSendThreeKeystrokes(t *testing.T) {
	w := tuitest.NewWorld(t)
	tr := &tuitest.Transport{}
	m := New(Options{Store: w.DB, Mailer: w.Mailer(t, tr), UserName: "Sam Seller", Now: tuitest.Clock,
		Context: t.Context(), StatusTTL: time.Minute})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ASCII)))

	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Alex Abbott")) },
		teatest.WithDuration(5*time.Second))

	// Back to back: the picker must take enter before its list is loaded.
	tm.Send(tuitest.Key("m"))
	tm.Send(tuitest.Key("enter"))

	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Sent to")) },
		teatest.WithDuration(5*time.Second))
	tm.Send(tuitest.Key("ctrl+c"))
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)

	if got, want := final.StatusText(), "Sent to alex.abbott@example.test: Following up, Alex"; got != want {
		t.Errorf("status = %q, want %q", got, want)
	}
	if c, ok := final.top().(*contact.Model); !ok || c.ContactID() != w.Bulk[0].ID {
		t.Errorf("after the send the top screen is %T, want Alex's contact screen", final.top())
	}
	sent := tr.Sent()
	if len(sent) != 1 || len(sent[0].Rcpts) != 1 || sent[0].Rcpts[0] != "alex.abbott@example.test" {
		t.Fatalf("transport got %+v", sent)
	}
	ms, err := w.DB.ListMessages(t.Context(), store.MessageFilter{ContactID: w.Bulk[0].ID})
	if err != nil || len(ms) != 1 || ms[0].Status != store.MessageSent || ms[0].Subject != "Following up, Alex" {
		t.Errorf("messages = %+v, %v", ms, err)
	}
	events, err := w.DB.Timeline(t.Context(), w.Bulk[0].ID, 10)
	if err != nil || len(events) == 0 || events[0].Kind != store.EventEmailSent {
		t.Errorf("timeline = %+v, %v", events, err)
	}
}
