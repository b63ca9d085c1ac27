package mail

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// An out-of-office text usually says when its writer is back. returnDate
// reads that date in English, German, French, Spanish and Dutch, but only
// when it is sure: the date must follow words that announce a return or an
// end of absence ("back on", "until", "bis zum", "jusqu'au", "hasta el",
// "tot en met"), a weekday given with it must match, a numeric date must
// be unambiguous (14/12 is, 05/06 is not unless the language puts the day
// first), and the date must fall on or after the message's day and within
// a year of it. A date without a year is the next such day from the
// message's Date. Without a Date nothing is sure.

// untilScanBytes is how much of the text is searched: the answer is at the
// top, and the quoted message below holds dates of its own.
const untilScanBytes = 3000

// months maps month names and abbreviations (en, de, fr, es, nl) to months.
var months = nameTable([]string{
	"january jan januar jänner janvier janv enero ene januari",
	"february feb februar février fevrier févr fevr fév fev febrero febr februari",
	"march mar märz maerz mrz mars marzo maart mrt",
	"april apr avril avr abril abr",
	"may mai mayo mei",
	"june jun juni juin junio",
	"july jul juli juillet juil julio",
	"august aug août aout agosto ago augustus",
	"september sept sep septembre septiembre setiembre",
	"october oct oktober okt octobre octubre",
	"november nov novembre noviembre",
	"december dec dezember dez décembre decembre déc diciembre dic",
}, 1)

// weekdays maps weekday names (en, de, fr, es, nl) to weekdays, Sunday 0.
var weekdays = nameTable([]string{
	"sunday sun sonntag so dimanche domingo zondag",
	"monday mon montag mo lundi lunes maandag",
	"tuesday tue tues dienstag di mardi martes dinsdag",
	"wednesday wed mittwoch mi mercredi miércoles miercoles woensdag",
	"thursday thu thur thurs donnerstag do jeudi jueves donderdag",
	"friday fri freitag fr vendredi viernes vrijdag",
	"saturday sat samstag sonnabend sa samedi sábado sabado zaterdag",
}, 0)

// nameTable maps each name on line i to first+i.
func nameTable(lines []string, first int) map[string]int {
	m := make(map[string]int)
	for i, line := range lines {
		for _, n := range strings.Fields(line) {
			m[n] = first + i
		}
	}
	return m
}

// alternation is a regexp alternative of the keys, longest first.
func alternation[V any](m map[string]V) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, regexp.QuoteMeta(k))
	}
	sort.Slice(keys, func(i, j int) bool {
		return len(keys[i]) > len(keys[j]) || len(keys[i]) == len(keys[j]) && keys[i] < keys[j]
	})
	return strings.Join(keys, "|")
}

var (
	// untilCue finds the words after which a return or end date comes;
	// the group that matched tells the language (for numeric dates); "ab"
	// is a "from" that counts only with "wieder", "terug" or the like.
	untilCue = regexp.MustCompile(`(?i)\b(?P<cue>` +
		`(?P<en>until|till|through|thru|back(?: in the office| in office| at work| at my desk)?(?: on)?|return(?:ing)?(?: to the office)?(?: on)?|returns(?: on)?|will be back(?: on)?)` +
		`|(?P<de>bis(?: einschließlich| einschliesslich| inkl\.?| inklusive)?(?: zum| zu)?|wieder (?:am|ab)|zurück (?:am|ab))` +
		`|(?P<fr>jusqu'(?:au|à|a)|de retour(?: le| au bureau le)?|retour le)` +
		`|(?P<es>hasta(?: el)?|de vuelta(?: el)?|regresaré(?: el)?|regresare(?: el)?|volveré(?: el)?|volvere(?: el)?)` +
		`|(?P<nl>tot en met|t/m|tot|terug op|weer aanwezig op)` +
		`|(?P<ab>ab dem|ab|vanaf|à partir du|a partir del)` +
		`)(?:[^\p{L}]|$)`)

	monthRE   = `(` + alternation(months) + `)\.?`
	weekdayRE = `(?:(` + alternation(weekdays) + `)\.?,?\s+(?:the\s+|den\s+|le\s+|el\s+|de\s+)?)?`
	fillerRE  = `^[\s,:]*(?:(?:the|on|am|zum|dem|den|le|el|de|op|au|du|including)\s+)*` + weekdayRE

	dateISO   = regexp.MustCompile(fillerRE + `(\d{4})-(\d{1,2})-(\d{1,2})\b`)
	dateNum   = regexp.MustCompile(fillerRE + `(\d{1,2})([./-])(\d{1,2})(?:[./-](\d{4}|\d{2}))?\.?(?:[^\d./-]|$)`)
	dateDayM  = regexp.MustCompile(fillerRE + `(\d{1,2})(?:st|nd|rd|th|er|e|\.)?\s+(?:de\s+|of\s+)?` + monthRE + `(?:,?\s+(?:de\s+)?(\d{4}))?(?:[^\p{L}\d]|$)`)
	dateMDay  = regexp.MustCompile(fillerRE + monthRE + `\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?(?:[^\p{L}\d]|$)`)
	abConfirm = regexp.MustCompile(`(?i)wieder|zurück|zurueck|erreichbar|terug|weer|de retour|de vuelta`)
)

// returnDate finds the return date in an auto-reply's subject and text.
func returnDate(subject, text string, msgDate time.Time) time.Time {
	if msgDate.IsZero() {
		return time.Time{}
	}
	s := prepareUntil(subject + "\n" + text)
	for _, m := range untilCue.FindAllStringSubmatchIndex(s, -1) {
		lang, end := "", m[1]
		for i, name := range untilCue.SubexpNames() {
			switch {
			case name == "cue":
				end = m[2*i+1]
			case name != "" && m[2*i] >= 0:
				lang = name
			}
		}
		rest := s[end:]
		if len(rest) > 80 {
			rest = rest[:80]
		}
		if lang == "ab" {
			if !abConfirm.MatchString(rest) {
				continue
			}
			lang = "de"
		}
		if t, ok := dateAfter(rest, lang, msgDate); ok {
			return t
		}
	}
	return time.Time{}
}

// prepareUntil lowercases the top of the text without its quoted lines.
func prepareUntil(s string) string {
	var b strings.Builder
	for line := range strings.SplitSeq(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), ">") {
			continue
		}
		if b.Len() > untilScanBytes {
			break
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	out := strings.ToLower(norm.NFC.String(b.String()))
	return strings.NewReplacer("’", "'", "\u00a0", " ", "\t", " ").Replace(out)
}

// dateAfter parses the date at the start of s (after filler words and an
// optional weekday) and checks it against the message's date.
func dateAfter(s, lang string, msgDate time.Time) (time.Time, bool) {
	var (
		y, d    int
		mon     time.Month
		weekday string
	)
	switch {
	case dateISO.MatchString(s):
		g := dateISO.FindStringSubmatch(s)
		weekday = g[1]
		y, _ = strconv.Atoi(g[2])
		mi, _ := strconv.Atoi(g[3])
		mon = time.Month(mi)
		d, _ = strconv.Atoi(g[4])
	case dateDayM.MatchString(s):
		g := dateDayM.FindStringSubmatch(s)
		weekday = g[1]
		d, _ = strconv.Atoi(g[2])
		mon = time.Month(months[strings.TrimSuffix(g[3], ".")])
		y, _ = strconv.Atoi(g[4])
	case dateMDay.MatchString(s):
		g := dateMDay.FindStringSubmatch(s)
		weekday = g[1]
		mon = time.Month(months[strings.TrimSuffix(g[2], ".")])
		d, _ = strconv.Atoi(g[3])
		y, _ = strconv.Atoi(g[4])
	case dateNum.MatchString(s):
		g := dateNum.FindStringSubmatch(s)
		weekday = g[1]
		a, _ := strconv.Atoi(g[2])
		b, _ := strconv.Atoi(g[4])
		dayFirst := g[3] == "." || lang != "en"
		switch {
		case dayFirst || a > 12:
			d, mon = a, time.Month(b)
		case b > 12:
			d, mon = b, time.Month(a)
		case a == b:
			d, mon = a, time.Month(a)
		default:
			return time.Time{}, false // 05/06: May or June?
		}
		if g[5] != "" {
			y, _ = strconv.Atoi(g[5])
			if y < 100 {
				y += 2000
			}
		}
	default:
		return time.Time{}, false
	}
	return checkDate(y, mon, d, weekday, msgDate)
}

// checkDate builds the date (the next one from msgDate when y is 0) and
// keeps it only if it exists, its weekday matches and it lies on or after
// the message's day, within a year.
func checkDate(y int, mon time.Month, d int, weekday string, msgDate time.Time) (time.Time, bool) {
	if mon < 1 || mon > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	loc := msgDate.Location()
	day := time.Date(msgDate.Year(), msgDate.Month(), msgDate.Day(), 0, 0, 0, 0, loc)
	if y == 0 {
		y = day.Year()
		if time.Date(y, mon, d, 0, 0, 0, 0, loc).Before(day) {
			y++
		}
	}
	t := time.Date(y, mon, d, 0, 0, 0, 0, loc)
	if t.Day() != d { // 31 November
		return time.Time{}, false
	}
	if t.Before(day) || t.After(day.AddDate(1, 0, 0)) {
		return time.Time{}, false
	}
	if weekday != "" {
		if wd, ok := weekdays[strings.TrimSuffix(weekday, ".")]; ok && time.Weekday(wd) != t.Weekday() {
			return time.Time{}, false
		}
	}
	return t, true
}
