package mail

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail/localsmtp"
)

// stepsOf summarises a report as "connect+ tls+ auth-" for failure messages.
func stepsOf(r ProbeReport) string {
	var b strings.Builder
	for _, s := range r.Steps {
		mark := "+"
		if !s.OK {
			mark = "-"
		}
		fmt.Fprintf(&b, "%s%s %q; ", s.Name, mark, s.Detail)
	}
	return b.String()
}

// checkSteps compares step names and outcomes, and that no detail holds pw.
func checkSteps(t *testing.T, r ProbeReport, pw string, want ...string) {
	t.Helper()
	var got []string
	for _, s := range r.Steps {
		mark := "+"
		if !s.OK {
			mark = "-"
		}
		got = append(got, s.Name+mark)
		if s.Detail == "" {
			t.Errorf("step %s has no detail", s.Name)
		}
		if pw != "" && strings.Contains(s.Detail, pw) {
			t.Errorf("step %s shows the password: %q", s.Name, s.Detail)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("steps %v, want %v\n%s", got, want, stepsOf(r))
	}
	if wantOK := !strings.Contains(strings.Join(want, ""), "-"); r.OK != wantOK {
		t.Errorf("OK = %v, want %v", r.OK, wantOK)
	}
}

func step(r ProbeReport, name string) ProbeStep {
	for _, s := range r.Steps {
		if s.Name == name {
			return s
		}
	}
	return ProbeStep{}
}

func TestProbeSTARTTLSAndLogin(t *testing.T) {
	srv := startServer(t, localsmtp.Config{Username: smtpUser, Password: smtpPass})
	cfg, _ := clientFor(srv)
	r := Probe(t.Context(), cfg)
	checkSteps(t, r, smtpPass, "connect+", "tls+", "auth+", "size+")
	if r.MaxSize != 32<<20 || r.TLSVersion != "TLS 1.3" || r.AuthBeforeTLS ||
		!slices.Equal(r.AuthMechs, []string{"PLAIN", "LOGIN"}) {
		t.Errorf("report %+v", r)
	}
	const tlsPrefix = "TLS 1.3 via STARTTLS, certificate for localhost (issued by leadmail local SMTP) valid until "
	d := step(r, "tls").Detail
	until, err := time.Parse(time.DateOnly, strings.TrimPrefix(d, tlsPrefix))
	if !strings.HasPrefix(d, tlsPrefix) || err != nil || time.Until(until) < 363*24*time.Hour {
		t.Errorf("tls detail = %q, want %q and a date a year ahead", d, tlsPrefix)
	}
	if got, want := step(r, "auth").Detail, "logged in as "+smtpUser+" with PLAIN"; got != want {
		t.Errorf("auth detail = %q, want %q", got, want)
	}
	if got, want := step(r, "size").Detail, "the server accepts messages up to 32.0 MB"; got != want {
		t.Errorf("size detail = %q, want %q", got, want)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("the probe sent %d messages", n)
	}
}

func TestProbeImplicitTLS(t *testing.T) {
	srv := startServer(t, localsmtp.Config{Username: smtpUser, Password: smtpPass, ImplicitTLS: true})
	cfg, _ := clientFor(srv)
	cfg.Security, cfg.Port = SecurityTLS, srv.TLSPort()
	r := Probe(t.Context(), cfg)
	checkSteps(t, r, smtpPass, "connect+", "tls+", "auth+", "size+")
	if d := step(r, "tls").Detail; !strings.HasPrefix(d, "TLS 1.3 via implicit TLS, certificate for localhost") {
		t.Errorf("tls detail = %q", d)
	}
}

func TestProbeFailures(t *testing.T) {
	srv := startServer(t, localsmtp.Config{Username: smtpUser, Password: smtpPass})
	addr := srv.Addr()
	const wrongPass = "not-the-password-42"
	tests := []struct {
		name   string
		modify func(c *SMTPConfig)
		steps  []string
		detail string // of the failed step
	}{
		{"wrong password", func(c *SMTPConfig) { c.Password = wrongPass },
			[]string{"connect+", "tls+", "auth-"},
			"mail server refused the login for " + smtpUser + " (535 5.7.8 Authentication failed): check smtp.username and the password"},
		{"untrusted certificate", func(c *SMTPConfig) { c.TLSConfig = nil },
			[]string{"connect+", "tls-"},
			"TLS handshake with 127.0.0.1 failed: certificate signed by unknown authority"},
		{"plaintext against a STARTTLS server", func(c *SMTPConfig) { c.Security = SecurityNone },
			[]string{"connect+", "auth-"},
			"mail server " + addr + " offers a login (AUTH) only after STARTTLS: set smtp.security to starttls"},
		{"no host", func(c *SMTPConfig) { c.Host = "" },
			[]string{"config-"},
			"mail settings are not usable: smtp.host is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _ := clientFor(srv)
			tt.modify(&cfg)
			r := Probe(t.Context(), cfg)
			checkSteps(t, r, cfg.Password, tt.steps...)
			var got string
			for _, s := range r.Steps {
				if !s.OK {
					got = s.Detail
				}
			}
			if got != tt.detail {
				t.Errorf("detail = %q\nwant     %q", got, tt.detail)
			}
		})
	}
}

// A server that quotes the password back in a reply must not get it onto
// the screen.
func TestProbeMasksAnEchoedPassword(t *testing.T) {
	r := ProbeReport{Steps: []ProbeStep{{Name: "auth", Detail: "535 bad password hunter2x for rep"}}}.finish("hunter2x")
	if d := r.Steps[0].Detail; d != "535 bad password [password] for rep" || r.OK {
		t.Errorf("finish left %q (OK %v)", d, r.OK)
	}
}

func TestProbeServerDownAndBack(t *testing.T) {
	srv := startServer(t, localsmtp.Config{Username: smtpUser, Password: smtpPass})
	cfg, _ := clientFor(srv)
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	r := Probe(t.Context(), cfg)
	checkSteps(t, r, smtpPass, "connect-")
	if want := "mail server " + srv.Addr() + " is unreachable: connection refused"; r.Steps[0].Detail != want {
		t.Errorf("detail = %q, want %q", r.Steps[0].Detail, want)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	checkSteps(t, Probe(t.Context(), cfg), smtpPass, "connect+", "tls+", "auth+", "size+")
}

func TestProbeWarnsOfAuthBeforeTLS(t *testing.T) {
	srv := startServer(t, localsmtp.Config{Username: smtpUser, Password: smtpPass, InsecureAuth: true})
	cfg, _ := clientFor(srv)
	r := Probe(t.Context(), cfg)
	checkSteps(t, r, smtpPass, "connect+", "tls+", "auth+", "size+")
	if !r.AuthBeforeTLS {
		t.Error("AuthBeforeTLS = false for a server offering AUTH in plaintext")
	}
}

func TestProbeWithoutLogin(t *testing.T) {
	srv := startServer(t, localsmtp.Config{})
	cfg, _ := clientFor(srv)
	cfg.Username, cfg.Password = "", ""
	r := Probe(t.Context(), cfg)
	checkSteps(t, r, "", "connect+", "tls+", "auth+", "size+")
	if d := step(r, "auth").Detail; d != "no login configured, and the server asks for none" {
		t.Errorf("auth detail = %q", d)
	}
}

func TestProbeCancelled(t *testing.T) {
	host, port := fakeServer(t, "", nil) // hangs up at once; a cancelled ctx must win anyway
	cfg := DefaultSMTPConfig()
	cfg.Host, cfg.Port = host, port
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	r := Probe(ctx, cfg)
	if r.OK || len(r.Steps) != 1 || r.Steps[0].Name != "connect" {
		t.Fatalf("cancelled probe: %s", stepsOf(r))
	}
}

func TestAuthInPlaintext(t *testing.T) {
	tests := []struct {
		dialogue string
		want     bool
	}{
		{"220 mx ESMTP\r\n250-mx Hello\r\n250-SIZE 1000\r\n250 STARTTLS\r\n220 go ahead\r\n", false},
		{"220 mx ESMTP\r\n250-mx Hello\r\n250-AUTH PLAIN LOGIN\r\n250 STARTTLS\r\n", true},
		{"220 mx ESMTP\r\n250-mx Hello\r\n250-AUTH=LOGIN\r\n250 STARTTLS\r\n", true},
		{"220 AUTH ready\r\n250 mx\r\n", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := authInPlaintext([]byte(tt.dialogue)); got != tt.want {
			t.Errorf("authInPlaintext(%q) = %v, want %v", tt.dialogue, got, tt.want)
		}
	}
}

func TestTrust15NoSizeReportedAfterARefusedLogin(t *testing.T) {
	srv := startServer(t, localsmtp.Config{Username: smtpUser, Password: smtpPass})
	cfg, _ := clientFor(srv)
	cfg.Password = "not-the-password-42"
	r := Probe(t.Context(), cfg)
	checkSteps(t, r, cfg.Password, "connect+", "tls+", "auth-")
	if r.MaxSize != 0 {
		t.Errorf("MaxSize = %d after a refused login, want 0 (unknown)", r.MaxSize)
	}
	if r.OK {
		t.Error("a refused login reports OK")
	}
}
