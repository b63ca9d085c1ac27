package common

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/leadmail/leadmail/store"
)

// Sentence is s as a sentence standing on its own: trimmed, its first
// letter a capital (whatever its script), ending in a full stop unless it
// already ends in one, a question or an exclamation mark.
func Sentence(s string) string {
	s = strings.TrimSpace(s)
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "!") {
		s += "."
	}
	return s
}

// RefusalText is a store refusal's own sentence, without the operations
// wrapped around it ("edit contact 4: invalid input: …"), or any other
// error's text, as a Sentence.
func RefusalText(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, store.ErrInvalid.Error()+": "); i >= 0 {
		msg = msg[i+len(store.ErrInvalid.Error())+2:]
	}
	return Sentence(msg)
}

// Refusal is what a form says when saving failed: a store refusal
// (store.ErrInvalid) in its own words, anything else as c.ErrText says it.
func Refusal(c *Common, err error) string {
	if errors.Is(err, store.ErrInvalid) {
		return RefusalText(err)
	}
	return c.ErrText(err)
}
