package picker

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// openWith is open with the screen context c (its session's reminder).
func openWith(t *testing.T, w *tuitest.World, c *common.Common, contact store.Contact, width, height int) *harness {
	t.Helper()
	h := &harness{Model: New(c, w.DB, w.Mailer(t, &tuitest.Transport{}), contact)}
	h.SetSize(width, height)
	tuitest.Pump(t, h.update, h.Init(), nil)
	return h
}

func TestRemindKeyCyclesAndTheSessionRemembers(t *testing.T) {
	w := tuitest.NewWorld(t)
	c := tuitest.Common(t)
	c.Remind = &common.Remind{}
	h := openWith(t, w, c, w.Ada, 120, 40)
	if !strings.Contains(tuitest.Strip(h.View()), "↻ no reminder · r: remind me if no reply") {
		t.Errorf("the picker does not offer the reminder:\n%s", tuitest.Strip(h.View()))
	}
	for _, want := range []int{3, 7, 14, 0, 3} {
		h.press(t, "r")
		if h.remind != want || c.Remind.Days != want {
			t.Fatalf("after r: picker %d, session %d, want %d", h.remind, c.Remind.Days, want)
		}
	}
	if !strings.Contains(tuitest.Strip(h.View()), "↻ remind me in 3 days if no reply") {
		t.Errorf("the choice is not shown:\n%s", tuitest.Strip(h.View()))
	}
	if len(h.queued) != 0 {
		t.Fatalf("r sent something: %+v", h.queued)
	}
	// The next picker of the session starts from the choice.
	next := openWith(t, w, c, w.Bulk[0], 120, 40)
	if next.remind != 3 || !strings.Contains(tuitest.Strip(next.View()), "↻ remind me in 3 days if no reply") {
		t.Errorf("a new picker forgot the session's reminder: %d", next.remind)
	}
	// A config default between the steps goes to the next step up.
	c.Remind.Days = 5
	if five := openWith(t, w, c, w.Ada, 80, 24); five.remind != 5 {
		t.Errorf("a default of 5 days starts at %d", five.remind)
	} else if five.press(t, "r"); five.remind != 7 {
		t.Errorf("r after 5 days gives %d, want 7", five.remind)
	}
}

// TestQuickSendWithReminder: m is the caller's; r then enter queues the
// template with its reminder, and the result names it.
func TestQuickSendWithReminder(t *testing.T) {
	w := tuitest.NewWorld(t)
	c := tuitest.Common(t)
	c.Remind = &common.Remind{Days: 3} // from ui.remind_days: no key needed
	h := openWith(t, w, c, w.Ada, 80, 24)
	h.press(t, "enter")
	if len(h.queued) != 1 || h.queued[0].Err != nil {
		t.Fatalf("queued = %+v", h.queued)
	}
	q := h.queued[0]
	r := q.Reminder
	if r.ID == 0 || r.MessageID != q.Message.ID || r.ContactID != w.Ada.ID || r.OwnerID != w.User.ID ||
		r.Title != "Follow up: "+q.Message.Subject || !r.DueAt.Equal(outbox.RemindDue(q.Message.SendAt, 3, time.UTC)) {
		t.Errorf("reminder = %+v for message %+v", r, q.Message)
	}
	stored, err := w.DB.GetTask(t.Context(), r.ID)
	if err != nil || !reflect.DeepEqual(stored, r) {
		t.Errorf("stored task %+v, %v; the message said %+v", stored, err, r)
	}

	// Turned off, the next send has none.
	h2 := openWith(t, w, c, w.Ada, 80, 24)
	h2.press(t, "r", "r", "r") // 3 → 7 → 14 → off
	h2.press(t, "enter")
	if len(h2.queued) != 1 || h2.queued[0].Err != nil || h2.queued[0].Reminder.ID != 0 {
		t.Fatalf("queued without a reminder = %+v", h2.queued)
	}
}

func TestScheduleWithReminder(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := open(t, w, w.Ada, 120, 40)
	h.press(t, "r", "r") // 7 days
	h.press(t, "s")
	h.typeText(t, "tomorrow 9:00")
	h.press(t, "enter")
	if len(h.queued) != 1 || h.queued[0].Err != nil {
		t.Fatalf("queued = %+v", h.queued)
	}
	want := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC) // tomorrow 9:00, then 7 days
	if got := h.queued[0].Reminder.DueAt; !got.Equal(want) {
		t.Errorf("reminder due %s, want %s", got, want)
	}
}

// A refused Quick Send with a reminder writes neither message nor task.
func TestQuickSendWithReminderRefusedWritesNothing(t *testing.T) {
	w := tuitest.NewWorld(t)
	tasks := func() int {
		p, err := w.DB.ListTasks(t.Context(), store.TaskQuery{OwnerID: w.User.ID, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		return len(p.Tasks)
	}
	messages := func() int {
		ms, err := w.DB.ListMessages(t.Context(), store.MessageFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(ms)
	}
	beforeT, beforeM := tasks(), messages()
	h := open(t, w, w.NoEmail, 80, 24)
	h.press(t, "r", "enter")
	var refusal *outbox.RefusalError
	if len(h.queued) != 1 || !errors.As(h.queued[0].Err, &refusal) || h.queued[0].Reminder.ID != 0 {
		t.Fatalf("queued = %+v", h.queued)
	}
	if tasks() != beforeT || messages() != beforeM {
		t.Errorf("a refused send wrote something: tasks %d→%d, messages %d→%d", beforeT, tasks(), beforeM, messages())
	}
}

func TestRemindGolden(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := open(t, w, w.Ada, 80, 24)
	h.press(t, "r")
	tuitest.Golden(t, h.View())
}
