package demo

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadmail/leadmail/store"
)

// filed is one message a Mailbox was given.
type filed struct {
	Folder string
	Raw    []byte
	Flags  []string
	Date   time.Time
}

// memMailbox records what is delivered to it, for tests that look at the
// messages themselves rather than at an IMAP server.
type memMailbox struct {
	mu   sync.Mutex
	msgs []filed
}

func newMemMailbox() *memMailbox { return &memMailbox{} }

func (m *memMailbox) Deliver(folder string, raw []byte, flags []string, date time.Time) (uint32, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.msgs = append(m.msgs, filed{folder, bytes.Clone(raw), flags, date})
	return uint32(len(m.msgs)), nil
}

func (m *memMailbox) all() []filed {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]filed(nil), m.msgs...)
}

// parsed is a filed message's header and body.
type parsed struct {
	filed
	h    netmail.Header
	body string
}

func parseFiled(t *testing.T, f filed) parsed {
	t.Helper()
	m, err := netmail.ReadMessage(bytes.NewReader(f.Raw))
	if err != nil {
		t.Fatalf("message in %s does not parse: %v\n%s", f.Folder, err, f.Raw)
	}
	body, err := io.ReadAll(m.Body)
	if err != nil {
		t.Fatal(err)
	}
	return parsed{filed: f, h: m.Header, body: string(body)}
}

// seededMailbox seeds a fresh database with a mailbox and returns both.
func seededMailbox(t *testing.T) (*store.DB, DemoResult, []parsed) {
	t.Helper()
	db, clock := openDB(t)
	mb := newMemMailbox()
	res, err := Demo(t.Context(), db, DemoOptions{Sender: testSender, Now: testNow, Clock: clock, Mailbox: mb})
	if err != nil {
		t.Fatal(err)
	}
	var out []parsed
	for _, f := range mb.all() {
		out = append(out, parseFiled(t, f))
	}
	return db, res, out
}

func TestDemoMailbox(t *testing.T) {
	db, res, msgs := seededMailbox(t)
	ctx := t.Context()
	if res.Mail != len(msgs) || len(msgs) < 10 {
		t.Fatalf("Demo says %d mails, the mailbox got %d; want at least 10", res.Mail, len(msgs))
	}
	sent, err := db.ListMessages(ctx, store.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	ours := map[string]store.Message{}
	for _, m := range sent {
		ours[m.MessageID] = m
	}
	var replies, autoReplies, bounces, phone, inbound, yearsOld int
	for _, m := range msgs {
		if !m.Date.Before(testNow) {
			t.Errorf("mail dated %v, not before now", m.Date)
		}
		if testNow.Sub(m.Date) > 550*24*time.Hour {
			yearsOld++
		}
		if id := m.h.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.Contains(id, "@") {
			t.Errorf("mail without a Message-ID: %q", id)
		}
		inReplyTo := strings.Trim(m.h.Get("In-Reply-To"), "<>")
		switch {
		case m.Folder == FolderSent:
			phone++
			if !strings.Contains(m.h.Get("From"), testSender.Email) || inReplyTo == "" ||
				!strings.Contains(m.body, "Sent from my iPhone") {
				t.Errorf("Sent mail is not the rep's answer from their phone:\n%s", m.Raw)
			}
		case strings.HasPrefix(m.h.Get("Content-Type"), "multipart/report"):
			bounces++
			checkDSN(t, m, ours)
		case m.h.Get("Auto-Submitted") == "auto-replied":
			autoReplies++
			if _, ok := ours[inReplyTo]; !ok || !strings.Contains(m.body, "out of the office until") {
				t.Errorf("auto-reply answers %q, not a seeded send, or gives no return date:\n%s", inReplyTo, m.Raw)
			}
		case m.Date.Hour() < 7 || m.Date.Hour() >= 21:
			t.Errorf("a lead wrote at %v, outside waking hours:\n%s", m.Date, m.Raw)
		case inReplyTo != "":
			replies++
			checkReply(t, m, ours, inReplyTo)
		default:
			inbound++
		}
	}
	if replies < 5 || autoReplies != 1 || bounces != 1 || phone < len(oldThreads) || inbound < 3 {
		t.Errorf("%d replies, %d auto-replies, %d bounces, %d sent from the phone, %d new threads",
			replies, autoReplies, bounces, phone, inbound)
	}
	if yearsOld < 3*len(oldThreads) {
		t.Errorf("%d mails are a year and a half old or more, want the years-old threads", yearsOld)
	}
}

// checkReply checks that a lead's reply threads under the send it answers,
// quotes it, and comes from the lead it went to.
func checkReply(t *testing.T, m parsed, ours map[string]store.Message, inReplyTo string) {
	t.Helper()
	if m.Folder != FolderInbox {
		t.Errorf("reply filed in %s", m.Folder)
	}
	orig, ok := ours[inReplyTo]
	if !ok {
		// A lead answering the rep's answer from the phone.
		if !strings.Contains(m.h.Get("References"), "<"+inReplyTo+">") {
			t.Errorf("reply to %s without References naming it", inReplyTo)
		}
		return
	}
	from, err := netmail.ParseAddress(m.h.Get("From"))
	if err != nil || !strings.EqualFold(from.Address, orig.Recipients[0]) {
		t.Errorf("reply to %s comes from %v (%v), not its recipient %v", inReplyTo, from, err, orig.Recipients)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.h.Get("Subject"))
	if subject != "Re: "+orig.Subject {
		t.Errorf("reply subject %q to %q", subject, orig.Subject)
	}
	if !strings.Contains(m.h.Get("References"), "<"+inReplyTo+">") || !strings.Contains(m.body, "wrote:") ||
		!strings.Contains(m.body, "> ") {
		t.Errorf("reply to %s without References or a quote:\n%s", inReplyTo, m.Raw)
	}
}

// checkDSN checks a bounce is a multipart/report for a seeded send to the
// bouncing address, with status 5.1.1 and the original's headers.
func checkDSN(t *testing.T, m parsed, ours map[string]store.Message) {
	t.Helper()
	_, params, err := mime.ParseMediaType(m.h.Get("Content-Type"))
	if err != nil || params["report-type"] != "delivery-status" {
		t.Fatalf("DSN Content-Type %q: %v", m.h.Get("Content-Type"), err)
	}
	r := multipart.NewReader(strings.NewReader(m.body), params["boundary"])
	var types []string
	var status, headers string
	for {
		p, err := r.NextPart()
		if err != nil {
			break
		}
		b, _ := io.ReadAll(p)
		ct := p.Header.Get("Content-Type")
		types = append(types, strings.Fields(ct)[0])
		switch {
		case strings.HasPrefix(ct, "message/delivery-status"):
			status = string(b)
		case strings.HasPrefix(ct, "text/rfc822-headers"):
			headers = string(b)
		}
	}
	if len(types) != 3 || !strings.Contains(status, "Status: 5.1.1") || !strings.Contains(status, "Action: failed") ||
		!strings.Contains(status, "Final-Recipient: rfc822; "+BouncingAddress) {
		t.Errorf("DSN parts %v, status part:\n%s", types, status)
	}
	hm, err := netmail.ReadMessage(strings.NewReader(headers + "\r\n"))
	if err != nil {
		t.Fatalf("returned headers: %v\n%s", err, headers)
	}
	orig, ok := ours[strings.Trim(hm.Header.Get("Message-Id"), "<>")]
	if !ok || orig.Recipients[0] != BouncingAddress {
		t.Errorf("DSN returns %q, not a seeded send to %s", hm.Header.Get("Message-Id"), BouncingAddress)
	}
}

func TestDemoMailboxDeterministic(t *testing.T) {
	_, _, a := seededMailbox(t)
	_, _, b := seededMailbox(t)
	if len(a) != len(b) {
		t.Fatalf("two runs wrote %d and %d mails", len(a), len(b))
	}
	for i := range a {
		// The replies quote the outbox's sends, whose Message-IDs are drawn
		// at random: compare what the seed chose.
		if a[i].Folder != b[i].Folder || !a[i].Date.Equal(b[i].Date) ||
			a[i].h.Get("Message-Id") != b[i].h.Get("Message-Id") || a[i].h.Get("Subject") != b[i].h.Get("Subject") {
			t.Errorf("mail %d differs: %s %v %s / %s %v %s", i, a[i].Folder, a[i].Date, a[i].h.Get("Message-Id"),
				b[i].Folder, b[i].Date, b[i].h.Get("Message-Id"))
		}
	}
}
