package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// errNoStartTLS is go-smtp's error text when STARTTLS is not offered; it has
// no sentinel, and we must tell the user to change smtp.security.
const errNoStartTLS = "smtp: server doesn't support STARTTLS"

// connect dials, secures and logs in, leaving s.c ready for MAIL.
func (s *SMTP) connect(ctx context.Context) error {
	f := s.failure()
	d := net.Dialer{Timeout: s.cfg.DialTimeout}
	raw, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		f.timeout = s.cfg.DialTimeout
		return classify(f, err, ctx.Err())
	}
	g := &guardedConn{Conn: raw, stall: s.cfg.CommandTimeout}
	s.conn = g
	release := s.guard(ctx)
	// go-smtp reads the greeting with its own 5-minute timeout before ours
	// can be set, so bound the whole handshake here.
	if dl := time.Now().Add(s.cfg.DialTimeout + s.cfg.CommandTimeout); g.limit.IsZero() || dl.Before(g.limit) {
		g.limit = dl
	}
	st, mech, err := s.handshake(ctx, g)
	ctxErr := release()
	if err != nil || ctxErr != nil {
		s.drop()
		if err == nil {
			err = ctxErr
		}
		f.stage = st
		if st == stageConnect {
			f.timeout = 0 // several exchanges shared one deadline
		}
		return classify(f, err, ctxErr)
	}
	s.cfg.Logger.Debug("smtp: connected", "addr", s.addr, "security", string(s.cfg.Security),
		"user", s.cfg.Username, "auth", mech)
	return nil
}

// handshake runs greeting, EHLO, TLS and AUTH; on failure it returns the
// stage that failed.
func (s *SMTP) handshake(ctx context.Context, g *guardedConn) (st stage, mech string, err error) {
	tlsCfg := s.tlsConfig()
	helloStage := stageConnect
	switch s.cfg.Security {
	case SecurityTLS:
		tc := tls.Client(g, tlsCfg)
		hctx, cancel := context.WithTimeout(ctx, s.cfg.DialTimeout)
		defer cancel()
		if err := tc.HandshakeContext(hctx); err != nil {
			return stageTLS, "", err
		}
		s.c = smtp.NewClient(tc)
	case SecurityNone:
		s.c = smtp.NewClient(g)
	default:
		c, err := smtp.NewClientStartTLS(g, tlsCfg)
		if err != nil {
			if err.Error() == errNoStartTLS {
				return stageTLS, "", &SendError{Class: ClassTLS, Err: err, Msg: fmt.Sprintf(
					"mail server %s does not offer STARTTLS: check smtp.port, or set smtp.security to tls", s.addr)}
			}
			return stageConnect, "", err
		}
		s.c = c
		helloStage = stageTLS // the handshake runs lazily, inside the next EHLO
	}
	s.c.CommandTimeout = s.cfg.CommandTimeout
	s.c.SubmissionTimeout = s.cfg.CommandTimeout
	if err := s.c.Hello(s.cfg.HelloName); err != nil {
		var reply *smtp.SMTPError
		if errors.As(err, &reply) {
			return stageConnect, "", err
		}
		return helloStage, "", err
	}
	if s.cfg.Username == "" {
		return 0, "", nil
	}
	mech, err = s.auth()
	return stageAuth, mech, err
}

// auth logs in with PLAIN when offered, else LOGIN.
func (s *SMTP) auth() (string, error) {
	ok, offered := s.c.Extension("AUTH")
	if !ok {
		return "", &SendError{Class: ClassAuth, Msg: fmt.Sprintf(
			"mail server %s does not offer a login (AUTH) on this connection: check smtp.security, or leave smtp.username empty if it needs none", s.addr)}
	}
	var client sasl.Client
	mech := "PLAIN"
	switch {
	case s.c.SupportsAuth("PLAIN"):
		client = sasl.NewPlainClient("", s.cfg.Username, s.cfg.Password)
	case s.c.SupportsAuth("LOGIN"):
		mech = "LOGIN"
		client = &loginClient{user: s.cfg.Username, pass: s.cfg.Password}
	default:
		return "", &SendError{Class: ClassAuth, Msg: fmt.Sprintf(
			"mail server %s offers no login method leadmail supports (it offers %s; leadmail speaks PLAIN and LOGIN)", s.addr, offered)}
	}
	return mech, s.c.Auth(client)
}

// tlsConfig returns the configured TLS settings with ServerName defaulting
// to Host, which go-smtp cannot infer from a connection we dialled.
func (s *SMTP) tlsConfig() *tls.Config {
	c := &tls.Config{}
	if s.cfg.TLSConfig != nil {
		c = s.cfg.TLSConfig.Clone()
	}
	if c.ServerName == "" {
		c.ServerName = s.cfg.Host
	}
	if c.MinVersion == 0 {
		c.MinVersion = tls.VersionTLS12
	}
	return c
}

// loginClient is SASL LOGIN answering by the prompt's meaning.
// go-sasl's client insists on the exact challenge "Password:", which some
// servers (Exchange, older qmail) word differently.
type loginClient struct {
	user, pass string
	step       int
}

func (a *loginClient) Start() (string, []byte, error) { return "LOGIN", nil, nil }

func (a *loginClient) Next(challenge []byte) ([]byte, error) {
	prompt := strings.ToLower(strings.TrimSpace(string(challenge)))
	a.step++
	switch {
	case a.step > 2:
		return nil, sasl.ErrUnexpectedServerChallenge
	case strings.HasPrefix(prompt, "pass"):
		return []byte(a.pass), nil
	case strings.HasPrefix(prompt, "user"), a.step == 1:
		return []byte(a.user), nil
	default:
		return []byte(a.pass), nil
	}
}
