package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/imapconn"
)

// syncProviders are the sync.provider values Mail Sync knows.
var syncProviders = []string{"gmail", "workspace", "microsoft365", "fastmail", "icloud", "yahoo", "custom"}

// validateSync checks the imap.* and sync.* keys that can be wrong on
// their own; the account as a whole is checked when it is used.
func (c Config) validateSync() error {
	switch mail.Security(c.IMAP.Security) {
	case "", mail.SecurityTLS, mail.SecuritySTARTTLS, mail.SecurityNone:
	default:
		return fmt.Errorf("imap.security %q must be tls, starttls or none", c.IMAP.Security)
	}
	if c.IMAP.Port < 0 || c.IMAP.Port > 65535 {
		return fmt.Errorf("imap.port %d is out of range", c.IMAP.Port)
	}
	if c.IMAP.DialTimeout < 0 || c.IMAP.CommandTimeout < 0 {
		return fmt.Errorf("imap.dial_timeout and imap.command_timeout cannot be negative")
	}
	if strings.ContainsAny(c.IMAP.Host, " \t\r\n/@") {
		return fmt.Errorf("imap.host %q is not a host name (no scheme, port or path: e.g. imap.yourcompany.com)", c.IMAP.Host)
	}
	switch c.Sync.SaveSent {
	case "auto", "always", "never":
	default:
		return fmt.Errorf("sync.save_sent %q must be auto, always or never", c.Sync.SaveSent)
	}
	if c.Sync.Connections < 0 || c.Sync.Connections > 4 {
		return fmt.Errorf("sync.connections %d must be between 1 and 4 (0 means 2)", c.Sync.Connections)
	}
	if c.Sync.Sweep != 0 && c.Sync.Sweep < time.Minute {
		return fmt.Errorf("sync.sweep %v is too often: at least 1m (0 means 5m)", c.Sync.Sweep)
	}
	if c.Sync.Provider != "" && !slices.Contains(syncProviders, c.Sync.Provider) {
		return fmt.Errorf("sync.provider %q is not one of: %s", c.Sync.Provider, strings.Join(syncProviders, ", "))
	}
	for _, f := range c.Sync.Folders {
		if strings.TrimSpace(f) == "" || strings.IndexFunc(f, isControl) >= 0 {
			return fmt.Errorf("sync.folders holds %q, which is not a folder name", f)
		}
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// imapAccount is the mailbox Mail Sync reads, every default applied.
type imapAccount struct {
	Host     string
	Port     int // 0: the security's default (993 with tls, 143 otherwise)
	Security mail.Security
	Username string
	// Provider is sync.provider, or the one smtp.host tells ("" when
	// neither does).
	Provider string
	// From says where the server came from, for doctor: "imap.host", "the
	// Gmail preset", or "smtp.host".
	From string
}

// imapAccount applies the defaults to the imap.* keys. ok is false when
// Mail Sync is off: no imap.host, and neither the provider nor smtp.host
// tells it.
func (c Config) imapAccount() (a imapAccount, ok bool) {
	p, known := c.syncPreset()
	if known {
		a.Provider = p.Sync
	}
	a.Host, a.Port, a.Security, a.From = strings.TrimSpace(c.IMAP.Host), c.IMAP.Port, mail.Security(c.IMAP.Security), "imap.host"
	if a.Host == "" {
		a.Host, a.From = p.IMAPHost, "the "+p.Label+" preset"
		if rest, cut := strings.CutPrefix(strings.ToLower(c.SMTP.Host), "smtp."); a.Host == "" && cut && rest != "" {
			a.Host, a.From = "imap."+rest, "smtp.host"
		}
		if a.Host == "" {
			return imapAccount{Provider: a.Provider}, false
		}
		if a.Port == 0 {
			a.Port = 993
		}
		if a.Security == "" {
			a.Security = mail.SecurityTLS
		}
	}
	if a.Security == "" {
		a.Security = mail.SecurityTLS
		if a.Port == 143 {
			a.Security = mail.SecuritySTARTTLS
		}
	}
	a.Username = strings.TrimSpace(c.IMAP.Username)
	if a.Username == "" {
		a.Username = strings.TrimSpace(c.SMTP.Username)
	}
	if a.Username == "" {
		a.Username = strings.TrimSpace(c.User.Email)
	}
	return a, true
}

// syncPreset is the provider preset sync.provider names, else the one
// whose SMTP server is smtp.host (Gmail or Google Workspace by
// smtp.provider), else custom when sync.provider says so.
func (c Config) syncPreset() (providerPreset, bool) {
	if c.Sync.Provider != "" {
		return findPreset(c.Sync.Provider)
	}
	host := strings.ToLower(strings.TrimSpace(c.SMTP.Host))
	if host == "smtp.gmail.com" && c.SMTP.Provider == "google-workspace" {
		return findPreset("google-workspace")
	}
	for _, p := range providerPresets() {
		if p.Host != "" && p.Host == host {
			return p, true
		}
	}
	return providerPreset{}, false
}

// imapPasswordSource says where the IMAP password comes from, without
// reading it: "LEADMAIL_IMAP_PASSWORD", "imap.password_cmd", "the config
// file", "the SMTP password (…)" when the login is the SMTP one, or "".
func (c Config) imapPasswordSource(a imapAccount) string {
	switch {
	case os.Getenv("LEADMAIL_IMAP_PASSWORD") != "":
		return "LEADMAIL_IMAP_PASSWORD"
	case c.IMAP.Password != "":
		return "the config file"
	case c.IMAP.PasswordCmd != "":
		return "imap.password_cmd"
	case !c.sharesSMTPLogin(a):
		return ""
	}
	switch s := passwordSource(c); s {
	case "":
		return ""
	case "password_cmd":
		return "the SMTP password (smtp.password_cmd)"
	default:
		return "the SMTP password (" + s + ")"
	}
}

// sharesSMTPLogin reports whether the IMAP login is the SMTP one, so the
// SMTP password serves both.
func (c Config) sharesSMTPLogin(a imapAccount) bool {
	smtpUser := strings.TrimSpace(c.SMTP.Username)
	if smtpUser == "" {
		smtpUser = strings.TrimSpace(c.User.Email)
	}
	return strings.EqualFold(a.Username, smtpUser)
}

// imapConfig turns the account into the connection's config, resolving
// the password (LEADMAIL_IMAP_PASSWORD, imap.password, imap.password_cmd,
// else the SMTP one when the login is the same). ok is false when Mail
// Sync is off; err is the first setting that cannot work.
func (c Config) imapConfig(ctx context.Context) (cfg imapconn.Config, ok bool, err error) {
	a, on := c.imapAccount()
	if !on {
		return imapconn.Config{}, false, nil
	}
	cfg = imapconn.Config{Host: a.Host, Port: a.Port, Security: a.Security, Username: a.Username,
		DialTimeout: c.IMAP.DialTimeout, CommandTimeout: c.IMAP.CommandTimeout}
	switch {
	case c.IMAP.Password != "" || c.IMAP.PasswordCmd != "":
		cfg.Password, err = resolvePassword(ctx, c.IMAP.Password, c.IMAP.PasswordCmd)
		if err != nil {
			// resolvePassword's sentences name smtp.password_cmd.
			return cfg, true, &renamedError{err: err,
				msg: strings.ReplaceAll(err.Error(), "smtp.password_cmd", "imap.password_cmd")}
		}
	case c.sharesSMTPLogin(a):
		cfg.Password, err = resolvePassword(ctx, c.SMTP.Password, c.SMTP.PasswordCmd)
		if err != nil {
			return cfg, true, err
		}
	}
	return cfg, true, cfg.Validate()
}

// renamedError is err with another sentence, still unwrapping to it.
type renamedError struct {
	err error
	msg string
}

func (e *renamedError) Error() string { return e.msg }
func (e *renamedError) Unwrap() error { return e.err }
