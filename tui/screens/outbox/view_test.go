package outbox

import (
	"strings"
	"testing"
	"time"

	mailoutbox "github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

func TestWhen(t *testing.T) {
	h := New(tuitest.Common(t), nil, nil, Options{})
	now := tuitest.Now
	tests := []struct {
		name string
		m    store.Message
		want string
	}{
		{"leaves soon", store.Message{Status: store.MessageQueued, SendAt: now.Add(10 * time.Second)}, "in 1 min · 10:00"},
		{"leaves in minutes", store.Message{Status: store.MessageQueued, SendAt: now.Add(5 * time.Minute)}, "in 5 min · 10:05"},
		{"due", store.Message{Status: store.MessageQueued, SendAt: now.Add(-2 * time.Minute)}, "due 09:58"},
		{"retry delay", store.Message{Status: store.MessageQueued, SendAt: now.Add(-time.Hour), RetryAt: now.Add(3 * time.Hour)}, "in 3 h · 13:00"},
		{"scheduled far", store.Message{Status: store.MessageScheduled, SendAt: now.Add(72 * time.Hour)}, "29 Nov 10:00"},
		{"sending", store.Message{Status: store.MessageSending, SendAt: now.Add(-time.Minute)}, "now"},
		{"sent", store.Message{Status: store.MessageSent, SentAt: now.Add(-26 * time.Hour)}, "25 Nov 08:00"},
		{"failed", store.Message{Status: store.MessageFailed, UpdatedAt: now.Add(-time.Hour)}, "09:00"},
	}
	for _, tt := range tests {
		if got := h.when(tt.m); got != tt.want {
			t.Errorf("%s: when = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestQuotaMeter(t *testing.T) {
	w := tuitest.NewWorld(t)
	tests := []struct {
		name string
		q    mailoutbox.QuotaStatus
		want string
	}{
		{"gmail", gmail.Quota, "Sent today: 12 of 500 (gmail) · this minute 0 of 30"},
		{"no limit", mailoutbox.QuotaStatus{Used: 3}, "Sent today: 3 · no daily limit"},
		{"recipients", mailoutbox.QuotaStatus{Preset: "microsoft365", Used: 9000, Limit: 10000, CountsRecipients: true},
			"Recipients today: 9000 of 10000 (microsoft365)"},
		{"full", mailoutbox.QuotaStatus{Preset: "gmail", Used: 500, Limit: 500, FreesAt: time.Date(2026, 11, 26, 10, 42, 0, 0, time.UTC)},
			"Sent today: 500 of 500 (gmail) — limit reached, next send at 10:42"},
		{"minute full", mailoutbox.QuotaStatus{Used: 40, Limit: 500, PerMinuteUsed: 30, PerMinuteLimit: 30},
			"Sent today: 40 of 500 · this minute 30 of 30 — limit reached"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := open(t, &outboxWorld{World: w}, 120, 40, Options{Status: mailoutbox.Status{Quota: tt.q}})
			if line := tuitest.Strip(h.quotaLine()); !strings.Contains(line, tt.want) {
				t.Errorf("meter = %q\nwant     %q", line, tt.want)
			}
		})
	}
	t.Run("follows the status", func(t *testing.T) {
		h := open(t, &outboxWorld{World: w}, 120, 40, Options{})
		h.update(common.OutboxStatusMsg{Status: mailoutbox.Status{Offline: true, Quota: mailoutbox.QuotaStatus{Used: 7}}})
		line := tuitest.Strip(h.quotaLine())
		if !strings.Contains(line, "Sent today: 7") || !strings.Contains(line, "offline: queued mail leaves when the server answers") {
			t.Errorf("meter = %q", line)
		}
	})
}

func TestDetailShowsTheWholeError(t *testing.T) {
	w := newOutboxWorld(t)
	h := open(t, w, 80, 24, Options{Status: gmail})
	h.on(t, w.byStatus[store.MessageFailed].ID)
	view := tuitest.Strip(h.View())
	// Cut in the table at 80 columns, whole under it.
	if !strings.Contains(view, "Last error: 550 5.1.1 <alex.baker@example.test>: Recipient address rejected:") ||
		!strings.Contains(view, "\nUser unknown in virtual mailbox table") {
		t.Errorf("the full error is not under the table:\n%s", view)
	}
	if !strings.Contains(view, "Refused by the mail server after 1 attempt · r queues it again") {
		t.Errorf("no fact line:\n%s", view)
	}
}
