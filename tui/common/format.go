package common

import (
	"fmt"
	"strings"
	"time"
)

// NoValue is shown for an empty field or a time that never happened.
const NoValue = "—"

// Age formats the time between now and t with units that cannot be
// mistaken for one another: "4 min", "3 h", "2 d", "4 mo", "1 y" for the
// past (floored; under a minute is "now"), and "in 1 min", "in 1 h 58 min",
// "in 2 d 3 h" for the future. A future time is rounded up to the minute,
// so a message a few seconds away never reads "now". A zero t is NoValue.
func Age(now, t time.Time) string {
	if t.IsZero() {
		return NoValue
	}
	if d := t.Sub(now); d > 0 {
		return "in " + until(d)
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "now"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	case d < day:
		return fmt.Sprintf("%d h", int(d/time.Hour))
	case d < 30*day:
		return fmt.Sprintf("%d d", int(d/day))
	case d < 365*day:
		return fmt.Sprintf("%d mo", int(d/(30*day)))
	}
	return fmt.Sprintf("%d y", int(d/(365*day)))
}

const day = 24 * time.Hour

// until is a positive duration to the minute above, in at most two units.
func until(d time.Duration) string {
	mins := int((d + time.Minute - 1) / time.Minute)
	h, m := mins/60, mins%60
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case h < 24 && m == 0:
		return fmt.Sprintf("%d h", h)
	case h < 24:
		return fmt.Sprintf("%d h %d min", h, m)
	case h < 7*24 && h%24 != 0:
		return fmt.Sprintf("%d d %d h", h/24, h%24)
	}
	return fmt.Sprintf("%d d", h/24)
}

// Ago is Age worded for a sentence: "2 d ago", "just now", "in 3 h".
func Ago(now, t time.Time) string {
	switch a := Age(now, t); {
	case a == "now":
		return "just now"
	case t.After(now) || a == NoValue:
		return a
	default:
		return a + " ago"
	}
}

// Age is the package-level Age against the shared clock.
func (c *Common) Age(t time.Time) string { return Age(c.Now(), t) }

// Ago is the package-level Ago against the shared clock.
func (c *Common) Ago(t time.Time) string { return Ago(c.Now(), t) }

// Until is when a waiting message leaves, for the decision to cancel or
// edit it: the relative time and the clock time, "in 1 h 58 min · 21:34";
// a day or more away the clock time has its date, "in 1 d 2 h · 27 Nov
// 11:00" (under a day, the relative time already says which day).
func (c *Common) Until(t time.Time) string {
	if t.IsZero() {
		return NoValue
	}
	if t.Sub(c.Now()) < day {
		return c.Age(t) + " · " + c.Clock(t)
	}
	return c.Age(t) + " · " + c.Stamp(t)
}

// Date formats an absolute date and time in the clock's zone, e.g.
// "Mon 2 Jan 2026 15:04". A zero t is NoValue. The zone comes from Now so a
// frozen test clock also freezes the zone.
func (c *Common) Date(t time.Time) string {
	if t.IsZero() {
		return NoValue
	}
	return t.In(c.Now().Location()).Format("Mon 2 Jan 2006 15:04")
}

// ShortDate formats a date without the time, e.g. "2 Jan 2026".
func (c *Common) ShortDate(t time.Time) string {
	if t.IsZero() {
		return NoValue
	}
	return t.In(c.Now().Location()).Format("2 Jan 2006")
}

// OrNone returns s, or NoValue when s is blank.
func OrNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return NoValue
	}
	return s
}

// Humanize turns an identifier such as "contact_with_opportunity" into
// "contact with opportunity".
func Humanize(s string) string { return strings.ReplaceAll(s, "_", " ") }

// Size formats a byte count: "512 B", "14 KB", "2.3 MB".
func Size(n int) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.0f KB", float64(n)/1024)
	default:
		return fmt.Sprintf("%.1f MB", float64(n)/(1024*1024))
	}
}

// Clock formats the time of day in the clock's zone, e.g. "14:30".
func (c *Common) Clock(t time.Time) string {
	if t.IsZero() {
		return NoValue
	}
	return t.In(c.Now().Location()).Format("15:04")
}

// DateZone formats an absolute time with its zone, e.g. "Fri 27 Nov 2026
// 14:30 CET", for times the user picks: the zone says which 14:30.
func (c *Common) DateZone(t time.Time) string {
	if t.IsZero() {
		return NoValue
	}
	return t.In(c.Now().Location()).Format("Mon 2 Jan 2006 15:04 MST")
}

// Stamp formats a time compactly for tables: "14:30" on the clock's day,
// else "27 Nov 14:30", with the year when it is not this year.
func (c *Common) Stamp(t time.Time) string {
	if t.IsZero() {
		return NoValue
	}
	now := c.Now()
	t = t.In(now.Location())
	switch {
	case t.Year() == now.Year() && t.YearDay() == now.YearDay():
		return t.Format("15:04")
	case t.Year() == now.Year():
		return t.Format("2 Jan 15:04")
	}
	return t.Format("2 Jan 2006 15:04")
}
