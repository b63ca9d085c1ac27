package mail

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"

	gomail "github.com/emersion/go-message/mail"
)

// Header values come from contact data, which the sender never checks for
// MIME syntax. Two things in such a value would make the recipient see
// something else than the sender did:
//
//   - text that looks like an RFC 2047 encoded word ("=?utf-8?q?...?="),
//     which the recipient's program would decode into text nobody wrote;
//   - a word so long that its line passes 998 octets, which the header
//     writer could only fold by inserting a space in the middle of it.
//
// Such a value is written as a whole as encoded words: it decodes to
// exactly the original, and the spaces between the words are fold points
// that decoding removes.

// maxHeaderWord is the longest run without white space a header value may
// hold as it is; with the field name it stays under the 998-octet line
// limit.
const maxHeaderWord = 900

// encodedWordChunk is how many bytes of text go in one encoded word: 45
// bytes are 60 in base64, and "=?utf-8?b?" + 60 + "?=" is 72 characters,
// under RFC 2047's 75.
const encodedWordChunk = 45

// mustEncode reports whether s has to be written as encoded words to reach
// the recipient as it is (see above).
func mustEncode(s string) bool {
	if strings.Contains(s, "=?") {
		return true
	}
	for _, w := range strings.Fields(s) {
		if len(w) > maxHeaderWord {
			return true
		}
	}
	return false
}

// encodeWords writes s as base64 encoded words of whole characters,
// separated by spaces.
func encodeWords(s string) string {
	var b strings.Builder
	for s != "" {
		n := min(len(s), encodedWordChunk)
		for n < len(s) && n > 0 && !utf8.RuneStart(s[n]) {
			n-- // never split a character
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("=?utf-8?b?")
		b.WriteString(base64.StdEncoding.EncodeToString([]byte(s[:n])))
		b.WriteString("?=")
		s = s[n:]
	}
	return b.String()
}

// setText sets an unstructured field (Subject, extras) to v.
func setText(h *gomail.Header, key, v string) {
	if mustEncode(v) {
		h.Set(key, encodeWords(v))
		return
	}
	h.SetText(key, v)
}

// setAddressList sets an address field; a display name that must be
// encoded (see mustEncode) is written as encoded words, which go-message
// would instead put inside quotes, where they must not be.
func setAddressList(h *gomail.Header, key string, list []*gomail.Address) {
	if len(list) == 0 {
		h.Del(key)
		return
	}
	parts := make([]string, len(list))
	for i, a := range list {
		if mustEncode(a.Name) {
			parts[i] = encodeWords(a.Name) + " <" + a.Address + ">"
		} else {
			parts[i] = a.String()
		}
	}
	h.Set(key, strings.Join(parts, ", "))
}
