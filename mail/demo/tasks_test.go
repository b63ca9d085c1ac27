package demo

import (
	"strconv"
	"testing"

	"github.com/leadmail/leadmail/store"
)

// The demo opens on a working day: the Sender has a follow-up overdue, one
// due today and two upcoming, on their own people; a colleague has one.
func TestDemoSeedsTasks(t *testing.T) {
	db, _ := sharedDemo(t)
	ctx := t.Context()
	me, err := db.UserByEmail(ctx, testSender.Email)
	if err != nil {
		t.Fatal(err)
	}
	want := map[store.TaskDue]int{store.TasksOverdue: 1, store.TasksToday: 1, store.TasksUpcoming: 2}
	for due, n := range want {
		page, err := db.ListTasks(ctx, store.TaskQuery{OwnerID: me.ID, Due: due})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Tasks) != n {
			t.Errorf("due %v: %d tasks, want %d: %+v", due, len(page.Tasks), n, page.Tasks)
		}
		for _, tk := range page.Tasks {
			c, err := db.GetContact(ctx, tk.ContactID)
			if err != nil || c.OwnerID != me.ID || !tk.Open() {
				t.Errorf("task %q is on %+v (err %v), want an open task on one of the Sender's people", tk.Title, c, err)
			}
		}
	}
	if n, err := db.CountOverdue(ctx, me.ID); err != nil || n != 1 {
		t.Errorf("CountOverdue = %d, %v; want 1", n, err)
	}
}

// Seeded notes are notes the rep can open and edit, and a note that tells
// of a call is a logged call.
func TestDemoNotesAndCallsAreReal(t *testing.T) {
	db, _ := sharedDemo(t)
	ctx := t.Context()
	notes, calls := 0, 0
	for _, c := range allContacts(t, db) {
		tl, err := db.Timeline(ctx, c.ID, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range tl {
			switch e.Kind {
			case store.EventNote:
				id, err := strconv.ParseInt(e.Data["note_id"], 10, 64)
				if err != nil {
					t.Fatalf("%s: a note event without its note: %+v", c.Name(), e)
				}
				if n, err := db.GetNote(ctx, id); err != nil || n.ContactID != c.ID {
					t.Errorf("%s: note %d: %+v, %v", c.Name(), id, n, err)
				}
				notes++
			case store.EventCall:
				calls++
			}
		}
		cs, err := db.Calls(ctx, c.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, call := range cs {
			if call.Duration <= 0 || call.Note == "" || call.Outcome != store.CallConnected {
				t.Errorf("%s: call %+v", c.Name(), call)
			}
		}
	}
	if notes < 10 || calls < 10 {
		t.Errorf("%d notes and %d calls seeded, want at least 10 of each", notes, calls)
	}
}
