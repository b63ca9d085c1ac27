package mail

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/leadmail/leadmail/mail/localsmtp"
)

// TestSMTPFailureSwitches drives every failure switch of the local server
// and checks the class, the codes and the sentence, then that the next send
// works and whether it needed a new connection.
func TestSMTPFailureSwitches(t *testing.T) {
	tests := []struct {
		name          string
		failure       localsmtp.Failure
		timeout       time.Duration
		class         ErrorClass
		code          int
		enhanced      string
		msg           string // %s is the server address
		uncertain     bool
		wantConnsNext int // connections after the follow-up send
	}{
		{
			name: "login refused", failure: localsmtp.Failure{Auth: true},
			class: ClassAuth, code: 535, enhanced: "5.7.8",
			msg:           "mail server refused the login for rep@brightpath.example (535 5.7.8 Authentication failed): check smtp.username and the password",
			wantConnsNext: 2,
		},
		{
			name: "sender busy 451", failure: localsmtp.Failure{MailCode: 451},
			class: ClassTemporary, code: 451, enhanced: "4.3.0",
			msg:           "mail server temporarily refused sender rep@brightpath.example (451 4.3.0 Local error in processing, try again later)",
			wantConnsNext: 1,
		},
		{
			name: "sender refused 553", failure: localsmtp.Failure{MailCode: 553},
			class: ClassPermanent, code: 553, enhanced: "5.7.1",
			msg:           "mail server refused sender rep@brightpath.example (553 5.7.1 Sender address not allowed): this account may not send as that address",
			wantConnsNext: 1,
		},
		{
			name: "recipient unknown 550", failure: localsmtp.Failure{RcptCode: 550},
			class: ClassPermanent, code: 550, enhanced: "5.1.1",
			msg:           "mail server rejected recipient jane@customer.example (550 5.1.1 Mailbox unavailable: no such user)",
			wantConnsNext: 1,
		},
		{
			name: "recipient busy 450", failure: localsmtp.Failure{RcptCode: 450},
			class: ClassTemporary, code: 450, enhanced: "4.2.1",
			msg:           "mail server temporarily refused recipient jane@customer.example (450 4.2.1 Mailbox temporarily unavailable)",
			wantConnsNext: 1,
		},
		{
			name: "storage full 452", failure: localsmtp.Failure{RcptCode: 452},
			class: ClassTemporary, code: 452, enhanced: "4.2.2",
			msg:           "mail server temporarily refused recipient jane@customer.example (452 4.2.2 Insufficient system storage)",
			wantConnsNext: 1,
		},
		{
			name: "message rejected 554", failure: localsmtp.Failure{DataCode: 554},
			class: ClassPermanent, code: 554, enhanced: "5.7.1",
			msg:           "mail server rejected the message (554 5.7.1 Transaction failed: message rejected)",
			wantConnsNext: 1,
		},
		{
			name: "message too big 552", failure: localsmtp.Failure{DataCode: 552},
			class: ClassPermanent, code: 552, enhanced: "5.3.4",
			msg:           "mail server rejected the message as too large (552 5.3.4 Message too big)",
			wantConnsNext: 1,
		},
		{
			name: "message deferred 451", failure: localsmtp.Failure{DataCode: 451},
			class: ClassTemporary, code: 451, enhanced: "4.3.0",
			msg:           "mail server temporarily refused the message (451 4.3.0 Local error in processing, try again later)",
			wantConnsNext: 1,
		},
		{
			name: "closing 421", failure: localsmtp.Failure{MailCode: 421},
			class: ClassTemporary, code: 421, enhanced: "4.4.2",
			msg:           "mail server %s closed the connection (421 4.4.2 Service not available, closing connection); try again later",
			wantConnsNext: 2,
		},
		{
			name: "dropped in DATA", failure: localsmtp.Failure{DropInData: true},
			class: ClassTemporary,
			msg:   "the connection to mail server %s was lost",
			// The drop may hit while writing or while waiting for the verdict.
			wantConnsNext: 2,
		},
		{
			name: "no verdict in time", failure: localsmtp.Failure{Delay: time.Minute}, timeout: 300 * time.Millisecond,
			class: ClassTemporary, uncertain: true,
			msg:           "the connection to mail server %s was lost before it confirmed the message (no answer within 300ms); it may have been delivered",
			wantConnsNext: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, localsmtp.Config{Username: smtpUser, Password: smtpPass})
			cfg, logs := clientFor(srv)
			if tt.timeout != 0 {
				cfg.CommandTimeout = tt.timeout
			}
			s := newSender(t, cfg)
			m := testMessage(t, "offer")
			srv.SetFailure(tt.failure)

			err := send(t, s, m)
			var se *SendError
			if !errors.As(err, &se) {
				t.Fatalf("error = %v, want *SendError", err)
			}
			if se.Class != tt.class || se.Code != tt.code || se.Enhanced != tt.enhanced || ClassOf(err) != tt.class {
				t.Errorf("class %v code %d enhanced %q; want %v %d %q", se.Class, se.Code, se.Enhanced, tt.class, tt.code, tt.enhanced)
			}
			want := tt.msg
			if strings.Contains(want, "%s") {
				want = fmt.Sprintf(want, srv.Addr())
			}
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error = %q\nwant      %q", err, want)
			}
			if tt.uncertain && !se.Uncertain {
				t.Error("Uncertain not set")
			}
			if IsTemporary(err) != (tt.class == ClassTemporary) {
				t.Errorf("IsTemporary = %v", IsTemporary(err))
			}
			if len(srv.Messages()) != 0 {
				t.Fatal("the server accepted the message")
			}

			srv.SetFailure(localsmtp.Failure{})
			if err := send(t, s, m); err != nil {
				t.Fatalf("follow-up Send: %v", err)
			}
			if n := srv.Connections(); n != tt.wantConnsNext {
				t.Errorf("connections = %d, want %d", n, tt.wantConnsNext)
			}
			if strings.Contains(logs.String(), smtpPass) || strings.Contains(err.Error(), smtpPass) {
				t.Error("the password leaked into a log or an error")
			}
		})
	}
}

func TestSMTPWrongPasswordAndMissingLogin(t *testing.T) {
	srv := startServer(t, localsmtp.Config{Username: smtpUser, Password: smtpPass})

	cfg, _ := clientFor(srv)
	cfg.Password = "wrong"
	err := send(t, newSender(t, cfg), testMessage(t, "x"))
	if ClassOf(err) != ClassAuth || !strings.Contains(err.Error(), "refused the login for rep@brightpath.example (535") {
		t.Errorf("wrong password: %v (%v)", err, ClassOf(err))
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Error("the password is in the error")
	}

	cfg, _ = clientFor(srv)
	cfg.Username, cfg.Password = "", ""
	err = send(t, newSender(t, cfg), testMessage(t, "x"))
	want := fmt.Sprintf("mail server %s requires a login (530 5.7.0 Authentication required): set smtp.username and the password", srv.Addr())
	if ClassOf(err) != ClassAuth || errString(err) != want {
		t.Errorf("no login: %v\nwant        %s", err, want)
	}
}

func TestSMTPUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	_ = ln.Close()

	cfg := DefaultSMTPConfig()
	cfg.Host, cfg.Port = "127.0.0.1", addr.Port
	err = send(t, newSender(t, cfg), testMessage(t, "x"))
	want := fmt.Sprintf("mail server 127.0.0.1:%d is unreachable: connection refused", addr.Port)
	if ClassOf(err) != ClassUnreachable || !IsTemporary(err) || errString(err) != want {
		t.Errorf("error = %v (%v), want %q", err, ClassOf(err), want)
	}

	cfg.Host, cfg.DialTimeout = "no-such-host.invalid", time.Second
	if err := send(t, newSender(t, cfg), testMessage(t, "x")); ClassOf(err) != ClassUnreachable {
		t.Errorf("unknown host: %v (%v)", err, ClassOf(err))
	}
}

func TestSMTPTLSFailures(t *testing.T) {
	srv := startServer(t, localsmtp.Config{Username: smtpUser, Password: smtpPass, ImplicitTLS: true})
	noTLSHost, noTLSPort := fakeServer(t, "220 fake ESMTP", nil)
	tests := []struct {
		name   string
		modify func(c *SMTPConfig)
		want   string
	}{
		{"untrusted certificate", func(c *SMTPConfig) { c.TLSConfig = nil },
			"TLS handshake with 127.0.0.1 failed: certificate signed by unknown authority"},
		{"untrusted certificate, implicit TLS", func(c *SMTPConfig) { c.TLSConfig, c.Security, c.Port = nil, SecurityTLS, srv.TLSPort() },
			"TLS handshake with 127.0.0.1 failed: certificate signed by unknown authority"},
		{"wrong name", func(c *SMTPConfig) { c.TLSConfig.ServerName = "smtp.example.com" },
			"TLS handshake with 127.0.0.1 failed: certificate is valid for localhost, not smtp.example.com"},
		{"implicit TLS on a STARTTLS port", func(c *SMTPConfig) { c.Security = SecurityTLS },
			"TLS handshake with 127.0.0.1 failed: the server did not answer in TLS (this port may expect STARTTLS: set smtp.security to starttls)"},
		{"no STARTTLS offered", func(c *SMTPConfig) { c.Host, c.Port = noTLSHost, noTLSPort },
			fmt.Sprintf("mail server %s:%d does not offer STARTTLS: check smtp.port, or set smtp.security to tls", noTLSHost, noTLSPort)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _ := clientFor(srv)
			tt.modify(&cfg)
			err := send(t, newSender(t, cfg), testMessage(t, "x"))
			if ClassOf(err) != ClassTLS || errString(err) != tt.want {
				t.Errorf("error = %v (%v)\nwant    %s", err, ClassOf(err), tt.want)
			}
		})
	}
}

// TestSMTPScriptedServers covers replies the local server never gives.
func TestSMTPScriptedServers(t *testing.T) {
	tests := []struct {
		name     string
		greeting string
		replies  map[string]string
		user     string
		rcpt     string
		size     int // send a message of this size instead
		class    ErrorClass
		want     string // %s is host:port
	}{
		{name: "hangs up before greeting", class: ClassUnreachable,
			want: "mail server %s is unreachable: the server closed the connection"},
		{name: "greeting 554", greeting: "554 5.7.1 your IP is listed", class: ClassPermanent,
			want: "mail server %s refused the session (554 5.7.1 your IP is listed)"},
		{name: "greeting 421", greeting: "421 4.3.2 too busy", class: ClassTemporary,
			want: "mail server %s closed the connection (421 4.3.2 too busy); try again later"},
		{name: "no AUTH offered", greeting: "220 fake", user: "u", class: ClassAuth,
			want: "mail server %s does not offer a login (AUTH) on this connection: check smtp.security, or leave smtp.username empty if it needs none"},
		{name: "unsupported AUTH", greeting: "220 fake", user: "u", class: ClassAuth,
			replies: map[string]string{"EHLO": "250-fake\n250 AUTH CRAM-MD5 XOAUTH2"},
			want:    "mail server %s offers no login method leadmail supports (it offers CRAM-MD5 XOAUTH2; leadmail speaks PLAIN and LOGIN)"},
		{name: "auth temporarily unavailable", greeting: "220 fake", user: "u", class: ClassTemporary,
			replies: map[string]string{"EHLO": "250-fake\n250 AUTH PLAIN", "AUTH": "454 4.7.0 try later"},
			want:    "mail server could not check the login for u right now (454 4.7.0 try later); try again later"},
		{name: "connection lost during login", greeting: "220 fake", user: "u", class: ClassTemporary,
			replies: map[string]string{"EHLO": "250-fake\n250 AUTH PLAIN", "AUTH": "HANGUP"},
			want:    "the connection to mail server %s was lost: the server closed the connection"},
		{name: "odd login dialogue", greeting: "220 fake", user: "u", class: ClassAuth,
			replies: map[string]string{"EHLO": "250-fake\n250 AUTH PLAIN", "AUTH": "334 d2hhdD8="},
			want:    "login to mail server %s as u failed: sasl: unexpected server challenge"},
		{name: "connection lost at RCPT", greeting: "220 fake", class: ClassTemporary,
			replies: map[string]string{"RCPT": "HANGUP"},
			want:    "the connection to mail server %s was lost: the server closed the connection"},
		{name: "server stops reading the message", greeting: "220 fake", class: ClassTemporary, size: 64 << 20,
			replies: map[string]string{"DATA": "STALL"},
			want:    "the connection to mail server %s was lost: no answer within 300ms"},
		{name: "message larger than SIZE", greeting: "220 fake", class: ClassPermanent, size: 3 << 20,
			replies: map[string]string{"EHLO": "250-fake\n250 SIZE 2000"},
			want:    "the message is 3.0 MB but mail server %s accepts at most 2 KB"},
		{name: "no SMTPUTF8", greeting: "220 fake", rcpt: "jürgen@köln.example", class: ClassPermanent,
			want: "mail server %s does not accept non-ASCII addresses (no SMTPUTF8)"},
		{name: "uncertain final reply", greeting: "220 fake", class: ClassTemporary,
			replies: map[string]string{".": "421 4.4.2 bye"},
			want:    "mail server %s closed the connection (421 4.4.2 bye); try again later"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host, port := fakeServer(t, tt.greeting, tt.replies)
			cfg := DefaultSMTPConfig()
			cfg.Host, cfg.Port, cfg.Security = host, port, SecurityNone
			cfg.DialTimeout, cfg.CommandTimeout = 2*time.Second, 300*time.Millisecond
			if tt.user != "" {
				cfg.Username, cfg.Password = tt.user, "p"
			}
			m := testMessage(t, "x")
			rcpts := m.Recipients
			if tt.rcpt != "" {
				rcpts = []string{tt.rcpt}
			}
			raw := m.Raw
			if tt.size > 0 {
				raw = bytes.Repeat([]byte("x"), tt.size)
			}
			err := newSender(t, cfg).Send(t.Context(), m.From, rcpts, raw)
			want := tt.want
			if strings.Contains(want, "%s") {
				want = fmt.Sprintf(want, net.JoinHostPort(host, fmt.Sprint(port)))
			}
			if ClassOf(err) != tt.class || errString(err) != want {
				t.Errorf("error = %v (%v)\nwant    %s (%v)", err, ClassOf(err), want, tt.class)
			}
		})
	}
}

func TestSMTPRefusesBeforeConnecting(t *testing.T) {
	srv := startServer(t, localsmtp.Config{})
	cfg, _ := clientFor(srv)
	cfg.Username, cfg.Password = "", ""
	tests := []struct {
		name  string
		cfg   func(c *SMTPConfig)
		from  string
		rcpts []string
		want  string
	}{
		{"invalid settings", func(c *SMTPConfig) { c.Host = "" }, "a@x", []string{"b@y"}, "mail settings are not usable: smtp.host is empty"},
		{"no sender", nil, "", []string{"b@y"}, "the message has no sender address"},
		{"no recipients", nil, "a@x", nil, "the message has no recipients"},
		{"CRLF in recipient", nil, "a@x", []string{"b@y\r\nRSET"}, `"b@y\r\nRSET" is not a usable envelope address`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cfg
			if tt.cfg != nil {
				tt.cfg(&c)
			}
			err := newSender(t, c).Send(t.Context(), tt.from, tt.rcpts, []byte("Subject: x\r\n\r\nx\r\n"))
			if ClassOf(err) != ClassPermanent || errString(err) != tt.want {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
	if srv.Connections() != 0 {
		t.Errorf("connections = %d, want 0", srv.Connections())
	}
}

func TestErrorClassHelpers(t *testing.T) {
	inner := &smtp.SMTPError{Code: 550}
	wrapped := fmt.Errorf("not sent: %w", &SendError{Class: ClassPermanent, Msg: "m", Err: inner})
	if ClassOf(wrapped) != ClassPermanent || IsTemporary(wrapped) {
		t.Errorf("ClassOf(wrapped) = %v", ClassOf(wrapped))
	}
	var got *smtp.SMTPError
	if !errors.As(wrapped, &got) || got != inner {
		t.Error("Unwrap does not reach the SMTP error")
	}
	if ClassOf(nil) != ClassNone || ClassOf(errors.New("x")) != ClassNone || IsTemporary(nil) {
		t.Error("non-send errors must have ClassNone")
	}
	names := map[ErrorClass]string{ClassNone: "none", ClassUnreachable: "unreachable", ClassTLS: "tls",
		ClassAuth: "auth", ClassTemporary: "temporary", ClassPermanent: "permanent"}
	for c, want := range names {
		if c.String() != want {
			t.Errorf("%d.String() = %q, want %q", c, c.String(), want)
		}
	}
	if (&SendError{Err: errors.New("inner")}).Error() != "inner" || (&SendError{}).Error() != "sending failed" {
		t.Error("SendError.Error fallbacks")
	}
}
