package picker

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

func TestSchedulePromptGolden(t *testing.T) {
	w := tuitest.NewWorld(t)
	for _, size := range []struct{ w, h int }{{120, 40}, {80, 24}} {
		for _, in := range []struct{ name, text string }{{"valid", "tomorrow 9:00"}, {"invalid", "next blursday"}, {"passed", "9:30"}} {
			t.Run(fmt.Sprintf("%s_%dx%d", in.name, size.w, size.h), func(t *testing.T) {
				h := open(t, w, w.Ada, size.w, size.h)
				h.press(t, "s")
				h.typeText(t, in.text)
				tuitest.Golden(t, h.View())
			})
		}
	}
}

func TestSchedulePrompt(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := open(t, w, w.Ada, 120, 40)
	h.press(t, "s")
	if !h.Capturing() || h.keys.ScheduleAccept.Enabled() || !h.keys.ScheduleCancel.Enabled() {
		t.Fatalf("s: capturing %v, enter enabled %v", h.Capturing(), h.keys.ScheduleAccept.Enabled())
	}
	if h.keys.QuickSend.Enabled() || h.keys.Up.Enabled() || h.keys.Back.Enabled() {
		t.Error("list keys enabled while the prompt is open")
	}
	view := tuitest.Strip(h.View())
	for _, want := range []string{"Schedule “Follow-up after demo”", "Send at:", "12:00 · tomorrow 9:00 · sat 14:00 · in 2 h"} {
		if !strings.Contains(view, want) {
			t.Errorf("prompt lacks %q:\n%s", want, view)
		}
	}

	// An invalid time: the reason shows, enter does nothing, the text stays.
	h.typeText(t, "25:99")
	if !strings.Contains(tuitest.Strip(h.View()), `✗ cannot read "25:99" as a time`) || h.keys.ScheduleAccept.Enabled() {
		t.Errorf("no parse error shown:\n%s", tuitest.Strip(h.View()))
	}
	h.press(t, "enter")
	if len(h.queued) != 0 || !h.Capturing() || h.when.Value() != "25:99" {
		t.Fatalf("enter on an invalid time: queued %d, capturing %v, text %q", len(h.queued), h.Capturing(), h.when.Value())
	}
	// A time in the past is refused before anything is queued.
	h.when.SetValue("today 9:00")
	h.update(tuitest.Key("end"))
	if !strings.Contains(tuitest.Strip(h.View()), "✗ Thu 26 Nov 2026 09:00 UTC is in the past") {
		t.Errorf("a past time is not refused:\n%s", tuitest.Strip(h.View()))
	}

	// esc closes and keeps the text; s brings it back.
	h.press(t, "esc")
	if h.Capturing() || len(h.Intents()) != 0 {
		t.Fatal("esc did not just close the prompt")
	}
	h.press(t, "s")
	if h.when.Value() != "today 9:00" {
		t.Errorf("reopened with %q", h.when.Value())
	}

	h.when.SetValue("")
	h.typeText(t, "in 2h")
	if !strings.Contains(tuitest.Strip(h.View()), "→ Thu 26 Nov 12:00 UTC (in 2 h)") {
		t.Errorf("parsed time not shown:\n%s", tuitest.Strip(h.View()))
	}
	h.press(t, "enter")
	if len(h.queued) != 1 || h.queued[0].Err != nil {
		t.Fatalf("queued = %+v", h.queued)
	}
	q := h.queued[0]
	if q.Mode != common.SendScheduled || q.Email.ID != w.FollowUp.ID || q.Message.Status != store.MessageScheduled ||
		!q.Message.SendAt.Equal(tuitest.Now.Add(2*time.Hour)) {
		t.Errorf("queued %q in mode %v as %s at %v", q.Email.Name, q.Mode, q.Message.Status, q.Message.SendAt)
	}
}

func TestScheduleInTheClockZone(t *testing.T) {
	w := tuitest.NewWorld(t)
	c := tuitest.Common(t)
	cet := time.FixedZone("CET", 3600)
	c.Now = func() time.Time { return tuitest.Now.In(cet) }
	h := &harness{Model: New(c, w.DB, w.Mailer(t, &tuitest.Transport{}), w.Ada)}
	h.SetSize(120, 40)
	tuitest.Pump(t, h.update, h.Init(), nil)
	h.press(t, "s")
	h.typeText(t, "tomorrow 14:30")
	if !strings.Contains(tuitest.Strip(h.View()), "→ Fri 27 Nov 14:30 CET (tomorrow)") {
		t.Errorf("not in the clock's zone:\n%s", tuitest.Strip(h.View()))
	}
}

func TestScheduleRefusedKeepsTheText(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := open(t, w, w.NoEmail, 80, 24)
	h.press(t, "s")
	h.typeText(t, "tomorrow 9:00")
	h.press(t, "enter")
	var refusal *outbox.RefusalError
	if len(h.queued) != 1 || !errors.As(h.queued[0].Err, &refusal) {
		t.Fatalf("queued = %+v", h.queued)
	}
	if !h.Capturing() || h.when.Value() != "tomorrow 9:00" || !h.keys.ScheduleAccept.Enabled() {
		t.Errorf("after the refusal: capturing %v, text %q", h.Capturing(), h.when.Value())
	}
}

// TestScheduleTimeOfDayThatHasPassed: at 16:00, "14:30" is tomorrow's, and
// the prompt says so; the examples in the hint are all still ahead.
func TestScheduleTimeOfDayThatHasPassed(t *testing.T) {
	w := tuitest.NewWorld(t)
	c := tuitest.Common(t)
	now := time.Date(2026, 11, 26, 16, 0, 0, 0, time.UTC)
	c.Now = func() time.Time { return now }
	h := &harness{Model: New(c, w.DB, w.Mailer(t, &tuitest.Transport{}), w.Ada)}
	h.SetSize(120, 40)
	tuitest.Pump(t, h.update, h.Init(), nil)
	h.press(t, "s")
	view := tuitest.Strip(h.View())
	if !strings.Contains(view, "18:00 · tomorrow 9:00") || strings.Contains(view, "14:30") {
		t.Errorf("the hint is not built from now:\n%s", view)
	}
	h.typeText(t, "14:30")
	if view := tuitest.Strip(h.View()); !strings.Contains(view, "→ Fri 27 Nov 14:30 UTC (tomorrow; 14:30 today") || !strings.Contains(view, "has passed)") {
		t.Errorf("the next 14:30 is not shown as tomorrow's:\n%s", tuitest.Strip(h.View()))
	}
	h.press(t, "enter")
	if len(h.queued) != 1 || !h.queued[0].Message.SendAt.Equal(now.Add(22*time.Hour+30*time.Minute)) {
		t.Fatalf("queued = %+v", h.queued)
	}
}
