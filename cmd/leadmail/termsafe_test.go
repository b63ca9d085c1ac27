package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/leadmail/leadmail/store"
)

// hostile is a contact name that would retitle the terminal and clear it.
const hostile = "\x1b]0;PWNED\x07\x1b[2J"

// runMain runs leadmail as main does (escaping included) against the env's
// database and returns its standard output, standard error and exit code.
func (e cliEnv) runMain(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), append(args, "--db", e.db), &out, &errOut)
	return out.String(), errOut.String(), code
}

// assertNoControls fails when s holds a control other than \n and \t, or a
// CR that does not end a line.
func assertNoControls(t *testing.T, what, s string) {
	t.Helper()
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		if (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r <= 0x9f) {
			t.Fatalf("%s holds the raw control %U:\n%q", what, r, s)
		}
	}
}

func TestTrust10HostileContactNeverReachesTheTerminalRaw(t *testing.T) {
	e := newCLIEnv(t)
	db := openEnvDB(t, e)
	c := store.Contact{Kind: store.KindLead, Status: store.StatusOpen, FirstName: hostile,
		LastName: "Ng\u009b2J", Email: "evil@example.com", Company: "Tab\tCo\nLine"}
	// As an import brings it: a person typing it is refused.
	cs := []store.Contact{c}
	if err := db.InsertContacts(t.Context(), cs); err != nil {
		t.Fatal(err)
	}
	c = cs[0]
	if err := db.AddEvent(t.Context(), &store.Event{ContactID: c.ID, Kind: store.EventNote,
		Subject: "hi " + hostile, Detail: "\x7fdel\rover"}); err != nil {
		t.Fatal(err)
	}
	closeDB(t, db)

	for _, tc := range []struct {
		name string
		args []string
		want []string // must appear, escaped
	}{
		{"contacts", []string{"contacts", "--search", "evil"}, []string{`\u001b]0;PWNED\u0007\u001b[2J`, `Ng\u009b2J`, "Tab Co Line"}},
		{"timeline", []string{"timeline", "evil@example.com"}, []string{`\u001b]0;PWNED`, `\u007fdel\u000dover`}},
		{"error", []string{"timeline", hostile + "@example.com"}, []string{`no contact or lead has the email \u001b]0;PWNED\u0007\u001b[2J@example.com`}},
		{"flag error", []string{"contacts", "--kind", hostile}, []string{"must be lead or contact"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, _ := e.runMain(t, tc.args...)
			assertNoControls(t, "stdout", out)
			assertNoControls(t, "stderr", errOut)
			for _, w := range tc.want {
				if !strings.Contains(out+errOut, w) {
					t.Errorf("output lacks %q:\n%s%s", w, out, errOut)
				}
			}
		})
	}

	t.Run("json keeps the data", func(t *testing.T) {
		out, _, code := e.runMain(t, "contacts", "--search", "evil", "--json")
		if code != 0 {
			t.Fatalf("exit %d", code)
		}
		assertNoControls(t, "stdout", out)
		var got []contactJSON
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		if len(got) != 1 || got[0].FirstName != hostile || got[0].LastName != "Ng\u009b2J" {
			t.Fatalf("JSON decodes to %+v, want the names as stored", got)
		}
	})

	t.Run("export into a pipe keeps the bytes", func(t *testing.T) {
		out, errOut, code := e.runMain(t, "export", "-", "--raw", "--search", "evil")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if !strings.Contains(out, hostile) {
			t.Fatalf("the export lost the name's bytes:\n%.2000q", out)
		}
	})
}

func TestTrust10SafeWriterSplitsAndCRLF(t *testing.T) {
	for _, tc := range []struct {
		name   string
		chunks []string
		want   string
	}{
		{"C1 split across writes", []string{"a\xc2", "\x9bb"}, `a\u009bb`},
		{"CRLF split across writes", []string{"line\r", "\nnext"}, "line\r\nnext"},
		{"lone CR at the end", []string{"spin\r"}, `spin\u000d`},
		{"é split across writes", []string{"caf\xc3", "\xa9"}, "café"},
		{"invalid byte", []string{"x\x9by"}, `x\x9by`},
		{"truncated rune at the end", []string{"x\xe2\x82"}, `x\xe2\x82`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := newSafeWriter(&buf)
			for _, c := range tc.chunks {
				if n, err := w.Write([]byte(c)); err != nil || n != len(c) {
					t.Fatalf("Write = %d, %v", n, err)
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if buf.String() != tc.want {
				t.Fatalf("got %q, want %q", buf.String(), tc.want)
			}
		})
	}
}
