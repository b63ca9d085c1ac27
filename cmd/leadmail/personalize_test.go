package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/store"
)

// messageCount counts every message in the env's database.
func messageCount(t *testing.T, e cliEnv) int {
	t.Helper()
	db, err := store.Open(t.Context(), e.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB(t, db)
	ms, err := db.ListMessages(t.Context(), store.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(ms)
}

// otherUser is a seeded CRM user who is not the sender.
func otherUser(t *testing.T, e cliEnv) store.User {
	t.Helper()
	db, err := store.Open(t.Context(), e.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB(t, db)
	us, err := db.ListUsers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		if !strings.EqualFold(u.Email, demoSender.Email) {
			return u
		}
	}
	t.Fatal("the demo has no other user")
	return store.User{}
}

func writeTemp(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSendPersonalized(t *testing.T) {
	e := newCLIEnv(t)
	useTestSMTP(t)
	dir := t.TempDir()
	sig := writeTemp(t, dir, "sig.md", "Cheers,\n**{{user.name}}** · {{user.email}}\n")
	if out, err := e.run(t, "signatures", "add", "Formal", "--file", sig, "--default"); err != nil {
		t.Fatalf("signatures add: %v\n%s", err, out)
	}
	to, tmpl := firstEmail(t, e), firstSmartMail(t, e)
	a1 := writeTemp(t, dir, "Präsentation Q4.pdf", "%PDF-1.4 deck")
	a2 := writeTemp(t, dir, "naïve résumé.txt", "hello")
	before := len(testSMTP.Messages())
	out, err := e.run(t, "send", "--to", to, "--to", "Pat Extra <pat@elsewhere.example>", "--email", tmpl,
		"--cc", "Olga <olga@partner.example>", "--bcc", "hidden@elsewhere.example",
		"--attach", a1, "--attach", a2, "--subject", "Custom for {{first_name | \"you\"}}",
		"--reply-to", "replies@brightwave.example", "--signature", "default", "--json")
	if err != nil {
		t.Fatalf("send: %v\n%s", err, out)
	}
	var res sendJSON
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Status != store.MessageSent {
		t.Fatalf("result %+v %v", res, err)
	}
	got := testSMTP.Messages()
	if len(got) != before+1 {
		t.Fatalf("server got %d messages, want one", len(got)-before)
	}
	msg := got[len(got)-1]
	for _, want := range []string{to, "pat@elsewhere.example", "olga@partner.example", "hidden@elsewhere.example"} {
		if !slices.ContainsFunc(msg.To, func(s string) bool { return strings.EqualFold(s, want) }) {
			t.Errorf("envelope %v lacks %s", msg.To, want)
		}
	}
	if bytes.Contains(msg.Data, []byte("hidden@elsewhere.example")) {
		t.Error("the BCC address is in the message")
	}
	in, err := mail.Inspect(msg.Data)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Attachments) != 2 || in.Attachments[0].Filename != "Präsentation Q4.pdf" || in.Attachments[1].Filename != "naïve résumé.txt" {
		t.Errorf("attachments %+v", in.Attachments)
	}
	if !strings.Contains(in.Text, "\n-- \nCheers,") || !strings.Contains(in.HTML, "<strong>Sam Rivera</strong>") {
		t.Errorf("signature missing:\n%s", in.Text)
	}
	if !strings.HasPrefix(res.Subject, "Custom for ") {
		t.Errorf("subject %q", res.Subject)
	}

	// The exact bytes come back out of the Life of the Lead.
	eml := filepath.Join(dir, "sent.eml")
	if out, err := e.run(t, "timeline", to, "--eml", "<"+res.MessageID+">", "--out", eml); err != nil {
		t.Fatalf("timeline --eml: %v\n%s", err, out)
	}
	if b, err := os.ReadFile(eml); err != nil || !bytes.Equal(b, msg.Data) {
		t.Errorf("the .eml differs from what the server received (%v)", err)
	}
	if _, err := e.run(t, "timeline", to, "--eml", "nope@x"+res.MessageID, "--out", eml); err == nil {
		t.Error("an unknown Message-ID was extracted")
	}
	if _, err := e.run(t, "timeline", to, "--eml", res.MessageID); err == nil || !strings.Contains(err.Error(), "--out") {
		t.Errorf("--eml without --out: %v", err)
	}
}

func TestSendDryRunQueuesNothing(t *testing.T) {
	e := newCLIEnv(t)
	useTestSMTP(t)
	before := messageCount(t, e)
	out, err := e.run(t, "send", "--to", firstEmail(t, e), "--email", firstSmartMail(t, e), "--cc", "olga@partner.example", "--dry-run")
	if err != nil {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	in, err := mail.Inspect([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	var cc string
	for _, h := range in.Headers {
		if h.Key == "Cc" {
			cc = h.Value
		}
	}
	if cc != "olga@partner.example" || in.Text == "" {
		t.Errorf("dry run printed Cc %q, text %q", cc, in.Text)
	}
	if n := messageCount(t, e); n != before {
		t.Errorf("dry run queued %d messages", n-before)
	}
}

// Every refusal of a personalized send exits non-zero and queues nothing.
func TestSendPersonalizedRefusals(t *testing.T) {
	e := newCLIEnv(t)
	useTestSMTP(t)
	to, tmpl := firstEmail(t, e), firstSmartMail(t, e)
	dir := t.TempDir()
	small := writeTemp(t, dir, "a.txt", "x")
	big := writeTemp(t, dir, "big.bin", strings.Repeat("x", 2<<20))
	body := writeTemp(t, dir, "body.md", "Hi {{custom.no_such_field}}")
	broken := writeTemp(t, dir, "broken.md", "Hi {{frist_name}}")
	colleague := otherUser(t, e)
	base := []string{"send", "--to", to, "--email", tmpl}
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"CRM user in CC", []string{"--cc", colleague.Email}, nil, "is a leadmail user"},
		{"CRM user in BCC", []string{"--bcc", demoSender.Email}, nil, "CRM users cannot be copied"},
		{"unverified From", []string{"--from", "sam@gmail.example"}, nil, "verified domain"},
		{"fifth attachment", []string{"--attach", small, "--attach", small, "--attach", small, "--attach", small, "--attach", small}, nil, "at most 4"},
		{"oversize", []string{"--attach", big}, map[string]string{"LEADMAIL_SENDING_MAX_ATTACHMENT_MB": "1"}, "1 MB limit"},
		{"unreadable attachment", []string{"--attach", filepath.Join(dir, "gone.pdf")}, nil, "cannot read"},
		{"missing merge variable", []string{"--body-file", body}, nil, "custom.no_such_field"},
		{"broken body", []string{"--body-file", broken}, nil, "line 1, column 4"},
		{"past time", []string{"--subject", "Hi", "--at", "2001-01-01 09:00"}, nil, "in the past"},
		{"invalid CC", []string{"--cc", "not an address"}, nil, "not a valid email address"},
		{"unknown signature", []string{"--signature", "Nope"}, nil, "no signature named"},
		{"no default signature", []string{"--signature", "default"}, nil, "no default signature"},
		{"stranger as primary", []string{"--to", "x@y.example"}, nil, ""},
	}
	before := messageCount(t, e)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			args := append(slices.Clone(base), tc.args...)
			if tc.name == "stranger as primary" {
				args = []string{"send", "--to", "x@y.example", "--to", to, "--email", tmpl}
				tc.want = "the first --to is the primary recipient"
			}
			_, err := e.run(t, args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if n := messageCount(t, e); n != before {
				t.Fatalf("a refusal queued %d messages", n-before)
			}
		})
	}
}

func TestSignaturesCLI(t *testing.T) {
	e := newCLIEnv(t)
	t.Setenv("LEADMAIL_USER_EMAIL", "")
	if _, err := e.run(t, "signatures"); err == nil || !strings.Contains(err.Error(), "user.email") {
		t.Fatalf("without a user: %v", err)
	}
	useTestSMTP(t)
	dir := t.TempDir()
	f := writeTemp(t, dir, "s.md", "— {{user.name}}")
	for _, args := range [][]string{
		{"signatures", "add", "Short", "--file", f},
		{"signatures", "add", "Formal", "--file", f, "--default"},
	} {
		if out, err := e.run(t, args...); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	out, err := e.run(t, "signatures", "list", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var ss []signatureJSON
	if err := json.Unmarshal([]byte(out), &ss); err != nil || len(ss) != 2 || ss[0].Name != "Formal" || !ss[0].Default {
		t.Fatalf("list = %s %v", out, err)
	}
	bad := writeTemp(t, dir, "bad.md", "{{user.nmae}}")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"signatures", "add", "short", "--file", f}, "already have a signature"},
		{[]string{"signatures", "add", "X"}, "--file"},
		{[]string{"signatures", "add", "X", "--file", bad}, "unknown variable"},
		{[]string{"signatures", "delete", "Nope"}, "no signature named"},
	} {
		if _, err := e.run(t, tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
		}
	}
	if _, err := e.run(t, "signatures", "delete", "formal"); err != nil {
		t.Fatal(err)
	}
	if out, _ := e.run(t, "signatures", "--json"); strings.Contains(out, "Formal") {
		t.Errorf("deleted signature listed: %s", out)
	}
}

func TestEmailsExportImport(t *testing.T) {
	e := newCLIEnv(t)
	dir := t.TempDir()
	if out, err := e.run(t, "emails", "export", dir); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	listed, err := e.run(t, "emails", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var es []emailJSON
	if err := json.Unmarshal([]byte(listed), &es); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.md"))
	if len(files) != len(es) || len(es) == 0 {
		t.Fatalf("%d files for %d emails", len(files), len(es))
	}
	// Re-importing the export changes nothing but the update times.
	if out, err := e.run(t, "emails", "import", dir); err != nil || !strings.Contains(out, "0 created") {
		t.Fatalf("re-import: %v\n%s", err, out)
	}
	writeTemp(t, dir, "zz-new.md", "---\nsubject: \"New {{first_name}}\"\ntags: [a, b]\nsmart_mail: true\n---\nHello\n")
	// A broken file anywhere refuses the whole import, naming the position.
	bad := writeTemp(t, dir, "bad.md", "---\nname: Bad\nsubject: x\n---\nline one\nHi {{frist_name}}\n")
	_, err = e.run(t, "emails", "import", dir)
	if err == nil || !strings.Contains(err.Error(), "bad.md:6:4") || !strings.Contains(err.Error(), "nothing written") {
		t.Fatalf("broken import: %v", err)
	}
	if _, err := e.run(t, "emails", "--json"); err != nil {
		t.Fatal(err)
	}
	if out, _ := e.run(t, "emails", "--json"); strings.Contains(out, "zz-new") {
		t.Fatal("a refused import wrote an email")
	}
	if err := os.Remove(bad); err != nil {
		t.Fatal(err)
	}
	if out, err := e.run(t, "emails", "import", dir); err != nil || !strings.Contains(out, "1 created") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	out, _ := e.run(t, "emails", "--smart", "--json")
	if !strings.Contains(out, `"zz-new"`) {
		t.Errorf("imported email not listed as Smart Mail: %s", out)
	}
	writeTemp(t, dir, "fm.md", "---\nsubject: x\nfrom: me\n---\n")
	if _, err := e.run(t, "emails", "import", dir); err == nil || !strings.Contains(err.Error(), "fm.md:3") {
		t.Errorf("front matter error: %v", err)
	}
}
