package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/leadmail/leadmail/store"
)

func outboxList(t *testing.T, e cliEnv, status string) []messageJSON {
	t.Helper()
	out, err := e.run(t, "outbox", "list", "--status", status, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Messages []messageJSON `json:"messages"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return res.Messages
}

// Offline, send queues and exits 0; the next `outbox run` delivers it once.
func TestSendOfflineThenOutboxRun(t *testing.T) {
	e := newCLIEnv(t)
	useTestSMTP(t)
	to, tmpl := firstEmail(t, e), firstSmartMail(t, e)
	queuedBefore := len(outboxList(t, e, "queued"))

	t.Setenv("LEADMAIL_SMTP_PORT", strconv.Itoa(closedPort(t)))
	out, err := e.run(t, "send", "--to", to, "--email", tmpl)
	if err != nil {
		t.Fatalf("offline send must exit 0, got %v", err)
	}
	if !strings.Contains(out, "Queued") || !strings.Contains(out, "outbox run") {
		t.Errorf("output does not say it is queued: %q", out)
	}
	queued := outboxList(t, e, "queued")
	if len(queued) != queuedBefore+1 {
		t.Fatalf("%d queued, want %d", len(queued), queuedBefore+1)
	}
	id := queued[0].ID

	t.Setenv("LEADMAIL_SMTP_PORT", strconv.Itoa(testSMTP.Port()))
	before := len(testSMTP.Messages())
	out, err = e.run(t, "outbox", "run")
	if err != nil {
		t.Fatalf("outbox run: %v\n%s", err, out)
	}
	if !strings.Contains(out, "sent 1 ") {
		t.Errorf("run output = %q", out)
	}
	if got := len(testSMTP.Messages()) - before; got != 1 {
		t.Fatalf("server received %d messages, want 1", got)
	}
	// A second run has nothing to do and sends nothing again.
	if _, err := e.run(t, "outbox", "run"); err != nil {
		t.Fatal(err)
	}
	if got := len(testSMTP.Messages()) - before; got != 1 {
		t.Fatalf("after a second run the server has %d new messages, want 1", got)
	}
	sent := outboxList(t, e, "sent")
	if len(sent) == 0 || sent[0].ID != id {
		t.Errorf("message %d is not the newest sent one: %+v", id, sent)
	}
}

func TestOutboxCancelRetryAndRefusals(t *testing.T) {
	e := newCLIEnv(t)
	useTestSMTP(t)
	out, err := e.run(t, "send", "--to", firstEmail(t, e), "--email", firstSmartMail(t, e), "--queue-only", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var res sendJSON
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Status != store.MessageQueued {
		t.Fatalf("--queue-only gave %s", res.Status)
	}
	id := strconv.FormatInt(res.ID, 10)
	if _, err := e.run(t, "outbox", "mark-sent", id); err == nil || !strings.Contains(err.Error(), "only an uncertain") {
		t.Errorf("mark-sent on a queued message: %v", err)
	}
	if _, err := e.run(t, "outbox", "cancel", id); err != nil {
		t.Fatal(err)
	}
	if _, err := e.run(t, "outbox", "cancel", id); err == nil || !strings.Contains(err.Error(), "too late to cancel") {
		t.Errorf("second cancel: %v", err)
	}
	before := len(testSMTP.Messages())
	if out, err := e.run(t, "outbox", "retry", id); err != nil || !strings.Contains(out, "sent") {
		t.Fatalf("retry: %v\n%s", err, out)
	}
	if got := len(testSMTP.Messages()) - before; got != 1 {
		t.Errorf("retry delivered %d messages, want 1", got)
	}
	for _, args := range [][]string{{"outbox", "retry", "abc"}, {"outbox", "cancel", "999999"}} {
		if _, err := e.run(t, args...); err == nil {
			t.Errorf("%v: want an error", args)
		}
	}
}

func TestSendAtPastQueuesNothing(t *testing.T) {
	e := newCLIEnv(t)
	useTestSMTP(t)
	before := len(outboxList(t, e, "scheduled"))
	_, err := e.run(t, "send", "--to", firstEmail(t, e), "--email", firstSmartMail(t, e), "--at", "2001-01-01 09:00")
	if err == nil || !strings.Contains(err.Error(), "in the past") {
		t.Fatalf("err = %v", err)
	}
	out, err := e.run(t, "send", "--to", firstEmail(t, e), "--email", firstSmartMail(t, e), "--at", "in 2h")
	if err != nil || !strings.Contains(out, "Scheduled for") || !strings.Contains(out, "(in 2 h)") {
		t.Fatalf("schedule: %v %q", err, out)
	}
	if got := len(outboxList(t, e, "scheduled")); got != before+1 {
		t.Errorf("%d scheduled, want %d", got, before+1)
	}
}

// The demo's headless run seeds the demo database on first use, delivers
// nothing that is not due, and says where delivered mail goes.
func TestDemoOutboxRun(t *testing.T) {
	e := newCLIEnv(t)
	out, err := e.run(t, "demo", "outbox", "run")
	if err != nil {
		t.Fatalf("demo outbox run: %v\n%s", err, out)
	}
	if !strings.Contains(out, "sent 0 ") || !strings.Contains(out, "demo-mailbox") {
		t.Errorf("output = %q", out)
	}
}
