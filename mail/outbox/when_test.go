package outbox

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the DST cases need Europe/Berlin and America/New_York anywhere
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestReadWhen(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	ny := mustZone(t, "America/New_York")
	// Thursday 26 Nov 2026, 10:00 in Berlin.
	thu := time.Date(2026, 11, 26, 10, 0, 0, 0, berlin)
	fri := time.Date(2026, 11, 27, 16, 0, 0, 0, berlin)
	at := func(mo time.Month, d, h, mi int) time.Time { return time.Date(2026, mo, d, h, mi, 0, 0, berlin) }
	tests := []struct {
		in     string
		now    time.Time
		want   time.Time
		passed string
		shown  string
	}{
		{"14:30", thu, at(11, 26, 14, 30), "", "Thu 26 Nov 14:30 CET (in 4 h 30 min)"},
		{"9:30", thu, at(11, 27, 9, 30), "09:30 today", "Fri 27 Nov 09:30 CET (tomorrow; 09:30 today has passed)"},
		{"10:00", thu, at(11, 27, 10, 0), "10:00 today", ""},
		{"noon", thu, at(11, 26, 12, 0), "", ""},
		{"2:30pm", thu, at(11, 26, 14, 30), "", ""},
		{"14:30:00", thu, at(11, 26, 14, 30), "", ""},
		{" Today  17:00 ", thu, at(11, 26, 17, 0), "", ""},
		{"today at 5pm", thu, at(11, 26, 17, 0), "", ""},
		{"tomorrow", thu, at(11, 27, 9, 0), "", "Fri 27 Nov 09:00 CET (tomorrow)"},
		{"tomorrow 9", thu, at(11, 27, 9, 0), "", ""},
		{"tomorrow 9am", thu, at(11, 27, 9, 0), "", ""},
		{"tomorrow 9 am", thu, at(11, 27, 9, 0), "", ""},
		{"tomorrow 12am", thu, at(11, 27, 0, 0), "", ""},
		{"9:00 tomorrow", thu, at(11, 27, 9, 0), "", ""},
		{"tomorrow", fri, at(11, 28, 9, 0), "", "Sat 28 Nov 09:00 CET (tomorrow)"},
		{"monday 9:00", thu, at(11, 30, 9, 0), "", "Mon 30 Nov 09:00 CET (in 4 days)"},
		{"mon 9", thu, at(11, 30, 9, 0), "", ""},
		{"on Monday at 9", thu, at(11, 30, 9, 0), "", ""},
		{"thu 14:00", thu, at(11, 26, 14, 0), "", ""},
		{"thursday 9:00", thu, at(12, 3, 9, 0), "09:00 today", "Thu 3 Dec 09:00 CET (in 7 days; 09:00 today has passed)"},
		{"friday", thu, at(11, 27, 9, 0), "", ""},
		{"next monday", thu, at(11, 30, 9, 0), "", ""},
		{"next friday", thu, at(12, 4, 9, 0), "", "Fri 4 Dec 09:00 CET (in 8 days)"},
		{"next thursday 14:00", thu, at(12, 3, 14, 0), "", ""},
		{"next week", thu, at(11, 30, 9, 0), "", ""},
		{"next week", time.Date(2026, 11, 29, 20, 0, 0, 0, berlin), at(11, 30, 9, 0), "", ""},
		{"next week", time.Date(2026, 11, 30, 8, 0, 0, 0, berlin), at(12, 7, 9, 0), "", ""},
		{"in 3 days", thu, at(11, 29, 10, 0), "", "Sun 29 Nov 10:00 CET (in 3 days)"},
		{"in 2 min", thu, at(11, 26, 10, 2), "", "Thu 26 Nov 10:02 CET (in 2 min)"},
		{"in 2 minutes", thu, at(11, 26, 10, 2), "", ""},
		{"in 10m", thu, at(11, 26, 10, 10), "", ""},
		{"in 1 h 30 min", thu, at(11, 26, 11, 30), "", "Thu 26 Nov 11:30 CET (in 1 h 30 min)"},
		{"in 1h30m", thu, at(11, 26, 11, 30), "", ""},
		{"in an hour and 30 minutes", thu, at(11, 26, 11, 30), "", ""},
		{"in 2 weeks", thu, at(12, 10, 10, 0), "", "Thu 10 Dec 10:00 CET (in 2 weeks)"},
		{"in 2 d", thu, at(11, 28, 10, 0), "", ""},
		{"in a month", time.Date(2027, 1, 31, 10, 0, 0, 0, berlin), time.Date(2027, 2, 28, 10, 0, 0, 0, berlin), "", ""},
		{"eod", thu, at(11, 26, 17, 0), "", ""},
		{"end of day", time.Date(2026, 11, 26, 18, 0, 0, 0, berlin), at(11, 27, 17, 0), "17:00 today", ""},
		{"9 dec", thu, at(12, 9, 9, 0), "", "Wed 9 Dec 09:00 CET (in 13 days)"},
		{"9th December", thu, at(12, 9, 9, 0), "", ""},
		{"dec 9 14:00", thu, at(12, 9, 14, 0), "", ""},
		{"Dec 9, 2:00pm", thu, at(12, 9, 14, 0), "", ""},
		{"9 feb 2027", thu, time.Date(2027, 2, 9, 9, 0, 0, 0, berlin), "", "Tue 9 Feb 2027 09:00 CET (in 2 months)"},
		{"1 jan", thu, time.Date(2027, 1, 1, 9, 0, 0, 0, berlin), "", "Fri 1 Jan 2027 09:00 CET (in 5 weeks)"},
		{"26 nov 9:00", thu, time.Date(2027, 11, 26, 9, 0, 0, 0, berlin), "", ""},
		{"2026-12-09", thu, at(12, 9, 9, 0), "", ""},
		{"2026-12-09 14:00", thu, at(12, 9, 14, 0), "", ""},
		{"2026-12-09T14:00", thu, at(12, 9, 14, 0), "", ""},
		{"2026-12-01T09:30:00Z", thu, time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC), "", ""},
		{"2026-12-01t09:30:00+01:00", thu, at(12, 1, 9, 30), "", ""},
		// Berlin leaves summer time on Sunday 25 Oct 2026: 9:00 stays 9:00 on
		// the wall, a day stays a calendar day, and hours are elapsed hours.
		{"tomorrow 9:00", time.Date(2026, 10, 24, 10, 0, 0, 0, berlin), at(10, 25, 9, 0), "", "Sun 25 Oct 09:00 CET (tomorrow)"},
		{"in 1 day", time.Date(2026, 10, 24, 10, 0, 0, 0, berlin), at(10, 25, 10, 0), "", ""},
		{"in 24 h", time.Date(2026, 10, 24, 10, 0, 0, 0, berlin), at(10, 25, 9, 0), "", ""},
		{"monday 9", time.Date(2026, 10, 23, 10, 0, 0, 0, berlin), at(10, 26, 9, 0), "", ""},
		// and enters it on Sunday 29 Mar 2026.
		{"tomorrow 9:00", time.Date(2026, 3, 28, 10, 0, 0, 0, berlin), at(3, 29, 9, 0), "", "Sun 29 Mar 09:00 CEST (tomorrow)"},
		// New York enters summer time on Sunday 8 Mar 2026.
		{"tomorrow 9:00", time.Date(2026, 3, 7, 10, 0, 0, 0, ny), time.Date(2026, 3, 8, 9, 0, 0, 0, ny), "", "Sun 8 Mar 09:00 EDT (tomorrow)"},
		{"next week", time.Date(2026, 3, 6, 10, 0, 0, 0, ny), time.Date(2026, 3, 9, 9, 0, 0, 0, ny), "", ""},
		{"in 2 days", time.Date(2026, 3, 7, 10, 0, 0, 0, ny), time.Date(2026, 3, 9, 10, 0, 0, 0, ny), "", ""},
		{"in 2 h", time.Date(2026, 3, 8, 1, 30, 0, 0, ny), time.Date(2026, 3, 8, 4, 30, 0, 0, ny), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in+"@"+tt.now.Format("Mon 15:04"), func(t *testing.T) {
			w, err := ReadWhen(tt.in, tt.now)
			if err != nil {
				t.Fatalf("ReadWhen(%q): %v", tt.in, err)
			}
			if !w.At.Equal(tt.want) || w.Passed != tt.passed {
				t.Errorf("ReadWhen(%q) = %v, passed %q; want %v, passed %q", tt.in, w.At, w.Passed, tt.want, tt.passed)
			}
			if w.At.Location() == tt.now.Location() && w.At.Hour() != tt.want.In(tt.now.Location()).Hour() {
				t.Errorf("ReadWhen(%q) wall clock %v, want %v", tt.in, w.At, tt.want)
			}
			if got := w.Describe(tt.now); tt.shown != "" && got != tt.shown {
				t.Errorf("Describe = %q, want %q", got, tt.shown)
			}
		})
	}
}

func TestReadWhenRefuses(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, mustZone(t, "Europe/Berlin"))
	tests := map[string]string{
		"":                        "no time given",
		"  ":                      "no time given",
		"today 9:00":              "Thu 26 Nov 2026 09:00 CET is in the past",
		"2026-11-26 10:00":        "Thu 26 Nov 2026 10:00 CET is in the past",
		"2026-11-01T09:00:00Z":    "Sun 1 Nov 2026 09:00 UTC is in the past",
		"today":                   `"today" needs a time of day`,
		"in -5m":                  "cannot read",
		"in 0m":                   "cannot read",
		"in":                      "cannot read",
		"in 2 fortnights":         "cannot read",
		"in 99999 h":              "cannot read",
		"next blursday":           "cannot read",
		"25:00":                   "cannot read",
		"9:60":                    "cannot read",
		"13pm":                    "cannot read",
		"0am":                     "cannot read",
		"+9":                      "cannot read",
		"31 feb":                  "cannot read",
		"2026-02-30":              "cannot read",
		"eod 14:00":               "cannot read",
		"in 1000d":                "more than a year away",
		"2099-01-01":              "more than a year away",
		strings.Repeat("a", 101):  "too long for a time (100 at most)",
		"tomorrow 9:00 and later": "cannot read",
	}
	for in, want := range tests {
		if w, err := ReadWhen(in, now); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ReadWhen(%q) = %v, %v; want an error with %q", in, w.At, err, want)
		}
	}
}

func TestParseWhenIsReadWhen(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	got, err := ParseWhen("tomorrow 9:00", now)
	if err != nil || !got.Equal(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("ParseWhen = %v, %v", got, err)
	}
}

// TestWhenExamples checks the hint at every quarter hour of a week: each
// example reads as a time ahead of now.
func TestWhenExamples(t *testing.T) {
	for _, zone := range []string{"Europe/Berlin", "America/New_York"} {
		loc := mustZone(t, zone)
		start := time.Date(2026, 10, 22, 0, 0, 0, 0, loc) // across Berlin's change on 25 Oct
		for now := start; now.Before(start.AddDate(0, 0, 7)); now = now.Add(15 * time.Minute) {
			ex := WhenExamples(now)
			if len(ex) < 5 {
				t.Fatalf("%v: only %q", now, ex)
			}
			for _, s := range ex {
				if _, err := ReadWhen(s, now); err != nil {
					t.Errorf("at %v the example %q: %v", now, s, err)
				}
			}
		}
	}
}

func TestDescribe(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		at   time.Time
		want string
	}{
		{now.Add(30 * time.Second), "Sun 6 Dec 10:00 UTC (in 1 min)"},
		{now.Add(3 * time.Hour), "Sun 6 Dec 13:00 UTC (in 3 h)"},
		{time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC), "Mon 7 Dec 09:00 UTC (tomorrow)"},
		{time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC), "Tue 8 Dec 09:00 UTC (in 2 days)"},
		{time.Date(2027, 3, 8, 9, 0, 0, 0, time.UTC), "Mon 8 Mar 2027 09:00 UTC (in 3 months)"},
		{time.Date(2026, 12, 8, 9, 0, 0, 0, time.FixedZone("CET", 3600)), "Tue 8 Dec 08:00 UTC (in 2 days)"},
	}
	for _, tt := range tests {
		if got := Describe(tt.at, now); got != tt.want {
			t.Errorf("Describe(%v) = %q, want %q", tt.at, got, tt.want)
		}
	}
	// Late in the evening, the next few hours are hours, past midnight too.
	late := time.Date(2026, 12, 6, 23, 26, 0, 0, time.UTC)
	for at, want := range map[time.Time]string{
		late.Add(2 * time.Hour):                      "Mon 7 Dec 01:26 UTC (in 2 h)",
		late.Add(5*time.Hour + 4*time.Minute):        "Mon 7 Dec 04:30 UTC (in 5 h 4 min)",
		time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC): "Mon 7 Dec 09:00 UTC (tomorrow)",
	} {
		if got := Describe(at, late); got != want {
			t.Errorf("at 23:26, Describe(%v) = %q, want %q", at, got, want)
		}
	}
}

// FuzzReadWhen feeds the parser anything: it never panics, never reads more
// than MaxWhenLen bytes, and what it accepts lies ahead of now, within a year.
func FuzzReadWhen(f *testing.F) {
	for _, s := range []string{"14:30", "tomorrow 9am", "next monday", "in 1 h 30 min", "9 dec 2027",
		"2026-12-09 14:00", "2026-12-01T09:30:00Z", "eod", "in a month", "dec 9, 2:00pm", "31 feb", "in 9999 weeks"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ReadWhen(s, now)
		if err != nil {
			return
		}
		if len(s) > MaxWhenLen || !w.At.After(now) || w.At.After(now.AddDate(1, 0, 1)) {
			t.Errorf("ReadWhen(%q) = %v", s, w.At)
		}
		_ = w.Describe(now)
	})
}

func TestWhenHint(t *testing.T) {
	now := time.Date(2026, 11, 26, 16, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		width int
		want  string
	}{
		{1, "18:00"},
		{21, "18:00 · tomorrow 9:00"},
		{33, "18:00 · tomorrow 9:00 · sat 14:00"},
		{100, "18:00 · tomorrow 9:00 · sat 14:00 · in 2 h · next week · 5 dec"},
	} {
		if got := WhenHint(now, tt.width); got != tt.want {
			t.Errorf("WhenHint(%d) = %q, want %q", tt.width, got, tt.want)
		}
	}
}
