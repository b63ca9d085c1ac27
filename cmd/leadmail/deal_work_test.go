package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/leadmail/leadmail/store"
)

// dealWork adds the deal "Loom upgrade" on Ada (primary) and Bob.
func dealWork(t *testing.T) (cliEnv, opportunityJSON, string) {
	t.Helper()
	e := oppEnv(t)
	o := runJSON[opportunityJSON](t, e, "opportunities", "add", "--name", "Loom upgrade", "--value", "12000",
		"--currency", "EUR", "--contact", "ada@example.com", "--contact", "bob@example.com", "--json")
	return e, o, strconv.FormatInt(o.ID, 10)
}

// TestNotesAndTasksOnADeal: notes add and tasks add take --opportunity ID;
// the note and the task are on the deal's primary contact (a task on
// another of its contacts when one is named), in the deal's timeline and
// the contact's, and tasks --json shows the deal.
func TestNotesAndTasksOnADeal(t *testing.T) {
	e, o, id := dealWork(t)
	n := runJSON[noteJSON](t, e, "notes", "add", "--opportunity", id, "--text", "Wants the *3-year* term.", "--json")
	if n.OpportunityID != o.ID || n.ContactID != o.PrimaryContactID || n.Text != "Wants the *3-year* term." {
		t.Errorf("note = %+v, want on the deal %d and its primary contact %d", n, o.ID, o.PrimaryContactID)
	}
	out, err := e.run(t, "notes", "add", "--opportunity", "#"+id, "--text", "Budget approved.")
	if err != nil || out != "Noted on the deal Loom upgrade and Ada Lovelace (note "+strconv.FormatInt(n.ID+1, 10)+").\n" {
		t.Errorf("notes add --opportunity = %q, %v", out, err)
	}
	tk := runJSON[taskJSON](t, e, "tasks", "add", "--opportunity", id, "--title", "send the quote", "--due", "in 2 days", "--json")
	if tk.OpportunityID != o.ID || tk.Opportunity != "Loom upgrade" || tk.Contact != "Ada Lovelace" {
		t.Errorf("task = %+v, want on the deal and Ada", tk)
	}
	out, err = e.run(t, "tasks", "add", "bob@example.com", "--opportunity", id, "--title", "ask Bob for the budget", "--due", "in 3 days")
	if err != nil || !strings.HasPrefix(out, "Task "+strconv.FormatInt(tk.ID+1, 10)+" on the deal Loom upgrade (Bob Stone): ask Bob for the budget, due ") {
		t.Errorf("tasks add bob --opportunity = %q, %v", out, err)
	}
	ts := runJSON[[]taskJSON](t, e, "tasks", "--json")
	if len(ts) != 2 || ts[0].OpportunityID != o.ID || ts[0].Opportunity != "Loom upgrade" || ts[1].Contact != "Bob Stone" {
		t.Errorf("tasks --json = %+v", ts)
	}
	if out, err := e.run(t, "tasks"); err != nil || !strings.Contains(out, "Ada Lovelace · deal Loom upgrade") {
		t.Errorf("tasks = %q, %v; want the deal named", out, err)
	}
	evs := runJSON[[]eventJSON](t, e, "timeline", "ada@example.com", "--json")
	var onAda []string
	for _, ev := range evs {
		if (ev.Kind == store.EventNote || ev.Kind == store.EventTask) && ev.Data["opportunity_id"] == id {
			onAda = append(onAda, string(ev.Kind)+" "+ev.Data["title"]+ev.Data["text"])
			if fmt.Sprint(ev.OpportunityID) != id || ev.Opportunity != "Loom upgrade" {
				t.Errorf("%s event names deal %d %q, want %s Loom upgrade", ev.Kind, ev.OpportunityID, ev.Opportunity, id)
			}
		}
	}
	if want := "task send the quote,note Budget approved.,note Wants the *3-year* term."; strings.Join(onAda, ",") != want {
		t.Errorf("Ada's timeline shows the deal's work as %q, want %q", onAda, want)
	}
	db, err := store.Open(t.Context(), e.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB(t, db)
	deal, err := db.OpportunityTimeline(t.Context(), o.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[store.EventKind]int{}
	for _, ev := range deal {
		kinds[ev.Kind]++
	}
	if kinds[store.EventNote] != 2 || kinds[store.EventTask] != 2 {
		t.Errorf("the deal's timeline has %v, want 2 notes and 2 tasks", kinds)
	}
}

// Every bad --opportunity, and a deal the user may not work, is a
// sentence and writes nothing.
func TestNotesAndTasksOnADealRefused(t *testing.T) {
	e, _, id := dealWork(t)
	if _, err := e.run(t, "contacts", "add", "--email", "cy@example.com", "--first-name", "Cy"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.run(t, "users", "add", "jr@brightwave.example", "--name", "Jo Junior", "--role", "jr_salesperson"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		as   string
		args []string
		want string
	}{
		{"", []string{"notes", "add", "--text", "x"}, "say what it is on: a contact's EMAIL or ID, or --opportunity ID"},
		{"", []string{"notes", "add", "ada@example.com", "--opportunity", id, "--text", "x"}, "not both"},
		{"", []string{"notes", "add", "--opportunity", "loom", "--text", "x"}, `"loom" is not an opportunity ID`},
		{"", []string{"notes", "add", "--opportunity", "999", "--text", "x"}, "there is no opportunity 999"},
		{"", []string{"notes", "add", "--opportunity", id, "--text", "  "}, "the note is empty"},
		{"", []string{"tasks", "add", "--title", "x", "--due", "tomorrow"}, "say what it is on"},
		{"", []string{"tasks", "add", "--opportunity", "999", "--title", "x", "--due", "tomorrow"}, "there is no opportunity 999"},
		{"", []string{"tasks", "add", "cy@example.com", "--opportunity", id, "--title", "x", "--due", "tomorrow"},
			"Cy is not one of the contacts of the opportunity Loom upgrade: add them to it first"},
		{"", []string{"tasks", "add", "--opportunity", id, "--title", " ", "--due", "tomorrow"}, "needs a title"},
		{"jr@brightwave.example", []string{"notes", "add", "--opportunity", id, "--text", "x"}, "is not yours"},
		{"jr@brightwave.example", []string{"tasks", "add", "--opportunity", id, "--title", "x", "--due", "tomorrow"}, "is not yours"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			if tc.as != "" {
				t.Setenv("LEADMAIL_USER_EMAIL", tc.as)
			}
			before := oppRows(t, e.db)
			_, err := e.run(t, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
			if tc.as != "" && !errors.Is(err, store.ErrDenied) {
				t.Errorf("err = %v, want a denial", err)
			}
			if after := oppRows(t, e.db); after != before {
				t.Errorf("a refusal changed the database:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}
