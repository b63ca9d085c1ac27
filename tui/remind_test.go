package tui

import (
	"errors"
	"testing"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/screens/picker"
)

func withRemind(days int) func(*Options) {
	return func(o *Options) { o.RemindDays = days }
}

// Quick Send with the session's reminder (ui.remind_days) stays three
// keystrokes, and the countdown and the line after it say when the
// reminder is due; the undo takes it back with the send.
func TestQuickSendWithReminderSaysSoAndUndoRemovesIt(t *testing.T) {
	a := newApp(t, 120, 40, withRemind(3))
	a.pump(t, a.handleIntent(common.OpenContactMsg{ContactID: a.w.Ada.ID}))
	a.press(t, "m", "enter")
	want := "Sending to Ada Lovelace in 10s · u undo · ↻ reminder 29 Nov 10:00"
	if got := a.statusLine(); got != want {
		t.Errorf("status line = %q, want %q", got, want)
	}
	ms := a.messages(t, a.w.Ada.ID)
	task, ok, err := a.w.DB.FollowUpOf(t.Context(), ms[0].ID)
	if err != nil || !ok || task.Title != "Follow up: "+ms[0].Subject {
		t.Fatalf("reminder of the send = %+v, %v, %v", task, ok, err)
	}
	a.press(t, "u")
	if got := a.StatusText(); got != "Cancelled: not sent to Ada Lovelace, and its reminder removed" {
		t.Errorf("after the undo: %q", got)
	}
	if _, err := a.w.DB.GetTask(t.Context(), task.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the undone send's reminder is still there: %v", err)
	}
}

// When the undo window has passed the line says the mail is on its way,
// still with the reminder.
func TestReminderNoteAfterTheCountdown(t *testing.T) {
	a := newApp(t, 120, 40, withRemind(7))
	a.pump(t, a.handleIntent(common.OpenContactMsg{ContactID: a.w.Ada.ID}))
	a.press(t, "m", "enter")
	a.w.Clock.Set(a.undo.sendAt)
	a.tick(t)
	if got, want := a.StatusText(), "Sending to Ada Lovelace… · ↻ reminder 3 Dec 10:00"; got != want {
		t.Errorf("status = %q, want %q", got, want)
	}
}

// r in one picker holds for the next picker of the session; without a
// reminder the countdown is as it always was.
func TestRemindChoiceHoldsForTheSession(t *testing.T) {
	a := newApp(t, 120, 40)
	a.press(t, "enter", "m", "r", "r", "esc") // off → 3 → 7, then back
	if a.common.RemindDays() != 7 {
		t.Fatalf("session reminder = %d, want 7", a.common.RemindDays())
	}
	a.pump(t, a.handleIntent(common.OpenPickerMsg{Contact: a.w.Bulk[0]}))
	if _, ok := a.top().(*picker.Model); !ok {
		t.Fatalf("top = %T", a.top())
	}
	a.press(t, "r", "r") // 7 → 14 → off
	a.press(t, "enter")
	if got := a.statusLine(); got != "Sending to "+a.w.Bulk[0].Name()+" in 10s · u undo" {
		t.Errorf("status line without a reminder = %q", got)
	}
}
