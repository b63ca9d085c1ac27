package tuitest

import (
	"context"
	"testing"
	"time"

	"github.com/leadmail/leadmail/store"
)

// Synced is what AddMailSync recorded: the Received rows, by role.
type Synced struct {
	Reply, OutOfOffice, Bounce, Received, Elsewhere store.Received
	Bounced                                         store.Message // the send that bounced
}

// AddMailSync records through the store's RecordSync, as Mail Sync does,
// Ada's side of the conversation: her reply to the Intro (with an
// attachment), her out-of-office, a message she wrote on her own (its
// subject carrying an escape sequence), the rep's answer from a phone, and
// a second send to her that bounced 5.1.1, which flags her address.
func (w *World) AddMailSync(t testing.TB) Synced {
	t.Helper()
	ctx := context.Background()
	day := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, time.UTC) }
	// The bounce is the latest mail: mail from Ada after it would show her
	// address works again and clear its flag.
	bouncedAt := day(26, 9).Add(30 * time.Minute)
	bounced := w.AddMessage(t, MessageSpec{Contact: w.Ada, Subject: "Pricing for Analytical Engines",
		Status: store.MessageSent, At: bouncedAt})
	ada := []int64{w.Ada.ID}
	rec := func(x store.Received) store.Received {
		x.UserID, x.ContactIDs, x.Folder, x.UIDValidity = w.User.ID, ada, "INBOX", 1
		x.FromAddr = "ada@analytical.test"
		if x.Direction == "" {
			x.Direction, x.From, x.To = store.ReceivedIn, "Ada Lovelace <ada@analytical.test>", []string{"sam@acme.test"}
		}
		if x.Kind == "" {
			x.Kind = store.ReceivedOrdinary
		}
		return x
	}
	s := Synced{Bounced: bounced}
	batch := store.SyncBatch{
		Folder: store.SyncFolder{Name: "INBOX", UIDValidity: 1, LastUID: 5, UIDNext: 6, Messages: 5},
		Received: []store.Received{
			rec(store.Received{MessageID: "reply-1@analytical.test", UID: 1, Subject: "Re: Hello Ada", Date: day(25, 17),
				InReplyTo: "intro-1@acme.test", ReplyTo: w.Sent.ID,
				Text:        "Sounds good, Tuesday works.\n\nAda\n\n> Hi Ada,\n> Could we talk for 15 minutes next week?",
				Attachments: []store.ReceivedAttachment{{Name: "agenda.pdf", Type: "application/pdf", Size: 48213}}}),
			rec(store.Received{MessageID: "ooo-1@analytical.test", UID: 2, Subject: "Out of office: Hello Ada",
				Date: day(24, 9), Kind: store.ReceivedAutoReply, ReplyTo: w.Sent.ID,
				AutoReplyUntil: day(30, 0), Text: "I am away until Monday 30 November."}),
			rec(store.Received{MessageID: "own-1@analytical.test", UID: 3, Subject: "Question \x1b[2Jabout the API",
				Date: day(26, 8), Text: "Do you have a sandbox?\x1b]0;PWNED\x07", Truncated: true}),
			{MessageID: "phone-1@acme.test", UID: 4, Direction: store.ReceivedOut, Kind: store.ReceivedOrdinary,
				From: "Sam Seller <sam@acme.test>", FromAddr: "sam@acme.test", To: []string{"ada@analytical.test"},
				Subject: "Sandbox access", Date: day(26, 9), Text: "Here is the link.", UserID: w.User.ID,
				ContactIDs: ada, Folder: "INBOX", UIDValidity: 1},
			{MessageID: "dsn-1@mx.analytical.test", UID: 5, Direction: store.ReceivedIn, Kind: store.ReceivedBounce,
				From: "Mail Delivery System <mailer-daemon@mx.analytical.test>", FromAddr: "mailer-daemon@mx.analytical.test",
				Subject: "Undelivered Mail Returned to Sender", Date: bouncedAt.Add(2 * time.Minute), ReplyTo: bounced.ID,
				Text: "550 5.1.1 <ada@analytical.test>: User unknown", UserID: w.User.ID, ContactIDs: ada,
				Folder: "INBOX", UIDValidity: 1},
		},
		Bounces: []store.SyncBounce{{MessageID: bounced.ID, Status: "5.1.1", Diagnostic: "User unknown",
			Recipient: "ada@analytical.test", Permanent: true, At: bouncedAt.Add(2 * time.Minute),
			ReceivedMessageID: "dsn-1@mx.analytical.test"}},
	}
	if _, err := w.DB.RecordSync(ctx, w.User.ID, batch); err != nil {
		t.Fatal(err)
	}
	get := func(mid string) store.Received {
		var id int64
		if err := w.raw.QueryRowContext(ctx, `SELECT id FROM received WHERE message_id = ?`, mid).Scan(&id); err != nil {
			t.Fatal(err)
		}
		x, err := w.DB.GetReceived(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	s.Reply, s.OutOfOffice, s.Received = get("reply-1@analytical.test"), get("ooo-1@analytical.test"), get("own-1@analytical.test")
	s.Elsewhere, s.Bounce = get("phone-1@acme.test"), get("dsn-1@mx.analytical.test")
	return s
}
