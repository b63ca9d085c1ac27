package seed

import (
	"bytes"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"slices"
	"strings"
	"testing"

	"github.com/leadmail/leadmail/store"
)

func TestDemoSentMessages(t *testing.T) {
	db, _ := sharedDemo(t)
	ctx := t.Context()
	msgs, err := db.ListMessages(ctx, store.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	received := 0
	for _, m := range msgs {
		full, err := db.GetMessage(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		checkRaw(t, full)
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
}

// checkRaw parses a stored message back and checks it is what was sent.
func checkRaw(t *testing.T, m store.Message) {
	t.Helper()
	raw := string(m.Raw)
	if strings.Contains(strings.ReplaceAll(raw, "\r\n", ""), "\n") {
		t.Errorf("message %d has bare LF line endings", m.ID)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(m.Raw))
	if err != nil {
		t.Fatalf("message %d: %v", m.ID, err)
	}
	h := msg.Header
	for _, k := range []string{"From", "To", "Subject", "Date", "Message-Id", "Mime-Version", "Content-Type"} {
		if h.Get(k) == "" {
			t.Errorf("message %d: no %s header", m.ID, k)
		}
	}
	from, err := mail.ParseAddress(h.Get("From"))
	if err != nil || from.Address != m.From {
		t.Errorf("message %d: From %q (%v), envelope %s", m.ID, h.Get("From"), err, m.From)
	}
	to, err := mail.ParseAddress(h.Get("To"))
	if err != nil || !slices.Equal([]string{to.Address}, m.Recipients) {
		t.Errorf("message %d: To %q (%v), recipients %v", m.ID, h.Get("To"), err, m.Recipients)
	}
	_, domain, _ := strings.Cut(m.From, "@")
	if h.Get("Message-Id") != "<"+m.MessageID+">" || !strings.HasSuffix(m.MessageID, "@"+domain) {
		t.Errorf("message %d: Message-ID %q, stored %q", m.ID, h.Get("Message-Id"), m.MessageID)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil || subject != m.Subject {
		t.Errorf("message %d: Subject %q (%v), stored %q", m.ID, subject, err, m.Subject)
	}
	if date, err := h.Date(); err != nil || date.After(m.SentAt) {
		t.Errorf("message %d: Date %v (%v), sent %v", m.ID, date, err, m.SentAt)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatalf("message %d body: %v", m.ID, err)
	}
	if len(body) < 100 || strings.Contains(string(body), "{{") || strings.Contains(subject, "{{") {
		t.Errorf("message %d: body not rendered: %q", m.ID, body)
	}
}

func TestRawMessageEncodesHeaders(t *testing.T) {
	raw, err := rawMessage(&mail.Address{Name: "Jürgen Müller, Sales", Address: "jm@example.com"},
		&mail.Address{Name: "Zoë Ångström", Address: "z@example.org"}, "Grüße — hello",
		"Hallo Zoë,\nline two\n", "1.abc@example.com", testNow)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	from, err := mail.ParseAddress(msg.Header.Get("From"))
	if err != nil || from.Name != "Jürgen Müller, Sales" {
		t.Errorf("From = %v, %v", from, err)
	}
	subj, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subj != "Grüße — hello" {
		t.Errorf("Subject = %q, %v", subj, err)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil || string(body) != "Hallo Zoë,\r\nline two\r\n" {
		t.Errorf("body = %q, %v", body, err)
	}
	for _, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 78 {
			t.Errorf("line longer than 78: %q", line)
		}
	}
}
