package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leadmail/leadmail/mail/demo"
	"github.com/leadmail/leadmail/mail/imapconn"
	"github.com/leadmail/leadmail/store"
)

// demoEnv points the data, state and config folders into a temporary one.
func demoEnv(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", filepath.Join(dir, "data"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
}

// inboxSize opens the demo and counts the messages of its IMAP INBOX.
func inboxSize(t *testing.T, reset bool) int {
	t.Helper()
	d, err := openDemo(t.Context(), reset, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	msgs, err := d.imap.Messages(demo.FolderInbox)
	if err != nil {
		t.Fatal(err)
	}
	return len(msgs)
}

// demoEventKinds counts the events of the demo database by kind.
func demoEventKinds(t *testing.T, d *demoSession) map[store.EventKind]int {
	t.Helper()
	page, err := d.app.db.ListContacts(t.Context(), store.PageRequest{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[store.EventKind]int{}
	for _, c := range page.Contacts {
		tl, err := d.app.db.Timeline(t.Context(), c.ID, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range tl {
			kinds[e.Kind]++
		}
	}
	return kinds
}

// The demo serves its mailbox over IMAP (STARTTLS, the demo login), with
// the seeded history in it, which Mail Sync records on the first start,
// kept in demo-imap/ from one start to the next and made anew by --reset.
func TestDemoIMAPMailbox(t *testing.T) {
	demoEnv(t)
	d, err := openDemo(t.Context(), false, 0)
	if err != nil {
		t.Fatal(err)
	}
	c, err := imapconn.Dial(t.Context(), d.demoIMAPConfig())
	if err != nil {
		d.Close()
		t.Fatalf("dial the demo's IMAP server: %v", err)
	}
	folders, err := imapconn.Folders(c)
	_ = c.Logout()
	if err != nil {
		d.Close()
		t.Fatal(err)
	}
	if sent, ok := imapconn.FindSent(folders); !ok || sent != demo.FolderSent {
		t.Errorf("the demo mailbox's Sent folder is %q (%v)", sent, ok)
	}
	kinds := demoEventKinds(t, d)
	for _, k := range []store.EventKind{store.EventReplied, store.EventAutoReply, store.EventBounced,
		store.EventEmailReceived, store.EventEmailSentElsewhere} {
		if kinds[k] == 0 {
			t.Errorf("no %s event after the demo's first start: Mail Sync did not record the mailbox (%v)", k, kinds)
		}
	}
	inbox, err := d.imap.Messages(demo.FolderInbox)
	d.Close()
	if err != nil || len(inbox) < 10 {
		t.Fatalf("the demo INBOX holds %d messages (%v), want the seeded history", len(inbox), err)
	}
	if got := inboxSize(t, false); got != len(inbox) {
		t.Errorf("after a restart the INBOX holds %d messages, want the same %d", got, len(inbox))
	}
	if got := inboxSize(t, true); got != len(inbox) {
		t.Errorf("after --reset the INBOX holds %d messages, want a new seed's %d", got, len(inbox))
	}
}

// The help of `leadmail demo` and the README's demo section name every lead
// who answers, with their address.
func TestDemoHelpAndReadmeNameWhoAnswers(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	help := newDemoCmd(&globals{}).Long
	for _, a := range demo.Answering() {
		for _, want := range []string{a.Name, a.Email} {
			if !strings.Contains(help, want) {
				t.Errorf("leadmail demo --help does not name %s", want)
			}
			if !strings.Contains(string(readme), want) {
				t.Errorf("the README does not name %s", want)
			}
		}
	}
}

// runDemoTwin runs `leadmail demo args…` on the demo database.
func runDemoTwin(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := newRootCmd()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(append([]string{"demo"}, args...))
	err := cmd.ExecuteContext(t.Context())
	return out.String() + errOut.String(), err
}

// On the command line, a lead who answers has answered by the time
// `leadmail demo send` returns, and `leadmail demo sync` records the
// reply under the send. While the demo's terminal UI keeps the mailbox,
// the sync twin is refused with a sentence and a send still goes out.
func TestDemoSyncTwin(t *testing.T) {
	demoEnv(t)
	jurgen := demo.Answering()[0]
	if jurgen.How != demo.HowReply {
		t.Fatalf("the first demo lead who answers %s, want a reply", jurgen.How)
	}
	if out, err := runDemoTwin(t, "send", "--to", jurgen.Email, "--email", "Checking"); err != nil {
		t.Fatalf("demo send: %v\n%s", err, out)
	}
	out, err := runDemoTwin(t, "sync", "--json")
	if err != nil {
		t.Fatalf("demo sync: %v\n%s", err, out)
	}
	var rep syncJSON
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Replies != 1 {
		t.Fatalf("demo sync recorded %d replies (%v), want 1:\n%s", rep.Replies, err, out)
	}
	out, err = runDemoTwin(t, "timeline", jurgen.Email, "--json")
	if err != nil || !strings.Contains(out, `"kind": "replied"`) {
		t.Errorf("no replied event on %s's timeline (%v):\n%s", jurgen.Name, err, out)
	}
	if out, err = runDemoTwin(t, "outbox", "list"); err != nil || !strings.Contains(out, "sent, answered") {
		t.Errorf("the outbox does not say the send was answered (%v):\n%s", err, out)
	}

	// The seeded mailbox holds a permanent bounce of Markus Ebner's
	// address: a send to it, even in CC, is refused and queues nothing,
	// unless --send-anyway; its bounce then shows in the outbox.
	var markus demo.Answerer
	for _, a := range demo.Answering() {
		if a.How == demo.HowBounce {
			markus = a
		}
	}
	before, _ := runDemoTwin(t, "outbox", "list", "--json")
	for _, args := range [][]string{{"--to", markus.Email}, {"--to", jurgen.Email, "--cc", "M <" + markus.Email + ">"}} {
		_, err := runDemoTwin(t, append([]string{"send", "--email", "Checking"}, args...)...)
		if err == nil || !strings.Contains(err.Error(), markus.Email+" bounced on") || !strings.Contains(err.Error(), "--send-anyway") {
			t.Errorf("send %v to a bouncing address: err = %v", args, err)
		}
	}
	if after, _ := runDemoTwin(t, "outbox", "list", "--json"); after != before {
		t.Errorf("a refused send changed the outbox:\n%s\nwas\n%s", after, before)
	}
	if out, err := runDemoTwin(t, "send", "--to", markus.Email, "--email", "Checking", "--send-anyway"); err != nil {
		t.Fatalf("send --send-anyway: %v\n%s", err, out)
	}
	if out, err := runDemoTwin(t, "sync"); err != nil {
		t.Fatalf("demo sync: %v\n%s", err, out)
	}
	if out, err = runDemoTwin(t, "outbox", "list"); err != nil || !strings.Contains(out, "sent, bounced") || !strings.Contains(out, "5.1.1") {
		t.Errorf("the outbox does not show the bounce (%v):\n%s", err, out)
	}

	d, err := openDemo(t.Context(), false, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := runDemoTwin(t, "sync"); !errors.Is(err, errDemoRunning) {
		t.Errorf("demo sync while the demo runs: err = %v, want %v", err, errDemoRunning)
	}
	if out, err := runDemoTwin(t, "send", "--to", jurgen.Email, "--email", "Checking"); err != nil {
		t.Errorf("demo send while the demo runs: %v\n%s", err, out)
	}
}
