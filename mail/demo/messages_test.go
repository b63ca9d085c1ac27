package demo

import (
	"bytes"
	netmail "net/mail"
	"slices"
	"strings"
	"testing"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/localsmtp"
	"github.com/leadmail/leadmail/store"
)

func TestDemoSentMessages(t *testing.T) {
	db, _ := sharedDemo(t)
	ctx := t.Context()
	msgs, err := db.ListMessages(ctx, store.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	received, nonASCII := 0, 0
	for _, m := range msgs {
		full, err := db.GetMessage(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		c, err := db.GetContact(ctx, full.ContactID)
		if err != nil {
			t.Fatal(err)
		}
		checkRaw(t, full, c)
		if strings.ContainsFunc(c.Name(), func(r rune) bool { return r > 127 }) {
			nonASCII++
		}
		if full.EmailID == 0 || full.SentAt.IsZero() || full.SentAt.After(testNow) {
			t.Errorf("message %d: template %d, sent at %v", m.ID, full.EmailID, full.SentAt)
		}
		got, err := db.ReceivedEmails(ctx, full.ContactID)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := got[full.EmailID]; ok {
			received++
		}
	}
	if received != len(msgs) {
		t.Errorf("%d of %d messages show up as already received", received, len(msgs))
	}
	if nonASCII == 0 {
		t.Error("no message went to a contact with a non-ASCII name")
	}
}

// header returns the first header field named key (case-insensitive).
func header(in mail.Inspected, key string) string {
	for _, f := range in.Headers {
		if strings.EqualFold(f.Key, key) {
			return f.Value
		}
	}
	return ""
}

// checkRaw takes a stored message apart with mail.Inspect and checks it is
// what was sent to contact c.
func checkRaw(t *testing.T, m store.Message, c store.Contact) {
	t.Helper()
	if bytes.Contains(bytes.ReplaceAll(m.Raw, []byte("\r\n"), nil), []byte("\n")) {
		t.Errorf("message %d has bare LF line endings", m.ID)
	}
	// RFC 5322 §2.1.1: lines MUST be at most 998 characters. (The SHOULD of
	// 78 is not kept: go-message does not fold a long encoded Subject.)
	for line := range strings.SplitSeq(string(m.Raw), "\r\n") {
		if len(line) > 998 {
			t.Errorf("message %d: line longer than 998: %q", m.ID, line)
		}
	}
	in, err := mail.Inspect(m.Raw)
	if err != nil {
		t.Fatalf("message %d: %v", m.ID, err)
	}
	for _, k := range []string{"From", "To", "Subject", "Date", "Message-Id", "Mime-Version", "Content-Type"} {
		if header(in, k) == "" {
			t.Errorf("message %d: no %s header", m.ID, k)
		}
	}
	if got := header(in, "X-Mailer"); got != "leadmail" {
		t.Errorf("message %d: X-Mailer %q", m.ID, got)
	}
	from, err := mail.ParseAddress(header(in, "From"))
	if err != nil || from.Email != m.From {
		t.Errorf("message %d: From %q (%v), envelope %s", m.ID, header(in, "From"), err, m.From)
	}
	to, err := mail.ParseAddressList(header(in, "To"))
	if err != nil || len(to) != 1 || to[0].Email != c.Email || to[0].Name != c.Name() ||
		!slices.Equal([]string{c.Email}, m.Recipients) {
		t.Errorf("message %d: To %q (%v), recipients %v, contact %s <%s>",
			m.ID, header(in, "To"), err, m.Recipients, c.Name(), c.Email)
	}
	_, domain, _ := strings.Cut(m.From, "@")
	if header(in, "Message-Id") != "<"+m.MessageID+">" || !strings.HasSuffix(m.MessageID, "@"+domain) {
		t.Errorf("message %d: Message-ID %q, stored %q", m.ID, header(in, "Message-Id"), m.MessageID)
	}
	if subject := header(in, "Subject"); subject != m.Subject || subject == "" || strings.Contains(subject, "{{") {
		t.Errorf("message %d: Subject %q, stored %q", m.ID, subject, m.Subject)
	}
	if date, err := netmail.ParseDate(header(in, "Date")); err != nil || !date.Equal(m.SendAt) || date.After(m.SentAt) {
		t.Errorf("message %d: Date %v (%v), queued for %v, sent %v", m.ID, date, err, m.SendAt, m.SentAt)
	}
	if len(in.Text) < 100 || strings.Contains(in.Text, "{{") {
		t.Errorf("message %d: text not rendered: %q", m.ID, in.Text)
	}
	if !strings.Contains(in.HTML, "</p>") || strings.Contains(in.HTML, "{{") {
		t.Errorf("message %d: HTML not rendered: %q", m.ID, in.HTML)
	}
}

// The past sends are real deliveries: the mail server the seed is given
// received each one, byte for byte as archived, from the owner's address.
func TestDemoSendsReachTheMailServer(t *testing.T) {
	db, clock := openDB(t)
	srv, err := localsmtp.Start(localsmtp.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	sc := mail.DefaultSMTPConfig()
	sc.Host, sc.Port, sc.Security = srv.Host(), srv.Port(), mail.SecurityNone
	tr := mail.NewSMTP(sc)
	t.Cleanup(func() { _ = tr.Close() })
	res, err := Demo(t.Context(), db, DemoOptions{Sender: testSender, Now: testNow, Clock: clock, Transport: tr})
	if err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()
	if len(got) != res.Messages {
		t.Fatalf("the mail server received %d messages, Demo sent %d", len(got), res.Messages)
	}
	msgs, err := db.ListMessages(t.Context(), store.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]store.Message{}
	for _, m := range msgs {
		full, err := db.GetMessage(t.Context(), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		byID[m.ID] = full
	}
	matched := 0
	for _, r := range got {
		for _, m := range byID {
			if bytes.Equal(bytes.ReplaceAll(r.Data, []byte("\r\n"), []byte("\n")), bytes.ReplaceAll(m.Raw, []byte("\r\n"), []byte("\n"))) {
				matched++
				if r.From != m.From || !slices.Equal(r.To, m.Recipients) {
					t.Errorf("message %d went from %s to %v, archived from %s to %v", m.ID, r.From, r.To, m.From, m.Recipients)
				}
			}
		}
	}
	if matched != len(got) {
		t.Errorf("%d of %d received messages are byte for byte an archived send", matched, len(got))
	}
}
