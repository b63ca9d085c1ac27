package mail

import (
	netmail "net/mail"
	"strings"
	"time"
)

// zoneOffsets are the zone names found in real Date fields, as offsets.
// RFC 5322's obsolete zones (EST, PDT, ...) are in it; go's parser would
// otherwise read every name as UTC.
var zoneOffsets = map[string]string{
	"UT": "+0000", "UTC": "+0000", "GMT": "+0000", "Z": "+0000",
	"EST": "-0500", "EDT": "-0400", "CST": "-0600", "CDT": "-0500",
	"MST": "-0700", "MDT": "-0600", "PST": "-0800", "PDT": "-0700",
	"CET": "+0100", "CEST": "+0200", "MET": "+0100", "MEST": "+0200",
	"WET": "+0000", "WEST": "+0100", "EET": "+0200", "EEST": "+0300",
	"BST": "+0100", "IST": "+0530", "JST": "+0900", "KST": "+0900",
	"AEST": "+1000", "AEDT": "+1100", "NZST": "+1200", "NZDT": "+1300",
}

// dateLayouts are tried, in order, after net/mail's RFC 5322 parser, on the
// normalised value (comments removed, zone names made offsets).
var dateLayouts = []string{
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Monday, 2 January 2006 15:04:05 -0700",
	"Mon, 2 January 2006 15:04:05 -0700",
	"2 January 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04 -0700",
	"Mon, 2 Jan 2006 15:04:05",
	"2 Jan 2006 15:04:05",
	"Mon, 2 Jan 2006 15:04",
	"Mon, Jan 2 2006 15:04:05 -0700",
	"Mon, Jan 2, 2006 15:04:05 -0700",
	"Mon Jan 2 15:04:05 2006",
	"Mon Jan 2 15:04:05 -0700 2006",
	"Mon, 2-Jan-2006 15:04:05 -0700",
	"Monday, 02-Jan-06 15:04:05 -0700",
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05-0700",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006/01/02 15:04:05 -0700",
	"2006/01/02 15:04:05",
	"02.01.2006 15:04:05 -0700",
	"02.01.2006 15:04:05",
}

// parseDate reads a Date field as real mail writes it: RFC 5322 first,
// then the usual deviations (missing seconds or zone, zone names, full day
// and month names, ISO 8601, asctime, fractional seconds, "+02:00").
func parseDate(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if t, ok := fastDate(v); ok {
		return t, true
	}
	if t, err := netmail.ParseDate(v); err == nil && !hasZoneName(v) {
		return t, true
	}
	n := normaliseDate(v)
	if t, err := netmail.ParseDate(n); err == nil {
		return t, true
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, n); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// hasZoneName reports whether v ends in a zone net/mail would misread: a
// name it takes for UTC, or "GMT+1" (a trailing comment is fine).
func hasZoneName(v string) bool {
	f := strings.Fields(v)
	if len(f) == 0 {
		return false
	}
	last := strings.ToUpper(f[len(f)-1])
	if _, ok := gmtOffset(last); ok {
		return true // "GMT+1": net/mail reads GMT and drops the rest
	}
	_, ok := zoneOffsets[last]
	return ok && last != "UT" && last != "UTC" && last != "GMT" && last != "Z"
}

// normaliseDate removes comments, dots after names, fractional seconds and
// repeated white space, turns zone names and "GMT+2"/"+02:00" into
// offsets and drops a zone name that follows an offset.
func normaliseDate(v string) string {
	var b strings.Builder
	depth := 0
	for _, r := range v {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth > 0:
		default:
			b.WriteRune(r)
		}
	}
	f := strings.Fields(b.String())
	out := f[:0]
	for i, w := range f {
		w = strings.TrimSuffix(w, ".")
		if strings.HasSuffix(w, ".,") {
			w = strings.TrimSuffix(w, ".,") + ","
		}
		if c := strings.IndexByte(w, ':'); c > 0 && strings.Count(w, ":") == 2 {
			if dot := strings.IndexByte(w, '.'); dot > c {
				w = w[:dot] // 15:04:05.123
			}
		}
		up := strings.ToUpper(w)
		if off, ok := zoneOffsets[up]; ok && i > 0 {
			if len(out) > 0 && isOffset(out[len(out)-1]) {
				continue // "+0200 CEST": the offset says it
			}
			w = off
		} else if off, ok := gmtOffset(up); ok {
			w = off
		} else if len(w) == 6 && (w[0] == '+' || w[0] == '-') && w[3] == ':' {
			w = w[:3] + w[4:] // +02:00
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

// isOffset reports whether w is a numeric zone like +0200.
func isOffset(w string) bool {
	if len(w) != 5 || (w[0] != '+' && w[0] != '-') {
		return false
	}
	for i := 1; i < 5; i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return true
}

// gmtOffset turns "GMT+2", "UTC-05:00" or "GMT+0200" into "+0200".
func gmtOffset(w string) (string, bool) {
	var rest string
	switch {
	case strings.HasPrefix(w, "GMT"):
		rest = w[3:]
	case strings.HasPrefix(w, "UTC"):
		rest = w[3:]
	default:
		return "", false
	}
	if len(rest) < 2 || (rest[0] != '+' && rest[0] != '-') {
		return "", false
	}
	sign, digits := rest[:1], strings.ReplaceAll(rest[1:], ":", "")
	for _, c := range digits {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	switch len(digits) {
	case 1:
		digits = "0" + digits + "00"
	case 2:
		digits += "00"
	case 3:
		digits = "0" + digits
	case 4:
	default:
		return "", false
	}
	return sign + digits, true
}

// fastDate parses the form nearly every Date field has,
// "[Sat, ]5 Dec 2026 10:14[:39] +0100[ (CET)]", without the allocations of
// trying layouts in turn (a header scan reads thousands a second).
func fastDate(v string) (time.Time, bool) {
	p := v
	if len(p) > 5 && p[3] == ',' && isAlpha(p[0]) {
		p = strings.TrimLeft(p[4:], " ")
	}
	day, p, ok := digits(p, 1, 2)
	if !ok || len(p) < 5 || p[0] != ' ' {
		return time.Time{}, false
	}
	p = strings.TrimLeft(p, " ")
	if len(p) < 4 || p[3] != ' ' {
		return time.Time{}, false
	}
	mon := monthAbbrev(p[:3])
	if mon == 0 {
		return time.Time{}, false
	}
	year, p, ok := digits(strings.TrimLeft(p[4:], " "), 4, 4)
	if !ok || len(p) == 0 || p[0] != ' ' {
		return time.Time{}, false
	}
	hour, p, ok := digits(strings.TrimLeft(p, " "), 2, 2)
	if !ok || len(p) == 0 || p[0] != ':' {
		return time.Time{}, false
	}
	minute, p, ok := digits(p[1:], 2, 2)
	if !ok {
		return time.Time{}, false
	}
	sec := 0
	if len(p) > 0 && p[0] == ':' {
		if sec, p, ok = digits(p[1:], 2, 2); !ok {
			return time.Time{}, false
		}
	}
	p = strings.TrimLeft(p, " ")
	if len(p) < 5 || (p[0] != '+' && p[0] != '-') {
		return time.Time{}, false
	}
	zh, _, ok1 := digits(p[1:3], 2, 2)
	zm, _, ok2 := digits(p[3:5], 2, 2)
	if !ok1 || !ok2 || zm > 59 {
		return time.Time{}, false
	}
	if rest := strings.TrimSpace(p[5:]); rest != "" && (rest[0] != '(' || rest[len(rest)-1] != ')') {
		return time.Time{}, false
	}
	if day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 60 {
		return time.Time{}, false
	}
	off := (zh*60 + zm) * 60
	if p[0] == '-' {
		off = -off
	}
	loc := time.UTC
	if off != 0 {
		loc = time.FixedZone("", off)
	}
	t := time.Date(year, mon, day, hour, minute, sec, 0, loc)
	if t.Day() != day {
		return time.Time{}, false // 31 Nov
	}
	return t, true
}

// digits reads min to max decimal digits from the start of s.
func digits(s string, min, max int) (n int, rest string, ok bool) {
	i := 0
	for i < len(s) && i < max && s[i] >= '0' && s[i] <= '9' {
		n = n*10 + int(s[i]-'0')
		i++
	}
	return n, s[i:], i >= min
}

func isAlpha(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// monthAbbrev reads an English month abbreviation in any case; 0 if none.
func monthAbbrev(s string) time.Month {
	if len(s) != 3 {
		return 0
	}
	var b [3]byte
	for i := range 3 {
		b[i] = s[i] | 0x20
	}
	for m, name := range [12]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"} {
		if string(b[:]) == name {
			return time.Month(m + 1)
		}
	}
	return 0
}
