package mail

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"
)

// Security is how the connection to the mail server is protected.
type Security string

// The supported connection security modes.
const (
	SecuritySTARTTLS Security = "starttls" // plaintext then STARTTLS, usually port 587
	SecurityTLS      Security = "tls"      // TLS from the first byte, usually port 465
	SecurityNone     Security = "none"     // plaintext: local relays only
)

// SMTPConfig configures the connection to the user's mail server. Zero
// values mean the defaults of DefaultSMTPConfig.
type SMTPConfig struct {
	Host               string
	Port               int
	Security           Security
	Username, Password string // no AUTH when Username is empty
	// HelloName is the EHLO name; "localhost" when empty. With STARTTLS,
	// go-smtp says "localhost" before TLS and HelloName after it.
	HelloName string
	// TLSConfig is nil for the system roots with ServerName = Host; tests
	// and the demo pass one trusting their own certificate.
	TLSConfig *tls.Config
	// DialTimeout bounds TCP connect and an implicit TLS handshake;
	// CommandTimeout bounds each command's reply and any stall while the
	// message is written. A context deadline on Send bounds everything.
	DialTimeout, CommandTimeout time.Duration
	Logger                      *slog.Logger // nil discards
}

// DefaultSMTPConfig returns the submission defaults: port 587 with
// STARTTLS, and timeouts short enough for an interactive app (go-smtp's own
// are minutes).
func DefaultSMTPConfig() SMTPConfig {
	return SMTPConfig{
		Port:           587,
		Security:       SecuritySTARTTLS,
		DialTimeout:    10 * time.Second,
		CommandTimeout: 30 * time.Second,
	}
}

// Validate reports settings that cannot work, naming the config key.
func (c SMTPConfig) Validate() error {
	switch {
	case strings.TrimSpace(c.Host) == "":
		return errors.New("smtp.host is empty")
	case strings.ContainsAny(c.Host, " \t\r\n/"):
		return fmt.Errorf("smtp.host %q is not a host name", c.Host)
	case c.Port < 0 || c.Port > 65535:
		return fmt.Errorf("smtp.port %d is not a port number", c.Port)
	case c.DialTimeout < 0 || c.CommandTimeout < 0:
		return errors.New("smtp timeouts cannot be negative")
	case strings.ContainsAny(c.HelloName, " \t\r\n"):
		return fmt.Errorf("smtp.hello_name %q is not a host name", c.HelloName)
	case c.Username != "" && c.Password == "":
		return fmt.Errorf("no password for smtp.username %s", c.Username)
	}
	switch c.Security {
	case "", SecuritySTARTTLS, SecurityTLS:
	case SecurityNone:
		if c.Username != "" && !isLoopback(c.Host) {
			return fmt.Errorf("refusing to send the password to %s unencrypted: set smtp.security to starttls or tls", c.Host)
		}
	default:
		return fmt.Errorf("smtp.security %q must be starttls, tls or none", c.Security)
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// withDefaults fills zero values.
func (c SMTPConfig) withDefaults() SMTPConfig {
	d := DefaultSMTPConfig()
	if c.Security == "" {
		c.Security = d.Security
	}
	if c.Port == 0 {
		switch c.Security {
		case SecurityTLS:
			c.Port = 465
		case SecurityNone:
			c.Port = 25
		default:
			c.Port = d.Port
		}
	}
	if c.DialTimeout == 0 {
		c.DialTimeout = d.DialTimeout
	}
	if c.CommandTimeout == 0 {
		c.CommandTimeout = d.CommandTimeout
	}
	if c.HelloName == "" {
		c.HelloName = "localhost"
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}
