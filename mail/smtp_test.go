package mail

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail/localsmtp"
)

const (
	smtpUser = "rep@brightpath.example"
	smtpPass = "correct horse battery staple"
)

func startServer(t *testing.T, cfg localsmtp.Config) *localsmtp.Server {
	t.Helper()
	srv, err := localsmtp.Start(cfg)
	if err != nil {
		t.Fatalf("localsmtp.Start: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// clientFor returns a STARTTLS client configuration for srv with short
// timeouts, logging to the returned buffer.
func clientFor(srv *localsmtp.Server) (SMTPConfig, *bytes.Buffer) {
	var logs bytes.Buffer
	cfg := DefaultSMTPConfig()
	cfg.Host, cfg.Port = srv.Host(), srv.Port()
	cfg.Username, cfg.Password = smtpUser, smtpPass
	cfg.TLSConfig = srv.TLSConfig()
	cfg.HelloName = "crm.brightpath.example"
	cfg.DialTimeout, cfg.CommandTimeout = 2*time.Second, 2*time.Second
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return cfg, &logs
}

func newSender(t *testing.T, cfg SMTPConfig) *SMTP {
	t.Helper()
	s := NewSMTP(cfg)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func testMessage(t *testing.T, subject string) *Composed {
	t.Helper()
	return mustCompose(t, Draft{
		From:            Address{Name: "Rep", Email: smtpUser},
		To:              []Address{{Name: "Jane", Email: "jane@customer.example"}},
		Bcc:             []Address{{Email: "bob@customer.example"}},
		Subject:         subject,
		Body:            Body{Text: "Hi Jane\n.\n..leading dots survive\n", HTML: "<p>Hi Jane</p>"},
		Date:            testDate,
		MessageIDDomain: "crm.brightpath.example",
	})
}

func send(t *testing.T, s *SMTP, m *Composed) error {
	t.Helper()
	return s.Send(t.Context(), m.From, m.Recipients, m.Raw)
}

func TestSMTPSTARTTLSPlainReusesOneConnection(t *testing.T) {
	srv := startServer(t, localsmtp.Config{Username: smtpUser, Password: smtpPass})
	cfg, logs := clientFor(srv)
	s := newSender(t, cfg)

	var sent []*Composed
	for _, subj := range []string{"one", "two", "three"} {
		m := testMessage(t, subj)
		if err := send(t, s, m); err != nil {
			t.Fatalf("Send %s: %v", subj, err)
		}
		sent = append(sent, m)
	}
	got := srv.Messages()
	if len(got) != 3 {
		t.Fatalf("server received %d messages, want 3", len(got))
	}
	for i, r := range got {
		if r.From != smtpUser || r.User != smtpUser || strings.Join(r.To, ",") != "jane@customer.example,bob@customer.example" {
			t.Errorf("message %d envelope %+v", i, r)
		}
		if !bytes.Equal(r.Data, sent[i].Raw) {
			t.Errorf("message %d arrived altered", i)
		}
	}
	if n := srv.Connections(); n != 1 {
		t.Errorf("server saw %d connections, want 1", n)
	}
	if !strings.Contains(logs.String(), "auth=PLAIN") {
		t.Errorf("log does not show PLAIN auth:\n%s", logs)
	}
	if strings.Contains(logs.String(), smtpPass) {
		t.Error("the password was logged")
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	// A Send after Close connects again.
	if err := send(t, s, testMessage(t, "four")); err != nil || srv.Connections() != 2 {
		t.Errorf("Send after Close: %v, connections %d", err, srv.Connections())
	}
}

func TestSMTPImplicitTLSLogin(t *testing.T) {
	srv := startServer(t, localsmtp.Config{Username: smtpUser, Password: smtpPass, ImplicitTLS: true, Mechanisms: []string{"LOGIN"}})
	cfg, logs := clientFor(srv)
	cfg.Security, cfg.Port = SecurityTLS, srv.TLSPort()
	s := newSender(t, cfg)
	for _, subj := range []string{"one", "two"} {
		if err := send(t, s, testMessage(t, subj)); err != nil {
			t.Fatalf("Send: %v", err)
		}
	}
	if got := srv.Messages(); len(got) != 2 || got[1].User != smtpUser {
		t.Fatalf("Messages() = %+v", got)
	}
	if n := srv.Connections(); n != 1 {
		t.Errorf("server saw %d connections, want 1", n)
	}
	if !strings.Contains(logs.String(), "auth=LOGIN") {
		t.Errorf("log does not show LOGIN auth:\n%s", logs)
	}
}

func TestSMTPWithoutAuth(t *testing.T) {
	tests := []struct {
		name     string
		security Security
	}{
		{"starttls", SecuritySTARTTLS},
		{"plaintext", SecurityNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, localsmtp.Config{})
			cfg, _ := clientFor(srv)
			cfg.Username, cfg.Password, cfg.Security = "", "", tt.security
			if err := send(t, newSender(t, cfg), testMessage(t, "hi")); err != nil {
				t.Fatalf("Send: %v", err)
			}
			if got := srv.Messages(); len(got) != 1 || got[0].User != "" {
				t.Fatalf("Messages() = %+v", got)
			}
		})
	}
}

func TestSMTPUTF8Recipient(t *testing.T) {
	srv := startServer(t, localsmtp.Config{Username: smtpUser, Password: smtpPass})
	cfg, _ := clientFor(srv)
	m := testMessage(t, "hi")
	if err := newSender(t, cfg).Send(t.Context(), m.From, []string{"jürgen@köln.example"}, m.Raw); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := srv.Messages(); len(got) != 1 || got[0].To[0] != "jürgen@köln.example" {
		t.Fatalf("Messages() = %+v", got)
	}
}

func TestSMTPReconnectsWhenKeptConnectionDied(t *testing.T) {
	srv := startServer(t, localsmtp.Config{Username: smtpUser, Password: smtpPass})
	cfg, logs := clientFor(srv)
	s := newSender(t, cfg)
	if err := send(t, s, testMessage(t, "one")); err != nil {
		t.Fatal(err)
	}
	if n := srv.DropConnections(); n != 1 {
		t.Fatalf("DropConnections() = %d", n)
	}
	if err := send(t, s, testMessage(t, "two")); err != nil {
		t.Fatalf("Send after the server hung up: %v", err)
	}
	if len(srv.Messages()) != 2 || srv.Connections() != 2 {
		t.Errorf("messages %d, connections %d; want 2, 2", len(srv.Messages()), srv.Connections())
	}
	if !strings.Contains(logs.String(), "reconnecting") {
		t.Errorf("no reconnect logged:\n%s", logs)
	}
}

func TestSMTPContext(t *testing.T) {
	srv := startServer(t, localsmtp.Config{Username: smtpUser, Password: smtpPass})
	cfg, _ := clientFor(srv)
	cfg.CommandTimeout = time.Minute // only the context may end the wait
	s := newSender(t, cfg)
	m := testMessage(t, "slow")

	srv.SetFailure(localsmtp.Failure{Delay: time.Minute})
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := s.Send(ctx, m.From, m.Recipients, m.Raw)
	if took := time.Since(start); took > 10*time.Second {
		t.Fatalf("Send took %v after the deadline", took)
	}
	var se *SendError
	if !errors.As(err, &se) || !errors.Is(err, context.DeadlineExceeded) || se.Class != ClassTemporary || !se.Uncertain {
		t.Fatalf("error = %#v, want a temporary, uncertain deadline error", err)
	}
	if want := "did not finish in time"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q lacks %q", err, want)
	}

	cancelled, stop := context.WithCancel(t.Context())
	stop()
	if err := s.Send(cancelled, m.From, m.Recipients, m.Raw); !errors.Is(err, context.Canceled) || !IsTemporary(err) {
		t.Errorf("Send with a cancelled context = %v", err)
	}

	srv.SetFailure(localsmtp.Failure{})
	if err := send(t, s, m); err != nil {
		t.Fatalf("Send after a timeout: %v", err)
	}
	if n := srv.Connections(); n != 2 {
		t.Errorf("connections = %d, want 2 (the timed-out one is not reused)", n)
	}
}

func TestSMTPConfig(t *testing.T) {
	d := DefaultSMTPConfig()
	if d.Port != 587 || d.Security != SecuritySTARTTLS || d.DialTimeout != 10*time.Second || d.CommandTimeout != 30*time.Second {
		t.Errorf("DefaultSMTPConfig() = %+v", d)
	}
	ok := SMTPConfig{Host: "smtp.example.com", Username: "u", Password: "p"}
	tests := []struct {
		name   string
		modify func(c *SMTPConfig)
		want   string
	}{
		{"zero values default", func(c *SMTPConfig) {}, ""},
		{"no host", func(c *SMTPConfig) { c.Host = " " }, "smtp.host is empty"},
		{"bad host", func(c *SMTPConfig) { c.Host = "smtp.x.com/587" }, `smtp.host "smtp.x.com/587" is not a host name`},
		{"bad port", func(c *SMTPConfig) { c.Port = 70000 }, "smtp.port 70000 is not a port number"},
		{"bad security", func(c *SMTPConfig) { c.Security = "ssl" }, `smtp.security "ssl" must be starttls, tls or none`},
		{"negative timeout", func(c *SMTPConfig) { c.CommandTimeout = -1 }, "smtp timeouts cannot be negative"},
		{"bad hello", func(c *SMTPConfig) { c.HelloName = "a b" }, `smtp.hello_name "a b" is not a host name`},
		{"no password", func(c *SMTPConfig) { c.Password = "" }, "no password for smtp.username u"},
		{"plaintext password", func(c *SMTPConfig) { c.Security = SecurityNone },
			"refusing to send the password to smtp.example.com unencrypted: set smtp.security to starttls or tls"},
		{"plaintext on loopback", func(c *SMTPConfig) { c.Security, c.Host = SecurityNone, "127.0.0.1" }, ""},
		{"plaintext without login", func(c *SMTPConfig) { c.Security, c.Username, c.Password = SecurityNone, "", "" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.modify(&c)
			err := c.Validate()
			if got := errString(err); got != tt.want {
				t.Errorf("Validate() = %q, want %q", got, tt.want)
			}
		})
	}

	ports := map[Security]int{"": 587, SecuritySTARTTLS: 587, SecurityTLS: 465, SecurityNone: 25}
	for sec, want := range ports {
		if got := (SMTPConfig{Security: sec}).withDefaults().Port; got != want {
			t.Errorf("default port for %q = %d, want %d", sec, got, want)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestLoginClient(t *testing.T) {
	tests := []struct {
		name       string
		challenges []string
		want       []string
		wantErr    bool
	}{
		{"standard prompts", []string{"Username:", "Password:"}, []string{"u", "p"}, false},
		{"lower-case prompts", []string{"username", "password"}, []string{"u", "p"}, false},
		{"other wording", []string{"User Name", "Pass phrase"}, []string{"u", "p"}, false},
		{"unknown wording goes by order", []string{"Who?", "Secret?"}, []string{"u", "p"}, false},
		{"third challenge refused", []string{"Username:", "Password:", "More?"}, []string{"u", "p"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &loginClient{user: "u", pass: "p"}
			if mech, ir, err := c.Start(); mech != "LOGIN" || ir != nil || err != nil {
				t.Fatalf("Start() = %q, %q, %v", mech, ir, err)
			}
			var got []string
			var err error
			for _, ch := range tt.challenges {
				var resp []byte
				if resp, err = c.Next([]byte(ch)); err != nil {
					break
				}
				got = append(got, string(resp))
			}
			if (err != nil) != tt.wantErr || strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("responses %q, error %v; want %q, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
