package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/leadmail/leadmail/mail/demo"
	"github.com/leadmail/leadmail/store"
)

// cliEnv is an isolated home (XDG dirs in a temp dir) with a seeded database.
type cliEnv struct {
	db string
}

func newCLIEnv(t *testing.T) cliEnv {
	t.Helper()
	e := emptyEnv(t)
	// The demo's team has eight users: say which one you are.
	t.Setenv("LEADMAIL_USER_EMAIL", demoSender.Email)
	tmpl, err := demoTemplate()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(e.db, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return e
}

// templateDir holds demoTemplate's database; runMain makes and removes it.
var templateDir string

// demoTemplate is the seeded demo database every newCLIEnv starts from, a
// copy each: seeding takes seconds under the race detector, a copy
// milliseconds. Its history is relative to when the test binary started.
var demoTemplate = sync.OnceValues(func() (string, error) {
	path := filepath.Join(templateDir, "demo-template.db")
	ctx := context.Background()
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		return "", err
	}
	u, err := db.UpsertUser(ctx, demoSender)
	if err == nil {
		_, err = demo.Demo(ctx, db, demo.DemoOptions{Sender: u})
	}
	// Close copies the WAL into the file: the copies need no -wal.
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if _, serr := os.Stat(path + "-wal"); err == nil && serr == nil {
		err = fmt.Errorf("the demo template %s kept a WAL after closing", path)
	}
	return path, err
})

// run executes leadmail with args against the env's database.
func (e cliEnv) run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := newRootCmd()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(append(args, "--db", e.db))
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

func TestContactsJSON(t *testing.T) {
	e := newCLIEnv(t)
	out, err := e.run(t, "contacts", "--json", "--kind", "lead", "--limit", "5")
	if err != nil {
		t.Fatal(err)
	}
	var got []contactJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(got) != 5 {
		t.Fatalf("got %d contacts, want 5", len(got))
	}
	for _, c := range got {
		if c.Kind != store.KindLead || c.Name == "" {
			t.Errorf("contact %+v", c)
		}
	}
}

func TestContactsSearch(t *testing.T) {
	e := newCLIEnv(t)
	out, err := e.run(t, "contacts", "--search", "mull", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var got []contactJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 {
		t.Fatal("searching \"mull\" found nobody; the demo has a Müller")
	}
	for _, c := range got {
		hay := strings.ToLower(c.Name + " " + c.Email + " " + c.Company)
		if !strings.Contains(hay, "mül") && !strings.Contains(hay, "mull") {
			t.Errorf("unexpected hit %q", c.Name)
		}
	}
}

func TestEmailsSmartOnly(t *testing.T) {
	e := newCLIEnv(t)
	all, err := e.run(t, "emails", "--json")
	if err != nil {
		t.Fatal(err)
	}
	smart, err := e.run(t, "emails", "--smart", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var a, s []emailJSON
	if err := json.Unmarshal([]byte(all), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(smart), &s); err != nil {
		t.Fatal(err)
	}
	if len(s) == 0 || len(s) >= len(a) {
		t.Fatalf("%d smart of %d emails: the demo has both kinds", len(s), len(a))
	}
	for _, x := range s {
		if !x.SmartMail {
			t.Errorf("%q is not Smart Mail", x.Name)
		}
	}
}

func TestTimelineJSON(t *testing.T) {
	e := newCLIEnv(t)
	out, err := e.run(t, "contacts", "--json", "--limit", "200")
	if err != nil {
		t.Fatal(err)
	}
	var cs []contactJSON
	if err := json.Unmarshal([]byte(out), &cs); err != nil {
		t.Fatal(err)
	}
	// Find someone the seed already sent mail to.
	for _, c := range cs {
		if c.Email == "" {
			continue
		}
		out, err := e.run(t, "timeline", c.Email, "--json")
		if err != nil {
			t.Fatal(err)
		}
		var evs []eventJSON
		if err := json.Unmarshal([]byte(out), &evs); err != nil {
			t.Fatal(err)
		}
		for i, ev := range evs {
			if i > 0 && ev.Time.After(evs[i-1].Time) {
				t.Fatalf("timeline of %s not newest first", c.Email)
			}
			if ev.Kind == store.EventEmailSent {
				if ev.MessageID == "" || ev.Subject == "" {
					t.Fatalf("sent event without message id or subject: %+v", ev)
				}
				return
			}
		}
	}
	t.Fatal("no seeded contact has an email_sent event")
}

// Refusals exit non-zero with a sentence and queue nothing.
func TestCLIRefusals(t *testing.T) {
	e := newCLIEnv(t)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown contact", []string{"timeline", "nobody@example.com"}, "no contact or lead has the email"},
		{"bad kind", []string{"contacts", "--kind", "vip"}, "must be lead or contact"},
		{"send without flags", []string{"send"}, "required"},
		{"send to stranger", []string{"send", "--to", "nobody@example.com", "--email", "x"}, "no contact or lead"},
		{"send unknown email", []string{"send", "--to", firstEmail(t, e), "--email", "No Such Email"}, "no email is named"},
		{"send not configured", []string{"send", "--to", firstEmail(t, e), "--email", firstSmartMail(t, e)}, "sending is not set up"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.run(t, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	db, err := store.Open(t.Context(), e.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB(t, db)
	queued, err := db.ListMessages(t.Context(), store.MessageFilter{Statuses: []store.MessageStatus{store.MessageQueued}})
	if err != nil {
		t.Fatal(err)
	}
	if len(queued) != 0 {
		t.Fatalf("refusals queued %d messages", len(queued))
	}
}

func firstEmail(t *testing.T, e cliEnv) string {
	t.Helper()
	out, err := e.run(t, "contacts", "--json", "--limit", "1")
	if err != nil {
		t.Fatal(err)
	}
	var cs []contactJSON
	if err := json.Unmarshal([]byte(out), &cs); err != nil || len(cs) == 0 {
		t.Fatalf("contacts: %v %s", err, out)
	}
	return cs[0].Email
}

func firstSmartMail(t *testing.T, e cliEnv) string {
	t.Helper()
	out, err := e.run(t, "emails", "--smart", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var es []emailJSON
	if err := json.Unmarshal([]byte(out), &es); err != nil || len(es) == 0 {
		t.Fatalf("emails: %v %s", err, out)
	}
	return es[0].Name
}

func closeDB(t *testing.T, db *store.DB) {
	t.Helper()
	if err := db.Close(); err != nil {
		t.Error(err)
	}
}
