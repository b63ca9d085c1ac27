package localsmtp

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

const (
	user = "rep@example.com"
	pass = "s3cret"
)

func start(t *testing.T, cfg Config) *Server {
	t.Helper()
	s, err := Start(cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func message(id, subject string) string {
	return fmt.Sprintf("From: rep@example.com\r\nTo: jane@customer.example\r\nSubject: %s\r\n"+
		"Message-ID: <%s>\r\n\r\nHello Jane.\r\n", subject, id)
}

func replyCode(err error) int {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

func TestSTARTTLSAuthAndMailbox(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo-mailbox")
	s := start(t, Config{Username: user, Password: pass, MailboxDir: dir})

	c, err := smtp.DialStartTLS(s.Addr(), s.TLSConfig())
	if err != nil {
		t.Fatalf("DialStartTLS: %v", err)
	}
	defer func() { _ = c.Close() }()
	if err := c.Auth(sasl.NewPlainClient("", user, pass)); err != nil {
		t.Fatalf("Auth PLAIN: %v", err)
	}
	ids := []string{"one.1@crm.example", "two/../2@crm.example"}
	for i, id := range ids {
		body := message(id, fmt.Sprintf("Offer %d", i+1))
		if err := c.SendMail(user, []string{"jane@customer.example"}, strings.NewReader(body)); err != nil {
			t.Fatalf("SendMail %d: %v", i, err)
		}
	}
	if err := c.Quit(); err != nil {
		t.Fatalf("Quit: %v", err)
	}

	msgs := s.Messages()
	if len(msgs) != 2 {
		t.Fatalf("Messages() = %d, want 2", len(msgs))
	}
	for _, m := range msgs {
		if m.From != user || m.User != user || len(m.To) != 1 || m.To[0] != "jane@customer.example" {
			t.Errorf("received %+v", m)
		}
	}
	if got := s.Connections(); got != 1 {
		t.Errorf("Connections() = %d, want 1", got)
	}

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("mailbox has %d entries, want 2 (no temp files left)", len(entries))
	}
	wantNames := []*regexp.Regexp{
		regexp.MustCompile(`^\d+-one\.1@crm\.example\.eml$`),
		regexp.MustCompile(`^\d+-two_\.\._2@crm\.example\.eml$`),
	}
	for i, e := range entries { // ReadDir sorts by name, and names sort by arrival
		if !wantNames[i].MatchString(e.Name()) {
			t.Errorf("file %d = %q, want %v", i, e.Name(), wantNames[i])
		}
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("parse %s: %v", e.Name(), err)
		}
		if got, want := m.Header.Get("Subject"), fmt.Sprintf("Offer %d", i+1); got != want {
			t.Errorf("%s: Subject = %q, want %q", e.Name(), got, want)
		}
		if !bytes.Equal(raw, msgs[i].Data) {
			t.Errorf("%s differs from Messages()[%d].Data", e.Name(), i)
		}
	}
}

func TestImplicitTLSLogin(t *testing.T) {
	s := start(t, Config{Username: user, Password: pass, ImplicitTLS: true})
	if s.TLSAddr() == "" || s.TLSPort() == 0 || s.TLSPort() == s.Port() {
		t.Fatalf("TLSAddr() = %q, Port %d, TLSPort %d", s.TLSAddr(), s.Port(), s.TLSPort())
	}
	// The certificate must verify under the IP name as well as localhost.
	cfg := s.TLSConfig()
	cfg.ServerName = s.Host()
	c, err := smtp.DialTLS(s.TLSAddr(), cfg)
	if err != nil {
		t.Fatalf("DialTLS: %v", err)
	}
	defer func() { _ = c.Close() }()
	// go-sasl's LOGIN client needs the exact "Password:" prompt.
	if err := c.Auth(sasl.NewLoginClient(user, pass)); err != nil {
		t.Fatalf("Auth LOGIN: %v", err)
	}
	rcpts := []string{"jane@customer.example", "joe@customer.example"}
	if err := c.SendMail(user, rcpts, strings.NewReader(message("a@b", "Hi"))); err != nil {
		t.Fatalf("SendMail: %v", err)
	}
	msgs := s.Messages()
	if len(msgs) != 1 || strings.Join(msgs[0].To, ",") != strings.Join(rcpts, ",") || msgs[0].User != user {
		t.Fatalf("Messages() = %+v", msgs)
	}
}

func TestRefusals(t *testing.T) {
	tests := []struct {
		name     string
		failure  Failure
		starttls bool
		run      func(c *smtp.Client) error
		wantCode int
	}{
		{
			name: "AUTH before TLS",
			run: func(c *smtp.Client) error {
				if ok, _ := c.Extension("AUTH"); ok {
					return errors.New("AUTH offered before TLS")
				}
				return c.Auth(sasl.NewPlainClient("", user, pass))
			},
			wantCode: 523,
		},
		{
			name: "MAIL before AUTH", starttls: true,
			run:      func(c *smtp.Client) error { return c.Mail(user, nil) },
			wantCode: 530,
		},
		{
			name: "wrong password", starttls: true,
			run:      func(c *smtp.Client) error { return c.Auth(sasl.NewPlainClient("", user, "nope")) },
			wantCode: 535,
		},
		{
			name: "wrong password over LOGIN", starttls: true,
			run:      func(c *smtp.Client) error { return c.Auth(sasl.NewLoginClient(user, "nope")) },
			wantCode: 535,
		},
		{
			name: "auth failure switch", starttls: true, failure: Failure{Auth: true},
			run:      func(c *smtp.Client) error { return c.Auth(sasl.NewPlainClient("", user, pass)) },
			wantCode: 535,
		},
		{
			name: "MAIL failure switch", starttls: true, failure: Failure{MailCode: 451},
			run:      func(c *smtp.Client) error { return authThen(c, func() error { return c.Mail(user, nil) }) },
			wantCode: 451,
		},
		{
			name: "RCPT failure switch", starttls: true, failure: Failure{RcptCode: 550},
			run: func(c *smtp.Client) error {
				return authThen(c, func() error {
					if err := c.Mail(user, nil); err != nil {
						return err
					}
					return c.Rcpt("bob@customer.example", nil)
				})
			},
			wantCode: 550,
		},
		{
			name: "DATA failure switch", starttls: true, failure: Failure{DataCode: 554},
			run: func(c *smtp.Client) error {
				return authThen(c, func() error {
					return c.SendMail(user, []string{"bob@customer.example"}, strings.NewReader(message("x@y", "Hi")))
				})
			},
			wantCode: 554,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t, Config{Username: user, Password: pass})
			s.SetFailure(tt.failure)
			var c *smtp.Client
			var err error
			if tt.starttls {
				c, err = smtp.DialStartTLS(s.Addr(), s.TLSConfig())
			} else {
				c, err = smtp.Dial(s.Addr())
			}
			if err != nil {
				t.Fatalf("dial: %v", err)
			}
			defer func() { _ = c.Close() }()
			err = tt.run(c)
			if got := replyCode(err); got != tt.wantCode {
				t.Fatalf("error = %v (code %d), want code %d", err, got, tt.wantCode)
			}
			if len(s.Messages()) != 0 {
				t.Errorf("a message was accepted")
			}
		})
	}
}

func authThen(c *smtp.Client, f func() error) error {
	if err := c.Auth(sasl.NewPlainClient("", user, pass)); err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	return f()
}

func TestDropInDataAndDelay(t *testing.T) {
	s := start(t, Config{})

	s.SetFailure(Failure{DropInData: true})
	c, err := smtp.DialStartTLS(s.Addr(), s.TLSConfig())
	if err != nil {
		t.Fatal(err)
	}
	err = c.SendMail(user, []string{"bob@customer.example"}, strings.NewReader(message("x@y", "Hi")))
	if err == nil || replyCode(err) != 0 {
		t.Fatalf("SendMail with DropInData = %v, want a connection error", err)
	}
	_ = c.Close()

	s.SetFailure(Failure{Delay: time.Minute})
	c, err = smtp.DialStartTLS(s.Addr(), s.TLSConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	c.SubmissionTimeout = 50 * time.Millisecond
	err = c.SendMail(user, []string{"bob@customer.example"}, strings.NewReader(message("x@y", "Hi")))
	if err == nil || !strings.Contains(err.Error(), "timeout") {
		t.Fatalf("SendMail with Delay = %v, want a timeout", err)
	}
	// Close must not wait for the delayed reply.
	done := make(chan error, 1)
	go func() { done <- s.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close blocked on a delayed DATA")
	}
}

func TestNoAuthConfigured(t *testing.T) {
	s := start(t, Config{Domain: "demo.local"})
	c, err := smtp.DialStartTLS(s.Addr(), s.TLSConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	if ok, _ := c.Extension("AUTH"); ok {
		t.Error("AUTH offered by a server without a username")
	}
	if err := c.SendMail(user, []string{"bob@customer.example"}, strings.NewReader(message("x@y", "Hi"))); err != nil {
		t.Fatalf("SendMail: %v", err)
	}
	if m := s.Messages(); len(m) != 1 || m[0].User != "" {
		t.Fatalf("Messages() = %+v", m)
	}
}

func TestDropConnectionsAndClose(t *testing.T) {
	s := start(t, Config{})
	c, err := smtp.DialStartTLS(s.Addr(), s.TLSConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	if err := c.Noop(); err != nil {
		t.Fatal(err)
	}
	if n := s.DropConnections(); n != 1 {
		t.Errorf("DropConnections() = %d, want 1", n)
	}
	if err := c.Noop(); err == nil {
		t.Error("NOOP on a dropped connection succeeded")
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := smtp.Dial(s.Addr()); err == nil {
		t.Error("dial after Close succeeded")
	}
}

func TestUntrustedClientFails(t *testing.T) {
	s := start(t, Config{})
	c, err := smtp.DialStartTLS(s.Addr(), &tls.Config{ServerName: "localhost"})
	if err == nil {
		defer func() { _ = c.Close() }()
		err = c.Noop() // go-smtp runs the handshake with the next command
	}
	var cv *tls.CertificateVerificationError
	if !errors.As(err, &cv) {
		t.Fatalf("error = %v, want a certificate verification error", err)
	}
}

func TestFileSafe(t *testing.T) {
	tests := []struct{ in, want string }{
		{"abc.123@crm.example", "abc.123@crm.example"},
		{"../../etc/passwd", "_.._etc_passwd"},
		{"", "no-message-id"},
		{"...", "no-message-id"},
		{"ä b", "__b"},
		{strings.Repeat("x", 300), strings.Repeat("x", 100)},
	}
	for _, tt := range tests {
		if got := fileSafe(tt.in); got != tt.want {
			t.Errorf("fileSafe(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCloseRightAfterStart(t *testing.T) {
	for range 50 {
		s, err := Start(Config{ImplicitTLS: true})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- s.Close() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("Close: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Close right after Start blocked")
		}
	}
}

func TestMailboxWriteFailureRefusesMessage(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mailbox")
	s := start(t, Config{MailboxDir: dir})
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	c, err := smtp.DialStartTLS(s.Addr(), s.TLSConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	err = c.SendMail(user, []string{"bob@customer.example"}, strings.NewReader(message("x@y", "Hi")))
	if replyCode(err) != 451 {
		t.Fatalf("SendMail into a missing mailbox = %v, want 451", err)
	}
	if len(s.Messages()) != 0 {
		t.Error("an unsaved message was recorded")
	}
}

func TestOnReceiveHearsEachAcceptedMessage(t *testing.T) {
	got := make(chan Received, 4)
	s := start(t, Config{OnReceive: func(m Received) { got <- m }})
	c, err := smtp.DialStartTLS(s.Addr(), s.TLSConfig())
	if err != nil {
		t.Fatalf("DialStartTLS: %v", err)
	}
	defer func() { _ = c.Close() }()
	if err := c.SendMail(user, []string{"jane@customer.example"},
		strings.NewReader(message("hook.1@crm.example", "Hook"))); err != nil {
		t.Fatalf("SendMail: %v", err)
	}
	s.SetFailure(Failure{DataCode: 554})
	if err := c.SendMail(user, []string{"jane@customer.example"},
		strings.NewReader(message("hook.2@crm.example", "Refused"))); replyCode(err) != 554 {
		t.Fatalf("SendMail with DATA refused: %v, want 554", err)
	}
	select {
	case m := <-got:
		if m.From != user || len(m.To) != 1 || m.To[0] != "jane@customer.example" ||
			!bytes.Contains(m.Data, []byte("hook.1@crm.example")) {
			t.Errorf("OnReceive got %+v", m)
		}
	default:
		t.Fatal("OnReceive was not called for the accepted message")
	}
	if len(got) != 0 {
		t.Errorf("OnReceive heard %d more, want none for the refused message", len(got))
	}
}
