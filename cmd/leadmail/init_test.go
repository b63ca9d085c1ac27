package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"charm.land/huh/v2"

	"github.com/leadmail/leadmail/store"
)

// initEnv is an empty home with the paths init is pointed at.
type initEnv struct {
	cliEnv
	config string
}

func newInitEnv(t *testing.T) initEnv {
	t.Helper()
	e := emptyEnv(t)
	return initEnv{cliEnv: e, config: filepath.Join(filepath.Dir(e.db), "config", "leadmail", "config.yaml")}
}

// initTestSMTP are the answers for the package's test mail server (STARTTLS,
// AUTH, its certificate trusted through SSL_CERT_FILE as a private CA is).
func initTestSMTP(pwCmd string) []string {
	return []string{"--name", "Sam Rivera", "--email", "sam@brightwave.example", "--title", "Account Executive",
		"--phone", "+1 555 0142", "--provider", "custom", "--host", testSMTP.Host(),
		"--port", strconv.Itoa(testSMTP.Port()), "--security", "starttls", "--username", "demo",
		"--password-cmd", pwCmd, "--yes"}
}

func (e initEnv) init(t *testing.T, args ...string) (string, error) {
	t.Helper()
	return runLeadmail(t, append([]string{"init", "--config", e.config, "--db", e.db}, args...)...)
}

// Scripted init writes a 0600 config that leadmail reads back as given,
// creates the database with the user in it, and passes its live checks
// against a real STARTTLS + AUTH server.
func TestTrust21InitScriptedPassesLiveChecks(t *testing.T) {
	e := newInitEnv(t)
	out, err := e.init(t, initTestSMTP("echo pw")...)
	if err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	for _, want := range []string{"✓ wrote " + e.config, "✓ database " + e.db, "logged in", "leadmail is ready to send."} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	fi, err := os.Stat(e.config)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("config %v, mode %v; want 0600", err, fi)
	}
	cfg, _, err := loadConfig(e.config)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.User.Email != "sam@brightwave.example" || cfg.User.Name != "Sam Rivera" || cfg.User.Title != "Account Executive" ||
		cfg.SMTP.Host != testSMTP.Host() || cfg.SMTP.Port != testSMTP.Port() || cfg.SMTP.Username != "demo" ||
		cfg.SMTP.PasswordCmd != "echo pw" || cfg.SMTP.Password != "" || cfg.Store.Path != e.db ||
		!reflect.DeepEqual(cfg.Sending.VerifiedDomains, []string{"brightwave.example"}) {
		t.Errorf("config read back = %+v", cfg)
	}
	db, err := store.Open(t.Context(), e.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB(t, db)
	users, err := db.ListUsers(t.Context())
	if err != nil || len(users) != 1 || users[0].Email != "sam@brightwave.example" {
		t.Errorf("users = %+v, %v", users, err)
	}
	// And leadmail now sends with it.
	if out, err := runLeadmail(t, "doctor", "--config", e.config); err != nil {
		t.Errorf("doctor after init: %v\n%s", err, out)
	}
}

// A check that fails is named in one sentence; the config is kept so the
// person can fix the one thing and run doctor.
func TestTrust21InitReportsFailedChecks(t *testing.T) {
	e := newInitEnv(t)
	out, err := e.init(t, initTestSMTP("echo wrong")...)
	if err == nil || !strings.Contains(err.Error(), "1 problem was found") {
		t.Fatalf("init with a wrong password: err = %v\n%s", err, out)
	}
	if !strings.Contains(out, "✗ ") {
		t.Errorf("no problem line:\n%s", out)
	}
	if _, err := os.Stat(e.config); err != nil {
		t.Errorf("the config was not kept: %v", err)
	}
}

// Each provider preset fills the server, port, security and sending limit
// with values the rest of leadmail accepts.
func TestTrust21InitProviderPresets(t *testing.T) {
	for _, tc := range []struct {
		provider, host string
		port           int
		security       string
		quota          string
		daily          int
		imapHost, sync string
	}{
		{"gmail", "smtp.gmail.com", 587, "starttls", "gmail", 0, "imap.gmail.com", "gmail"},
		{"google-workspace", "smtp.gmail.com", 587, "starttls", "google-workspace", 0, "imap.gmail.com", "workspace"},
		{"microsoft365", "smtp.office365.com", 587, "starttls", "microsoft-365", 0, "outlook.office365.com", "microsoft365"},
		{"microsoft-365", "smtp.office365.com", 587, "starttls", "microsoft-365", 0, "outlook.office365.com", "microsoft365"},
		{"fastmail", "smtp.fastmail.com", 465, "tls", "custom", 0, "imap.fastmail.com", "fastmail"},
		{"icloud", "smtp.mail.me.com", 587, "starttls", "custom", 1000, "imap.mail.me.com", "icloud"},
		{"yahoo", "smtp.mail.yahoo.com", 465, "tls", "custom", 500, "imap.mail.yahoo.com", "yahoo"},
	} {
		t.Run(tc.provider, func(t *testing.T) {
			e := newInitEnv(t)
			out, err := e.init(t, "--email", "sam@brightwave.example", "--provider", tc.provider,
				"--password-cmd", "pass show mail/work", "--yes", "--skip-checks")
			if err != nil {
				t.Fatalf("init: %v\n%s", err, out)
			}
			cfg, _, err := loadConfig(e.config)
			if err != nil {
				t.Fatal(err)
			}
			s := cfg.SMTP
			if s.Host != tc.host || s.Port != tc.port || s.Security != tc.security || s.Provider != tc.quota ||
				s.DailyLimit != tc.daily || s.Username != "sam@brightwave.example" || cfg.User.Name != "sam" {
				t.Errorf("smtp = %+v, user %+v", s, cfg.User)
			}
			if i := cfg.IMAP; i.Host != tc.imapHost || i.Port != 993 || i.Security != "tls" || i.Username != "" ||
				cfg.Sync.Provider != tc.sync || cfg.Sync.SaveSent != "auto" {
				t.Errorf("imap = %+v, sync %+v", i, cfg.Sync)
			}
			if a, on := cfg.imapAccount(); !on || a.Username != "sam@brightwave.example" || a.Provider != tc.sync {
				t.Errorf("imap account = %+v, %v", a, on)
			}
		})
	}
}

// Bad answers get one sentence naming the flag and write nothing: no
// config, no database. An existing config is replaced only with --force,
// and never through a symbolic link.
func TestTrust21InitRefusesBadInput(t *testing.T) {
	ok := []string{"--email", "sam@brightwave.example", "--provider", "gmail", "--yes", "--skip-checks"}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no email", []string{"--provider", "gmail", "--yes"}, "--email is required"},
		{"bad email", []string{"--email", "sam at brightwave", "--yes"}, "is not an email address"},
		{"display name", []string{"--email", "Sam <sam@brightwave.example>", "--yes"}, "is not an email address"},
		{"provider", []string{"--email", "sam@brightwave.example", "--provider", "aol", "--yes"}, "--provider \"aol\" is not one of"},
		{"custom without host", []string{"--email", "sam@brightwave.example", "--yes"}, "--host is required"},
		{"host with scheme", []string{"--email", "sam@brightwave.example", "--host", "smtp://mail.example", "--yes"}, "is not a host name"},
		{"port", []string{"--email", "sam@brightwave.example", "--host", "mail.example", "--port", "70000", "--yes"}, "is not a port number"},
		{"security", []string{"--email", "sam@brightwave.example", "--provider", "gmail", "--security", "ssl", "--yes"}, "must be starttls, tls or none"},
		{"name with newline", append([]string{"--name", "Sam\nBcc: x@evil.example"}, ok...), "--name holds a control character"},
		{"password cmd with escape", append([]string{"--password-cmd", "echo \x1b[2J"}, ok...), "--password-cmd holds a control character"},
		{"imap security", append([]string{"--imap-security", "ssl"}, ok...), `--imap-security "ssl" must be tls, starttls or none`},
		{"imap host with scheme", append([]string{"--imap-host", "imaps://imap.example.com"}, ok...), "--imap-host \"imaps://imap.example.com\" is not a host name"},
		{"imap port", append([]string{"--imap-port", "-1"}, ok...), "--imap-port -1 is not a port number"},
		{"imap none remote", append([]string{"--imap-security", "none"}, ok...), "--imap-security none would send your password to imap.gmail.com unencrypted"},
		{"imap flags without a host", []string{"--email", "sam@brightwave.example", "--host", "10.0.0.5", "--imap-port", "993", "--yes"},
			"--imap-host is required with the other --imap-* flags"},
		{"imap username with newline", append([]string{"--imap-username", "sam\r\n"}, ok...), "--imap-username holds a control character"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newInitEnv(t)
			out, err := e.init(t, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q\n%s", err, tc.want, out)
			}
			for _, p := range []string{e.config, e.db} {
				if _, err := os.Stat(p); err == nil {
					t.Errorf("%s was written", p)
				}
			}
		})
	}

	t.Run("existing config", func(t *testing.T) {
		e := newInitEnv(t)
		if err := os.MkdirAll(filepath.Dir(e.config), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(e.config, []byte("user:\n  email: old@brightwave.example\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := e.init(t, ok...); err == nil || !strings.Contains(err.Error(), "pass --force to replace it") {
			t.Fatalf("err = %v", err)
		}
		if raw, _ := os.ReadFile(e.config); !strings.Contains(string(raw), "old@") {
			t.Fatalf("the config was changed:\n%s", raw)
		}
		if out, err := e.init(t, append(ok, "--force")...); err != nil {
			t.Fatalf("--force: %v\n%s", err, out)
		}
		if cfg, _, err := loadConfig(e.config); err != nil || cfg.User.Email != "sam@brightwave.example" {
			t.Errorf("after --force: %+v, %v", cfg.User, err)
		}
	})

	t.Run("symlink", func(t *testing.T) {
		e := newInitEnv(t)
		target := filepath.Join(t.TempDir(), "elsewhere.yaml")
		if err := os.MkdirAll(filepath.Dir(e.config), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, e.config); err != nil {
			t.Fatal(err)
		}
		if _, err := e.init(t, append(ok, "--force")...); err == nil || !strings.Contains(err.Error(), "symbolic link") {
			t.Fatalf("err = %v", err)
		}
		if _, err := os.Stat(target); err == nil {
			t.Error("init wrote through the symbolic link")
		}
	})
}

// lineReader hands out one line per Read, as a person typing does: huh's
// accessible mode reads each answer with a fresh scanner.
type lineReader struct{ lines []string }

func (r *lineReader) Read(p []byte) (int, error) {
	if len(r.lines) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.lines[0]+"\n")
	r.lines = r.lines[1:]
	return n, nil
}

// The first-run screen (the same questions in huh's accessible mode, one
// line each) sets up the mailbox and passes the live checks, or sends the
// newcomer to the demo without writing anything.
func TestTrust21FirstRunSetupScreen(t *testing.T) {
	t.Run("mailbox", func(t *testing.T) {
		e := newInitEnv(t)
		g := &globals{configPath: e.config, dbPath: e.db}
		in := &lineReader{lines: []string{
			"1", // set up my mailbox
			"Sam Rivera", "sam@brightwave.example", "Account Executive", "",
			"7",                                                 // another server
			testSMTP.Host(), strconv.Itoa(testSMTP.Port()), "1", // starttls
			"", // IMAP server: none to tell, Mail Sync off
			"demo", "echo pw",
		}}
		var out strings.Builder
		choice, err := firstRun(t.Context(), g, &out, setupFormOptions{Accessible: true, In: in, Out: &out})
		if err != nil || choice != setupMailbox {
			t.Fatalf("firstRun = %q, %v\n%s", choice, err, out.String())
		}
		if !strings.Contains(out.String(), "leadmail is ready to send.") {
			t.Errorf("checks not run or failed:\n%s", out.String())
		}
		cfg, _, err := loadConfig(e.config)
		if err != nil || cfg.User.Email != "sam@brightwave.example" || cfg.SMTP.Port != testSMTP.Port() {
			t.Errorf("config = %+v, %v", cfg, err)
		}
		if needsFirstRun(g, os.Stdin) {
			t.Error("the setup screen would show again with a config in place")
		}
	})
	t.Run("demo", func(t *testing.T) {
		e := newInitEnv(t)
		g := &globals{configPath: e.config, dbPath: e.db}
		in := &lineReader{lines: []string{"2", "", "a@b.example", "", "", "1", "h.example", "587", "1", "", "", ""}}
		var out strings.Builder
		choice, err := firstRun(t.Context(), g, &out, setupFormOptions{Accessible: true, In: in, Out: &out})
		if err != nil || choice != setupDemo {
			t.Fatalf("firstRun = %q, %v", choice, err)
		}
		for _, p := range []string{e.config, e.db} {
			if _, err := os.Stat(p); err == nil {
				t.Errorf("choosing the demo wrote %s", p)
			}
		}
	})
}

// On a terminal, init asks before replacing a config; "keep it" changes
// nothing.
func TestTrust21InitAsksBeforeReplacing(t *testing.T) {
	for _, tc := range []struct {
		answer string
		done   bool
	}{{"n", false}, {"y", true}} {
		t.Run(tc.answer, func(t *testing.T) {
			keep := false
			a := initAnswers{Provider: "gmail"}
			in := &lineReader{lines: []string{tc.answer, "Sam", "sam@brightwave.example", "", "", "1", "h.example", "587", "1", "", "", ""}}
			var out strings.Builder
			done, err := runSetupForm(t.Context(), &a, setupFormOptions{Replace: &keep, ReplacePath: "/x/config.yaml",
				Accessible: true, In: in, Out: &out})
			if err != nil || done != tc.done || keep != tc.done {
				t.Fatalf("answer %q: done %v, replace %v, err %v\n%s", tc.answer, done, keep, err, out.String())
			}
			if !strings.Contains(out.String(), "Replace your config?") {
				t.Errorf("no question asked:\n%s", out.String())
			}
		})
	}
}

// Scripted init with an IMAP server writes the imap section and checks the
// mailbox live; --no-imap leaves it unchecked.
func TestInitChecksIMAP(t *testing.T) {
	port := startPlainIMAP(t, "Sent")
	imapArgs := []string{"--imap-host", "127.0.0.1", "--imap-port", strconv.Itoa(port), "--imap-security", "none",
		"--imap-username", "username", "--imap-password-cmd", "echo password"}
	e := newInitEnv(t)
	out, err := e.init(t, append(initTestSMTP("echo pw"), imapArgs...)...)
	if err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	wantLines(t, out, []string{
		"✓ logged in as demo with PLAIN",
		"✓ connected to the IMAP server 127.0.0.1:" + strconv.Itoa(port),
		"✓ logged in to the IMAP server as username with LOGIN",
		`✓ Sent folder "Sent" found by its name`,
		"leadmail is ready to send.",
	}, "✗", "Mail Sync is off")
	cfg, _, err := loadConfig(e.config)
	if err != nil {
		t.Fatal(err)
	}
	want := IMAPConfig{Host: "127.0.0.1", Port: port, Security: "none", Username: "username", PasswordCmd: "echo password",
		DialTimeout: cfg.IMAP.DialTimeout, CommandTimeout: cfg.IMAP.CommandTimeout}
	if cfg.IMAP != want || cfg.Sync.Provider != "custom" || cfg.Sync.SaveSent != "auto" {
		t.Errorf("imap = %+v, sync %+v", cfg.IMAP, cfg.Sync)
	}

	e = newInitEnv(t)
	out, err = e.init(t, append(initTestSMTP("echo pw"), append(imapArgs[:len(imapArgs)-2], "--no-imap")...)...)
	if err != nil {
		t.Fatalf("init --no-imap: %v\n%s", err, out)
	}
	if strings.Contains(out, "IMAP server") || strings.Contains(out, "Mail Sync") {
		t.Errorf("--no-imap checked the mailbox:\n%s", out)
	}
}

// A custom server whose name tells no IMAP server is said once: Mail Sync
// is off, and how to turn it on.
func TestInitSaysMailSyncOff(t *testing.T) {
	e := newInitEnv(t)
	out, err := e.init(t, initTestSMTP("echo pw")...)
	if err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	wantLines(t, out, []string{
		"  note: Mail Sync is off: leadmail cannot tell your IMAP server from 127.0.0.1; run init again with --imap-host, or set imap.host in " + e.config,
		"- Mail Sync is off: imap.host is not set",
	}, "✗")
	raw, err := os.ReadFile(e.config)
	if err != nil || strings.Contains(string(raw), "imap:") || !strings.Contains(string(raw), "provider: custom") {
		t.Errorf("config written:\n%s", raw)
	}
}

// ctrl+c in the setup form asks before throwing typed answers away: "keep
// editing" goes back with every answer kept; a form left untouched quits
// without a question.
func TestSetupFormAsksBeforeDiscarding(t *testing.T) {
	answers := []string{"Sam Rivera", "sam@brightwave.example", "", "", "1", "", "", "", "", "", ""}
	t.Run("keep editing", func(t *testing.T) {
		a := initAnswers{Provider: "gmail"}
		var out strings.Builder
		calls := 0
		run := func(ctx context.Context, f *huh.Form) error {
			calls++
			switch calls {
			case 1: // types the answers, then ctrl+c
				err := f.WithAccessible(true).WithInput(&lineReader{lines: answers}).WithOutput(&out).RunWithContext(ctx)
				if err != nil {
					return err
				}
				return huh.ErrUserAborted
			case 2: // the question: keep editing
				return f.WithAccessible(true).WithInput(&lineReader{lines: []string{"n"}}).WithOutput(&out).RunWithContext(ctx)
			}
			if a.Name != "Sam Rivera" || a.Email != "sam@brightwave.example" {
				t.Errorf("the answers were lost: %+v", a)
			}
			return nil
		}
		done, err := runSetupForm(t.Context(), &a, setupFormOptions{run: run})
		if err != nil || !done || calls != 3 {
			t.Fatalf("done %v, err %v, %d forms", done, err, calls)
		}
		if !strings.Contains(out.String(), "Quit and discard your answers?") {
			t.Errorf("no question asked:\n%s", out.String())
		}
	})
	t.Run("discard", func(t *testing.T) {
		a := initAnswers{Provider: "gmail"}
		calls := 0
		run := func(ctx context.Context, f *huh.Form) error {
			calls++
			in := answers
			if calls == 2 {
				in = []string{"y"}
			}
			if err := f.WithAccessible(true).WithInput(&lineReader{lines: in}).WithOutput(io.Discard).RunWithContext(ctx); err != nil || calls == 2 {
				return err
			}
			return huh.ErrUserAborted
		}
		done, err := runSetupForm(t.Context(), &a, setupFormOptions{run: run})
		if err != nil || done || calls != 2 {
			t.Fatalf("done %v, err %v, %d forms", done, err, calls)
		}
	})
	t.Run("nothing typed", func(t *testing.T) {
		a := initAnswers{Provider: "gmail"}
		calls := 0
		run := func(context.Context, *huh.Form) error { calls++; return huh.ErrUserAborted }
		done, err := runSetupForm(t.Context(), &a, setupFormOptions{run: run})
		if err != nil || done || calls != 1 {
			t.Fatalf("done %v, err %v, %d forms: want a quiet quit", done, err, calls)
		}
	})
}
