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
