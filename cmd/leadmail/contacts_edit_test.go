package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/leadmail/leadmail/store"
)

// workEnv is an empty database with the demo's sender configured as the
// user, and one lead, Ada.
func workEnv(t *testing.T) cliEnv {
	t.Helper()
	e := emptyEnv(t)
	configureSender(t)
	db, err := store.Open(t.Context(), e.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	closeDB(t, db)
	if _, err := e.run(t, "contacts", "add", "--email", "ada@example.com", "--first-name", "Ada",
		"--last-name", "Lovelace", "--company", "Engines", "--custom", "industry=looms"); err != nil {
		t.Fatal(err)
	}
	return e
}

// dbRows renders every row of the tables these commands write, to prove a
// refusal wrote nothing.
func dbRows(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	var b strings.Builder
	for _, tb := range []string{"contacts", "events", "notes", "calls", "tasks", "users"} {
		func() {
			rows, err := db.QueryContext(t.Context(), `SELECT * FROM `+tb+` ORDER BY 1`)
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				if err := rows.Close(); err != nil {
					t.Fatal(err)
				}
			}()
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&b, "%s %v\n", tb, vals)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
		}()
	}
	return b.String()
}

func TestWorkTheLeadRefusals(t *testing.T) {
	e := workEnv(t)
	if _, err := e.run(t, "tasks", "add", "ada@example.com", "--title", "call", "--due", "tomorrow 9:00"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"contacts", "add", "--email", "Ada <x@example.com>", "--first-name", "X"}, "is not an email address"},
		{[]string{"contacts", "add", "--email", "ADA@example.com", "--first-name", "X"}, "already the email of the lead Ada Lovelace"},
		{[]string{"contacts", "add", "--first-name", strings.Repeat("x", 100<<10)}, "characters long"},
		{[]string{"contacts", "add", "--first-name", "a\u202Eb"}, "right-to-left"},
		{[]string{"contacts", "add", "--first-name", "X", "--kind", "prospect"}, "must be lead or contact"},
		{[]string{"contacts", "add", "--first-name", "X", "--owner", "nobody@example.com"}, "not a user"},
		{[]string{"contacts", "add", "--first-name", "X", "--custom", "novalue"}, "key=value"},
		{[]string{"contacts", "edit", "ada@example.com", "--status", "contact"}, "qualify the lead"},
		{[]string{"contacts", "edit", "ada@example.com", "--status", "contact_with_opportunity"}, "set by opening an opportunity"},
		{[]string{"contacts", "edit", "ada@example.com", "--first-name", "Augusta", "--email", "bad"}, "not an email address"},
		{[]string{"contacts", "edit", "ada@example.com", "--remove-custom", "nope"}, "no custom field"},
		{[]string{"contacts", "edit", "nobody@example.com", "--first-name", "X"}, "no contact or lead has the email"},
		{[]string{"contacts", "archive", "999"}, "no contact or lead has the ID 999"},
		{[]string{"contacts", "forget", "ada@example.com"}, "nothing was erased"},
		{[]string{"notes", "add", "ada@example.com"}, "--text or --file"},
		{[]string{"notes", "add", "ada@example.com", "--text", "  "}, "the note is empty"},
		{[]string{"notes", "add", "ada@example.com", "--file", t.TempDir()}, "folder"},
		{[]string{"calls", "add", "ada@example.com", "--outcome", "busy"}, "must be connected, voicemail or no-answer"},
		{[]string{"calls", "add", "ada@example.com", "--outcome", "connected", "--minutes", "-3"}, "between 0"},
		{[]string{"tasks", "add", "ada@example.com", "--title", "x", "--due", "yesterday"}, "--due"},
		{[]string{"tasks", "add", "ada@example.com", "--title", " ", "--due", "tomorrow"}, "needs a title"},
		{[]string{"tasks", "done", "x"}, "not a task ID"},
		{[]string{"tasks", "done", "999"}, "there is no task 999"},
		{[]string{"tasks", "snooze", "1", "--until", "nonsense"}, "--until"},
	} {
		t.Run(strings.Join(tc.args[:2], " ")+" "+tc.want, func(t *testing.T) {
			before := dbRows(t, e.db)
			_, err := e.run(t, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "invalid input") || strings.Contains(err.Error(), "edit contact") {
				t.Errorf("not one sentence: %v", err)
			}
			if after := dbRows(t, e.db); after != before {
				t.Errorf("a refusal wrote:\n%s", after)
			}
		})
	}
}

func TestWorkTheLead(t *testing.T) {
	e := workEnv(t)
	steps := [][]string{
		{"contacts", "edit", "ada@example.com", "--status", "qualified"},
		{"contacts", "edit", "ada@example.com", "--email", "ada@engines.example", "--rename-custom", "industry=sector", "--city", "London"},
		{"notes", "add", "ada@engines.example", "--text", "Wants a *demo*."},
		{"calls", "add", "ada@engines.example", "--outcome", "no-answer", "--minutes", "0.5"},
		{"tasks", "add", "ada@engines.example", "--title", "call back", "--due", "in 3 days"},
		{"contacts", "archive", "ada@engines.example"},
		{"contacts", "unarchive", "ada@engines.example"},
	}
	for _, s := range steps {
		if out, err := e.run(t, s...); err != nil {
			t.Fatalf("%v: %v", s, err)
		} else if out == "" {
			t.Errorf("%v said nothing", s)
		}
	}
	out, err := e.run(t, "timeline", "ada@engines.example", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var evs []eventJSON
	if err := json.Unmarshal([]byte(out), &evs); err != nil {
		t.Fatal(err)
	}
	seen := map[string]map[string]string{}
	for _, ev := range evs {
		if _, ok := seen[string(ev.Kind)]; !ok {
			seen[string(ev.Kind)] = ev.Data
		}
	}
	for _, k := range []string{"status", "edited", "note", "call", "task"} {
		if seen[k] == nil {
			t.Errorf("timeline --json has no %s event with data: %s", k, out)
		}
	}
	if d := seen["status"]; d["old"] != "open" || d["new"] != "qualified" || d["by"] != demoSender.Name {
		t.Errorf("status data = %v", d)
	}
	if d := seen["call"]; d["outcome"] != "no_answer" || d["seconds"] != "30" {
		t.Errorf("call data = %v", d)
	}
	out, err = e.run(t, "tasks", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var ts []taskJSON
	if err := json.Unmarshal([]byte(out), &ts); err != nil || len(ts) != 1 || ts[0].Due != "upcoming" {
		t.Fatalf("tasks = %s, %v", out, err)
	}
	if err := run(t.Context(), []string{"tasks", "--due", "--db", e.db}, &strings.Builder{}, &strings.Builder{}); err != 1 {
		t.Errorf("tasks --due with nothing due: exit %d, want 1", err)
	}
	id := fmt.Sprint(ts[0].ID)
	if _, err := e.run(t, "tasks", "snooze", id, "--until", "in 4 days"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.run(t, "tasks", "done", id); err != nil {
		t.Fatal(err)
	}
	out, err = e.run(t, "contacts", "forget", "ada@engines.example", "--yes")
	if err != nil || !strings.Contains(out, "Forgot Ada Lovelace: removed 0 messages, 0 received messages, 1 note, 1 call, 1 task and") {
		t.Fatalf("forget: %q, %v", out, err)
	}
	if rows := dbRows(t, e.db); strings.Contains(rows, "Lovelace") || strings.Contains(rows, "demo*") {
		t.Errorf("forgotten data left:\n%s", rows)
	}
}
