package outbox

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseWhen reads a send time typed by a person, in the local zone of now:
// "2026-12-01 09:30", "2026-12-01T09:30:00+01:00" (RFC 3339), "14:30"
// (today), "tomorrow 9:00", or "in 10m" / "in 2h" / "in 1d". A time that is
// not after now is refused, with the reason.
func ParseWhen(s string, now time.Time) (time.Time, error) {
	in := strings.ToLower(strings.Join(strings.Fields(s), " "))
	if in == "" {
		return time.Time{}, fmt.Errorf("no time given: try 14:30, tomorrow 9:00, 2026-12-01 09:30 or in 2h")
	}
	t, err := parseWhen(in, now)
	if err != nil {
		return time.Time{}, err
	}
	if !t.After(now) {
		return time.Time{}, fmt.Errorf("%s is in the past: pick a later time", t.Format("Mon 2 Jan 2006 15:04 MST"))
	}
	return t, nil
}

func parseWhen(in string, now time.Time) (time.Time, error) {
	loc := now.Location()
	if rest, ok := strings.CutPrefix(in, "in "); ok {
		d, err := parseSpan(strings.ReplaceAll(rest, " ", ""))
		if err != nil {
			return time.Time{}, err
		}
		return now.Add(d), nil
	}
	if t, err := time.Parse(time.RFC3339, strings.ToUpper(in)); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02t15:04"} {
		if t, err := time.ParseInLocation(layout, in, loc); err == nil {
			return t, nil
		}
	}
	day := now
	clock := in
	if rest, ok := strings.CutPrefix(in, "tomorrow"); ok {
		day = now.AddDate(0, 0, 1)
		clock = strings.TrimSpace(rest)
		if clock == "" {
			clock = "9:00"
		}
	} else if rest, ok := strings.CutPrefix(in, "today"); ok {
		clock = strings.TrimSpace(rest)
	}
	for _, layout := range []string{"15:04", "3:04pm", "3pm"} {
		if c, err := time.Parse(layout, strings.ReplaceAll(clock, " ", "")); err == nil {
			return time.Date(day.Year(), day.Month(), day.Day(), c.Hour(), c.Minute(), 0, 0, loc), nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot read %q as a time: try 14:30, tomorrow 9:00, 2026-12-01 09:30 or in 2h", in)
}

// parseSpan reads "10m", "2h", "1d" or Go durations such as "1h30m".
func parseSpan(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err == nil && days > 0 && days <= 366 {
			return time.Duration(days) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("cannot read %q as a delay: try in 10m, in 2h or in 1d", s)
	}
	return d, nil
}
