package common

import (
	"strings"
	"unicode"
)

// Printable keeps text from the data (a contact's name, a subject, a
// mailbox's headers) from reaching the terminal raw: every control
// character, C0 and C1 alike (ESC among them), becomes a space, so no
// escape sequence in mail can retitle the window or clear the screen.
func Printable(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// PrintableText is Printable for a body of text: line breaks stay (CRLF
// and CR become LF), a tab becomes four spaces, and every other control
// character a space.
func PrintableText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.ReplaceAll(s, "\t", "    ")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = Printable(l)
	}
	return strings.Join(lines, "\n")
}

// BounceReason is a bounce's status and diagnostic in one line, the
// status once: "5.1.1 User unknown", and a diagnostic that already names
// its status ("550 5.1.1 <a@b>: …") as it is.
func BounceReason(status, diagnostic string) string {
	status, diagnostic = strings.TrimSpace(status), strings.TrimSpace(diagnostic)
	switch {
	case diagnostic == "":
		return status
	case status == "" || strings.Contains(diagnostic, status):
		return diagnostic
	}
	return status + " " + diagnostic
}
