package common

import (
	"fmt"
	"strings"
	"time"
)

// NoValue is shown for an empty field or a time that never happened.
const NoValue = "—"

// Age formats the time from t to now compactly: "now", "5m", "3h", "2d",
// "4mo", "1y"; a future t reads "in 3d". A zero t is NoValue.
func Age(now, t time.Time) string {
	if t.IsZero() {
		return NoValue
	}
	d := now.Sub(t)
	prefix := ""
	if d < 0 {
		d = -d
		prefix = "in "
	}
	var s string
	switch {
	case d < time.Minute:
		return "now"
	case d < time.Hour:
		s = fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 24*time.Hour:
		s = fmt.Sprintf("%dh", int(d/time.Hour))
	case d < 30*24*time.Hour:
		s = fmt.Sprintf("%dd", int(d/(24*time.Hour)))
	case d < 365*24*time.Hour:
		s = fmt.Sprintf("%dmo", int(d/(30*24*time.Hour)))
	default:
		s = fmt.Sprintf("%dy", int(d/(365*24*time.Hour)))
	}
	return prefix + s
}

// Age is the package-level Age against the shared clock.
func (c *Common) Age(t time.Time) string { return Age(c.Now(), t) }

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
