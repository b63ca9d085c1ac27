package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
	"github.com/leadmail/leadmail/tui/screens/contact"
	outboxscreen "github.com/leadmail/leadmail/tui/screens/outbox"
	"github.com/leadmail/leadmail/tui/screens/personalize"
)

func (a *app) typeText(t *testing.T, s string) {
	t.Helper()
	for _, k := range tuitest.Type(s) {
		a.pump(t, a.update(k))
	}
}

// TestPersonalizeSendCountsDown: picker, p, a new subject, ctrl+s: the
// root handles it like a Quick Send, closing Personalize and the picker
// and counting down the undo window.
func TestPersonalizeSendCountsDown(t *testing.T) {
	a := newApp(t, 120, 40)
	a.pump(t, a.handleIntent(common.OpenContactMsg{ContactID: a.w.Ada.ID}))
	a.press(t, "m", "p")
	p, ok := a.top().(*personalize.Model)
	if !ok {
		t.Fatalf("p on the picker opened %T", a.top())
	}
	if !strings.Contains(a.view(), "leadmail › Contacts › Ada Lovelace › Smart Mail › Personalize") {
		t.Errorf("breadcrumb:\n%s", a.view())
	}
	a.press(t, "?")
	if len(a.modals) != 0 {
		t.Error("? opened the help while the subject has focus")
	}
	a.press(t, "ctrl+u")
	a.typeText(t, "Quick question for {{first_name}}")
	if p.Dirty() != true {
		t.Fatal("the new subject is not an edit")
	}
	a.press(t, "ctrl+s")
	if c, ok := a.top().(*contact.Model); !ok || c.ContactID() != a.w.Ada.ID || len(a.stack) != 2 {
		t.Fatalf("after the send: top %T, %d screens", a.top(), len(a.stack))
	}
	if got, want := a.StatusText(), "Sending to Ada Lovelace in 10s · u undo"; got != want {
		t.Errorf("status = %q, want %q", got, want)
	}
	ms := a.messages(t, a.w.Ada.ID)
	if len(ms) != 2 || ms[0].Subject != "Quick question for Ada" || ms[0].Status != store.MessageQueued {
		t.Fatalf("messages = %+v", ms)
	}
	a.press(t, "u")
	if got, _ := a.w.DB.GetMessage(t.Context(), ms[0].ID); got.Status != store.MessageCancelled {
		t.Errorf("undo left the message %s", got.Status)
	}
}

// TestPersonalizeRefusalKeepsTheScreen: a refused send shows the modal
// and leaves Personalize open with the edits.
func TestPersonalizeRefusalKeepsTheScreen(t *testing.T) {
	a := newApp(t, 120, 40)
	a.pump(t, a.handleIntent(common.OpenPersonalizeMsg{Contact: a.w.Ada, EmailID: a.w.Intro.ID}))
	p := a.top().(*personalize.Model)
	a.press(t, "tab", "tab") // From address
	a.press(t, "ctrl+u")
	a.typeText(t, "sam@unverified.test")
	a.press(t, "ctrl+s")
	if a.top() != p || len(a.modals) != 1 {
		t.Fatalf("after a refusal: top %T, %d modals", a.top(), len(a.modals))
	}
	a.press(t, "esc")
	if !strings.Contains(a.view(), "sam@unverified.test") || !strings.Contains(a.view(), "✗ Not sent:") {
		t.Errorf("the edit or the refusal is gone:\n%s", a.view())
	}
}

// TestEditBeforeSendFromOutbox: e on a scheduled message opens its draft;
// ctrl+s replaces it, keeps it scheduled, and goes back to the Outbox.
func TestEditBeforeSendFromOutbox(t *testing.T) {
	for _, size := range []struct{ w, h int }{{120, 40}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			a := newApp(t, size.w, size.h)
			at := tuitest.Now.Add(26 * time.Hour)
			orig, err := a.ob.Schedule(t.Context(), a.w.Ada.ID, a.w.Intro.ID, at)
			if err != nil {
				t.Fatal(err)
			}
			a.press(t, "o")
			ob := a.top().(*outboxscreen.Model)
			if row, ok := ob.Selected(); !ok || row.ID != orig.ID {
				t.Fatalf("highlighted %+v, want the scheduled message", row)
			}
			a.press(t, "e")
			if _, ok := a.top().(*personalize.Model); !ok {
				t.Fatalf("e opened %T", a.top())
			}
			tuitest.Golden(t, a.view())

			a.press(t, "ctrl+u")
			a.typeText(t, "Edited: hello {{first_name}}")
			a.press(t, "ctrl+s")
			if a.top() != ob {
				t.Fatalf("after saving: top %T", a.top())
			}
			got, err := a.w.DB.GetMessage(t.Context(), orig.ID)
			if err != nil || got.Subject != "Edited: hello Ada" || got.Status != store.MessageScheduled ||
				!got.SendAt.Equal(orig.SendAt) || got.MessageID != orig.MessageID {
				t.Errorf("after the edit: %q %s at %v id %q (%v)", got.Subject, got.Status, got.SendAt, got.MessageID, err)
			}
			if want := "Scheduled for Fri 27 Nov 2026 12:00 UTC: Edited: hello Ada to Ada Lovelace"; a.StatusText() != want {
				t.Errorf("status = %q, want %q", a.StatusText(), want)
			}
		})
	}
}

func TestEditIsOfferedOnlyBeforeTheMessageLeaves(t *testing.T) {
	a := newApp(t, 120, 40)
	a.press(t, "o")
	ob := a.top().(*outboxscreen.Model)
	if row, _ := ob.Selected(); row.Status != store.MessageSent {
		t.Fatalf("highlighted %s", row.Status)
	}
	a.press(t, "e")
	if a.top() != ob {
		t.Errorf("e on a sent message opened %T", a.top())
	}
}

// TestPersonalizeFlow runs the program: m, p on the first contact, a new
// subject, ctrl+s, and the undo countdown of a Quick Send.
func TestPersonalizeFlow(t *testing.T) {
	f := startFlow(t)
	f.tm.Send(tuitest.Key("m"))
	f.waitFor(t, "Follow-up after demo", "Merge lint") // the list and its preview are loaded
	f.tm.Send(tuitest.Key("p"))
	f.waitFor(t, "Personalize", "Ready: ctrl+s")
	f.tm.Send(tuitest.Key("ctrl+u"))
	for _, k := range tuitest.Type("Quick question for {{first_name}}") {
		f.tm.Send(k)
	}
	// The preview renders the new subject once typing has paused.
	f.waitFor(t, "Quick question for Alex")
	f.tm.Send(tuitest.Key("ctrl+s"))
	f.waitFor(t, "Sending to Alex Abbott in 10s · u undo")
	final := f.quit(t)
	if c, ok := final.top().(*contact.Model); !ok || c.ContactID() != f.w.Bulk[0].ID {
		t.Errorf("after the send the top screen is %T, want Alex's contact screen", final.top())
	}
	ms, err := f.w.DB.ListMessages(t.Context(), store.MessageFilter{ContactID: f.w.Bulk[0].ID})
	if err != nil || len(ms) != 1 || ms[0].Subject != "Quick question for Alex" || len(f.tr.Sent()) != 0 {
		t.Errorf("messages = %+v, %v; sent %d", ms, err, len(f.tr.Sent()))
	}
}
