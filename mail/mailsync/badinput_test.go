package mailsync_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/leadmail/leadmail/mail/localimap"
	"github.com/leadmail/leadmail/mail/mailsync"
	"github.com/leadmail/leadmail/store"
)

// Odd mail is recorded with what could be read and a note; none stops the
// sync, and none doubles on a rescan.
func TestBadInput(t *testing.T) {
	w := newWorld(t, localimap.Config{})
	w.contact("ann@cust.example")
	sent := w.send("ann@cust.example", "Offer", time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))

	refs := make([]string, 10000)
	for i := range refs {
		refs[i] = fmt.Sprintf("<r%d@x.example>", i)
	}
	refs[len(refs)-1] = "<" + sent.MessageID + ">"
	big := strings.Repeat("All work and no play makes Jack a dull boy.\r\n", 50<<20/45)

	raw := map[string][]byte{
		"no message-id": msg{From: "ann@cust.example", To: repAddr, Subject: "No id"}.bytes(),
		"8-bit header": []byte("From: Ann M\xfcller <ann@cust.example>\r\nTo: " + repAddr +
			"\r\nSubject: Gr\xfc\xdfe \x1b[31mred\r\nMessage-ID: <8bit@cust.example>\r\n\r\nHallo\r\n"),
		"unknown charset": []byte("From: ann@cust.example\r\nTo: " + repAddr +
			"\r\nSubject: =?x-foo?Q?odd?=\r\nMessage-ID: <cs@cust.example>\r\nContent-Type: text/plain; charset=x-foo\r\n\r\nbody\r\n"),
		"broken mime": []byte("From: ann@cust.example\r\nTo: " + repAddr +
			"\r\nSubject: Broken\r\nMessage-ID: <broken@cust.example>\r\nContent-Type: multipart/mixed; boundary=\"zz\"\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nstart but no end"),
		"10000 references": []byte("From: ann@cust.example\r\nTo: " + repAddr +
			"\r\nSubject: Long thread\r\nMessage-ID: <long@cust.example>\r\nReferences: " + strings.Join(refs, "\r\n ") + "\r\n\r\nstill here\r\n"),
		"50 MB": []byte("From: ann@cust.example\r\nTo: " + repAddr +
			"\r\nSubject: Huge\r\nMessage-ID: <huge@cust.example>\r\nContent-Type: text/plain\r\n\r\n" + big),
	}
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range raw {
			if !yield(k) {
				return
			}
		}
	}) {
		if _, err := w.srv.Deliver("INBOX", raw[name], nil, time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(name, err)
		}
	}
	s := w.syncer()
	rep := w.run(s, mailsync.Options{})
	if rep.Recorded != len(raw) {
		t.Errorf("recorded %d of %d odd messages (report %+v)", rep.Recorded, len(raw), rep)
	}
	if rep.Replies != 1 {
		t.Errorf("replies %d, want the one whose 10,000th reference is our send", rep.Replies)
	}
	tl, err := w.db.Timeline(t.Context(), w.contacts["ann@cust.example"], 100)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]store.Received{}
	for _, e := range tl {
		if e.ReceivedID == 0 {
			continue
		}
		r, err := w.db.GetReceived(t.Context(), e.ReceivedID)
		if err != nil {
			t.Fatal(err)
		}
		got[r.Subject] = r
	}
	if r, ok := got["Huge"]; !ok || !r.Truncated || !strings.Contains(r.Notes, "MB") || len(r.Text) > mailsync.DefaultTextLimit+4 {
		t.Errorf("the 50 MB message: truncated %v, notes %q, %d bytes of text; want it read in part, with a note", r.Truncated, r.Notes, len(r.Text))
	}
	if r, ok := got["No id"]; !ok || !strings.HasPrefix(r.MessageID, "sha256:") {
		t.Errorf("the message without Message-ID: %+v, want it keyed by its content hash", r.MessageID)
	}
	for subject, r := range got {
		if strings.ContainsFunc(subject, unicode.IsControl) {
			t.Errorf("a control character reached the subject %q", subject)
		}
		if len(r.References) > 100 {
			t.Errorf("%q keeps %d references, want at most 100", subject, len(r.References))
		}
	}
	if _, ok := got["Broken"]; !ok {
		t.Error("the broken MIME message was not recorded")
	}

	before := w.events()
	rep = w.run(s, mailsync.Options{Rescan: true})
	if rep.Recorded != 0 {
		t.Errorf("a rescan recorded %d again", rep.Recorded)
	}
	if after := w.events(); !slices.Equal(before, after) {
		t.Error("a rescan changed the events")
	}
}
