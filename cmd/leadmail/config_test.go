package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The example file documents every key with its default value.
func TestConfigExampleMatchesDefaults(t *testing.T) {
	cfg, _, err := loadConfig(filepath.Join("..", "..", "config.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultConfig()
	if len(cfg.Sending.VerifiedDomains) == 0 && len(want.Sending.VerifiedDomains) == 0 {
		cfg.Sending.VerifiedDomains = want.Sending.VerifiedDomains // [] and nil both mean none
	}
	if len(cfg.Sync.Folders) == 0 && len(want.Sync.Folders) == 0 {
		cfg.Sync.Folders = want.Sync.Folders
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("config.example.yaml differs from DefaultConfig():\n got %+v\nwant %+v", cfg, want)
	}
}

func TestConfigEnvOverridesKeysAbsentFromFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte("smtp:\n  host: smtp.example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LEADMAIL_SMTP_HOST", "smtp.override.example")
	t.Setenv("LEADMAIL_SMTP_PASSWORD", "s3cret")
	t.Setenv("LEADMAIL_SMTP_PORT", "465")
	t.Setenv("LEADMAIL_USER_EMAIL", "sam@example.com")
	t.Setenv("LEADMAIL_SENDING_VERIFIED_DOMAINS", "example.com,example.org")
	t.Setenv("LEADMAIL_SMTP_DIAL_TIMEOUT", "3s")
	cfg, _, err := loadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SMTP.Host != "smtp.override.example" || cfg.SMTP.Password != "s3cret" || cfg.SMTP.Port != 465 ||
		cfg.User.Email != "sam@example.com" || cfg.SMTP.DialTimeout != 3*time.Second {
		t.Errorf("env not applied: %+v %+v", cfg.SMTP, cfg.User)
	}
	if got := cfg.Sending.VerifiedDomains; !reflect.DeepEqual(got, []string{"example.com", "example.org"}) {
		t.Errorf("verified domains = %q", got)
	}
}

func TestConfigRejectsBadValues(t *testing.T) {
	cases := map[string]string{
		"security": "smtp:\n  security: ssl\n",
		"role":     "user:\n  role: boss\n",
		"email":    "user:\n  email: not-an-address\n",
		"domain":   "sending:\n  verified_domains: [\"me@example.com\"]\n",
		"yaml":     "smtp: [\n",
		"level":    "log:\n  level: loud\n",
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.yaml")
			if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, _, err := loadConfig(path); err == nil || !strings.Contains(err.Error(), path) {
				t.Errorf("want an error naming %s, got %v", path, err)
			}
		})
	}
}

func TestMissingExplicitConfigIsAnError(t *testing.T) {
	if _, _, err := loadConfig(filepath.Join(t.TempDir(), "nope.yaml")); err == nil {
		t.Fatal("want an error for a missing --config file")
	}
}

func TestPasswordCmd(t *testing.T) {
	pw, err := resolvePassword(t.Context(), "", "printf 'hunter2\\nsecond line'")
	if err != nil || pw != "hunter2" {
		t.Fatalf("got %q, %v", pw, err)
	}
	_, err = resolvePassword(t.Context(), "", "echo hunter2 >/dev/null; exit 3")
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("want a failure that does not leak output, got %v", err)
	}
	if _, err := resolvePassword(t.Context(), "", "true"); err == nil {
		t.Fatal("want an error for empty output")
	}
}

func TestWorldReadablePasswordWarns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(path, []byte("smtp:\n  password: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LEADMAIL_SMTP_PASSWORD", "")
	cfg, p, err := loadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if w := configWarnings(cfg, p); len(w) != 1 {
		t.Fatalf("want one warning, got %q", w)
	}
}

func TestIMAPDefaults(t *testing.T) {
	base := func(edit func(*Config)) Config {
		c := DefaultConfig()
		c.User.Email = "sam@brightwave.example"
		c.SMTP.Username = "sam@brightwave.example"
		edit(&c)
		return c
	}
	tests := []struct {
		name string
		cfg  Config
		want imapAccount // zero Host: Mail Sync off
	}{
		{"gmail by sync.provider", base(func(c *Config) { c.Sync.Provider = "gmail"; c.SMTP.Host = "smtp.gmail.com" }),
			imapAccount{Host: "imap.gmail.com", Port: 993, Security: "tls", Username: "sam@brightwave.example", Provider: "gmail", From: "the Gmail preset"}},
		{"workspace by smtp.provider", base(func(c *Config) { c.SMTP.Host = "smtp.gmail.com"; c.SMTP.Provider = "google-workspace" }),
			imapAccount{Host: "imap.gmail.com", Port: 993, Security: "tls", Username: "sam@brightwave.example", Provider: "workspace", From: "the Google Workspace preset"}},
		{"microsoft 365 by smtp.host", base(func(c *Config) { c.SMTP.Host = "smtp.office365.com" }),
			imapAccount{Host: "outlook.office365.com", Port: 993, Security: "tls", Username: "sam@brightwave.example", Provider: "microsoft365", From: "the Microsoft 365 preset"}},
		{"fastmail", base(func(c *Config) { c.Sync.Provider = "fastmail" }),
			imapAccount{Host: "imap.fastmail.com", Port: 993, Security: "tls", Username: "sam@brightwave.example", Provider: "fastmail", From: "the Fastmail preset"}},
		{"icloud", base(func(c *Config) { c.SMTP.Host = "smtp.mail.me.com" }),
			imapAccount{Host: "imap.mail.me.com", Port: 993, Security: "tls", Username: "sam@brightwave.example", Provider: "icloud", From: "the iCloud Mail preset"}},
		{"yahoo", base(func(c *Config) { c.SMTP.Host = "smtp.mail.yahoo.com" }),
			imapAccount{Host: "imap.mail.yahoo.com", Port: 993, Security: "tls", Username: "sam@brightwave.example", Provider: "yahoo", From: "the Yahoo Mail preset"}},
		{"custom from smtp.host", base(func(c *Config) { c.Sync.Provider = "custom"; c.SMTP.Host = "smtp.brightwave.example" }),
			imapAccount{Host: "imap.brightwave.example", Port: 993, Security: "tls", Username: "sam@brightwave.example", Provider: "custom", From: "smtp.host"}},
		{"explicit host, starttls port", base(func(c *Config) {
			c.SMTP.Host = "smtp.gmail.com"
			c.IMAP.Host, c.IMAP.Port, c.IMAP.Username = "mail.brightwave.example", 143, "sam"
		}), imapAccount{Host: "mail.brightwave.example", Port: 143, Security: "starttls", Username: "sam", Provider: "gmail", From: "imap.host"}},
		{"off: nothing tells", base(func(c *Config) { c.SMTP.Host = "127.0.0.1" }), imapAccount{}},
		{"off: no smtp either", base(func(*Config) {}), imapAccount{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, on := tt.cfg.imapAccount()
			if on != (tt.want.Host != "") || (on && got != tt.want) {
				t.Errorf("imapAccount() = %+v, %v\nwant %+v", got, on, tt.want)
			}
		})
	}
}

func TestIMAPPassword(t *testing.T) {
	t.Setenv("LEADMAIL_IMAP_PASSWORD", "")
	t.Setenv("LEADMAIL_SMTP_PASSWORD", "")
	c := DefaultConfig()
	c.User.Email, c.SMTP.Username, c.SMTP.Host = "sam@brightwave.example", "sam@brightwave.example", "smtp.brightwave.example"
	c.SMTP.PasswordCmd = "echo smtp-secret"

	ic, on, err := c.imapConfig(t.Context())
	if err != nil || !on || ic.Password != "smtp-secret" {
		t.Fatalf("shared login: %q, %v, %v", ic.Password, on, err)
	}
	if s := c.imapPasswordSource(imapAccount{Username: "sam@brightwave.example"}); s != "the SMTP password (smtp.password_cmd)" {
		t.Errorf("source = %q", s)
	}

	c.IMAP.PasswordCmd = "echo imap-secret"
	if ic, _, err := c.imapConfig(t.Context()); err != nil || ic.Password != "imap-secret" {
		t.Fatalf("imap.password_cmd: %q, %v", ic.Password, err)
	}

	c.IMAP.PasswordCmd = "echo hunter2 >/dev/null; echo locked >&2; exit 3"
	if _, _, err := c.imapConfig(t.Context()); err == nil || err.Error() != "imap.password_cmd failed: exit status 3: locked" {
		t.Errorf("failing imap.password_cmd: %v", err)
	}

	c.IMAP.PasswordCmd, c.IMAP.Username = "", "archive@brightwave.example"
	_, _, err = c.imapConfig(t.Context())
	if err == nil || err.Error() != "no password for imap.username archive@brightwave.example: set imap.password_cmd or LEADMAIL_IMAP_PASSWORD" {
		t.Errorf("another login without a password: %v", err)
	}
}

func TestSyncConfigFromEnvAndFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	body := "imap:\n  host: imap.brightwave.example\nsync:\n  folders: [INBOX, Sent]\n  provider: custom\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LEADMAIL_IMAP_PORT", "143")
	t.Setenv("LEADMAIL_SYNC_SAVE_SENT", "never")
	cfg, _, err := loadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.IMAP.Host != "imap.brightwave.example" || cfg.IMAP.Port != 143 || cfg.Sync.SaveSent != "never" ||
		!reflect.DeepEqual(cfg.Sync.Folders, []string{"INBOX", "Sent"}) || cfg.Sync.Provider != "custom" {
		t.Errorf("imap %+v, sync %+v", cfg.IMAP, cfg.Sync)
	}
	t.Setenv("LEADMAIL_SYNC_FOLDERS", "INBOX,Archive")
	if cfg, _, err = loadConfig(path); err != nil || !reflect.DeepEqual(cfg.Sync.Folders, []string{"INBOX", "Archive"}) {
		t.Errorf("LEADMAIL_SYNC_FOLDERS: %q, %v", cfg.Sync.Folders, err)
	}
}

func TestSyncConfigRejectsBadValues(t *testing.T) {
	cases := map[string]string{
		"imap.security":    "imap:\n  security: ssl\n",
		"imap.port":        "imap:\n  port: 99999\n",
		"imap.host":        "imap:\n  host: imaps://imap.example.com\n",
		"sync.save_sent":   "sync:\n  save_sent: sometimes\n",
		"sync.provider":    "sync:\n  provider: aol\n",
		"sync.folders":     "sync:\n  folders: [\"\"]\n",
		"sync.connections": "sync:\n  connections: 9\n",
		"sync.sweep":       "sync:\n  sweep: 10s\n",
	}
	for key, body := range cases {
		t.Run(key, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.yaml")
			if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, _, err := loadConfig(path); err == nil || !strings.Contains(err.Error(), key) {
				t.Errorf("want an error naming %s, got %v", key, err)
			}
		})
	}
}
