package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
)

// ProbeStep is one check made by Probe.
type ProbeStep struct {
	Name   string // "config", "connect", "tls", "auth" or "size"
	OK     bool
	Detail string // a sentence: what was found, or the *SendError sentence
}

// ProbeReport is what Probe found out about a mail server. Fields the
// probe could not reach stay zero.
type ProbeReport struct {
	// Steps are in the order they ran. A failed connect, tls or auth step
	// ends the list (after a refused login nothing about the size is
	// reported: it may change once logged in).
	Steps     []ProbeStep
	MaxSize   int64    // the server's SIZE limit in bytes, 0 when unknown
	AuthMechs []string // login mechanisms offered (under TLS when TLS is used)
	// AuthBeforeTLS is set when the server offers AUTH on the plaintext
	// connection, before STARTTLS. leadmail never logs in there, but the
	// server invites other clients to send passwords in clear: a warning.
	AuthBeforeTLS bool
	TLSVersion    string // "TLS 1.3"; "" without TLS
	OK            bool   // every step passed
}

// Probe connects to the server as SMTP.Send would (same dialer, TLS
// settings and login) and reports each step, then says QUIT without
// sending anything. It is what `leadmail doctor` shows. Certificates are
// checked against cfg.TLSConfig's roots, or the system's (which honour
// SSL_CERT_FILE) when it has none. No Detail ever contains the password.
func Probe(ctx context.Context, cfg SMTPConfig) ProbeReport {
	cfg = cfg.withDefaults()
	var r ProbeReport
	if err := cfg.Validate(); err != nil {
		r.add("config", false, "mail settings are not usable: "+err.Error())
		return r.finish(cfg.Password)
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	c, g, hs, err := dial(ctx, cfg, addr, true)
	failed := stage(-1)
	if err != nil {
		failed = hs.stage
	}
	r.AuthBeforeTLS = authInPlaintext(hs.plain)
	if hs.client != nil {
		r.AuthMechs = hs.client.mechs
		r.MaxSize = hs.client.size
		if hs.client.tls != nil {
			r.TLSVersion = tls.VersionName(hs.client.tls.Version)
		}
	}

	if failed == stageConnect {
		r.add("connect", false, err.Error())
		return r.finish(cfg.Password)
	}
	r.add("connect", true, fmt.Sprintf("connected to mail server %s", addr))
	if cfg.Security != SecurityNone {
		if failed == stageTLS {
			r.add("tls", false, err.Error())
			return r.finish(cfg.Password)
		}
		r.add("tls", true, tlsDetail(cfg, hs.client.tls))
	}
	switch {
	case failed == stageAuth:
		// What a server announces before the login may not hold after
		// it, and a line after the refusal would read as a pass: stop.
		r.add("auth", false, err.Error())
		r.MaxSize = 0
		if c != nil {
			quit(ctx, c, g, cfg.CommandTimeout)
		}
		return r.finish(cfg.Password)
	case cfg.Username != "":
		r.add("auth", true, fmt.Sprintf("logged in as %s with %s", cfg.Username, hs.mech))
	case len(r.AuthMechs) > 0:
		r.add("auth", true, fmt.Sprintf("no login configured (smtp.username is empty), though the server offers one (%s): set smtp.username if it refuses mail without it",
			strings.Join(r.AuthMechs, " ")))
	default:
		r.add("auth", true, "no login configured, and the server asks for none")
	}
	if r.MaxSize > 0 {
		r.add("size", true, fmt.Sprintf("the server accepts messages up to %s", size(int(r.MaxSize))))
	} else {
		r.add("size", true, "the server announces no size limit")
	}
	if c != nil {
		quit(ctx, c, g, cfg.CommandTimeout)
	}
	return r.finish(cfg.Password)
}

func (r *ProbeReport) add(name string, ok bool, detail string) {
	r.Steps = append(r.Steps, ProbeStep{Name: name, OK: ok, Detail: detail})
}

// finish sets OK and, as a last guard, masks the password should a server
// have echoed it into a reply we quote.
func (r ProbeReport) finish(password string) ProbeReport {
	r.OK = len(r.Steps) > 0
	for i, s := range r.Steps {
		if len(password) >= 4 {
			r.Steps[i].Detail = strings.ReplaceAll(s.Detail, password, "[password]")
		}
		r.OK = r.OK && s.OK
	}
	return r
}

// quit says goodbye within the probe's deadline and a few seconds.
func quit(ctx context.Context, c *smtp.Client, g *guardedConn, timeout time.Duration) {
	release := guard(ctx, g)
	if dl := time.Now().Add(min(timeout, 5*time.Second)); g.limit.IsZero() || dl.Before(g.limit) {
		g.limit = dl
	}
	_ = c.Quit()
	_ = release()
	_ = g.Close()
}

// tlsDetail describes the protection in place, e.g. "TLS 1.3 via STARTTLS,
// certificate for smtp.example.com (issued by R11) valid until 2027-03-01".
func tlsDetail(cfg SMTPConfig, st *tls.ConnectionState) string {
	how := "implicit TLS"
	if cfg.Security == SecuritySTARTTLS {
		how = "STARTTLS"
	}
	if st == nil || len(st.PeerCertificates) == 0 {
		return how
	}
	leaf := st.PeerCertificates[0]
	issuer := leaf.Issuer.CommonName
	if issuer == "" && len(leaf.Issuer.Organization) > 0 {
		issuer = leaf.Issuer.Organization[0]
	}
	name := tlsConfigFor(cfg).ServerName
	s := fmt.Sprintf("%s via %s, certificate for %s", tls.VersionName(st.Version), how, name)
	if issuer != "" {
		s += fmt.Sprintf(" (issued by %s)", issuer)
	}
	s += " valid until " + leaf.NotAfter.UTC().Format(time.DateOnly)
	if cfg.TLSConfig != nil && cfg.TLSConfig.InsecureSkipVerify {
		s += ", NOT verified (InsecureSkipVerify)"
	}
	return s
}

// clientInfo is what the server announced, kept for Probe.
type clientInfo struct {
	tls   *tls.ConnectionState // nil without a completed TLS handshake
	mechs []string
	size  int64
}

// inspect reads what the client already knows: after EHLO none of these
// calls touches the network.
func inspect(c *smtp.Client) *clientInfo {
	in := &clientInfo{}
	if st, ok := c.TLSConnectionState(); ok && st.HandshakeComplete {
		in.tls = &st
	}
	if ok, mechs := c.Extension("AUTH"); ok {
		in.mechs = strings.Fields(strings.ToUpper(mechs))
	}
	if n, ok := c.MaxMessageSize(); ok {
		in.size = int64(n)
	}
	return in
}

// authInPlaintext reports whether a plaintext dialogue's EHLO reply
// offered AUTH ("250-AUTH PLAIN", or the old "250-AUTH=LOGIN").
func authInPlaintext(dialogue []byte) bool {
	for line := range strings.Lines(string(dialogue)) {
		line = strings.TrimRight(line, "\r\n")
		if len(line) < 4 || !strings.HasPrefix(line, "250") {
			continue
		}
		kw, _, _ := strings.Cut(line[4:], " ")
		kw = strings.ToUpper(kw)
		if kw == "AUTH" || strings.HasPrefix(kw, "AUTH=") {
			return true
		}
	}
	return false
}

// tapBuffer keeps the first max bytes read from a connection.
type tapBuffer struct {
	buf []byte
	max int
}

func (t *tapBuffer) add(p []byte) {
	if room := t.max - len(t.buf); room > 0 {
		t.buf = append(t.buf, p[:min(len(p), room)]...)
	}
}
