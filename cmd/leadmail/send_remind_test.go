package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// openTasks lists the configured user's open tasks through the CLI.
func openTasks(t *testing.T, run func(...string) (string, error)) []taskJSON {
	t.Helper()
	out, err := run("tasks", "--json")
	if err != nil {
		t.Fatalf("tasks: %v\n%s", err, out)
	}
	var ts []taskJSON
	if err := json.Unmarshal([]byte(out), &ts); err != nil {
		t.Fatalf("tasks --json: %v\n%s", err, out)
	}
	return ts
}

func TestSendRemindEchoedAndInJSON(t *testing.T) {
	e := newCLIEnv(t)
	useTestSMTP(t)
	run := func(args ...string) (string, error) { return e.run(t, args...) }
	to, tmpl := firstEmail(t, e), firstSmartMail(t, e)
	before := len(openTasks(t, run))
	start := time.Now()
	out, err := run("send", "--to", to, "--email", tmpl, "--remind", "3d", "--json")
	if err != nil {
		t.Fatalf("send: %v\n%s", err, out)
	}
	var res sendJSON
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Reminder == nil || res.Reminder.TaskID == 0 || res.Reminder.Title != "Follow up: "+res.Subject {
		t.Fatalf("reminder in --json = %+v", res.Reminder)
	}
	// Three days after it leaves, to the minute.
	if lo, hi := start.AddDate(0, 0, 3).Add(-time.Minute), time.Now().AddDate(0, 0, 3).Add(time.Minute); res.Reminder.Due.Before(lo) || res.Reminder.Due.After(hi) {
		t.Errorf("due %s, want about three days from now", res.Reminder.Due)
	}
	ts := openTasks(t, run)
	if len(ts) != before+1 {
		t.Fatalf("%d open tasks, want %d", len(ts), before+1)
	}
	var found bool
	for _, tk := range ts {
		found = found || (tk.ID == res.Reminder.TaskID && tk.Email == to && tk.DueAt.Equal(res.Reminder.Due))
	}
	if !found {
		t.Errorf("tasks --json has no task %d for %s: %+v", res.Reminder.TaskID, to, ts)
	}

	// In words: the send's line, then the reminder's.
	out, err = run("send", "--to", to, "--email", tmpl, "--remind", "7", "--queue-only")
	if err != nil {
		t.Fatalf("send: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "Queued #") || !strings.HasPrefix(lines[1], "Reminder #") ||
		!strings.Contains(lines[1], "done by itself if they reply") || !strings.Contains(lines[1], "(in 7 days)") {
		t.Errorf("output:\n%s", out)
	}
	// Without --remind nothing more than before.
	out, err = run("send", "--to", to, "--email", tmpl, "--queue-only", "--json")
	if err != nil || strings.Contains(out, "reminder") {
		t.Errorf("a send without --remind: %v\n%s", err, out)
	}
}

// --remind nonsense is refused with a sentence before anything is written.
func TestSendRemindRefusesNonsense(t *testing.T) {
	e := newCLIEnv(t)
	useTestSMTP(t)
	run := func(args ...string) (string, error) { return e.run(t, args...) }
	to, tmpl := firstEmail(t, e), firstSmartMail(t, e)
	tasks := len(openTasks(t, run))
	msgs := len(outboxList(t, e, "queued")) + len(outboxList(t, e, "sent"))
	for in, want := range map[string]string{
		"soon": `cannot read "soon" as a number of days`,
		"1.5":  "cannot read",
		"-2":   "cannot read",
		"400":  "1 to 365 days after the send, not 400",
		"":     "cannot read",
	} {
		_, err := run("send", "--to", to, "--email", tmpl, "--remind", in)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "--remind: ") ||
			!strings.HasSuffix(err.Error(), "nothing queued") {
			t.Errorf("--remind %q: err = %v, want it to say %q", in, err, want)
		}
	}
	if n := len(openTasks(t, run)); n != tasks {
		t.Errorf("refused sends added tasks: %d, was %d", n, tasks)
	}
	if n := len(outboxList(t, e, "queued")) + len(outboxList(t, e, "sent")); n != msgs {
		t.Errorf("refused sends queued messages: %d, was %d", n, msgs)
	}
}

// `leadmail demo send --remind` works as on real data, in the demo's own
// database, and `leadmail demo tasks` shows the reminder.
func TestDemoSendRemind(t *testing.T) {
	demoEnv(t)
	run := func(args ...string) (string, error) {
		cmd := newRootCmd()
		var out, errOut bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&errOut)
		cmd.SetArgs(append([]string{"demo"}, args...))
		err := cmd.ExecuteContext(context.Background())
		return out.String(), err
	}
	// Jürgen Müller of the demo, and its first Smart Mail.
	out, err := run("send", "--to", "j.mueller@mueller-soehne.example", "--email", "Checking in", "--remind", "3", "--json")
	if err != nil {
		t.Fatalf("demo send: %v\n%s", err, out)
	}
	var res sendJSON
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Reminder == nil {
		t.Fatalf("demo send --json: %v\n%s", err, out)
	}
	var found bool
	for _, tk := range openTasks(t, run) {
		found = found || tk.ID == res.Reminder.TaskID
	}
	if !found {
		t.Errorf("demo tasks does not list reminder %d", res.Reminder.TaskID)
	}
}

// ui.remind_days is read from the environment like every key, and a value
// out of range is refused with the key's name.
func TestConfigRemindDays(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // no config file
	t.Setenv("LEADMAIL_UI_REMIND_DAYS", "7")
	cfg, _, err := loadConfig("")
	if err != nil || cfg.UI.RemindDays != 7 {
		t.Fatalf("ui.remind_days from the environment = %d, %v", cfg.UI.RemindDays, err)
	}
	if DefaultConfig().UI.RemindDays != 0 {
		t.Error("the reminder is on by default")
	}
	for _, days := range []int{-1, 366} {
		c := DefaultConfig()
		c.UI.RemindDays = days
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "ui.remind_days") {
			t.Errorf("ui.remind_days %d: %v", days, err)
		}
	}
}
