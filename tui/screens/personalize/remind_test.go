package personalize

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// TestRemindFieldSetsTheReminder: Remind sits under Send; ← and → pick
// off, 3, 7 or 14 days, the session remembers it, and ctrl+s queues the
// follow-up task with the message.
func TestRemindFieldSetsTheReminder(t *testing.T) {
	w := tuitest.NewWorld(t)
	c := tuitest.Common(t)
	c.Remind = &common.Remind{}
	h := &harness{Model: New(c, w.DB, w.Mailer(t, &tuitest.Transport{}), Options{Contact: w.Ada, EmailID: w.Intro.ID,
		Debounce: time.Millisecond}), w: w}
	h.SetSize(80, 24)
	tuitest.Pump(t, h.update, h.Init(), nil)
	if !strings.Contains(h.view(), "Remind      ↻ no reminder") {
		t.Fatalf("no Remind field:\n%s", h.view())
	}
	h.focusOn(t, fieldRemind)
	if h.Capturing() || h.keys.RemindLess.Enabled() || !h.keys.RemindMore.Enabled() {
		t.Errorf("on Remind at off: capturing %v, ← %v, → %v", h.Capturing(), h.keys.RemindLess.Enabled(), h.keys.RemindMore.Enabled())
	}
	h.press(t, "right", "right", "right")
	if h.remind != 14 || h.keys.RemindMore.Enabled() {
		t.Errorf("→ three times: %d days, → enabled %v", h.remind, h.keys.RemindMore.Enabled())
	}
	h.press(t, "left")
	if h.remind != 7 || c.Remind.Days != 7 {
		t.Fatalf("← from 14: %d days, session %d", h.remind, c.Remind.Days)
	}
	if !strings.Contains(h.view(), "‹ ↻ remind me in 7 days if no reply ›") {
		t.Errorf("the choice is not shown:\n%s", h.view())
	}
	h.press(t, "ctrl+s")
	if len(h.queued) != 1 || h.queued[0].Err != nil {
		t.Fatalf("queued = %+v", h.queued)
	}
	q := h.queued[0]
	if q.Reminder.ID == 0 || q.Reminder.MessageID != q.Message.ID ||
		!q.Reminder.DueAt.Equal(outbox.RemindDue(q.Message.SendAt, 7, time.UTC)) || q.Reminder.Title != "Follow up: Hello Ada" {
		t.Errorf("reminder = %+v of message %+v", q.Reminder, q.Message)
	}
	if got, err := w.DB.GetTask(t.Context(), q.Reminder.ID); err != nil || !got.Open() {
		t.Errorf("stored reminder = %+v, %v", got, err)
	}

	// A new Personalize of the session starts at 7 days.
	next := New(c, w.DB, w.Mailer(t, &tuitest.Transport{}), Options{Contact: w.Ada, EmailID: w.Intro.ID})
	if next.remind != 7 {
		t.Errorf("a new Personalize starts at %d days, want the session's 7", next.remind)
	}
}

// A refused send with a reminder writes neither the message nor the task,
// and keeps the choice.
func TestRemindRefusedWritesNothing(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := openNew(t, w, w.Ada, w.Intro, 120, 40)
	h.focusOn(t, fieldRemind)
	h.press(t, "right")
	h.focusOn(t, fieldFromEmail)
	h.clearInput(t)
	h.typeText(t, "sam@unverified.test")
	h.press(t, "ctrl+s")
	var refusal *outbox.RefusalError
	if len(h.queued) != 1 || !errors.As(h.queued[0].Err, &refusal) || h.queued[0].Reminder.ID != 0 {
		t.Fatalf("queued = %+v, want a refusal", h.queued)
	}
	tasks, err := w.DB.TasksOf(t.Context(), w.Ada.ID, 0)
	if err != nil || len(tasks) != 0 {
		t.Errorf("tasks after a refused send = %+v, %v", tasks, err)
	}
	ms, err := w.DB.ListMessages(t.Context(), store.MessageFilter{ContactID: w.Ada.ID})
	if err != nil || len(ms) != 1 { // the Intro sent in the world
		t.Errorf("messages = %d, %v", len(ms), err)
	}
	if h.remind != 3 {
		t.Errorf("the choice was lost: %d", h.remind)
	}
}

// Editing a queued message keeps the reminder of its first send: the
// field is not offered and tab passes it by.
func TestRemindNotOfferedWhenEditing(t *testing.T) {
	w := tuitest.NewWorld(t)
	svc := w.Mailer(t, &tuitest.Transport{})
	first, err := svc.SendDraft(t.Context(), mustDraft(t, svc, w.Ada.ID, w.Intro.ID, tuitest.Now.Add(24*time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	h := open(t, w, svc, Options{Contact: store.Contact{ID: w.Ada.ID}, MessageID: first.ID}, 120, 40)
	if strings.Contains(h.view(), "Remind") {
		t.Errorf("the Remind field is offered when editing:\n%s", h.view())
	}
	for range fieldCount {
		h.press(t, "tab")
		if h.focus == fieldRemind {
			t.Fatal("tab reached Remind while editing")
		}
	}
	h.focusOn(t, fieldSchedule)
	h.press(t, "tab")
	if h.focus != fieldTo {
		t.Errorf("tab after Send went to %v, want More To", h.focus)
	}
}
