package store

import (
	"errors"
	"testing"
	"time"
)

func TestTasks(t *testing.T) {
	db, clock := openTest(t, nil)
	ctx := t.Context()
	rep := mustUser(t, db, "rep@example.com")
	other := mustUser(t, db, "other@example.com")
	c := mustContact(t, db, "Ada", "Lovelace", "ada@example.com")
	now := clock.Now()
	before := snapshot(t, db)
	for _, bad := range []Task{
		{ContactID: c.ID, Title: " ", DueAt: now},
		{ContactID: c.ID, Title: "x"},
		{ContactID: c.ID, Title: "x", DueAt: now, OwnerID: 999},
		{ContactID: c.ID, Title: "x", DueAt: now, MessageID: 999},
		{ContactID: c.ID, Title: "x\u202E", DueAt: now},
	} {
		if err := db.AddTask(ctx, &bad, rep.ID); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v, want ErrInvalid", bad, err)
		}
	}
	if snapshot(t, db) != before {
		t.Error("refused tasks wrote")
	}
	add := func(title string, due time.Time, owner int64) Task {
		t.Helper()
		tk := Task{ContactID: c.ID, Title: title, DueAt: due, OwnerID: owner}
		if err := db.AddTask(ctx, &tk, rep.ID); err != nil {
			t.Fatal(err)
		}
		return tk
	}
	late := add("late", now.Add(-48*time.Hour), 0)
	add("later today", now.Add(time.Hour), 0)
	add("tomorrow", now.Add(30*time.Hour), 0)
	add("someone else's", now.Add(-time.Hour), other.ID)
	for i := range 5 {
		add("upcoming", now.Add(time.Duration(48+i)*time.Hour), 0)
	}
	n, err := db.CountOverdue(ctx, rep.ID)
	if err != nil || n != 1 {
		t.Errorf("overdue = %d, %v", n, err)
	}
	q := TaskQuery{OwnerID: rep.ID, Loc: time.UTC}
	titles := func(due TaskDue) (out []string) {
		q.Due = due
		p, err := db.ListTasks(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range p.Tasks {
			out = append(out, tk.Title)
		}
		return out
	}
	if got := titles(TasksOverdue); len(got) != 1 || got[0] != "late" {
		t.Errorf("overdue = %q", got)
	}
	if got := titles(TasksToday); len(got) != 1 || got[0] != "later today" {
		t.Errorf("today = %q", got)
	}
	if got := titles(TasksUpcoming); len(got) != 6 {
		t.Errorf("upcoming = %q", got)
	}
	// Keyset pages of two cover the open tasks once each, soonest first.
	var seen []int64
	q = TaskQuery{OwnerID: rep.ID, Limit: 2}
	for {
		p, err := db.ListTasks(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range p.Tasks {
			seen = append(seen, tk.ID)
		}
		if p.Next == nil {
			break
		}
		q.After = p.Next
	}
	if len(seen) != 8 || seen[0] != late.ID {
		t.Errorf("paged = %v", seen)
	}
	if _, err := db.SnoozeTask(ctx, late.ID, rep.ID, now.Add(-time.Minute)); !errors.Is(err, ErrInvalid) {
		t.Errorf("snooze into the past: %v", err)
	}
	s, err := db.SnoozeTask(ctx, late.ID, rep.ID, now.Add(2*time.Hour))
	if err != nil || s.Snoozes != 1 || !s.DueAt.Equal(now.Add(2*time.Hour)) || !s.FirstDueAt.Equal(late.DueAt) {
		t.Errorf("snoozed = %+v, %v", s, err)
	}
	r, err := db.RescheduleTask(ctx, late.ID, rep.ID, now.Add(72*time.Hour))
	if err != nil || r.Reschedules != 1 {
		t.Errorf("rescheduled = %+v, %v", r, err)
	}
	d, err := db.CompleteTask(ctx, late.ID, rep.ID)
	if err != nil || d.Open() || d.DoneBy != "user" {
		t.Errorf("done = %+v, %v", d, err)
	}
	if _, err := db.CompleteTask(ctx, late.ID, rep.ID); !errors.Is(err, ErrInvalid) {
		t.Errorf("done twice: %v", err)
	}
	if n, _ := db.CountOverdue(ctx, rep.ID); n != 0 {
		t.Errorf("overdue after done = %d", n)
	}
	es, _ := db.Timeline(ctx, c.ID, 4)
	if es[0].Kind != EventTask || es[0].Data["action"] != "done" || es[1].Data["action"] != "rescheduled" || es[2].Data["action"] != "snoozed" {
		t.Errorf("task events = %+v", es[:3])
	}
}

func TestTaskClosedByReply(t *testing.T) {
	w := newSyncWorld(t)
	ctx := t.Context()
	tk := Task{ContactID: w.ada.ID, Title: "nudge Ada", DueAt: w.clock.Now().Add(72 * time.Hour), MessageID: w.send.ID}
	if err := w.db.AddTask(ctx, &tk, w.user.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.RecordSync(ctx, w.user.ID, SyncBatch{Received: []Received{
		{MessageID: "re@ada", Direction: ReceivedIn, FromAddr: "ada@example.com", Subject: "Re: hi",
			Date: w.clock.Now(), ReplyTo: w.send.ID, ContactIDs: []int64{w.ada.ID}},
	}}); err != nil {
		t.Fatal(err)
	}
	got, err := w.db.GetTask(ctx, tk.ID)
	if err != nil || got.Open() || got.DoneBy != "reply" {
		t.Fatalf("task after the reply = %+v, %v", got, err)
	}
	es, _ := w.db.Timeline(ctx, w.ada.ID, 0)
	found := false
	for _, e := range es {
		found = found || (e.Kind == EventTask && e.Data["by"] == "reply" && e.Data["task_id"] == idString(tk.ID))
	}
	if !found {
		t.Error("no task event says the reply closed it")
	}
}
