package note

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// isBidiControl reports whether r is one of the invisible characters that
// reorder text (the marks, embeddings, overrides and isolates): shown raw
// they make a line read in another order than it is stored.
func isBidiControl(r rune) bool {
	switch {
	case r == '\u061C', r == '\u200E', r == '\u200F':
		return true
	case r >= '\u202A' && r <= '\u202E':
		return true
	case r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}

// StripBidi takes out of pasted or read-back text the characters that
// reorder it, which the store refuses and nobody can see to remove, and
// says how many there were. The editors' own sanitiser already drops the
// other control characters, but for lines and tabs.
func StripBidi(s string) (string, int) {
	out := strings.Map(func(r rune) rune {
		if isBidiControl(r) {
			return -1
		}
		return r
	}, s)
	return out, utf8.RuneCountInString(s) - utf8.RuneCountInString(out)
}

// StrippedStatus is the status line after StripBidi took n characters out.
func StrippedStatus(n int) string {
	if n == 1 {
		return "Removed 1 invisible right-to-left control character from the text"
	}
	return "Removed " + strconv.Itoa(n) + " invisible right-to-left control characters from the text"
}
