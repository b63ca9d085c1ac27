package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// `leadmail send --email` takes a unique start of a template's name or its
// id; a start shared by several names them all and queues nothing.
func TestTrust23SendEmailByPrefixOrID(t *testing.T) {
	e := newCLIEnv(t)
	useTestSMTP(t)
	to := firstEmail(t, e)
	out, err := e.run(t, "emails", "--smart", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var es []emailJSON
	if err := json.Unmarshal([]byte(out), &es); err != nil {
		t.Fatal(err)
	}
	var checkingIn int64
	for _, em := range es {
		if strings.HasPrefix(em.Name, "Checking in") {
			checkingIn = em.ID
		}
	}
	for _, ref := range []string{"Checking in", "checking", strconv.FormatInt(checkingIn, 10)} {
		out, err := e.run(t, "send", "--to", to, "--email", ref, "--dry-run")
		if err != nil || !strings.Contains(out, "Subject: Quick hello from Sam Rivera") {
			t.Errorf("--email %q: %v\n%s", ref, err, out)
		}
	}
	before := len(outboxList(t, e, "queued")) + len(outboxList(t, e, "sent"))
	for ref, want := range map[string]string{
		"Re":        `"Re" could be any of`,
		"Nothing":   `no email is named "Nothing" or starts so`,
		"987654321": `no email is named "987654321"`,
	} {
		_, err := e.run(t, "send", "--to", to, "--email", ref)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("--email %q: err = %v, want %q", ref, err, want)
		}
	}
	if after := len(outboxList(t, e, "queued")) + len(outboxList(t, e, "sent")); after != before {
		t.Errorf("a refused send queued something: %d messages, was %d", after, before)
	}
}

// The demo's twins refuse to run when LEADMAIL_* variables would send the
// demo's mail to another server.
func TestTrust23DemoTwinKeepsMailLocal(t *testing.T) {
	e := newCLIEnv(t)
	t.Setenv("LEADMAIL_SMTP_HOST", "smtp.example.com")
	_, err := e.run(t, "demo", "emails")
	if err == nil || !strings.Contains(err.Error(), "LEADMAIL_SMTP_HOST is set") {
		t.Fatalf("err = %v", err)
	}
}
