package mail

import (
	"bytes"
	"mime"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzTextLimit is small so that the cap is exercised on most inputs.
const fuzzTextLimit = 512

// FuzzParseInbound: no input panics the parser or makes it return text
// over the cap, invalid UTF-8, a NUL, more than MaxReferences references
// or a note with a control character; the header parse agrees with the
// whole-message parse on the header.
func FuzzParseInbound(f *testing.F) {
	files, err := filepath.Glob("testdata/inbound/*.eml")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		"",
		"\r\n\r\n",
		"Subject: x\r\n",
		"Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\n",
		"Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; x@y\r\nStatus: 5.1.1\r\n\r\n--b--\r\n",
		"From: <a@b>, \"x\" <c@d>, (c) e@f\r\nDate: 31 Nov 2026 25:61:00 +9999\r\n\r\n\x00\xff\xfe",
		"Content-Type: text/html; charset=x-foo\r\nContent-Transfer-Encoding: base64\r\n\r\nPGI+aGk8L2I+",
		"Auto-Submitted: auto-replied\r\nDate: Sat, 5 Dec 2026 10:00:00 +0100\r\n\r\nI am back on 12 January, bis zum 14.12., jusqu'au 14/12/2026.",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := ParseInbound(bytes.NewReader(data), fuzzTextLimit)
		if err != nil {
			t.Fatalf("ParseInbound failed on content: %v", err)
		}
		if len(in.Text) > fuzzTextLimit {
			t.Fatalf("Text is %d bytes, over the %d cap", len(in.Text), fuzzTextLimit)
		}
		checkInbound(t, in)
		h, err := ParseInboundHeader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("ParseInboundHeader failed on content: %v", err)
		}
		checkInbound(t, h)
		if h.MessageID != in.MessageID || h.Subject != in.Subject || !h.Date.Equal(in.Date) || len(h.From) != len(in.From) {
			t.Fatalf("header parse %+v\ndiffers from whole parse %+v", h, in)
		}
	})
}

// checkInbound checks what every Inbound promises.
func checkInbound(t *testing.T, in Inbound) {
	t.Helper()
	if len(in.References) > MaxReferences {
		t.Fatalf("%d references kept", len(in.References))
	}
	if len(in.Notes) > maxNotes {
		t.Fatalf("%d notes", len(in.Notes))
	}
	text := func(what, s string) {
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			t.Fatalf("%s %q is not valid UTF-8 or holds a NUL", what, s)
		}
	}
	id := func(what, s string) {
		text(what, s)
		if s == "" || strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			t.Fatalf("%s %q is empty or holds white space or a control character", what, s)
		}
	}
	if in.MessageID != "" {
		id("MessageID", in.MessageID)
	}
	for _, s := range append(append([]string(nil), in.InReplyTo...), in.References...) {
		id("reference", s)
	}
	for _, list := range [][]Address{in.From, in.To, in.Cc, in.Bcc} {
		for _, a := range list {
			text("name", a.Name)
			id("email", a.Email)
			if a.Email != strings.ToLower(a.Email) || !strings.Contains(a.Email, "@") {
				t.Fatalf("email %q", a.Email)
			}
		}
	}
	text("Subject", in.Subject)
	text("Text", in.Text)
	for _, a := range in.Attachments {
		text("attachment name", a.Name)
		text("attachment type", a.Type)
		if a.Size < 0 {
			t.Fatalf("attachment size %d", a.Size)
		}
	}
	for _, n := range in.Notes {
		text("note", n)
		if strings.ContainsFunc(n, func(r rune) bool { return r < ' ' || r == 0x7f }) {
			t.Fatalf("note %q holds a control character", n)
		}
	}
	if b := in.Bounce; b != nil {
		if in.Kind != InboundBounce {
			t.Fatalf("Bounce on a %q message", in.Kind)
		}
		for _, s := range []string{b.Recipient, b.Action, b.Status, b.Diagnostic, b.OriginalMessageID} {
			text("bounce field", s)
		}
		if b.Permanent != strings.HasPrefix(b.Status, "5") {
			t.Fatalf("Permanent = %v with Status %q", b.Permanent, b.Status)
		}
	}
	if !in.AutoReplyUntil.IsZero() && (in.Kind != InboundAutoReply || in.AutoReplyUntil.Before(in.Date.AddDate(0, 0, -1))) {
		t.Fatalf("AutoReplyUntil %v on a %q message of %v", in.AutoReplyUntil, in.Kind, in.Date)
	}
}

// FuzzFastAddressList: the fast path for plain address lists reads every
// list it accepts exactly as net/mail does.
func FuzzFastAddressList(f *testing.F) {
	for _, s := range []string{
		"Jane Doe <Jane.Doe@Globex.example>, bob@y.example",
		`"Smith, Bob" <bob@x>, =?utf-8?q?J=C3=BCrgen?= =?utf-8?q?_M?= Doe <jm@x>`, `"a" "b" c <d@e>`, `=?x-foo?q?a?= <a@b>`,
		"a@b", "  Jane   Doe  <j@x> ", "<j@x>", "j@x, ", "a.@b", "a..b@c", "Jane <j@x>>", "x <a@b@c>", "O'Brien <ob@x.example>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fast, ok := fastAddressList(s, &mime.WordDecoder{})
		if !ok {
			return
		}
		list, err := (&netmail.AddressParser{WordDecoder: &mime.WordDecoder{}}).ParseList(s)
		if err != nil {
			t.Fatalf("fast path accepted %q, net/mail refuses it: %v", s, err)
		}
		if len(list) != len(fast) {
			t.Fatalf("%q: fast %d addresses, net/mail %d", s, len(fast), len(list))
		}
		for i, a := range list {
			if fast[i].Name != a.Name || fast[i].Email != strings.ToLower(a.Address) {
				t.Fatalf("%q: fast %+v, net/mail %+v", s, fast[i], a)
			}
		}
	})
}
