// Package imapconn opens connections to the user's IMAP mailbox for Mail
// Sync: it dials with a context and short timeouts, secures the connection
// (implicit TLS or STARTTLS), logs in, lists the folders and finds the Sent
// folder, and checks all of this for `leadmail doctor` and `leadmail init`
// (Probe). Errors are one sentence a salesperson can act on, in three
// errors.Is-able classes (ErrUnreachable, ErrTLS, ErrAuth); the password
// never appears in an error or a log line.
package imapconn

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/leadmail/leadmail/mail"
)

// Config is how to reach and log in to the mailbox. Zero values mean the
// defaults of DefaultConfig.
type Config struct {
	Host string
	Port int // 993 with tls, 143 with starttls or none when 0
	// Security is tls (from the first byte), starttls, or none, which is
	// accepted for a loopback host only.
	Security           mail.Security
	Username, Password string
	// TLSConfig is nil for the system roots (which honour SSL_CERT_FILE)
	// with ServerName = Host; tests and the demo pass one trusting their
	// own certificate.
	TLSConfig *tls.Config
	// DialTimeout bounds the TCP connect, the greeting and the TLS
	// handshake; CommandTimeout bounds each command. A client from Dial
	// keeps CommandTimeout as its Timeout: set it to 0 before IDLE.
	DialTimeout, CommandTimeout time.Duration
	Logger                      *slog.Logger // nil discards
}

// DefaultConfig returns implicit TLS on port 993 and timeouts short enough
// for an interactive app.
func DefaultConfig() Config {
	return Config{
		Port:           993,
		Security:       mail.SecurityTLS,
		DialTimeout:    10 * time.Second,
		CommandTimeout: 30 * time.Second,
	}
}

// Validate reports the first setting that cannot work, as a sentence
// naming the imap.* key.
func (c Config) Validate() error {
	switch {
	case strings.TrimSpace(c.Host) == "":
		return errors.New("imap.host is empty: set it to your provider's IMAP server, e.g. imap.yourcompany.com")
	case strings.ContainsAny(c.Host, " \t\r\n/@"):
		return fmt.Errorf("imap.host %q is not a host name", c.Host)
	case c.Port < 0 || c.Port > 65535:
		return fmt.Errorf("imap.port %d is not a port number (993 with tls, 143 with starttls)", c.Port)
	case c.DialTimeout < 0 || c.CommandTimeout < 0:
		return errors.New("imap timeouts cannot be negative")
	case strings.TrimSpace(c.Username) == "":
		return errors.New("imap.username is empty: set it to your mailbox login (usually your email address)")
	case c.Password == "":
		return fmt.Errorf("no password for imap.username %s: set imap.password_cmd or LEADMAIL_IMAP_PASSWORD", c.Username)
	}
	switch c.Security {
	case "", mail.SecurityTLS, mail.SecuritySTARTTLS:
	case mail.SecurityNone:
		if !loopback(c.Host) {
			return fmt.Errorf("refusing to send the password to %s unencrypted: imap.security none is for a server on this machine only; set it to tls or starttls", c.Host)
		}
	default:
		return fmt.Errorf("imap.security %q must be tls, starttls or none", c.Security)
	}
	return nil
}

// Addr is host:port with the default port filled in.
func (c Config) Addr() string {
	c = c.withDefaults()
	return net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// withDefaults fills zero values.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Security == "" {
		c.Security = d.Security
	}
	if c.Port == 0 {
		c.Port = 143
		if c.Security == mail.SecurityTLS {
			c.Port = 993
		}
	}
	if c.DialTimeout == 0 {
		c.DialTimeout = d.DialTimeout
	}
	if c.CommandTimeout == 0 {
		c.CommandTimeout = d.CommandTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// tlsConfig returns the configured TLS settings with ServerName defaulting
// to Host; RootCAs stays nil unless configured, so the system pool decides.
func (c Config) tlsConfig() *tls.Config {
	t := &tls.Config{}
	if c.TLSConfig != nil {
		t = c.TLSConfig.Clone()
	}
	if t.ServerName == "" {
		t.ServerName = c.Host
	}
	if t.MinVersion == 0 {
		t.MinVersion = tls.VersionTLS12
	}
	return t
}
