package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/viper"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/imapconn"
	"github.com/leadmail/leadmail/mail/mailsync"
	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
)

// Config is the whole configuration file. Every key can be overridden by an
// environment variable LEADMAIL_<SECTION>_<KEY>, e.g. LEADMAIL_SMTP_HOST.
type Config struct {
	User    UserConfig    `mapstructure:"user"`
	Store   StoreConfig   `mapstructure:"store"`
	SMTP    SMTPConfig    `mapstructure:"smtp"`
	Sending outbox.Config `mapstructure:"sending"`
	IMAP    IMAPConfig    `mapstructure:"imap"`
	Sync    SyncConfig    `mapstructure:"sync"`
	UI      UIConfig      `mapstructure:"ui"`
	Log     LogConfig     `mapstructure:"log"`
}

// UIConfig tunes how lists read.
type UIConfig struct {
	// Locale is the collation names and companies sort in: "" is Unicode's
	// root order, right for most languages; "sv" puts Å, Ä, Ö after Z, "de"
	// and "es" have their own rules. Changing it rebuilds the sort keys
	// at the next start (seconds per million contacts).
	Locale string `mapstructure:"locale"`
	// RemindDays is the "remind me in N days if no reply" Quick Send and
	// Personalize start each session with (r in the picker changes it for
	// the session); 0 is off.
	RemindDays int `mapstructure:"remind_days"`
}

// UserConfig is the profile of the salesperson using leadmail: the From of
// their mail and the {{user.*}} merge variables.
type UserConfig struct {
	Name  string `mapstructure:"name"`
	Email string `mapstructure:"email"`
	Title string `mapstructure:"title"`
	Phone string `mapstructure:"phone"`
	Role  string `mapstructure:"role"`
}

// StoreConfig says where the database lives.
type StoreConfig struct {
	// Path is the SQLite file; "" means <data dir>/leadmail.db.
	Path string `mapstructure:"path"`
}

// SMTPConfig is the user's own outgoing mailbox.
type SMTPConfig struct {
	Host     string `mapstructure:"host"`
	Port     int    `mapstructure:"port"`
	Security string `mapstructure:"security"`
	Username string `mapstructure:"username"`
	// PasswordCmd is run through sh; its first output line is the password.
	PasswordCmd string `mapstructure:"password_cmd"`
	// Password is best left to LEADMAIL_SMTP_PASSWORD; it is accepted in the
	// file for throwaway setups, with a warning when the file is readable by
	// others.
	Password  string `mapstructure:"password"`
	HelloName string `mapstructure:"hello_name"`
	// Provider picks a preset sending limit: gmail, google-workspace,
	// microsoft-365, or custom ("" for none).
	Provider string `mapstructure:"provider"`
	// DailyLimit overrides the preset's rolling 24-hour limit (0 keeps it).
	DailyLimit int `mapstructure:"daily_limit"`
	// MinuteLimit overrides the preset's per-minute limit (0 keeps it).
	MinuteLimit    int           `mapstructure:"minute_limit"`
	DialTimeout    time.Duration `mapstructure:"dial_timeout"`
	CommandTimeout time.Duration `mapstructure:"command_timeout"`
}

// IMAPConfig is the mailbox Mail Sync reads. Every key left empty defaults
// from the SMTP account and the provider (see Config.imapAccount): the
// provider's IMAP server, or smtp.host with "smtp." turned into "imap.",
// on port 993 with TLS, with the SMTP login and password.
type IMAPConfig struct {
	Host     string `mapstructure:"host"`
	Port     int    `mapstructure:"port"`
	Security string `mapstructure:"security"` // tls, starttls, or none (a server on this machine only)
	Username string `mapstructure:"username"`
	// PasswordCmd is run through sh; its first output line is the password.
	PasswordCmd string `mapstructure:"password_cmd"`
	// Password is best left to LEADMAIL_IMAP_PASSWORD, as smtp.password.
	Password       string        `mapstructure:"password"`
	DialTimeout    time.Duration `mapstructure:"dial_timeout"`
	CommandTimeout time.Duration `mapstructure:"command_timeout"`
}

// SyncConfig tunes Mail Sync.
type SyncConfig struct {
	// Folders are the folders read; empty means every selectable folder but
	// Trash, Junk/Spam and Drafts (on Gmail only [Gmail]/All Mail).
	Folders []string `mapstructure:"folders"`
	// SaveSent says whether a copy of each send goes to the Sent folder:
	// auto (unless the provider files one itself), always, or never.
	SaveSent string `mapstructure:"save_sent"`
	// Provider is the mail provider Mail Sync knows (gmail, workspace,
	// microsoft365, fastmail, icloud, yahoo, custom), set by init; ""
	// means guessed from smtp.host.
	Provider string `mapstructure:"provider"`
	// Connections is how many connections read a large folder's headers at
	// once (1 to 4); 0 means 2.
	Connections int `mapstructure:"connections"`
	// Sweep is how often the open TUI also looks through every folder for
	// mail IDLE on the inbox does not hear of (sent from the phone, filed
	// by a rule); 0 means 5 minutes.
	Sweep time.Duration `mapstructure:"sweep"`
}

// LogConfig says where logs go; the TUI owns the terminal, so never stderr.
type LogConfig struct {
	// Path is the log file; "" means <state dir>/leadmail.log.
	Path  string `mapstructure:"path"`
	Level string `mapstructure:"level"`
}

// DefaultConfig returns the configuration used when the file is silent.
func DefaultConfig() Config {
	smtp := mail.DefaultSMTPConfig()
	imapDefaults := imapconn.DefaultConfig()
	return Config{
		User: UserConfig{Role: string(store.RoleSalesperson)},
		SMTP: SMTPConfig{
			Port:           smtp.Port,
			Security:       string(smtp.Security),
			DialTimeout:    smtp.DialTimeout,
			CommandTimeout: smtp.CommandTimeout,
		},
		Sending: outbox.DefaultConfig(),
		IMAP: IMAPConfig{
			DialTimeout:    imapDefaults.DialTimeout,
			CommandTimeout: imapDefaults.CommandTimeout,
		},
		Sync: SyncConfig{SaveSent: "auto", Connections: mailsync.DefaultConns, Sweep: mailsync.DefaultSweep},
		Log:  LogConfig{Level: "info"},
	}
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	if !store.Role(c.User.Role).Valid() {
		return fmt.Errorf("user.role %q is not one of: %s", c.User.Role, roleList())
	}
	if c.User.Email != "" {
		if _, err := mail.ParseAddress(c.User.Email); err != nil {
			return fmt.Errorf("user.email %q is not an email address", c.User.Email)
		}
	}
	switch mail.Security(c.SMTP.Security) {
	case mail.SecuritySTARTTLS, mail.SecurityTLS, mail.SecurityNone:
	default:
		return fmt.Errorf("smtp.security %q must be starttls, tls or none", c.SMTP.Security)
	}
	if c.SMTP.Port < 0 || c.SMTP.Port > 65535 {
		return fmt.Errorf("smtp.port %d is out of range", c.SMTP.Port)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("log.level %q must be debug, info, warn or error", c.Log.Level)
	}
	if err := c.validateSync(); err != nil {
		return err
	}
	if _, err := store.ParseLocale(c.UI.Locale); err != nil {
		return fmt.Errorf("ui.locale %q is not a locale name such as sv or de-AT", c.UI.Locale)
	}
	if c.UI.RemindDays < 0 || c.UI.RemindDays > outbox.MaxRemindDays {
		return fmt.Errorf("ui.remind_days %d must be between 0 (off) and %d", c.UI.RemindDays, outbox.MaxRemindDays)
	}
	if _, err := outbox.QuotaFor(c.SMTP.Provider, c.SMTP.DailyLimit, c.SMTP.MinuteLimit); err != nil {
		return err
	}
	return c.Sending.Validate()
}

func roleList() string {
	var s []string
	for _, r := range store.Roles() {
		s = append(s, string(r))
	}
	return strings.Join(s, ", ")
}

// loadConfig reads the file at path (or the default location when path is
// empty and a file exists there) and applies LEADMAIL_* environment
// variables, including for keys the file does not mention.
func loadConfig(path string) (Config, string, error) {
	v := viper.NewWithOptions(
		viper.ExperimentalBindStruct(),
		viper.EnvKeyReplacer(strings.NewReplacer(".", "_")),
	)
	v.SetEnvPrefix("LEADMAIL")
	v.AutomaticEnv()
	v.SetConfigType("yaml")

	if path == "" {
		def := filepath.Join(configDir(), "config.yaml")
		if _, err := os.Stat(def); err == nil {
			path = def
		}
	}
	if path != "" {
		raw, err := os.ReadFile(path)
		if err != nil {
			return Config{}, "", fmt.Errorf("read config: %w", err)
		}
		if err := v.ReadConfig(bytes.NewReader(raw)); err != nil {
			return Config{}, "", fmt.Errorf("parse config %s: %w", path, err)
		}
	}
	cfg := DefaultConfig()
	if err := v.Unmarshal(&cfg); err != nil {
		return Config{}, "", fmt.Errorf("config %s: %w", path, err)
	}
	if err := cfg.Validate(); err != nil {
		if path != "" {
			return Config{}, "", fmt.Errorf("config %s: %w", path, err)
		}
		return Config{}, "", fmt.Errorf("config: %w", err)
	}
	return cfg, path, nil
}

// configWarnings lists problems that do not stop leadmail but that the user
// should fix, such as a password in a file others can read.
func configWarnings(cfg Config, path string) []string {
	var w []string
	for _, k := range []struct{ key, value, env string }{
		{"smtp.password", cfg.SMTP.Password, "LEADMAIL_SMTP_PASSWORD"},
		{"imap.password", cfg.IMAP.Password, "LEADMAIL_IMAP_PASSWORD"},
	} {
		if path == "" || k.value == "" || os.Getenv(k.env) != "" {
			continue
		}
		if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
			w = append(w, fmt.Sprintf("%s holds %s and is readable by others: chmod 600 it, or use %s_cmd", path, k.key, k.key))
		}
	}
	return w
}

// smtpConfig turns the file's SMTP section into the transport's config,
// resolving the password (env, file, or password_cmd).
func (c Config) smtpConfig(ctx context.Context) (mail.SMTPConfig, error) {
	out := mail.DefaultSMTPConfig()
	out.Host = c.SMTP.Host
	out.Port = c.SMTP.Port
	out.Security = mail.Security(c.SMTP.Security)
	out.Username = c.SMTP.Username
	out.HelloName = c.SMTP.HelloName
	if i := strings.LastIndexByte(c.User.Email, '@'); out.HelloName == "" && i >= 0 {
		// A real name in EHLO; some servers score "localhost" as spam.
		out.HelloName = c.User.Email[i+1:]
	}
	out.DialTimeout = c.SMTP.DialTimeout
	out.CommandTimeout = c.SMTP.CommandTimeout
	pw, err := resolvePassword(ctx, c.SMTP.Password, c.SMTP.PasswordCmd)
	if err != nil {
		return out, err
	}
	out.Password = pw
	return out, out.Validate()
}

// verifiedDomains are the configured domains plus the mailbox account's,
// each once (compared without case), in lower case.
func (c Config) verifiedDomains() []string {
	d := append([]string(nil), c.Sending.VerifiedDomains...)
	if i := strings.LastIndexByte(c.SMTP.Username, '@'); i >= 0 {
		d = append(d, c.SMTP.Username[i+1:])
	}
	var out []string
	for _, v := range d {
		v = strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(v), "@"), "."))
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// xdg returns $name/leadmail when $name is an absolute path (as the XDG base
// directory spec requires), else $HOME/fallback/leadmail.
func xdg(name, fallback string) string {
	if v := os.Getenv(name); filepath.IsAbs(v) {
		return filepath.Join(v, "leadmail")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		home = "."
	}
	return filepath.Join(home, fallback, "leadmail")
}

func dataDir() string   { return xdg("XDG_DATA_HOME", ".local/share") }
func stateDir() string  { return xdg("XDG_STATE_HOME", ".local/state") }
func configDir() string { return xdg("XDG_CONFIG_HOME", ".config") }
