package store

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"
)

// remindMessage is a message ready to queue, as queue builds them.
func remindMessage(user, contact int64) Message {
	n := msgSeq.Add(1)
	return Message{ContactID: contact, UserID: user,
		MessageID: fmt.Sprintf("<remind-%d@test.example>", n), Subject: "Pricing",
		From: "u@example.com", Recipients: []string{"ada@example.com"},
		Raw: fmt.Appendf(nil, "Subject: Pricing %d\r\n\r\nbody\r\n", n)}
}

func TestEnqueueWithTaskWritesBoth(t *testing.T) {
	db, clock, u, c, _ := fixture(t)
	ctx := t.Context()
	due := clock.Now().Add(72 * time.Hour)
	m := remindMessage(u.ID, c.ID)
	// The runner of a TUI session: the message waits out its undo window
	// held for it, as Enqueue would hold it.
	r := db.Runner("session-1", nil)
	m.SendAt = clock.Now().Add(10 * time.Second)
	m.Status = MessageQueued
	task := Task{Title: "  Follow up: Pricing  ", DueAt: due}
	if err := r.EnqueueWithTask(ctx, &m, &task); err != nil {
		t.Fatal(err)
	}
	if m.ID == 0 || task.ID == 0 {
		t.Fatalf("ids: message %d, task %d", m.ID, task.ID)
	}
	got, err := db.GetTask(ctx, task.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.MessageID != m.ID || got.ContactID != c.ID || got.OwnerID != u.ID || got.CreatedBy != u.ID ||
		got.Title != "Follow up: Pricing" || !got.DueAt.Equal(due) || !got.Open() {
		t.Errorf("task = %+v", got)
	}
	if !reflect.DeepEqual(task, got) {
		t.Errorf("returned task %+v, stored %+v", task, got)
	}
	var hold string
	if err := db.sql.QueryRowContext(ctx, `SELECT coalesce(hold_session, '') FROM messages WHERE id = ?`, m.ID).Scan(&hold); err != nil || hold != "session-1" {
		t.Errorf("hold_session = %q, %v: held for the undo window like Enqueue", hold, err)
	}
	es, err := db.Timeline(ctx, c.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var queued, added bool
	for _, e := range es {
		queued = queued || (e.Kind == EventEmailQueued && e.MessageID == m.ID)
		added = added || (e.Kind == EventTask && e.Data["action"] == "added" && e.Data["task_id"] == idString(task.ID) &&
			e.Detail == "due "+due.Local().Format("Mon 2 Jan 2006 15:04")+", unless they reply")
	}
	if !queued || !added {
		t.Errorf("timeline has queued %v, task added %v: %+v", queued, added, es)
	}
	f, ok, err := db.FollowUpOf(ctx, m.ID)
	if err != nil || !ok || f.ID != task.ID {
		t.Errorf("FollowUpOf = %+v, %v, %v", f, ok, err)
	}

	// Without a task it is plain Enqueue.
	plain := remindMessage(u.ID, c.ID)
	if err := db.EnqueueMessageWithTask(ctx, &plain, nil); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := db.FollowUpOf(ctx, plain.ID); ok || err != nil {
		t.Errorf("a send without a reminder has one: %v, %v", ok, err)
	}
}

// TestEnqueueWithTaskRefusalWritesNothing: whichever half is refused,
// before the transaction or inside it, neither the message nor the task
// nor an event is written.
func TestEnqueueWithTaskRefusalWritesNothing(t *testing.T) {
	db, clock, u, c, _ := fixture(t)
	ctx := t.Context()
	due := clock.Now().Add(72 * time.Hour)
	taken := remindMessage(u.ID, c.ID)
	if err := db.EnqueueMessage(ctx, &taken); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(*Message, *Task)
		want error
	}{
		{"no title", func(_ *Message, k *Task) { k.Title = " " }, ErrInvalid},
		{"no due time", func(_ *Message, k *Task) { k.DueAt = time.Time{} }, ErrInvalid},
		{"control character in the title", func(_ *Message, k *Task) { k.Title = "Follow up\x1b[2J" }, ErrInvalid},
		// Refused inside the transaction, after the message row was
		// written: the rollback takes it back.
		{"owner who is not a user", func(_ *Message, k *Task) { k.OwnerID = 9999 }, ErrInvalid},
		{"message without recipients", func(m *Message, _ *Task) { m.Recipients = nil }, ErrInvalid},
		{"Message-ID already used", func(m *Message, _ *Task) { m.MessageID = taken.MessageID }, ErrConflict},
		{"unknown contact", func(m *Message, _ *Task) { m.ContactID = 9999 }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := dumpTables(t, db, "messages", "tasks", "events")
			m := remindMessage(u.ID, c.ID)
			task := Task{Title: "Follow up: Pricing", DueAt: due}
			tc.edit(&m, &task)
			keep := task
			err := db.EnqueueMessageWithTask(ctx, &m, &task)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if after := dumpTables(t, db, "messages", "tasks", "events"); !reflect.DeepEqual(before, after) {
				t.Errorf("a refused send with a reminder changed the database:\nbefore %v\nafter  %v", before, after)
			}
			if task != keep {
				t.Errorf("the caller's task changed on a refusal: %+v", task)
			}
		})
	}
}

// TestFollowUpClosedByReplyEndToEnd: queued with a reminder, sent, then
// Mail Sync records a reply to it: the reminder is done by "reply".
func TestFollowUpClosedByReplyEndToEnd(t *testing.T) {
	db, clock, u, c, _ := fixture(t)
	ctx := t.Context()
	m := remindMessage(u.ID, c.ID)
	task := Task{Title: "Follow up: Pricing", DueAt: clock.Now().Add(72 * time.Hour)}
	if err := db.EnqueueMessageWithTask(ctx, &m, &task); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkSent(ctx, mustClaim(t, db, m.ID).ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.CountOverdue(ctx, u.ID); n != 0 {
		t.Fatalf("overdue before its time = %d", n)
	}
	clock.Advance(2 * time.Hour)
	if _, err := db.RecordSync(ctx, u.ID, SyncBatch{Received: []Received{
		{MessageID: "re-pricing@ada", Direction: ReceivedIn, FromAddr: "ada@example.com", Subject: "Re: Pricing",
			Date: clock.Now(), InReplyTo: m.MessageID, ReplyTo: m.ID, ContactIDs: []int64{c.ID}},
	}}); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetTask(ctx, task.ID)
	if err != nil || got.Open() || got.DoneBy != "reply" {
		t.Fatalf("reminder after the reply = %+v, %v", got, err)
	}
	if _, ok, _ := db.FollowUpOf(ctx, m.ID); ok {
		t.Error("FollowUpOf still finds the closed reminder")
	}
	clock.Advance(96 * time.Hour)
	if n, _ := db.CountOverdue(ctx, u.ID); n != 0 {
		t.Errorf("a reminder answered by a reply still counts as overdue: %d", n)
	}
}

// TestCancelDropsFollowUp: the undo of a send takes its open reminder with
// it, in the cancel's transaction, and says so in the timeline; a refused
// cancel leaves the reminder.
func TestCancelDropsFollowUp(t *testing.T) {
	db, clock, u, c, _ := fixture(t)
	ctx := t.Context()
	m := remindMessage(u.ID, c.ID)
	m.SendAt = clock.Now().Add(time.Hour)
	task := Task{Title: "Follow up: Pricing", DueAt: clock.Now().Add(72 * time.Hour)}
	if err := db.EnqueueMessageWithTask(ctx, &m, &task); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CancelMessage(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.GetTask(ctx, task.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("the reminder of a cancelled send is still there: %v", err)
	}
	es, _ := db.Timeline(ctx, c.ID, 1)
	if len(es) != 1 || es[0].Kind != EventTask || es[0].Data["action"] != "removed" || es[0].Detail != detailFollowUpDropped {
		t.Errorf("latest event = %+v", es)
	}

	// A send already gone cannot be cancelled: its reminder stays.
	sent := remindMessage(u.ID, c.ID)
	kept := Task{Title: "Follow up: Pricing", DueAt: clock.Now().Add(72 * time.Hour)}
	if err := db.EnqueueMessageWithTask(ctx, &sent, &kept); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkSent(ctx, mustClaim(t, db, sent.ID).ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	before := dumpTables(t, db, "messages", "tasks", "events")
	if _, err := db.CancelMessage(ctx, sent.ID); !errors.Is(err, ErrConflict) {
		t.Fatalf("cancel of a sent message: %v", err)
	}
	if after := dumpTables(t, db, "messages", "tasks", "events"); !reflect.DeepEqual(before, after) {
		t.Errorf("a refused cancel changed the database:\nbefore %v\nafter  %v", before, after)
	}
}
