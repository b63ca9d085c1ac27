package main

import (
	"strings"
	"testing"
)

// A bad --reply-to is the flag's fault: the error names the flag, not the
// template, and nothing is queued or sent.
func TestTrust05BadReplyToFlagBlamesTheFlag(t *testing.T) {
	e := newCLIEnv(t)
	useTestSMTP(t)
	to, tmpl := firstEmail(t, e), firstSmartMail(t, e)
	before := len(testSMTP.Messages())
	for _, args := range [][]string{
		{"send", "--to", to, "--email", tmpl, "--reply-to", "oops@"},
		{"send", "--to", to, "--email", tmpl, "--reply-to", "oops@", "--dry-run"},
	} {
		out, err := e.run(t, args...)
		const want = `--reply-to: "oops@" is not a valid email address (expected name@domain)`
		if err == nil || err.Error() != want {
			t.Errorf("%v: err = %v, want %s\n%s", args, err, want, out)
		}
		if strings.Contains(out, tmpl) {
			t.Errorf("%v: output blames the template %q:\n%s", args, tmpl, out)
		}
	}
	if got := len(testSMTP.Messages()); got != before {
		t.Errorf("server got %d messages, want none", got-before)
	}
	out, err := e.run(t, "outbox", "--json")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, to) {
		t.Errorf("something was queued:\n%s", out)
	}
}
