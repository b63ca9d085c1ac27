package common

import (
	"testing"
	"time"
)

func TestAge(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		at   time.Time
		want string
	}{
		{time.Time{}, NoValue},
		{now.Add(-30 * time.Second), "now"},
		{now.Add(-5 * time.Minute), "5m"},
		{now.Add(-3 * time.Hour), "3h"},
		{now.Add(-3 * 24 * time.Hour), "3d"},
		{now.Add(-45 * 24 * time.Hour), "1mo"},
		{now.Add(-400 * 24 * time.Hour), "1y"},
		{now.Add(2 * 24 * time.Hour), "in 2d"},
	}
	for _, tt := range tests {
		if got := Age(now, tt.at); got != tt.want {
			t.Errorf("Age(%v) = %q, want %q", now.Sub(tt.at), got, tt.want)
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
