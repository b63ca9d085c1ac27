package common

import (
	"testing"
	"time"
)

func TestTrust18AgeUnitsAreUnambiguous(t *testing.T) {
	now := time.Date(2026, 11, 26, 19, 46, 30, 0, time.UTC)
	tests := []struct {
		at       time.Time
		age, ago string
	}{
		{time.Time{}, NoValue, NoValue},
		{now.Add(-30 * time.Second), "now", "just now"},
		{now.Add(-4 * time.Minute), "4 min", "4 min ago"},
		{now.Add(-3 * time.Hour), "3 h", "3 h ago"},
		{now.Add(-2 * 24 * time.Hour), "2 d", "2 d ago"},
		{now.Add(-4 * 30 * 24 * time.Hour), "4 mo", "4 mo ago"},
		{now.Add(-400 * 24 * time.Hour), "1 y", "1 y ago"},
		// The future rounds up to the minute: a send seconds away is not "now".
		{now.Add(time.Second), "in 1 min", "in 1 min"},
		{now.Add(time.Minute), "in 1 min", "in 1 min"},
		{now.Add(4*time.Minute + time.Second), "in 5 min", "in 5 min"},
		{now.Add(time.Hour + 58*time.Minute), "in 1 h 58 min", "in 1 h 58 min"},
		{now.Add(3 * time.Hour), "in 3 h", "in 3 h"},
		{now.Add(26 * time.Hour), "in 1 d 2 h", "in 1 d 2 h"},
		{now.Add(48 * time.Hour), "in 2 d", "in 2 d"},
		{now.Add(10 * 24 * time.Hour), "in 10 d", "in 10 d"},
	}
	for _, tt := range tests {
		if got := Age(now, tt.at); got != tt.age {
			t.Errorf("Age(%v) = %q, want %q", tt.at.Sub(now), got, tt.age)
		}
		if got := Ago(now, tt.at); got != tt.ago {
			t.Errorf("Ago(%v) = %q, want %q", tt.at.Sub(now), got, tt.ago)
		}
	}
}

func TestTrust18UntilShowsTheClockTime(t *testing.T) {
	now := time.Date(2026, 11, 26, 19, 36, 0, 0, time.UTC)
	c := &Common{Now: func() time.Time { return now }}
	tests := []struct {
		at   time.Time
		want string
	}{
		{now.Add(time.Hour + 58*time.Minute), "in 1 h 58 min · 21:34"},
		{now.Add(30 * time.Second), "in 1 min · 19:36"},
		{now.Add(26 * time.Hour), "in 1 d 2 h · 27 Nov 21:36"},
		{now.Add(23*time.Hour + 59*time.Minute), "in 23 h 59 min · 19:35"},
		{time.Time{}, NoValue},
	}
	for _, tt := range tests {
		if got := c.Until(tt.at); got != tt.want {
			t.Errorf("Until(%v) = %q, want %q", tt.at.Sub(now), got, tt.want)
		}
	}
}

func TestDatesUseTheClockZone(t *testing.T) {
	zone := time.FixedZone("CET", 3600)
	c := &Common{Now: func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, zone) }}
	at := time.Date(2026, 11, 23, 23, 30, 0, 0, time.UTC)
	if got := c.Date(at); got != "Tue 24 Nov 2026 00:30" {
		t.Errorf("Date = %q", got)
	}
	if got := c.ShortDate(at); got != "24 Nov 2026" {
		t.Errorf("ShortDate = %q", got)
	}
	if got := c.Date(time.Time{}); got != NoValue {
		t.Errorf("zero Date = %q", got)
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int]string{78: "78 B", 14 * 1024: "14 KB", 2411724: "2.3 MB"} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestIntentQueueDrains(t *testing.T) {
	var q IntentQueue
	q.Post(BackMsg{})
	q.Post(OpenContactMsg{ContactID: 3})
	if got := q.Intents(); len(got) != 2 || got[1] != (OpenContactMsg{ContactID: 3}) {
		t.Fatalf("Intents = %v", got)
	}
	if got := q.Intents(); len(got) != 0 {
		t.Errorf("second Intents = %v, want empty", got)
	}
}

func TestClockStampAndZone(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	c := &Common{Now: func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, cet) }}
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"clock", c.Clock(time.Date(2026, 11, 26, 13, 30, 0, 0, time.UTC)), "14:30"},
		{"zone", c.DateZone(time.Date(2026, 11, 27, 13, 30, 0, 0, time.UTC)), "Fri 27 Nov 2026 14:30 CET"},
		{"stamp today", c.Stamp(time.Date(2026, 11, 26, 8, 5, 0, 0, time.UTC)), "09:05"},
		{"stamp this year", c.Stamp(time.Date(2026, 11, 23, 14, 15, 0, 0, time.UTC)), "23 Nov 15:15"},
		{"stamp other year", c.Stamp(time.Date(2025, 1, 2, 9, 0, 0, 0, time.UTC)), "2 Jan 2025 10:00"},
		{"zero", c.Stamp(time.Time{}), NoValue},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}
