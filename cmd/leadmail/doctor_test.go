package main

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/leadmail/leadmail/mail/localsmtp"
)

// wantLines checks that out has each line (a prefix match on the line) and
// none of the forbidden strings.
func wantLines(t *testing.T, out string, want []string, forbidden ...string) {
	t.Helper()
	lines := strings.Split(out, "\n")
	for _, w := range want {
		found := false
		for _, l := range lines {
			if strings.HasPrefix(l, w) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no line starting %q in:\n%s", w, out)
		}
	}
	for _, f := range forbidden {
		if strings.Contains(out, f) {
			t.Errorf("output contains %q:\n%s", f, out)
		}
	}
}

func TestDoctorAllGood(t *testing.T) {
	e := newCLIEnv(t)
	useTestSMTP(t)
	out, err := e.run(t, "doctor")
	if err != nil {
		t.Fatalf("doctor: %v\n%s", err, out)
	}
	addr := testSMTP.Addr()
	wantLines(t, out, []string{
		"! no config file at ",
		"✓ user.email " + demoSender.Email + " is on a verified domain",
		"✓ smtp.host 127.0.0.1, port " + strconv.Itoa(testSMTP.Port()) + ", security starttls",
		"✓ password: from LEADMAIL_SMTP_PASSWORD",
		"✓ connected to mail server " + addr,
		"✓ TLS 1.3 via STARTTLS, certificate for 127.0.0.1 (issued by leadmail local SMTP) valid until ",
		"✓ logged in as demo with PLAIN",
		"✓ the server accepts messages up to 32.0 MB",
		"✓ the server offers a login (AUTH) only after STARTTLS",
		"leadmail is ready to send.",
	}, "✗")
}

func TestDoctorJSON(t *testing.T) {
	e := newCLIEnv(t)
	useTestSMTP(t)
	out, err := e.run(t, "doctor", "--json")
	if err != nil {
		t.Fatalf("doctor --json: %v\n%s", err, out)
	}
	var r doctorJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if r.Problems != 0 || r.Server == nil || r.Server.MaxSize != 32<<20 || r.Server.TLSVersion != "TLS 1.3" ||
		r.Server.AuthBeforeTLS || r.Server.Addr != testSMTP.Addr() {
		t.Fatalf("report %+v, server %+v", r, r.Server)
	}
	var names []string
	for _, c := range r.Checks {
		names = append(names, c.Name+":"+string(c.Status))
	}
	want := "config:warning user.email:ok smtp.host:ok password:ok connect:ok tls:ok auth:ok size:ok auth_after_tls:ok imap.host:info"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("checks %s\nwant   %s", got, want)
	}
}

func TestDoctorProblems(t *testing.T) {
	const wrongPass = "wrong-secret-4711"
	// A second server, whose certificate SSL_CERT_FILE does not hold.
	untrusted, err := localsmtp.Start(localsmtp.Config{Username: "demo", Password: "pw"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = untrusted.Close() })
	tests := []struct {
		name     string
		env      map[string]string
		want     []string
		absent   string // must not appear
		problems string
	}{
		{
			name:     "wrong password",
			env:      map[string]string{"LEADMAIL_SMTP_PASSWORD": wrongPass},
			want:     []string{"✓ password: from LEADMAIL_SMTP_PASSWORD", "✓ TLS 1.3", "✗ mail server refused the login for demo (535 5.7.8 Authentication failed): check smtp.username and the password"},
			absent:   "accepts messages up to", // issue 9 item 15: not after a refused login
			problems: "1 problem found",
		},
		{
			name:     "no user.name", // issue 9 item 5
			env:      map[string]string{"LEADMAIL_USER_NAME": ""},
			want:     []string{"✗ user.name is not set: set it in ", "✓ user.email "},
			problems: "1 problem found",
		},
		{
			name:     "no smtp.host",
			env:      map[string]string{"LEADMAIL_SMTP_HOST": ""},
			want:     []string{"✗ smtp.host is not set: set it in ", "✓ user.email "},
			problems: "1 problem found",
		},
		{
			name: "password_cmd fails",
			env: map[string]string{"LEADMAIL_SMTP_PASSWORD": "",
				"LEADMAIL_SMTP_PASSWORD_CMD": "echo 'vault is locked' >&2; exit 3"},
			want:     []string{"✗ smtp.password_cmd failed: exit status 3: vault is locked"},
			problems: "1 problem found",
		},
		{
			name:     "no password at all",
			env:      map[string]string{"LEADMAIL_SMTP_PASSWORD": ""},
			want:     []string{"✗ no password for smtp.username demo: set LEADMAIL_SMTP_PASSWORD or smtp.password_cmd"},
			problems: "1 problem found",
		},
		{
			name: "unverified sender domain and server down",
			env: map[string]string{"LEADMAIL_USER_EMAIL": "sam@elsewhere.example",
				"LEADMAIL_SMTP_PORT": strconv.Itoa(closedPort(t))},
			want: []string{`✗ From address "sam@elsewhere.example" is not on a verified domain (verified: brightwave.example)`,
				"✗ mail server 127.0.0.1:"},
			problems: "2 problems found",
		},
		{
			name: "untrusted certificate",
			env:  map[string]string{"LEADMAIL_SMTP_PORT": strconv.Itoa(untrusted.Port())},
			want: []string{"✓ connected to mail server " + untrusted.Addr(),
				"✗ TLS handshake with 127.0.0.1 failed: certificate signed by unknown authority",
				"! if your provider's certificate comes from a private CA, save it as PEM and point SSL_CERT_FILE at it"},
			problems: "1 problem found",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newCLIEnv(t)
			useTestSMTP(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			out, err := e.run(t, "doctor")
			if err == nil || err.Error() != tt.problems {
				t.Fatalf("err = %v, want %q\n%s", err, tt.problems, out)
			}
			wantLines(t, out, tt.want, wrongPass, "leadmail is ready")
			if tt.absent != "" && strings.Contains(out, tt.absent) {
				t.Errorf("the report says %q:\n%s", tt.absent, out)
			}
		})
	}
}

func TestDoctorPasswordCmd(t *testing.T) {
	e := newCLIEnv(t)
	useTestSMTP(t)
	t.Setenv("LEADMAIL_SMTP_PASSWORD", "")
	t.Setenv("LEADMAIL_SMTP_PASSWORD_CMD", "echo pw")
	out, err := e.run(t, "doctor")
	if err != nil {
		t.Fatalf("doctor: %v\n%s", err, out)
	}
	wantLines(t, out, []string{"✓ password: from password_cmd", "✓ logged in as demo"})
}

func TestDoctorConfigFile(t *testing.T) {
	e := newCLIEnv(t)
	useTestSMTP(t)
	t.Setenv("LEADMAIL_SMTP_PASSWORD", "")
	path := filepath.Join(t.TempDir(), "config.yaml")
	cfg := "smtp:\n  password: pw\n"
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := e.run(t, "doctor", "--config", path)
	if err != nil {
		t.Fatalf("doctor: %v\n%s", err, out)
	}
	wantLines(t, out, []string{
		"✓ config file " + path + " is valid",
		"! " + path + " holds smtp.password and is readable by others: chmod 600 it, or use smtp.password_cmd",
		"✓ password: from the config file",
		"✓ logged in as demo with PLAIN",
	}, "✗")

	if err := os.WriteFile(path, []byte("smtp:\n  security: sometimes\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = e.run(t, "doctor", "--config", path)
	if err == nil || err.Error() != "1 problem found" {
		t.Fatalf("err = %v\n%s", err, out)
	}
	wantLines(t, out, []string{`✗ config ` + path + `: smtp.security "sometimes" must be starttls, tls or none`})
}

// closedPort returns a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return port
}
