package demo

import (
	"bytes"
	"crypto/rand"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/localimap"
	"github.com/leadmail/leadmail/mail/localsmtp"
	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
)

// liveDemo is a seeded demo with its mail server answering through a
// Responder, and an outbox sending as the demo user.
type liveDemo struct {
	db   *store.DB
	svc  *outbox.Service
	imap *localimap.Server // the demo user's mailbox
	pw   string            // its login's password
	resp *Responder
	now  func() time.Time // the store's clock
}

func startLive(t *testing.T, min, max time.Duration) *liveDemo {
	t.Helper()
	return startLiveWith(t, ResponderOptions{MinDelay: min, MaxDelay: max})
}

// startLiveWith is startLive with the Responder's options; Mailbox and Now
// are filled in.
func startLiveWith(t *testing.T, ro ResponderOptions) *liveDemo {
	t.Helper()
	db, clock := openDB(t)
	if _, err := Demo(t.Context(), db, DemoOptions{Sender: testSender, Now: testNow, Clock: clock}); err != nil {
		t.Fatal(err)
	}
	pw := rand.Text()
	imap, err := localimap.Start(localimap.Config{Username: "demo", Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = imap.Close() })
	ro.Mailbox, ro.Now = imap, clock.Now
	resp := NewResponder(ro)
	t.Cleanup(func() { _ = resp.Close() })
	srv, err := localsmtp.Start(localsmtp.Config{Username: "demo", Password: pw, OnReceive: resp.Receive})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	sc := mail.DefaultSMTPConfig()
	sc.Host, sc.Port, sc.Security = srv.Host(), srv.Port(), mail.SecuritySTARTTLS
	sc.Username, sc.Password, sc.TLSConfig = "demo", pw, srv.TLSConfig()
	tr := mail.NewSMTP(sc)
	t.Cleanup(func() { _ = tr.Close() })
	sender, err := db.UserByEmail(t.Context(), testSender.Email)
	if err != nil {
		t.Fatal(err)
	}
	cfg := outbox.DefaultConfig()
	cfg.UndoSeconds, cfg.VerifiedDomains = 0, []string{"brightwave.example"}
	svc, err := outbox.New(outbox.Options{DB: db, Transport: tr, Sender: sender, Config: cfg, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Close() })
	return &liveDemo{db: db, svc: svc, imap: imap, pw: pw, resp: resp, now: clock.Now}
}

// send Quick-Sends the first Smart Mail to the contact at addr and
// delivers it to the demo's mail server.
func (d *liveDemo) send(t *testing.T, addr string) store.Message {
	t.Helper()
	ctx := t.Context()
	page, err := d.db.ListContacts(ctx, store.PageRequest{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	emails, err := d.db.ListEmails(ctx, store.EmailFilter{SmartMailOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range page.Contacts {
		if !strings.EqualFold(c.Email, addr) {
			continue
		}
		m, err := d.svc.QuickSend(ctx, c.ID, emails[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if m, err = d.svc.Deliver(ctx, m.ID); err != nil || m.Status != store.MessageSent {
			t.Fatalf("deliver to %s: %s, %v", addr, m.Status, err)
		}
		return m
	}
	t.Fatalf("no demo contact at %s", addr)
	return store.Message{}
}

// inbox returns the messages of the IMAP INBOX.
func (d *liveDemo) inbox(t *testing.T) [][]byte {
	t.Helper()
	msgs, err := d.imap.Messages(FolderInbox)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

// answerTo waits, at most 5 seconds, for the message in the IMAP INBOX
// that answers the message id (a reply names it in In-Reply-To, a bounce
// in the headers it returns).
func (d *liveDemo) answerTo(t *testing.T, id string) parsed {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, raw := range d.inbox(t) {
			if bytes.Contains(raw, []byte("In-Reply-To: <"+id+">")) || bytes.Contains(raw, []byte("Message-Id: <"+id+">")) {
				return parseFiled(t, filed{Folder: FolderInbox, Raw: raw})
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no answer to %s within 5 s; the INBOX has %d messages", id, len(d.inbox(t)))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestProspectsAnswer(t *testing.T) {
	d := startLive(t, 10*time.Millisecond, 60*time.Millisecond)
	for _, a := range Answering() {
		t.Run(string(a.How)+" "+a.Name, func(t *testing.T) {
			m := d.send(t, a.Email)
			got := d.answerTo(t, m.MessageID)
			switch a.How {
			case HowReply:
				from, err := netmail.ParseAddress(got.h.Get("From"))
				if err != nil || !strings.EqualFold(from.Address, a.Email) {
					t.Errorf("reply from %v (%v), want %s", from, err, a.Email)
				}
				if !strings.Contains(got.h.Get("References"), "<"+m.MessageID+">") ||
					!strings.HasPrefix(got.h.Get("Subject"), "Re: ") || !strings.Contains(got.body, "wrote:") ||
					got.h.Get("Auto-Submitted") != "" {
					t.Errorf("not a threaded, quoting reply:\n%s", got.Raw)
				}
			case HowAutoReply:
				if got.h.Get("Auto-Submitted") != "auto-replied" || !strings.Contains(got.body, "out of the office until") {
					t.Errorf("not an out-of-office:\n%s", got.Raw)
				}
			case HowBounce:
				ours := map[string]store.Message{m.MessageID: m}
				checkDSN(t, got, ours)
			}
		})
	}
}

func TestOthersStaySilent(t *testing.T) {
	d := startLive(t, time.Millisecond, 5*time.Millisecond)
	d.send(t, addressOf("Łukasz Wójcik"))
	time.Sleep(100 * time.Millisecond)
	if n := len(d.inbox(t)); n != 0 {
		t.Errorf("%d answers from a lead who does not answer", n)
	}
}

func TestResponderCloseDropsWaitingAnswers(t *testing.T) {
	d := startLive(t, time.Hour, time.Hour)
	d.send(t, addressOf("Zoë Ångström"))
	done := make(chan struct{})
	go func() { _ = d.resp.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not return while an answer waited")
	}
	d.send(t, addressOf("Zoë Ångström")) // after Close: heard, not answered
	if n := len(d.inbox(t)); n != 0 {
		t.Errorf("%d answers after Close", n)
	}
}

// An Immediate Responder has answered by the time the send is delivered,
// delays or not: a command-line twin's mail server stops right after.
func TestImmediateAnswersWithinTheSend(t *testing.T) {
	d := startLiveWith(t, ResponderOptions{MinDelay: time.Hour, MaxDelay: time.Hour, Immediate: true})
	m := d.send(t, addressOf("Zoë Ångström"))
	for _, raw := range d.inbox(t) {
		if bytes.Contains(raw, []byte("In-Reply-To: <"+m.MessageID+">")) {
			return
		}
	}
	t.Fatalf("no answer to %s once the send was delivered; the INBOX has %d messages", m.MessageID, len(d.inbox(t)))
}

func TestNoAnswerToAnAutoReply(t *testing.T) {
	mb := newMemMailbox()
	r := NewResponder(ResponderOptions{Mailbox: mb, MinDelay: time.Millisecond, MaxDelay: time.Millisecond})
	raw := "From: x@brightwave.example\r\nTo: " + BouncingAddress + "\r\nSubject: away\r\n" +
		"Message-ID: <a@b.example>\r\nAuto-Submitted: auto-replied\r\n\r\nAway.\r\n"
	r.Receive(localsmtp.Received{From: "x@brightwave.example", To: []string{BouncingAddress}, Data: []byte(raw)})
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if n := len(mb.all()); n != 0 {
		t.Errorf("%d answers to an auto-submitted message", n)
	}
}
