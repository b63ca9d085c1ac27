package outbox_test

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
)

// tasksOf lists every task of the contact, open or done.
func (e *env) tasksOf(t *testing.T, contactID int64) []store.Task {
	t.Helper()
	ts, err := e.db.TasksOf(t.Context(), contactID, 0)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func TestQuickSendWithReminder(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	svc := e.serviceWith(t, func(c *outbox.Config) { c.UndoSeconds = 10 })
	sent, err := svc.QuickSendWith(ctx, e.contact.ID, e.email.ID, outbox.SendOptions{RemindDays: 3})
	if err != nil {
		t.Fatal(err)
	}
	m, r := sent.Message, sent.Reminder
	if m.ID == 0 || r.ID == 0 || r.MessageID != m.ID {
		t.Fatalf("sent = message %d, reminder %+v", m.ID, r)
	}
	// The clock reads 09:30:00 UTC; the undo window makes it 09:30:10;
	// three days later to the minute.
	wantDue := time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)
	if !r.DueAt.Equal(wantDue) || r.OwnerID != e.sender.ID || r.ContactID != e.contact.ID ||
		r.Title != "Follow up: Hello Jürgen, a note for Müller & Söhne" {
		t.Errorf("reminder = %+v, want due %s", r, wantDue)
	}
	ts := e.tasksOf(t, e.contact.ID)
	if len(ts) != 1 || ts[0].ID != r.ID || !ts[0].Open() {
		t.Errorf("tasks of the contact = %+v", ts)
	}

	// Without the option: no task, as QuickSend always did.
	if _, err := svc.QuickSend(ctx, e.contact.ID, e.email.ID); err != nil {
		t.Fatal(err)
	}
	if n := len(e.tasksOf(t, e.contact.ID)); n != 1 {
		t.Errorf("QuickSend without a reminder added a task: %d tasks", n)
	}
}

func TestScheduleAndSendDraftWithReminder(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	at := time.Date(2026, 11, 30, 14, 45, 30, 0, time.UTC)
	sent, err := e.svc.ScheduleWith(ctx, e.contact.ID, e.email.ID, at, outbox.SendOptions{RemindDays: 7})
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 7, 14, 45, 0, 0, time.UTC); !sent.Reminder.DueAt.Equal(want) {
		t.Errorf("a scheduled send's reminder is due %s, want %s (7 days after it leaves)", sent.Reminder.DueAt, want)
	}

	d, err := e.svc.NewDraft(ctx, e.contact.ID, e.email.ID)
	if err != nil {
		t.Fatal(err)
	}
	d.Subject = "Quick question"
	got, err := e.svc.SendDraftWith(ctx, d, outbox.SendOptions{RemindDays: 14})
	if err != nil {
		t.Fatal(err)
	}
	if got.Reminder.MessageID != got.Message.ID || got.Reminder.Title != "Follow up: Quick question" ||
		!got.Reminder.DueAt.Equal(time.Date(2026, 12, 10, 9, 30, 0, 0, time.UTC)) {
		t.Errorf("draft reminder = %+v", got.Reminder)
	}
	if n := len(e.tasksOf(t, e.contact.ID)); n != 2 {
		t.Errorf("%d tasks, want 2", n)
	}
}

// TestSendWithReminderRefusalsWriteNothing: a refused send writes neither
// message nor task, whether the reminder or the message is at fault.
func TestSendWithReminderRefusalsWriteNothing(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	noIndustry := store.Contact{Kind: store.KindLead, Status: store.StatusOpen, FirstName: "Bo", Email: "bo@example.com"}
	if err := e.db.CreateContact(ctx, &noIndustry); err != nil {
		t.Fatal(err)
	}
	down := e.service(t, errors.New("sending is not set up: set smtp.host"))
	d, err := e.svc.NewDraft(ctx, e.contact.ID, e.email.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		send   func() error
		wantIn string
	}{
		{"too many days", func() error {
			_, err := e.svc.QuickSendWith(ctx, e.contact.ID, e.email.ID, outbox.SendOptions{RemindDays: 400})
			return err
		}, "1 to 365 days"},
		{"negative days", func() error {
			_, err := e.svc.ScheduleWith(ctx, e.contact.ID, e.email.ID, e.now.Add(time.Hour), outbox.SendOptions{RemindDays: -1})
			return err
		}, "not -1"},
		{"missing variable", func() error {
			_, err := e.svc.QuickSendWith(ctx, noIndustry.ID, e.email.ID, outbox.SendOptions{RemindDays: 3})
			return err
		}, "custom.industry"},
		{"past schedule", func() error {
			_, err := e.svc.ScheduleWith(ctx, e.contact.ID, e.email.ID, e.now.Add(-time.Hour), outbox.SendOptions{RemindDays: 3})
			return err
		}, "in the past"},
		{"sending not set up", func() error {
			_, err := down.SendDraftWith(ctx, d, outbox.SendOptions{RemindDays: 3})
			return err
		}, "smtp.host"},
		{"draft reminder out of range", func() error {
			_, err := e.svc.SendDraftWith(ctx, d, outbox.SendOptions{RemindDays: 366})
			return err
		}, "1 to 365 days"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.send()
			if err == nil || !strings.Contains(err.Error(), tc.wantIn) {
				t.Fatalf("err = %v, want it to say %q", err, tc.wantIn)
			}
			var ref *outbox.RefusalError
			var miss *outbox.MissingVarsError
			if !errors.As(err, &ref) && !errors.As(err, &miss) {
				t.Errorf("err %T is not a sentence for the user", err)
			}
			if n := e.messageCount(t); n != 0 {
				t.Errorf("%d messages queued, want none", n)
			}
			if n := len(e.tasksOf(t, e.contact.ID)) + len(e.tasksOf(t, noIndustry.ID)); n != 0 {
				t.Errorf("%d tasks written, want none", n)
			}
		})
	}
}

// TestReminderClosedByReplyEndToEnd: Quick Send with a reminder, delivered
// to the SMTP server, then Mail Sync records the prospect's reply to that
// Message-ID: the reminder is done, by the reply.
func TestReminderClosedByReplyEndToEnd(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	sent, err := e.svc.QuickSendWith(ctx, e.contact.ID, e.email.ID, outbox.SendOptions{RemindDays: 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Deliver(ctx, sent.Message.ID); err != nil {
		t.Fatal(err)
	}
	if n := len(e.srv.Messages()); n != 1 {
		t.Fatalf("server got %d messages", n)
	}
	e.now = e.now.Add(20 * time.Second)
	ours, err := e.db.OurMessages(ctx, []string{sent.Message.MessageID})
	if err != nil || ours[sent.Message.MessageID].ID != sent.Message.ID {
		t.Fatalf("Mail Sync cannot find the send by its Message-ID: %v, %v", ours, err)
	}
	if _, err := e.db.RecordSync(ctx, e.sender.ID, store.SyncBatch{Received: []store.Received{{
		MessageID: "reply-1@example.com", Direction: store.ReceivedIn, FromAddr: e.contact.Email,
		Subject: "Re: " + sent.Message.Subject, Date: e.now, InReplyTo: sent.Message.MessageID,
		ReplyTo: ours[sent.Message.MessageID].ID, ContactIDs: []int64{e.contact.ID},
	}}}); err != nil {
		t.Fatal(err)
	}
	got, err := e.db.GetTask(ctx, sent.Reminder.ID)
	if err != nil || got.Open() || got.DoneBy != "reply" || !got.DoneAt.Equal(e.now) {
		t.Fatalf("reminder after the reply = %+v, %v", got, err)
	}
}

// TestUndoRemovesTheReminder: the undo of a Quick Send takes its reminder
// back with it.
func TestUndoRemovesTheReminder(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	svc := e.serviceWith(t, func(c *outbox.Config) { c.UndoSeconds = 10 })
	sent, err := svc.QuickSendWith(ctx, e.contact.ID, e.email.ID, outbox.SendOptions{RemindDays: 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Cancel(ctx, sent.Message.ID); err != nil {
		t.Fatal(err)
	}
	if ts := e.tasksOf(t, e.contact.ID); len(ts) != 0 {
		t.Errorf("the reminder of an undone send is still there: %+v", ts)
	}
}

func TestRemindDueKeepsTheWallClockAcrossDST(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no zone data:", err)
	}
	for _, tc := range []struct {
		name   string
		sendAt time.Time
		days   int
		want   time.Time
	}{
		// Summer time ends on Sunday 25 October 2026.
		{"autumn", time.Date(2026, 10, 23, 10, 15, 42, 0, berlin), 3, time.Date(2026, 10, 26, 10, 15, 0, 0, berlin)},
		// It starts on Sunday 29 March 2026.
		{"spring", time.Date(2026, 3, 27, 17, 5, 0, 0, berlin), 7, time.Date(2026, 4, 3, 17, 5, 0, 0, berlin)},
		{"month end", time.Date(2026, 1, 30, 9, 0, 0, 0, berlin), 3, time.Date(2026, 2, 2, 9, 0, 0, 0, berlin)},
		// Given in UTC, read on Berlin's wall clock.
		{"other zone", time.Date(2026, 10, 23, 8, 15, 0, 0, time.UTC), 3, time.Date(2026, 10, 26, 10, 15, 0, 0, berlin)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := outbox.RemindDue(tc.sendAt, tc.days, berlin)
			if !got.Equal(tc.want) || got.In(berlin).Format("15:04") != tc.want.Format("15:04") {
				t.Errorf("RemindDue = %s, want %s", got.In(berlin), tc.want)
			}
		})
	}
}

func TestFollowUpTitleNeverStopsASend(t *testing.T) {
	for _, tc := range []struct{ subject, want string }{
		{"Pricing", "Follow up: Pricing"},
		{"  two\tlines\r\nhere  ", "Follow up: two lines here"},
		{"evil\u202Egnp.exe\x1b[2J", "Follow up: evilgnp.exe [2J"},
		{"", "Follow up: (no subject)"},
	} {
		if got := outbox.FollowUpTitle(tc.subject); got != tc.want {
			t.Errorf("FollowUpTitle(%q) = %q, want %q", tc.subject, got, tc.want)
		}
	}
	long := outbox.FollowUpTitle(strings.Repeat("ü", 1000))
	if n := utf8.RuneCountInString(long); n != store.MaxFieldLen || !strings.HasSuffix(long, "…") {
		t.Errorf("a long subject gives a title of %d characters: %q", n, long)
	}
}

func TestParseRemind(t *testing.T) {
	for in, want := range map[string]int{"3": 3, "3d": 3, " 7 days ": 7, "1 day": 1, "2w": 14, "2 weeks": 14,
		"365": 365, "0": 0, "off": 0, "No": 0} {
		got, err := outbox.ParseRemind(in)
		if err != nil || got != want {
			t.Errorf("ParseRemind(%q) = %d, %v, want %d", in, got, err, want)
		}
	}
	for in, wantIn := range map[string]string{"": "cannot read", "soon": "cannot read", "3x": "cannot read",
		"-3": "cannot read", "3.5": "cannot read", "366": "1 to 365 days", "53w": "1 to 365 days",
		"99999999999999999999": "cannot read", "d": "cannot read"} {
		if _, err := outbox.ParseRemind(in); err == nil || !strings.Contains(err.Error(), wantIn) {
			t.Errorf("ParseRemind(%q) = %v, want it to say %q", in, err, wantIn)
		}
	}
	if outbox.RemindPhrase(3) != "remind me in 3 days if no reply" || outbox.RemindPhrase(1) != "remind me in 1 day if no reply" ||
		outbox.RemindPhrase(0) != "" {
		t.Error("RemindPhrase")
	}
}
