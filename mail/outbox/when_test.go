package outbox

import (
	"strings"
	"testing"
	"time"
)

func TestParseWhen(t *testing.T) {
	loc := time.FixedZone("CET", 3600)
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, loc)
	ok := []struct {
		in   string
		want time.Time
	}{
		{"14:30", time.Date(2026, 11, 26, 14, 30, 0, 0, loc)},
		{" today  14:30 ", time.Date(2026, 11, 26, 14, 30, 0, 0, loc)},
		{"tomorrow 9:00", time.Date(2026, 11, 27, 9, 0, 0, 0, loc)},
		{"Tomorrow", time.Date(2026, 11, 27, 9, 0, 0, 0, loc)},
		{"tomorrow 3pm", time.Date(2026, 11, 27, 15, 0, 0, 0, loc)},
		{"2026-12-01 09:30", time.Date(2026, 12, 1, 9, 30, 0, 0, loc)},
		{"2026-12-01T09:30:00Z", time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)},
		{"in 10m", now.Add(10 * time.Minute)},
		{"in 1h30m", now.Add(90 * time.Minute)},
		{"in 2 d", now.Add(48 * time.Hour)},
	}
	for _, tc := range ok {
		got, err := ParseWhen(tc.in, now)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("ParseWhen(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	bad := map[string]string{
		"":                 "no time given",
		"9:00":             "in the past",
		"2026-11-26 10:00": "in the past",
		"in -5m":           "cannot read",
		"in 0m":            "cannot read",
		"next week":        "cannot read",
		"25:00":            "cannot read",
		"in 1000d":         "cannot read",
	}
	for in, want := range bad {
		if _, err := ParseWhen(in, now); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseWhen(%q) error = %v, want %q", in, err, want)
		}
	}
}
