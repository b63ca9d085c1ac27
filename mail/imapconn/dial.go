package imapconn

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"syscall"
	"time"
	"unicode"

	"github.com/emersion/go-imap/client"
	"github.com/emersion/go-sasl"

	"github.com/leadmail/leadmail/mail"
)

// The classes of a failed Dial, for errors.Is. The error itself is a
// sentence naming the server and what to check.
var (
	// ErrUnreachable is DNS, a refused or timed-out connection, or a
	// connection lost before the login finished: try again later.
	ErrUnreachable = errors.New("the IMAP server cannot be reached")
	// ErrTLS is an untrusted certificate, a failed handshake, or a server
	// without STARTTLS: the settings (or the server) need fixing.
	ErrTLS = errors.New("the connection to the IMAP server could not be secured")
	// ErrAuth is a refused or impossible login: fix the username or the
	// password; retrying as is would only lock the account.
	ErrAuth = errors.New("the IMAP server refused the login")
)

// Error is a failed Dial. Error() is the sentence for the user; errors.Is
// matches its class (ErrUnreachable, ErrTLS, ErrAuth) and the cause.
type Error struct {
	Class error // one of the Err* classes, nil for a cancelled dial
	Msg   string
	Err   error // the cause, for logs
}

// Error returns the sentence for the user.
func (e *Error) Error() string { return e.Msg }

// Unwrap gives errors.Is the class and the cause.
func (e *Error) Unwrap() []error {
	var out []error
	for _, err := range []error{e.Class, e.Err} {
		if err != nil {
			out = append(out, err)
		}
	}
	return out
}

// stage is where in the dialogue a dial failed.
type stage int

const (
	stageConfig  stage = iota // the settings cannot work
	stageConnect              // TCP, the greeting
	stageTLS                  // implicit TLS or STARTTLS
	stageLogin                // LOGIN or AUTHENTICATE
	stageDone
)

// session is what a dial learned on the way, for Probe.
type session struct {
	stage stage
	tls   *tls.ConnectionState // nil without a completed handshake
	mech  string               // "LOGIN" or "AUTHENTICATE PLAIN"
}

// Dial connects to the server, secures the connection as c.Security says
// and logs in. ctx cancels the connect, the handshake and the login (the
// connection is closed under them); once Dial has returned, ctx no longer
// matters. The client's Timeout is c.CommandTimeout and its error log goes
// to c.Logger. The caller logs out (or terminates) the client.
func Dial(ctx context.Context, c Config) (*client.Client, error) {
	cl, _, err := dial(ctx, c)
	return cl, err
}

func dial(ctx context.Context, c Config) (*client.Client, session, error) {
	c = c.withDefaults()
	s := session{stage: stageConfig}
	if err := c.Validate(); err != nil {
		return nil, s, err
	}
	s.stage = stageConnect
	d := net.Dialer{Timeout: c.DialTimeout}
	raw, err := d.DialContext(ctx, "tcp", c.Addr())
	if err != nil {
		return nil, s, classify(c, s.stage, err, ctx.Err())
	}
	stop := context.AfterFunc(ctx, func() { _ = raw.Close() })
	cl, err := open(ctx, c, raw, &s)
	if !stop() && err == nil {
		err = ctx.Err() // cancelled just as the login finished: closed under us
	}
	if err != nil {
		_ = raw.Close()
		return nil, s, mask(classify(c, s.stage, err, ctx.Err()), c.Password)
	}
	s.stage = stageDone
	c.Logger.Debug("imap: connected", "addr", c.Addr(), "security", string(c.Security),
		"user", c.Username, "login", s.mech)
	return cl, s, nil
}

// open runs the greeting, TLS and the login on raw, noting each stage in s
// as it starts.
func open(ctx context.Context, c Config, raw net.Conn, s *session) (*client.Client, error) {
	// go-imap reads the greeting with no deadline of its own.
	if err := raw.SetDeadline(time.Now().Add(c.DialTimeout)); err != nil {
		return nil, err
	}
	tcfg := c.tlsConfig()
	verify := tcfg.VerifyConnection
	tcfg.VerifyConnection = func(st tls.ConnectionState) error {
		s.tls = &st
		if verify != nil {
			return verify(st)
		}
		return nil
	}
	conn := raw
	if c.Security == mail.SecurityTLS {
		s.stage = stageTLS
		tc := tls.Client(raw, tcfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, err
		}
		conn = tc
		s.stage = stageConnect
	}
	cl, err := client.New(conn)
	if err != nil {
		return nil, err
	}
	cl.ErrorLog = errorLog{c.Logger}
	cl.Timeout = c.CommandTimeout
	if c.Security == mail.SecuritySTARTTLS {
		ok, err := cl.SupportStartTLS()
		if err != nil {
			return nil, err
		}
		s.stage = stageTLS
		if !ok {
			return nil, &Error{Class: ErrTLS, Msg: fmt.Sprintf(
				"the IMAP server %s does not offer STARTTLS: check imap.port, or set imap.security to tls (port 993)", c.Addr())}
		}
		if err := cl.StartTLS(tcfg); err != nil {
			return nil, err
		}
	}
	s.stage = stageLogin
	disabled, err := cl.Support("LOGINDISABLED")
	if err != nil {
		return nil, err
	}
	if !disabled {
		s.mech = "LOGIN"
		return cl, cl.Login(c.Username, c.Password)
	}
	// LOGIN is off (RFC 3501 §6.2.3), often until TLS: a server may still
	// take SASL PLAIN.
	if plain, err := cl.SupportAuth("PLAIN"); err != nil {
		return nil, err
	} else if !plain {
		hint := "check imap.security"
		if c.Security == mail.SecurityNone {
			hint = "set imap.security to starttls or tls"
		}
		return nil, &Error{Class: ErrAuth, Msg: fmt.Sprintf(
			"the IMAP server %s allows no login on this connection (LOGINDISABLED, and no AUTH=PLAIN): %s", c.Addr(), hint)}
	}
	s.mech = "AUTHENTICATE PLAIN"
	return cl, cl.Authenticate(sasl.NewPlainClient("", c.Username, c.Password))
}

// classify turns err at st into an *Error sentence. ctxErr, when set, is
// why the connection was closed under the dial.
func classify(c Config, st stage, err, ctxErr error) error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	addr := c.Addr()
	switch {
	case errors.Is(ctxErr, context.Canceled):
		return &Error{Msg: fmt.Sprintf("connecting to the IMAP server %s was cancelled", addr), Err: ctxErr}
	case ctxErr != nil:
		return &Error{Class: ErrUnreachable, Err: ctxErr,
			Msg: fmt.Sprintf("cannot reach the IMAP server %s: no answer in time", addr)}
	case st == stageConnect:
		return &Error{Class: ErrUnreachable, Err: err,
			Msg: fmt.Sprintf("cannot reach the IMAP server %s: %s", addr, netCause(err, c.DialTimeout))}
	case st == stageTLS && untrusted(err):
		return &Error{Class: ErrTLS, Err: err,
			Msg: fmt.Sprintf("the IMAP server's certificate is not trusted: %s", certCause(err, c.Host))}
	case st == stageTLS && plaintextReply(err):
		return &Error{Class: ErrTLS, Err: err, Msg: fmt.Sprintf(
			"the IMAP server %s did not answer in TLS: this port may expect STARTTLS (set imap.security to starttls) or be another service", addr)}
	case st == stageTLS && isNetErr(err):
		return &Error{Class: ErrTLS, Err: err,
			Msg: fmt.Sprintf("TLS with the IMAP server %s failed: %s", addr, netCause(err, c.CommandTimeout))}
	case st == stageTLS:
		return &Error{Class: ErrTLS, Err: err,
			Msg: fmt.Sprintf("TLS with the IMAP server %s failed: %s", addr, clean(err.Error()))}
	case isNetErr(err):
		return &Error{Class: ErrUnreachable, Err: err, Msg: fmt.Sprintf(
			"the IMAP server %s closed the connection during the login: %s", addr, netCause(err, c.CommandTimeout))}
	}
	said := ""
	if r := clean(err.Error()); r != "" {
		said = " (" + r + ")"
	}
	return &Error{Class: ErrAuth, Err: err, Msg: fmt.Sprintf(
		"the IMAP server refused the login for %s%s: check imap.username and imap.password_cmd", c.Username, said)}
}

// mask replaces the password, should a server have echoed it into a reply
// quoted in the sentence.
func mask(err error, password string) error {
	var e *Error
	if len(password) >= 4 && errors.As(err, &e) && strings.Contains(e.Msg, password) {
		return &Error{Class: e.Class, Err: e.Err, Msg: strings.ReplaceAll(e.Msg, password, "[password]")}
	}
	return err
}

// clean makes a server's words safe to print: one line, no control
// characters, at most 200 characters.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}

// isNetErr reports whether err comes from the connection rather than from
// the server's reply. go-imap reports a connection closed mid-command with
// a plain error of its own.
func isNetErr(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		strings.Contains(err.Error(), "connection closed")
}

// netCause words a network error briefly ("connection refused").
func netCause(err error, timeout time.Duration) string {
	var dns *net.DNSError
	var ne net.Error
	var op *net.OpError
	var sys *os.SyscallError
	switch {
	case errors.As(err, &dns) && dns.IsNotFound:
		return "no such host"
	case errors.As(err, &dns):
		return clean(dns.Err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "connection reset"
	case errors.As(err, &ne) && ne.Timeout():
		return fmt.Sprintf("no answer within %s", timeout)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed),
		strings.Contains(err.Error(), "connection closed"):
		return "the server closed the connection"
	case errors.As(err, &sys):
		return sys.Err.Error()
	case errors.As(err, &op) && op.Err != nil:
		return clean(op.Err.Error())
	}
	return clean(err.Error())
}

// untrusted reports a certificate that failed verification.
func untrusted(err error) bool {
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var ci x509.CertificateInvalidError
	var hn x509.HostnameError
	return errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &ci) || errors.As(err, &hn)
}

// certCause says why the certificate was refused, without Go's prefixes.
func certCause(err error, host string) string {
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	switch {
	case errors.As(err, &ua):
		return "it is signed by an unknown authority (if your provider uses a private CA, save it as PEM and point SSL_CERT_FILE at it)"
	case errors.As(err, &hn):
		return fmt.Sprintf("it is not valid for %s (check imap.host)", host)
	case errors.As(err, &ci) && ci.Reason == x509.Expired:
		return "it has expired or is not yet valid (check this machine's clock)"
	}
	msg := err.Error()
	for _, p := range []string{"tls: failed to verify certificate: ", "tls: ", "x509: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	return clean(msg)
}

// plaintextReply reports a TLS handshake answered with something else.
func plaintextReply(err error) bool {
	var rh tls.RecordHeaderError
	return errors.As(err, &rh)
}

// errorLog sends go-imap's own error log (which defaults to stderr, under
// the TUI) to the app's log.
type errorLog struct{ l *slog.Logger }

func (e errorLog) Printf(format string, v ...any) {
	e.l.Warn("imap: " + clean(fmt.Sprintf(format, v...)))
}

func (e errorLog) Println(v ...any) {
	e.l.Warn("imap: " + clean(fmt.Sprintln(v...)))
}
