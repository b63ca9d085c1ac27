package outbox

import (
	"fmt"
	"time"
	"unicode/utf8"
)

// Describe shows a time read by ReadWhen back to the person who typed it:
// the absolute time in now's zone and how far off it is, e.g.
// "Mon 7 Dec 09:00 CET (in 2 days)". The zone says which 09:00 (and shows
// a daylight saving change); the year is shown when it is not now's.
func Describe(t, now time.Time) string {
	t = t.In(now.Location())
	layout := "Mon 2 Jan 15:04 MST"
	if t.Year() != now.Year() {
		layout = "Mon 2 Jan 2006 15:04 MST"
	}
	return t.Format(layout) + " (" + fromNow(t, now) + ")"
}

// Describe is the package's Describe, saying also when a time of day had
// passed and the next one was taken: "Mon 7 Dec 14:30 CET (tomorrow;
// 14:30 today has passed)".
func (w When) Describe(now time.Time) string {
	s := Describe(w.At, now)
	if w.Passed != "" {
		s = s[:len(s)-1] + "; " + w.Passed + " has passed)"
	}
	return s
}

// hoursAhead is how many hours ahead a time is still told in hours when
// it falls on the next day.
const hoursAhead = 6

// fromNow says how far t is from now, in the unit a person would use:
// minutes and hours today or in the next few hours (past midnight, 01:30
// is "in 2 h", not "tomorrow"), then tomorrow, days, weeks and months.
func fromNow(t, now time.Time) string {
	d := t.Sub(now)
	if d <= 0 {
		return "now or past"
	}
	y1, m1, d1 := now.Date()
	y2, m2, d2 := t.Date()
	days := int(time.Date(y2, m2, d2, 12, 0, 0, 0, time.UTC).Sub(time.Date(y1, m1, d1, 12, 0, 0, 0, time.UTC)).Hours() / 24)
	mins := int((d + time.Minute - 1) / time.Minute) // 30 seconds is "in 1 min"
	switch {
	case mins < 60:
		return fmt.Sprintf("in %d min", mins)
	case (days == 0 || mins < hoursAhead*60) && mins%60 == 0:
		return fmt.Sprintf("in %d h", mins/60)
	case days == 0 || mins < hoursAhead*60:
		return fmt.Sprintf("in %d h %d min", mins/60, mins%60)
	case days == 1:
		return "tomorrow"
	case days < 14:
		return fmt.Sprintf("in %d days", days)
	case days < 63:
		return fmt.Sprintf("in %d weeks", days/7)
	default:
		return fmt.Sprintf("in %d months", days/30)
	}
}

// WhenExamples are forms to show as a hint, built from now so that each
// reads as a time ahead of it: a time of day later today (when there is
// one), tomorrow, a weekday, a delay and a date.
func WhenExamples(now time.Time) []string {
	var ex []string
	if later := now.Add(2 * time.Hour); later.Day() == now.Day() {
		ex = append(ex, fmt.Sprintf("%02d:00", later.Hour()))
	}
	in2 := now.AddDate(0, 0, 2)
	return append(ex,
		"tomorrow 9:00",
		fmt.Sprintf("%s 14:00", lowerDay(in2)),
		"in 2 h",
		"next week",
		fmt.Sprintf("%d %s", now.AddDate(0, 0, 9).Day(), lowerMonth(now.AddDate(0, 0, 9))),
	)
}

// WhenHint is as many of WhenExamples(now) as fit in width columns,
// joined by " · " (at least the first).
func WhenHint(now time.Time, width int) string {
	const sep = " · "
	hint := ""
	for _, ex := range WhenExamples(now) {
		if hint == "" {
			hint = ex
			continue
		}
		if utf8.RuneCountInString(hint+sep+ex) > width {
			break
		}
		hint += sep + ex
	}
	return hint
}

func lowerDay(t time.Time) string   { return weekdayNames[t.Weekday()][:3] }
func lowerMonth(t time.Time) string { return monthNames[t.Month()-1][:3] }
