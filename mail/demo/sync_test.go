package demo

import (
	"crypto/rand"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/imapconn"
	"github.com/leadmail/leadmail/mail/localimap"
	"github.com/leadmail/leadmail/mail/mailsync"
	"github.com/leadmail/leadmail/store"
)

// syncer is Mail Sync on the demo user's mailbox at imap, with the store's
// clock.
func syncer(t *testing.T, db *store.DB, imap *localimap.Server, login, pw string, now func() time.Time) *mailsync.Syncer {
	t.Helper()
	sender, err := db.UserByEmail(t.Context(), testSender.Email)
	if err != nil {
		t.Fatal(err)
	}
	c := imapconn.DefaultConfig()
	c.Host, c.Port, c.Security = imap.Host(), imap.Port(), mail.SecuritySTARTTLS
	c.Username, c.Password, c.TLSConfig = login, pw, imap.TLSConfig()
	return mailsync.New(mailsync.Config{IMAP: c, UserID: sender.ID, Me: []string{strings.ToLower(sender.Email)},
		Provider: "custom", Holder: "test", Now: now}, db)
}

// kindsOf returns the event kinds of the timeline of the contact at addr.
func kindsOf(t *testing.T, db *store.DB, addr string) []store.EventKind {
	t.Helper()
	for _, c := range allContacts(t, db) {
		if !strings.EqualFold(c.Email, addr) {
			continue
		}
		tl, err := db.Timeline(t.Context(), c.ID, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []store.EventKind
		for _, e := range tl {
			kinds = append(kinds, e.Kind)
		}
		return kinds
	}
	t.Fatalf("no demo contact at %s", addr)
	return nil
}

// The seeded mailbox, read by the real Mail Sync, makes the history the
// seed no longer writes by hand: replies threaded under their sends, the
// years-old threads (with what the rep sent from their phone), the
// out-of-office and the bounce. A second run records nothing new.
func TestSeededMailboxThroughMailSync(t *testing.T) {
	db, clock := openDB(t)
	pw := rand.Text()
	imap, err := localimap.Start(localimap.Config{Username: "demo", Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = imap.Close() })
	res, err := Demo(t.Context(), db, DemoOptions{Sender: testSender, Now: testNow, Clock: clock, Mailbox: imap})
	if err != nil {
		t.Fatal(err)
	}
	sy := syncer(t, db, imap, "demo", pw, clock.Now)
	rep, err := sy.Run(t.Context(), mailsync.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Recorded != res.Mail {
		t.Errorf("Mail Sync recorded %d messages, the seed wrote %d", rep.Recorded, res.Mail)
	}
	kinds := map[store.EventKind]int{}
	for _, c := range allContacts(t, db) {
		tl, err := db.Timeline(t.Context(), c.ID, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range tl {
			kinds[e.Kind]++
		}
	}
	if kinds[store.EventReplied] < 5 || kinds[store.EventAutoReply] != 1 || kinds[store.EventBounced] != 1 ||
		kinds[store.EventEmailReceived] < 3 || kinds[store.EventEmailSentElsewhere] < len(oldThreads) {
		t.Errorf("events after Mail Sync: %v", kinds)
	}
	for _, name := range oldThreads {
		kinds := kindsOf(t, db, addressOf(name))
		for _, k := range []store.EventKind{store.EventReplied, store.EventEmailSentElsewhere, store.EventEmailReceived} {
			if !slices.Contains(kinds, k) {
				t.Errorf("%s: no %s event in %v", name, k, kinds)
			}
		}
	}
	if kinds := kindsOf(t, db, awayAddress()); !slices.Contains(kinds, store.EventAutoReply) {
		t.Errorf("the away lead's timeline has no auto-reply: %v", kinds)
	}
	if b, ok, err := db.AddressBouncing(t.Context(), BouncingAddress); err != nil || !ok || b.Status != "5.1.1" {
		t.Errorf("AddressBouncing(%s) = %+v, %v, %v", BouncingAddress, b, ok, err)
	}
	again, err := sy.Run(t.Context(), mailsync.Options{})
	if err != nil || again.Recorded != 0 {
		t.Errorf("second run: %+v, %v; want nothing new", again, err)
	}
	checkSentFolder(t, db, imap)
}

// checkSentFolder checks the Sent folder holds one copy of each of the demo
// user's sends, besides what they sent from their phone, and nothing a
// teammate sent.
func checkSentFolder(t *testing.T, db *store.DB, imap *localimap.Server) {
	t.Helper()
	sender, err := db.UserByEmail(t.Context(), testSender.Email)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := db.ListMessages(t.Context(), store.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	copies, err := imap.Messages(FolderSent)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, raw := range copies {
		for _, m := range msgs {
			if strings.Contains(string(headerSection(raw)), "Message-Id: <"+m.MessageID+">\r\n") {
				count[m.MessageID]++
				if m.UserID != sender.ID {
					t.Errorf("a teammate's send %q is in the demo user's Sent folder", m.Subject)
				}
			}
		}
	}
	for _, m := range msgs {
		if m.UserID == sender.ID && count[m.MessageID] != 1 {
			t.Errorf("send %q to %v: %d copies in Sent, want 1", m.Subject, m.Recipients, count[m.MessageID])
		}
	}
}

// Sends to leads who answer: each answer lands in the IMAP INBOX, and Mail
// Sync threads the reply under its send, records the out-of-office as an
// auto-reply (not a reply) and marks the bounced send bounced.
func TestAnswersRecordedByMailSync(t *testing.T) {
	d := startLive(t, 10*time.Millisecond, 50*time.Millisecond)
	reply := d.send(t, addressOf("José Núñez"))
	away := d.send(t, awayAddress())
	bounce := d.send(t, BouncingAddress)
	for _, m := range []store.Message{reply, away, bounce} {
		d.answerTo(t, m.MessageID)
	}
	if _, err := syncer(t, d.db, d.imap, "demo", d.pw, d.now).Run(t.Context(), mailsync.Options{}); err != nil {
		t.Fatal(err)
	}
	got, err := d.db.GetMessage(t.Context(), reply.ID)
	if err != nil || got.RepliedAt.IsZero() {
		t.Errorf("the send is not marked replied: %+v, %v", got.RepliedAt, err)
	}
	thread, err := d.db.ThreadOf(t.Context(), reply.ID)
	if err != nil || len(thread) != 1 || !strings.EqualFold(thread[0].FromAddr, addressOf("José Núñez")) {
		t.Errorf("ThreadOf(send) = %+v, %v", thread, err)
	}
	if got, err := d.db.GetMessage(t.Context(), away.ID); err != nil || !got.RepliedAt.IsZero() {
		t.Errorf("an out-of-office marked the send replied: %v, %v", got.RepliedAt, err)
	}
	if kinds := kindsOf(t, d.db, awayAddress()); !slices.Contains(kinds, store.EventAutoReply) {
		t.Errorf("no auto-reply event: %v", kinds)
	}
	if got, err := d.db.GetMessage(t.Context(), bounce.ID); err != nil || got.BouncedAt.IsZero() || got.BounceStatus != "5.1.1" {
		t.Errorf("the send to %s is not bounced: %v %q, %v", BouncingAddress, got.BouncedAt, got.BounceStatus, err)
	}
}
