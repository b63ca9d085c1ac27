package store

import (
	"errors"
	"reflect"
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

// TestOpportunityTask: a task on a deal is about its primary contact (or
// another of its contacts), carries the deal's id and name when listed,
// and it and its changes are in the deal's timeline and the contact's. A
// contact not on the deal, or a deal given to AddTask, is refused and
// writes nothing.
func TestOpportunityTask(t *testing.T) {
	w := newOppWorld(t)
	ctx := t.Context()
	o := w.opp(t, "Fleet renewal", eur(12000), "proposal", w.c1.ID, w.c2.ID)
	due := w.clock.Now().Add(48 * time.Hour)
	before := snapshot(t, w.db)
	for _, tc := range []struct {
		name string
		add  func() error
		want error
	}{
		{"a contact not on the deal", func() error {
			return w.db.AddOpportunityTask(ctx, &Task{OpportunityID: o.ID, ContactID: w.c3.ID, Title: "x", DueAt: due}, w.ann.ID)
		}, ErrInvalid},
		{"no title", func() error {
			return w.db.AddOpportunityTask(ctx, &Task{OpportunityID: o.ID, Title: " ", DueAt: due}, w.ann.ID)
		}, ErrInvalid},
		{"unknown deal", func() error {
			return w.db.AddOpportunityTask(ctx, &Task{OpportunityID: 9999, Title: "x", DueAt: due}, w.ann.ID)
		}, ErrNotFound},
		{"no deal", func() error {
			return w.db.AddOpportunityTask(ctx, &Task{ContactID: w.c1.ID, Title: "x", DueAt: due}, w.ann.ID)
		}, ErrInvalid},
		{"a deal given to AddTask", func() error {
			return w.db.AddTask(ctx, &Task{OpportunityID: o.ID, ContactID: w.c1.ID, Title: "x", DueAt: due}, w.ann.ID)
		}, ErrInvalid},
	} {
		if err := tc.add(); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	if snapshot(t, w.db) != before {
		t.Error("refused tasks wrote")
	}
	tk := Task{OpportunityID: o.ID, Title: "send the new quote", DueAt: due}
	if err := w.db.AddOpportunityTask(ctx, &tk, w.ann.ID); err != nil {
		t.Fatal(err)
	}
	if tk.ContactID != w.c1.ID || tk.OpportunityName != "Fleet renewal" || tk.OwnerID != w.ann.ID {
		t.Errorf("task = %+v, want on the primary contact of Fleet renewal", tk)
	}
	dan := Task{OpportunityID: o.ID, ContactID: w.c2.ID, Title: "ask Dan for the budget", DueAt: due.Add(time.Hour)}
	if err := w.db.AddOpportunityTask(ctx, &dan, w.ann.ID); err != nil {
		t.Fatal(err)
	}
	p, err := w.db.ListTasks(ctx, TaskQuery{OwnerID: w.ann.ID})
	if err != nil || len(p.Tasks) != 2 || p.Tasks[0].OpportunityID != o.ID || p.Tasks[0].OpportunityName != "Fleet renewal" ||
		p.Tasks[1].ContactID != w.c2.ID {
		t.Fatalf("ListTasks = %+v, %v", p.Tasks, err)
	}
	if _, err := w.db.CompleteTask(ctx, tk.ID, w.ann.ID); err != nil {
		t.Fatal(err)
	}
	deal, err := w.db.OpportunityTimeline(ctx, o.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range deal {
		if e.Kind == EventTask {
			actions = append(actions, e.Data["action"]+" "+e.Data["title"])
		}
	}
	if want := []string{"done send the new quote", "added ask Dan for the budget", "added send the new quote"}; !reflect.DeepEqual(actions, want) {
		t.Errorf("the deal's task events = %q, want %q", actions, want)
	}
	for _, c := range []struct {
		id    int64
		title string
	}{{w.c1.ID, "send the new quote"}, {w.c2.ID, "ask Dan for the budget"}} {
		es, _ := w.db.Timeline(ctx, c.id, 0)
		found := false
		for _, e := range es {
			found = found || (e.Kind == EventTask && e.Data["title"] == c.title && e.OpportunityID == o.ID)
		}
		if !found {
			t.Errorf("contact %d's timeline lacks the task %q on the deal", c.id, c.title)
		}
	}
}

// The "remind me if no reply" task of a send from a deal is on the deal,
// as the send is: listed with its name and in the deal's timeline.
func TestFollowUpOfADealSendIsOnTheDeal(t *testing.T) {
	w := newOppWorld(t)
	ctx := t.Context()
	o := w.opp(t, "Acme renewal", eur(12000), "proposal", w.c1.ID)
	m := Message{ContactID: w.c1.ID, UserID: w.ann.ID, MessageID: "<remind-opp@example.com>", Subject: "Acme renewal",
		From: "ann@example.com", Recipients: []string{"carla@acme.test"}, Raw: []byte("x"), OpportunityID: o.ID}
	tk := Task{Title: "No reply to Acme renewal", DueAt: w.clock.Now().Add(72 * time.Hour)}
	if err := w.db.EnqueueMessageWithTask(ctx, &m, &tk); err != nil {
		t.Fatal(err)
	}
	if tk.OpportunityID != o.ID || tk.OpportunityName != "Acme renewal" || tk.MessageID != m.ID {
		t.Errorf("follow-up = %+v, want on the deal and the send", tk)
	}
	deal, err := w.db.OpportunityTimeline(ctx, o.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range deal {
		found = found || (e.Kind == EventTask && e.Data["title"] == tk.Title)
	}
	if !found {
		t.Errorf("the deal's timeline lacks the follow-up: %+v", deal)
	}
}
