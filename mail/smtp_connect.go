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
	c, g, hs, err := dial(ctx, s.cfg, s.addr, false)
	if err != nil {
		return err
	}
	s.c, s.conn = c, g
	s.cfg.Logger.Debug("smtp: connected", "addr", s.addr, "security", string(s.cfg.Security),
		"user", s.cfg.Username, "auth", hs.mech)
	return nil
}

// handshake is what opening a connection learned on the way, for Probe.
type handshake struct {
	stage stage  // the stage that failed, when dial fails
	mech  string // the SASL mechanism used, "" without a login
	// plain is the server's plaintext dialogue before STARTTLS (greeting,
	// EHLO reply, STARTTLS reply), recorded only when asked for.
	plain  []byte
	client *clientInfo // what the server announced, recorded only when asked for
}

// dial opens a connection to addr for cfg (defaults filled): TCP, greeting,
// EHLO, TLS and AUTH, leaving the client ready for MAIL. SMTP.Send and
// Probe share it, so the doctor checks exactly what sending does. With
// record, it also keeps the plaintext part of a STARTTLS dialogue in
// hs.plain and what the server announced in hs.client. On failure the
// connection is closed, hs.stage says where it failed, and the error is a
// *SendError.
func dial(ctx context.Context, cfg SMTPConfig, addr string, record bool) (c *smtp.Client, g *guardedConn, hs handshake, err error) {
	f := failureFor(cfg, addr)
	d := net.Dialer{Timeout: cfg.DialTimeout}
	raw, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		f.timeout = cfg.DialTimeout
		return nil, nil, handshake{stage: stageConnect}, classify(f, err, ctx.Err())
	}
	g = &guardedConn{Conn: raw, stall: cfg.CommandTimeout}
	var tap *tapBuffer
	if record && cfg.Security == SecuritySTARTTLS {
		tap = &tapBuffer{max: 16 << 10}
		g.tap = tap
	}
	release := guard(ctx, g)
	// go-smtp reads the greeting with its own 5-minute timeout before ours
	// can be set, so bound the whole handshake here.
	if dl := time.Now().Add(cfg.DialTimeout + cfg.CommandTimeout); g.limit.IsZero() || dl.Before(g.limit) {
		g.limit = dl
	}
	c, st, mech, err := open(ctx, cfg, addr, g)
	if record && c != nil {
		hs.client = inspect(c)
	}
	ctxErr := release()
	if tap != nil {
		hs.plain = tap.buf
	}
	if err != nil || ctxErr != nil {
		_ = g.Close()
		if err == nil {
			err = ctxErr
		}
		f.stage = st
		if st == stageConnect {
			f.timeout = 0 // several exchanges shared one deadline
		}
		hs.stage = st
		return nil, nil, hs, classify(f, err, ctxErr)
	}
	hs.mech = mech
	return c, g, hs, nil
}

// open runs greeting, EHLO, TLS and AUTH on g; on failure it returns the
// stage that failed.
func open(ctx context.Context, cfg SMTPConfig, addr string, g *guardedConn) (c *smtp.Client, st stage, mech string, err error) {
	tlsCfg := tlsConfigFor(cfg)
	helloStage := stageConnect
	switch cfg.Security {
	case SecurityTLS:
		tc := tls.Client(g, tlsCfg)
		hctx, cancel := context.WithTimeout(ctx, cfg.DialTimeout)
		defer cancel()
		if err := tc.HandshakeContext(hctx); err != nil {
			return nil, stageTLS, "", err
		}
		c = smtp.NewClient(tc)
	case SecurityNone:
		c = smtp.NewClient(g)
	default:
		c, err = smtp.NewClientStartTLS(g, tlsCfg)
		g.tap = nil // from here on the bytes are TLS records
		if err != nil {
			if err.Error() == errNoStartTLS {
				return nil, stageTLS, "", &SendError{Class: ClassTLS, Err: err, Msg: fmt.Sprintf(
					"mail server %s does not offer STARTTLS: check smtp.port, or set smtp.security to tls", addr)}
			}
			return nil, stageConnect, "", err
		}
		helloStage = stageTLS // the handshake runs lazily, inside the next EHLO
	}
	c.CommandTimeout = cfg.CommandTimeout
	c.SubmissionTimeout = cfg.CommandTimeout
	if err := c.Hello(cfg.HelloName); err != nil {
		var reply *smtp.SMTPError
		if errors.As(err, &reply) {
			return c, stageConnect, "", err
		}
		return c, helloStage, "", err
	}
	if cfg.Username == "" {
		return c, 0, "", nil
	}
	mech, err = auth(c, cfg, addr)
	return c, stageAuth, mech, err
}

// auth logs in with PLAIN when offered, else LOGIN.
func auth(c *smtp.Client, cfg SMTPConfig, addr string) (string, error) {
	ok, offered := c.Extension("AUTH")
	if !ok {
		if starttls, _ := c.Extension("STARTTLS"); starttls && cfg.Security == SecurityNone {
			return "", &SendError{Class: ClassAuth, Msg: fmt.Sprintf(
				"mail server %s offers a login (AUTH) only after STARTTLS: set smtp.security to starttls", addr)}
		}
		return "", &SendError{Class: ClassAuth, Msg: fmt.Sprintf(
			"mail server %s does not offer a login (AUTH) on this connection: check smtp.security, or leave smtp.username empty if it needs none", addr)}
	}
	var client sasl.Client
	mech := "PLAIN"
	switch {
	case c.SupportsAuth("PLAIN"):
		client = sasl.NewPlainClient("", cfg.Username, cfg.Password)
	case c.SupportsAuth("LOGIN"):
		mech = "LOGIN"
		client = &loginClient{user: cfg.Username, pass: cfg.Password}
	default:
		return "", &SendError{Class: ClassAuth, Msg: fmt.Sprintf(
			"mail server %s offers no login method leadmail supports (it offers %s; leadmail speaks PLAIN and LOGIN)", addr, offered)}
	}
	return mech, c.Auth(client)
}

// tlsConfigFor returns the configured TLS settings with ServerName
// defaulting to Host, which go-smtp cannot infer from a connection we
// dialled. RootCAs stays nil unless configured, so the system pool (and
// SSL_CERT_FILE) decides.
func tlsConfigFor(cfg SMTPConfig) *tls.Config {
	c := &tls.Config{}
	if cfg.TLSConfig != nil {
		c = cfg.TLSConfig.Clone()
	}
	if c.ServerName == "" {
		c.ServerName = cfg.Host
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
