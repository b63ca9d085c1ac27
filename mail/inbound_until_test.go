package mail

import (
	"testing"
	"time"
)

func TestReturnDate(t *testing.T) {
	sent := time.Date(2026, 12, 5, 11, 0, 0, 0, time.FixedZone("", 3600)) // a Saturday
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, sent.Location()) }
	tests := []struct {
		text string
		want time.Time // zero: no date we can be sure of
	}{
		{"I am out of the office and will be back on 12 January.", day(2027, 1, 12)},
		{"Out of office until 2026-12-14.", day(2026, 12, 14)},
		{"I'm away until December 14th, 2026 with limited access to email.", day(2026, 12, 14)},
		{"I am returning Monday, December 14.", day(2026, 12, 14)},
		{"I am returning Tuesday, December 14.", time.Time{}}, // the 14th is a Monday
		{"Back on Monday 14 December.", day(2026, 12, 14)},
		{"I'll be back in the office on the 7th of December.", day(2026, 12, 7)},
		{"Ich bin bis zum 14.12.2026 nicht im Büro.", day(2026, 12, 14)},
		{"Ich bin bis einschließlich 14.12. im Urlaub.", day(2026, 12, 14)},
		{"Ab dem 15.12. bin ich wieder erreichbar.", day(2026, 12, 15)},
		{"Ab dem 1.12. bin ich im Urlaub.", time.Time{}}, // "from" without "again": the start, not the return
		{"Ich bin bis Montag, 14. Dezember 2026 abwesend.", day(2026, 12, 14)},
		{"Je suis absent jusqu'au 14/12/2026.", day(2026, 12, 14)},
		{"Je suis absent jusqu’au lundi 14 décembre.", day(2026, 12, 14)},
		{"Estaré fuera de la oficina hasta el 14 de diciembre de 2026.", day(2026, 12, 14)},
		{"Ik ben afwezig tot en met 14 december.", day(2026, 12, 14)},
		{"Ik ben vanaf 15-12-2026 weer aanwezig.", day(2026, 12, 15)},
		{"I am out until 05/06/2027.", time.Time{}},       // May 6 or June 5?
		{"I am out until 12/14/2026.", day(2026, 12, 14)}, // only December 14 reads
		{"I am out until 14/12/2026.", day(2026, 12, 14)},
		{"Back on 1 December 2026.", time.Time{}},                                    // already past when written
		{"Back on 1 December 2029.", time.Time{}},                                    // years away: a typo, not a return date
		{"Back on 31 November.", time.Time{}},                                        // no such day
		{"I will reply until Friday.", time.Time{}},                                  // a weekday alone is not sure
		{"Please call me on 14 December.", time.Time{}},                              // no return cue
		{"Thanks for your mail.\n\n> Can we meet until 20 December?\n", time.Time{}}, // quoted text is not the answer
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got := returnDate("Automatic reply", tt.text, sent)
			if !got.Equal(tt.want) {
				t.Errorf("returnDate = %v, want %v", got, tt.want)
			}
		})
	}
	if got := returnDate("Out of office until 14 December", "", sent); !got.Equal(day(2026, 12, 14)) {
		t.Errorf("from the subject: %v", got)
	}
	if got := returnDate("", "back on 12 January", time.Time{}); !got.IsZero() {
		t.Errorf("without a Date: %v", got)
	}
}

func TestParseDate(t *testing.T) {
	cet := time.FixedZone("", 3600)
	want := time.Date(2026, 12, 5, 10, 14, 39, 0, cet)
	noSec := time.Date(2026, 12, 5, 10, 14, 0, 0, cet)
	tests := []struct {
		in   string
		want time.Time
	}{
		{"Sat, 5 Dec 2026 10:14:39 +0100", want},
		{"Sat,  5 Dec 2026 10:14:39 +0100 (CET)", want},
		{"5 Dec 2026 10:14:39 +0100", want},
		{"sat, 05 DEC 2026 10:14:39 +0100", want},
		{"Sat, 5 Dec 2026 10:14 +0100", noSec},
		{"Sat, 5 Dec 26 10:14:39 +0100", want},
		{"Sat, 5 Dec 2026 10:14:39 CET", want},
		{"Sat, 5 Dec 2026 04:14:39 EST", want},
		{"Sat, 5 Dec 2026 10:14:39 +01:00", want},
		{"Sat, 5 Dec 2026 10:14:39 GMT+1", want},
		{"Sat, 5 Dec 2026 10:14:39.123 +0100", want.Add(123 * time.Millisecond)},
		{"Saturday, 5 December 2026 10:14:39 +0100", want},
		{"Sat., 5 Dec. 2026 10:14:39 +0100", want},
		{"2026-12-05T10:14:39+01:00", want},
		{"2026-12-05 09:14:39", want},
		{"Sat Dec  5 09:14:39 2026", want},
		{"Sat, 5 Dec 2026 09:14:39", want},
		{"Sat, 5 Dec 2026 09:14:39 GMT", want},
		{"Sat, 5 Dec 2026 10:14:39 +0100 CET", want},
		{"05.12.2026 10:14:39 +0100", want},
		{"someday", time.Time{}},
		{"Sat, 31 Nov 2026 10:14:39 +0100", time.Time{}},
		{"Sat, 5 Dec 2026 25:14:39 +0100", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseDate(tt.in)
			if ok != !tt.want.IsZero() || !got.Equal(tt.want) {
				t.Errorf("parseDate = %v, %v; want %v", got, ok, tt.want)
			}
		})
	}
}
