package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"
)

// Data in the database (a contact's name, a subject, a server's reply) is
// never trusted to reach the terminal raw: an ESC or a C1 control in it
// could retitle the window, clear the screen or forge a line of output.
// Every human-readable line leadmail prints goes through termSafe, or
// through a safeWriter, which shows each control as text instead:
// C0 controls, DEL and C1 controls become \u001b-style escapes (which also
// keeps --json output valid JSON that decodes to the original text), and
// bytes that are not UTF-8 become \x9b-style escapes. Newline and tab pass,
// and so does a carriage return that ends a line (CRLF).
//
// Output that is data rather than text for a person (an exported CSV or
// vCard, a message's bytes) is written to rawOut(cmd) instead.

// termSafe returns s with every control character but \n and \t shown as
// an escape; a CR directly before LF is kept.
func termSafe(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	escapeTo(&b, []byte(s), true)
	return b.String()
}

// needsEscape reports whether termSafe would change s.
func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f {
			return true // a control, or non-ASCII worth a closer look
		}
	}
	return false
}

// escapeTo writes p to b with controls escaped, and returns how many bytes
// of p it consumed. Unless final, it stops before an incomplete UTF-8
// sequence or a CR at the very end, which the next bytes complete.
func escapeTo(b *strings.Builder, p []byte, final bool) int {
	i := 0
	for i < len(p) {
		c := p[i]
		switch {
		case c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f):
			b.WriteByte(c)
			i++
			continue
		case c == '\r':
			if i+1 == len(p) && !final {
				return i
			}
			if i+1 < len(p) && p[i+1] == '\n' {
				b.WriteByte(c)
			} else {
				b.WriteString(`\u000d`)
			}
			i++
			continue
		case c < 0x80: // the other C0 controls and DEL
			fmt.Fprintf(b, `\u%04x`, c)
			i++
			continue
		}
		if !final && !utf8.FullRune(p[i:]) {
			return i
		}
		r, n := utf8.DecodeRune(p[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(b, `\x%02x`, c)
		case r >= 0x80 && r <= 0x9f:
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			b.Write(p[i : i+n])
		}
		i += n
	}
	return i
}

// safeWriter escapes controls (see termSafe) in everything written through
// it. A write may end in the middle of a character or of a CRLF; those
// bytes wait for the next write, or for Flush.
type safeWriter struct {
	raw     io.Writer
	pending []byte
}

// newSafeWriter returns a writer that escapes controls before writing to
// raw.
func newSafeWriter(raw io.Writer) *safeWriter { return &safeWriter{raw: raw} }

// Write escapes p and writes it; it reports len(p) when everything reached
// the underlying writer (or waits in the few pending bytes).
func (w *safeWriter) Write(p []byte) (int, error) {
	buf := append(w.pending, p...)
	var b strings.Builder
	b.Grow(len(buf))
	n := escapeTo(&b, buf, false)
	w.pending = append([]byte(nil), buf[n:]...)
	if _, err := io.WriteString(w.raw, b.String()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes the bytes still pending, escaped as the end of the output.
func (w *safeWriter) Flush() error {
	if len(w.pending) == 0 {
		return nil
	}
	var b strings.Builder
	escapeTo(&b, w.pending, true)
	w.pending = nil
	_, err := io.WriteString(w.raw, b.String())
	return err
}

// rawOut is the command's standard output without the escaping: for data
// whose bytes must arrive unchanged (an export, a message's .eml) in a
// file or a pipe. On a terminal the escaping stays, since there the data
// is read by a person and a control character in it would reach the
// terminal raw.
func rawOut(cmd *cobra.Command) io.Writer {
	w := cmd.OutOrStdout()
	s, ok := w.(*safeWriter)
	if !ok {
		return w
	}
	if f, isFile := s.raw.(*os.File); isFile && isTerminal(f) {
		return w
	}
	return s.raw
}
