package localimap

import (
	"bytes"
	"slices"
	"time"

	"github.com/emersion/go-imap"
)

// newMessage indexes raw's header fields.
func newMessage(raw []byte, flags []string, date time.Time) *message {
	hdrLen, fields := indexHeader(raw)
	return &message{flags: flags, date: date, raw: raw, hdrLen: hdrLen, fields: fields}
}

// indexHeader finds the end of raw's header block (CRLF line endings) and
// each field in it. A message without a blank line is all header.
func indexHeader(raw []byte) (int, []field) {
	var fields []field
	pos := 0
	for pos < len(raw) {
		eol := bytes.IndexByte(raw[pos:], '\n')
		next := len(raw)
		if eol >= 0 {
			next = pos + eol + 1
		}
		line := raw[pos:next]
		if len(bytes.TrimRight(line, "\r\n")) == 0 {
			return next, fields
		}
		if (line[0] == ' ' || line[0] == '\t') && len(fields) > 0 {
			fields[len(fields)-1].end = int32(next)
		} else if colon := bytes.IndexByte(line, ':'); colon > 0 {
			fields = append(fields, field{start: int32(pos), end: int32(next), nameLen: int32(len(bytes.TrimRight(line[:colon], " \t")))})
		}
		pos = next
	}
	return len(raw), fields
}

// crlf turns bare LF line endings into CRLF; raw already in CRLF comes back
// as is (a copy, so the caller may reuse its slice).
func crlf(raw []byte) []byte {
	if !bytes.Contains(raw, []byte("\n")) || bytes.Count(raw, []byte("\n")) == bytes.Count(raw, []byte("\r\n")) {
		return slices.Clone(raw)
	}
	bare := 0
	for i, b := range raw {
		if b == '\n' && (i == 0 || raw[i-1] != '\r') {
			bare++
		}
	}
	out := make([]byte, 0, len(raw)+bare)
	for i, b := range raw {
		if b == '\n' && (i == 0 || raw[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, b)
	}
	return out
}

// cleanFlags canonicalises flags and drops \Recent (a session's, not a
// message's) and duplicates.
func cleanFlags(flags []string) []string {
	out := make([]string, 0, len(flags))
	for _, f := range flags {
		f = imap.CanonicalFlag(f)
		if f == imap.RecentFlag || f == "" || slices.Contains(out, f) {
			continue
		}
		out = append(out, f)
	}
	return out
}
