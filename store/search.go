package store

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Search input limits: enough for "first last company" typed by a person,
// small enough that hostile input cannot make one MATCH expensive.
const (
	maxSearchTokens = 8
	maxTokenRunes   = 64
)

// searchQuery turns free text typed by a user into an FTS5 MATCH expression
// that cannot fail to parse: every whitespace-separated word becomes a
// quoted string with its double quotes doubled, followed by * (a prefix
// query), and the words are ANDed. Inside quotes FTS5 operators (AND, OR,
// NOT, NEAR, parentheses, column filters, ^, -) are plain text. Words with
// no letter or digit are dropped, because unicode61 would reduce them to an
// empty phrase; control characters separate words; invalid UTF-8 is
// replaced. It returns "" when nothing searchable is left, which callers
// treat as "no search".
func searchQuery(s string) string {
	s = strings.ToValidUTF8(s, " ")
	var b strings.Builder
	n := 0
	for _, tok := range strings.FieldsFunc(s, isSearchSeparator) {
		if utf8.RuneCountInString(tok) > maxTokenRunes {
			tok = truncateRunes(tok, maxTokenRunes)
		}
		if !strings.ContainsFunc(tok, isLetterOrDigit) {
			continue
		}
		if n > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('"')
		b.WriteString(strings.ReplaceAll(tok, `"`, `""`))
		b.WriteString(`"*`)
		if n++; n == maxSearchTokens {
			break
		}
	}
	return b.String()
}

func isSearchSeparator(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }

func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// truncateRunes keeps the first n runes of s.
func truncateRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
