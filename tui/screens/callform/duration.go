package callform

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/leadmail/leadmail/store"
)

// DurationHint says what the duration field reads.
const DurationHint = "minutes (12), minutes:seconds (1:30) or units (90s, 1 h 5 min); empty if you did not time it"

var (
	minutesOnly = regexp.MustCompile(`^\d+(\.\d+)?$`)
	clockForm   = regexp.MustCompile(`^(?:(\d+):)?(\d+):(\d{2})$`)
	unitPart    = regexp.MustCompile(`^(\d+(?:\.\d+)?)\s*(hours|hour|hrs|hr|h|minutes|minute|mins|min|m|seconds|second|secs|sec|s)\s*`)
)

// ParseDuration reads how long a call took, as a person types it: "12"
// or "1.5" (minutes), "1:30" (minutes and seconds), "1:02:30" (hours
// too), or numbers with units, "90s", "1 h 5 min", "2m30s". Empty is
// zero: the call was not timed. A duration that cannot be read, is
// negative or is longer than store.MaxCallDuration is an error whose text
// is a sentence for the user.
func ParseDuration(s string) (time.Duration, error) {
	in := strings.ToLower(strings.TrimSpace(s))
	in = strings.ReplaceAll(in, ",", ".") // a decimal comma
	if in == "" {
		return 0, nil
	}
	if strings.HasPrefix(in, "-") {
		return 0, fmt.Errorf("a call cannot last less than nothing: give how long it took, such as 12 or 1:30")
	}
	var d time.Duration
	switch {
	case minutesOnly.MatchString(in):
		m, err := strconv.ParseFloat(in, 64)
		if err != nil || m > store.MaxCallDuration.Minutes() {
			return 0, tooLong(s)
		}
		d = time.Duration(math.Round(m*60)) * time.Second
	case clockForm.MatchString(in):
		p := clockForm.FindStringSubmatch(in)
		var (
			h    int
			errH error
		)
		if p[1] != "" {
			h, errH = strconv.Atoi(p[1])
		}
		m, errM := strconv.Atoi(p[2])
		sec, _ := strconv.Atoi(p[3])
		if errH != nil || errM != nil || sec > 59 || (p[1] != "" && m > 59) {
			return 0, unreadable(s)
		}
		if h > 24 || m > 24*60 {
			return 0, tooLong(s)
		}
		d = time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second
	default:
		var err error
		if d, err = parseUnits(in); err != nil {
			return 0, unreadable(s)
		}
	}
	if d > store.MaxCallDuration {
		return 0, tooLong(s)
	}
	return d, nil
}

// parseUnits reads numbers with units, each unit once at most.
func parseUnits(in string) (time.Duration, error) {
	var d time.Duration
	seen := map[byte]bool{}
	for in != "" {
		p := unitPart.FindStringSubmatch(in)
		if p == nil {
			return 0, fmt.Errorf("no unit")
		}
		n, err := strconv.ParseFloat(p[1], 64)
		if err != nil || n > 1e6 {
			return 0, fmt.Errorf("number %q", p[1])
		}
		unit := p[2][0]
		if seen[unit] {
			return 0, fmt.Errorf("unit %q twice", p[2])
		}
		seen[unit] = true
		per := map[byte]time.Duration{'h': time.Hour, 'm': time.Minute, 's': time.Second}[unit]
		d += time.Duration(math.Round(n*float64(per/time.Second))) * time.Second
		in = in[len(p[0]):]
	}
	return d, nil
}

func unreadable(s string) error {
	return fmt.Errorf("%q is not a duration: type %s", strings.TrimSpace(s), strings.TrimSuffix(DurationHint, "; empty if you did not time it"))
}

func tooLong(s string) error {
	return fmt.Errorf("a call of %s cannot be logged: give at most 24 hours", strings.TrimSpace(s))
}

// Length says a duration in plain units, as the timeline does: "45 s",
// "1 min 30 s", "12 min", "1 h 5 min" (seconds only under 10 minutes).
func Length(d time.Duration) string {
	h, m, sec := int(d/time.Hour), int(d/time.Minute)%60, int(d/time.Second)%60
	switch {
	case h > 0 && m > 0:
		return fmt.Sprintf("%d h %d min", h, m)
	case h > 0:
		return fmt.Sprintf("%d h", h)
	case m > 0 && m < 10 && sec > 0:
		return fmt.Sprintf("%d min %d s", m, sec)
	case m > 0:
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d s", sec)
}
