package outbox

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// MaxWhenLen is the longest text ParseWhen reads; anything longer is not a
// time someone typed, and is refused before it is read.
const MaxWhenLen = 100

// When is a time read by ReadWhen, with what the reader should be told
// about how it was read.
type When struct {
	// At is the absolute time, in the zone of the now it was read against
	// (or the zone it was written with, for RFC 3339).
	At time.Time
	// Passed is set when a time of day alone ("14:30", "eod", "monday 9")
	// had already passed and the next one was taken: it names the one
	// that passed ("14:30 today"), so showing the result back can say so.
	Passed string
}

// ParseWhen reads a time typed by a person, in the local zone of now, and
// refuses one that is not after now or more than a year ahead. It is
// ReadWhen without the note; see ReadWhen for the forms it reads.
func ParseWhen(s string, now time.Time) (time.Time, error) {
	w, err := ReadWhen(s, now)
	return w.At, err
}

// ReadWhen reads a time typed by a person, in the local zone of now.
// Case, extra spaces, commas and the words "at" and "on" do not matter.
//
// A day, optionally with a time of day before or after it; without one
// the day's 9:00 is meant:
//
//	today 17:00, tomorrow, tomorrow 9, tomorrow 9am
//	monday 9:00, mon 9, tue 2:30pm  the next such day (today if still ahead)
//	next monday                     Monday of next week (weeks start Monday)
//	next week                       Monday 9:00 of next week
//	9 dec, dec 9 14:00, 9 dec 2027  this year's, or next year's if passed
//	2026-12-09, 2026-12-09 14:00
//
// A time of day alone is today's, or tomorrow's when it has passed
// ("14:30" at 16:00); When.Passed says so. Times of day are 14:30, 9,
// 9am, 2:30pm, 14:30:00 and noon. "eod" and "end of day" are 17:00 today,
// or tomorrow if that has passed.
//
// A delay: "in 2 min", "in 2 minutes", "in 1 h 30 min", "in 1h30m",
// "in 3 days", "in 2 weeks", "in a month". Minutes and hours are elapsed
// time; days, weeks and months keep the wall clock across a daylight
// saving change, as do named days ("tomorrow 9:00" is 9:00 either side).
//
// An absolute time: RFC 3339 ("2026-12-09T14:00:00+01:00"), or
// "2026-12-09T14:00" in the local zone.
//
// A time not after now is refused with a sentence naming it, as is one
// more than a year ahead and text longer than MaxWhenLen.
func ReadWhen(s string, now time.Time) (When, error) {
	if len(s) > MaxWhenLen {
		return When{}, fmt.Errorf("%d characters is too long for a time (%d at most): try tomorrow 9:00 or in 2 days", len(s), MaxWhenLen)
	}
	words := whenWords(s)
	if len(words) == 0 {
		return When{}, fmt.Errorf("no time given: try %s", tryForms)
	}
	w, err := readWhen(words, now)
	if err != nil {
		return When{}, err
	}
	if !w.At.After(now) {
		return When{}, fmt.Errorf("%s is in the past: pick a later time", w.At.Format("Mon 2 Jan 2006 15:04 MST"))
	}
	if w.At.After(now.AddDate(1, 0, 1)) {
		return When{}, fmt.Errorf("%s is more than a year away: pick a nearer time", w.At.Format("Mon 2 Jan 2006 15:04 MST"))
	}
	return w, nil
}

// tryForms are the forms an error suggests; each is valid at any time.
const tryForms = "tomorrow 9:00, monday 14:00, 9 dec, in 2 h or next week"

// whenWords lowercases s and splits it into words, dropping commas and
// the filler words "at" and "on".
func whenWords(s string) []string {
	var words []string
	for _, w := range strings.Fields(strings.ToLower(strings.ReplaceAll(s, ",", " "))) {
		if w != "at" && w != "on" {
			words = append(words, w)
		}
	}
	return words
}

func readWhen(words []string, now time.Time) (When, error) {
	loc := now.Location()
	if words[0] == "in" {
		return readDelay(words[1:], now)
	}
	if len(words) == 1 {
		if t, err := time.Parse(time.RFC3339, strings.ToUpper(words[0])); err == nil {
			return When{At: t}, nil
		}
		if t, err := time.ParseInLocation("2006-01-02t15:04", words[0], loc); err == nil {
			return When{At: t}, nil
		}
	}
	// The day may come before or after the time of day: try each split.
	for i := 0; i <= len(words); i++ {
		if w, ok := dayAndClock(words[:i], words[i:], now); ok {
			return w, nil
		}
		if i > 0 && i < len(words) {
			if w, ok := dayAndClock(words[i:], words[:i], now); ok {
				return w, nil
			}
		}
	}
	in := strings.Join(words, " ")
	if in == "today" {
		return When{}, fmt.Errorf(`"today" needs a time of day: try today 17:00`)
	}
	return When{}, fmt.Errorf("cannot read %q as a time: try %s", in, tryForms)
}

// dayRule says what happens when a day and time read so far have passed.
type dayRule int

const (
	ruleFixed    dayRule = iota // a named day: refused if passed
	ruleClock                   // a time of day alone: tomorrow's
	ruleWeekday                 // a weekday: next week's
	ruleYearless                // a date without a year: next year's
)

// dayAndClock reads day and clock words as one time, or reports false.
func dayAndClock(day, clock []string, now time.Time) (When, bool) {
	h, mi, sec, hasClock, ok := readClock(strings.Join(clock, ""))
	if !ok {
		return When{}, false
	}
	loc := now.Location()
	y, mo, d := now.Date()
	rule, explicit := ruleFixed, false
	switch in := strings.Join(day, " "); {
	case in == "":
		if !hasClock {
			return When{}, false
		}
		rule = ruleClock
	case in == "eod" || in == "end of day":
		if hasClock {
			return When{}, false
		}
		h, mi, hasClock, rule = 17, 0, true, ruleClock
	case in == "today":
		if !hasClock {
			return When{}, false
		}
	case in == "tomorrow":
		d++
	case in == "next week":
		d += daysToNextWeek(now)
	case len(day) == 1 && weekday(day[0]) >= 0:
		d += (weekday(day[0]) - int(now.Weekday()) + 7) % 7
		rule = ruleWeekday
	case len(day) == 2 && day[0] == "next" && weekday(day[1]) >= 0:
		d += daysToNextWeek(now) + (weekday(day[1])+6)%7
	default:
		var year bool
		if y, mo, d, year, ok = readDate(day, y); !ok {
			return When{}, false
		}
		explicit = true
		if !year {
			rule = ruleYearless
		}
	}
	if !hasClock {
		h = 9
	}
	at := time.Date(y, mo, d, h, mi, sec, 0, loc)
	if rule == ruleYearless && !at.After(now) {
		y++
		at = time.Date(y, mo, d, h, mi, sec, 0, loc)
	}
	if explicit && (at.Month() != mo || at.Day() != d) {
		return When{}, false // 31 Feb and the like
	}
	var w When
	w.At = at
	if !at.After(now) {
		switch rule {
		case ruleClock:
			w.At = time.Date(y, mo, d+1, h, mi, sec, 0, loc)
			w.Passed = at.Format("15:04") + " today"
		case ruleWeekday:
			w.At = time.Date(y, mo, d+7, h, mi, sec, 0, loc)
			w.Passed = at.Format("15:04") + " today"
		}
	}
	return w, true
}

// daysToNextWeek is how many days from now's day to Monday of next week.
func daysToNextWeek(now time.Time) int {
	return 7 - (int(now.Weekday())+6)%7
}

// readClock reads a time of day: "" (none), "14:30", "14:30:00", "9",
// "9am", "2:30pm" or "noon". Words are joined without spaces first, so
// "9 am" reads as "9am".
func readClock(s string) (h, mi, sec int, has, ok bool) {
	if s == "" {
		return 0, 0, 0, false, true
	}
	if s == "noon" {
		return 12, 0, 0, true, true
	}
	half := ""
	if rest, found := strings.CutSuffix(s, "am"); found {
		s, half = rest, "am"
	} else if rest, found := strings.CutSuffix(s, "pm"); found {
		s, half = rest, "pm"
	}
	parts := strings.Split(s, ":")
	if len(parts) > 3 || (half != "" && len(parts) > 2) || len(parts[0]) > 2 {
		return 0, 0, 0, false, false
	}
	vals := make([]int, 3)
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || (i > 0 && len(p) != 2) || p[0] == '+' {
			return 0, 0, 0, false, false
		}
		vals[i] = n
	}
	h, mi, sec = vals[0], vals[1], vals[2]
	if mi > 59 || sec > 59 {
		return 0, 0, 0, false, false
	}
	switch half {
	case "":
		if h > 23 {
			return 0, 0, 0, false, false
		}
	default:
		if h < 1 || h > 12 {
			return 0, 0, 0, false, false
		}
		h %= 12
		if half == "pm" {
			h += 12
		}
	}
	return h, mi, sec, true, true
}

// readDate reads "2026-12-09", "9 dec", "dec 9", "9th december" and the
// same with a year after them; year reports whether one was given.
func readDate(words []string, thisYear int) (y int, mo time.Month, d int, year, ok bool) {
	if len(words) == 1 {
		t, err := time.Parse("2006-01-02", words[0])
		if err != nil {
			return 0, 0, 0, false, false
		}
		return t.Year(), t.Month(), t.Day(), true, true
	}
	y = thisYear
	if len(words) == 3 {
		n, err := strconv.Atoi(words[2])
		if err != nil || len(words[2]) != 4 {
			return 0, 0, 0, false, false
		}
		y, year = n, true
	} else if len(words) != 2 {
		return 0, 0, 0, false, false
	}
	dayWord, monthWord := words[0], words[1]
	if month(dayWord) > 0 {
		dayWord, monthWord = monthWord, dayWord
	}
	if mo = month(monthWord); mo == 0 {
		return 0, 0, 0, false, false
	}
	for _, suffix := range []string{"st", "nd", "rd", "th"} {
		dayWord = strings.TrimSuffix(dayWord, suffix)
	}
	d, err := strconv.Atoi(dayWord)
	if err != nil || len(dayWord) > 2 || d < 1 || d > 31 {
		return 0, 0, 0, false, false
	}
	return y, mo, d, year, true
}

var (
	monthNames   = [...]string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}
	weekdayNames = [...]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}
)

// month reads a month's name or its first three letters or more ("dec",
// "sept"), or returns 0.
func month(s string) time.Month {
	if len(s) >= 3 {
		for i, name := range monthNames {
			if strings.HasPrefix(name, s) {
				return time.Month(i + 1)
			}
		}
	}
	return 0
}

// weekday reads a weekday's name or its first three letters or more
// ("mon", "thurs") as a time.Weekday number, or returns -1.
func weekday(s string) int {
	if len(s) >= 3 {
		for i, name := range weekdayNames {
			if strings.HasPrefix(name, s) {
				return i
			}
		}
	}
	return -1
}

// readDelay reads what follows "in": numbers with units, such as
// "2 min", "1 h 30 min", "1h30m", "3 days", "a week". Days, weeks and
// months are calendar steps that keep the wall clock; hours and minutes
// are elapsed time.
func readDelay(words []string, now time.Time) (When, error) {
	in := strings.Join(words, " ")
	bad := fmt.Errorf("cannot read %q as a delay: try in 10 min, in 2 h, in 3 days or in 2 weeks", in)
	var months, days int
	var span time.Duration
	s := in
	for s = strings.TrimLeft(s, " "); s != ""; s = strings.TrimLeft(s, " ") {
		if rest, ok := strings.CutPrefix(s, "and "); ok {
			s = strings.TrimLeft(rest, " ")
		}
		var n int
		switch digits := len(s) - len(strings.TrimLeft(s, "0123456789")); {
		case digits > 0:
			if digits > 4 {
				return When{}, bad
			}
			n, _ = strconv.Atoi(s[:digits])
			s = s[digits:]
		case strings.HasPrefix(s, "a "), strings.HasPrefix(s, "an "):
			n = 1
			s = s[strings.IndexByte(s, ' '):]
		default:
			return When{}, bad
		}
		s = strings.TrimLeft(s, " ")
		letters := len(s) - len(strings.TrimLeft(s, "abcdefghijklmnopqrstuvwxyz"))
		switch s[:letters] {
		case "m", "min", "mins", "minute", "minutes":
			span += time.Duration(n) * time.Minute
		case "h", "hr", "hrs", "hour", "hours":
			span += time.Duration(n) * time.Hour
		case "d", "day", "days":
			days += n
		case "w", "wk", "wks", "week", "weeks":
			days += 7 * n
		case "mo", "month", "months":
			months += n
		default:
			return When{}, bad
		}
		s = s[letters:]
	}
	if months == 0 && days == 0 && span == 0 {
		return When{}, bad
	}
	return When{At: addMonths(now, months).AddDate(0, 0, days).Add(span)}, nil
}

// addMonths steps t by n calendar months, keeping the day of the month
// where that month has it and taking its last day where not (31 Jan plus
// a month is 28 or 29 Feb, not 3 Mar).
func addMonths(t time.Time, n int) time.Time {
	if n == 0 {
		return t
	}
	y, mo, d := t.Date()
	last := time.Date(y, mo+time.Month(n)+1, 0, 0, 0, 0, 0, t.Location()).Day()
	return time.Date(y, mo+time.Month(n), min(d, last), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}
