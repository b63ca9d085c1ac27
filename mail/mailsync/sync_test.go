package mailsync_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail/localimap"
	"github.com/leadmail/leadmail/mail/mailsync"
	"github.com/leadmail/leadmail/store"
)

// A first sync reads every folder however old, records what involves
// contacts (in and out), and nothing else.
func TestHistoricalSync(t *testing.T) {
	w := newWorld(t, localimap.Config{})
	w.contact("ann@cust.example")
	w.contact("bob@cust.example")
	old := time.Date(2019, 5, 6, 7, 8, 9, 0, time.UTC)
	w.deliver("INBOX", msg{From: "Ann <ann@cust.example>", To: repAddr, Subject: "Old question", ID: "q1@cust.example", Date: old})
	w.deliver("INBOX", msg{From: "Stranger <x@else.example>", To: repAddr, Subject: "Newsletter", ID: "n1@else.example"})
	w.deliver("Sent", msg{From: repAddr, To: "Bob <bob@cust.example>", Cc: "ann@cust.example", Subject: "From my phone", ID: "p1@leadmail.example"})
	w.deliver("Trash", msg{From: "ann@cust.example", To: repAddr, Subject: "Deleted", ID: "t1@cust.example"})
	w.deliver("Archive", msg{From: "bob@cust.example", To: repAddr, Cc: "ann@cust.example", Subject: "Thread with two", ID: "a1@cust.example"})

	var progress []mailsync.Progress
	rep := w.run(w.syncer(), mailsync.Options{Progress: func(p mailsync.Progress) { progress = append(progress, p) }})
	if rep.Matched != 3 || rep.Recorded != 3 {
		t.Errorf("matched %d, recorded %d; want 3 and 3 (report %+v)", rep.Matched, rep.Recorded, rep)
	}
	if rep.Scanned != 4 {
		t.Errorf("scanned %d, want 4: Trash is not synced", rep.Scanned)
	}
	if got, want := w.kinds("ann@cust.example"), []store.EventKind{store.EventEmailReceived, store.EventEmailReceived, store.EventEmailSentElsewhere}; !slices.Equal(got, want) {
		t.Errorf("ann's events %v, want %v", got, want)
	}
	if got, want := w.kinds("bob@cust.example"), []store.EventKind{store.EventEmailReceived, store.EventEmailSentElsewhere}; !slices.Equal(got, want) {
		t.Errorf("bob's events %v, want %v", got, want)
	}
	for _, e := range w.events() {
		if e.Subject == "Old question" && !e.At.Equal(old) {
			t.Errorf("event at %v, want the message's date %v", e.At, old)
		}
		if e.Subject == "Newsletter" || e.Subject == "Deleted" {
			t.Errorf("recorded %q, which involves no contact or is in Trash", e.Subject)
		}
	}
	if len(progress) == 0 {
		t.Fatal("no progress reported")
	}
	for _, p := range progress {
		if p.Total == 0 || p.Scanned > p.Total || p.PerSecond <= 0 || p.Folder == "" {
			t.Errorf("progress %+v, want scanned of a total, a rate and the folder", p)
		}
	}
	// The first full scan gave everyone their history.
	if _, pending, err := w.db.PendingHistory(t.Context(), 10); err != nil || pending != 0 {
		t.Errorf("pending history %d (%v), want 0 after a full scan", pending, err)
	}
}

// A second run with nothing new fetches nothing; a new message is read
// alone.
func TestIncrementalSkipsUnchangedFolders(t *testing.T) {
	w := newWorld(t, localimap.Config{})
	w.contact("ann@cust.example")
	w.deliver("INBOX", msg{From: "ann@cust.example", To: repAddr, Subject: "One", ID: "1@cust.example"})
	s := w.syncer()
	w.run(s, mailsync.Options{})
	rep := w.run(s, mailsync.Options{})
	if rep.Scanned != 0 {
		t.Errorf("second run scanned %d messages, want 0", rep.Scanned)
	}
	for _, f := range rep.Folders {
		if !f.Skipped || f.Err != "" {
			t.Errorf("folder %+v, want skipped without error", f)
		}
	}
	w.deliver("INBOX", msg{From: "ann@cust.example", To: repAddr, Subject: "Two", ID: "2@cust.example"})
	rep = w.run(s, mailsync.Options{})
	if rep.Scanned != 1 || rep.Recorded != 1 {
		t.Errorf("third run scanned %d, recorded %d; want 1 and 1", rep.Scanned, rep.Recorded)
	}
	states, err := w.db.SyncFolders(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range states {
		if st.Name == "INBOX" && (st.LastUID != 2 || st.Messages != 2 || st.UIDValidity == 0) {
			t.Errorf("INBOX state %+v, want last UID 2 of 2 messages", st)
		}
	}
}

// A reply to our send from someone who is not a contact (the lead's
// colleague) is a reply on the contact of the original send.
func TestReplyFromColleague(t *testing.T) {
	w := newWorld(t, localimap.Config{})
	w.contact("ann@cust.example")
	sent := w.send("ann@cust.example", "Our offer", time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	w.deliver("INBOX", msg{From: "Carl <carl@cust.example>", To: repAddr, Subject: "Re: Our offer",
		ID: "r1@cust.example", InReplyTo: sent.MessageID, References: "<" + sent.MessageID + ">",
		Body: "Ann is away, I can answer.\r\n> Our offer\r\n"})
	rep := w.run(w.syncer(), mailsync.Options{})
	if rep.Replies != 1 {
		t.Errorf("replies %d, want 1 (report %+v)", rep.Replies, rep)
	}
	if got := w.kinds("ann@cust.example"); !slices.Contains(got, store.EventReplied) {
		t.Errorf("ann's events %v, want a replied event", got)
	}
	thread, err := w.db.ThreadOf(t.Context(), sent.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(thread) != 1 || !strings.Contains(thread[0].Text, "Ann is away") || thread[0].FromAddr != "carl@cust.example" {
		t.Errorf("thread %+v, want carl's reply with its text", thread)
	}
	m, err := w.db.GetMessage(t.Context(), sent.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m.RepliedAt.IsZero() {
		t.Error("the send is not marked replied")
	}
}

// An out-of-office answer to our send is an auto-reply, never a reply.
func TestAutoReply(t *testing.T) {
	w := newWorld(t, localimap.Config{})
	w.contact("ann@cust.example")
	sent := w.send("ann@cust.example", "Our offer", time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	w.deliver("INBOX", msg{From: "ann@cust.example", To: repAddr, Subject: "Out of office: Our offer",
		ID: "ooo@cust.example", InReplyTo: sent.MessageID, Extra: []string{"Auto-Submitted: auto-replied"},
		Body: "I am out of the office until 12 March 2025.\r\n"})
	rep := w.run(w.syncer(), mailsync.Options{})
	if rep.Replies != 0 || rep.AutoReplies != 1 {
		t.Errorf("replies %d, auto-replies %d; want 0 and 1", rep.Replies, rep.AutoReplies)
	}
	if got, want := w.kinds("ann@cust.example"), []store.EventKind{store.EventAutoReply}; !slices.Equal(got, want) {
		t.Errorf("ann's events %v, want %v", got, want)
	}
	m, err := w.db.GetMessage(t.Context(), sent.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !m.RepliedAt.IsZero() {
		t.Error("an auto-reply marked the send replied")
	}
}

// A delivery status notification naming our send marks it bounced, with
// the status, and flags the address on a permanent failure.
func TestBounce(t *testing.T) {
	w := newWorld(t, localimap.Config{})
	w.contact("gone@cust.example")
	sent := w.send("gone@cust.example", "Hello", time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	w.deliver("INBOX", msg{From: "Mail Delivery System <MAILER-DAEMON@mx.leadmail.example>", To: repAddr,
		Subject: "Undelivered Mail Returned to Sender", ID: "dsn1@mx.leadmail.example",
		ContentType: `multipart/report; report-type=delivery-status; boundary="b"`,
		Body:        dsnBody("gone@cust.example", sent.MessageID)})
	rep := w.run(w.syncer(), mailsync.Options{})
	if rep.Bounces != 1 {
		t.Errorf("bounces %d, want 1 (report %+v)", rep.Bounces, rep)
	}
	m, err := w.db.GetMessage(t.Context(), sent.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m.BouncedAt.IsZero() || m.BounceStatus != "5.1.1" {
		t.Errorf("send bounced at %v with %q, want 5.1.1", m.BouncedAt, m.BounceStatus)
	}
	if _, ok, err := w.db.AddressBouncing(t.Context(), "gone@cust.example"); err != nil || !ok {
		t.Errorf("address not flagged bouncing (%v)", err)
	}
	if got := w.kinds("gone@cust.example"); !slices.Contains(got, store.EventBounced) || slices.Contains(got, store.EventReplied) {
		t.Errorf("events %v, want bounced and no reply", got)
	}
	// Again: nothing doubles.
	rep = w.run(w.syncer(), mailsync.Options{Rescan: true})
	if rep.Bounces != 0 || rep.Recorded != 0 {
		t.Errorf("rescan: %+v, want nothing new", rep)
	}
}

func dsnBody(rcpt, origID string) string {
	return fmt.Sprintf("--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"+
		"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.leadmail.example\r\n\r\n"+
		"Final-Recipient: rfc822; %s\r\nAction: failed\r\nStatus: 5.1.1\r\n"+
		"Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n"+
		"--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <%s>\r\nTo: %s\r\nSubject: Hello\r\n"+
		"--b--\r\n", rcpt, origID, rcpt)
}
