package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"
)

// configFile is the part of Config that `leadmail init` (and the demo's
// command-line twins) write: the profile, the mailbox and the verified
// domains. Everything else keeps its default until the user edits the file.
type configFile struct {
	User    configFileUser    `yaml:"user"`
	Store   configFileStore   `yaml:"store,omitempty"`
	SMTP    configFileSMTP    `yaml:"smtp"`
	Sending configFileSending `yaml:"sending,omitempty"`
	IMAP    configFileIMAP    `yaml:"imap,omitempty"`
	Sync    configFileSync    `yaml:"sync,omitempty"`
}

type configFileUser struct {
	Name  string `yaml:"name"`
	Email string `yaml:"email"`
	Title string `yaml:"title,omitempty"`
	Phone string `yaml:"phone,omitempty"`
	Role  string `yaml:"role,omitempty"`
}

type configFileStore struct {
	Path string `yaml:"path,omitempty"`
}

type configFileSMTP struct {
	Host        string `yaml:"host"`
	Port        int    `yaml:"port"`
	Security    string `yaml:"security"`
	Username    string `yaml:"username,omitempty"`
	PasswordCmd string `yaml:"password_cmd,omitempty"`
	HelloName   string `yaml:"hello_name,omitempty"`
	Provider    string `yaml:"provider,omitempty"`
	DailyLimit  int    `yaml:"daily_limit,omitempty"`
	MinuteLimit int    `yaml:"minute_limit,omitempty"`
}

// configFileIMAP is the mailbox Mail Sync reads; empty when no IMAP server
// is known (Mail Sync off). Username and PasswordCmd are written only when
// they differ from the SMTP ones, which serve otherwise. init never writes
// Password; the demo's twins do, for a throwaway login in a private
// temporary config.
type configFileIMAP struct {
	Host        string `yaml:"host,omitempty"`
	Port        int    `yaml:"port,omitempty"`
	Security    string `yaml:"security,omitempty"`
	Username    string `yaml:"username,omitempty"`
	Password    string `yaml:"password,omitempty"`
	PasswordCmd string `yaml:"password_cmd,omitempty"`
}

type configFileSync struct {
	Folders  []string `yaml:"folders,omitempty"`
	SaveSent string   `yaml:"save_sent,omitempty"`
	Provider string   `yaml:"provider,omitempty"`
}

type configFileSending struct {
	VerifiedDomains []string `yaml:"verified_domains,omitempty"`
	RetryBase       string   `yaml:"retry_base,omitempty"`
	RetryMax        string   `yaml:"retry_max,omitempty"`
}

// configHeader opens every file leadmail writes.
const configHeader = `# leadmail configuration, written by "leadmail init".
# Every key, its default and what it does: config.example.yaml.
# The password is never stored here: smtp.password_cmd prints it, or set
# LEADMAIL_SMTP_PASSWORD in the environment.
`

// errConfigExists is a config file already at the path, which init does not
// replace without --force.
var errConfigExists = errors.New("a config file already exists")

// writeConfigFile writes c to path with mode 0600, atomically: a temporary
// file in the same folder, synced, then renamed over path. It never writes
// through a symbolic link, and replaces an existing file only with replace.
func writeConfigFile(path string, c configFile, replace bool) error {
	body, err := yaml.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode config: %w", err)
	}
	switch fi, err := os.Lstat(path); {
	case err == nil && fi.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("%s is a symbolic link: leadmail does not write a config through one; remove it or pass --config with the real path", path)
	case err == nil && !fi.Mode().IsRegular():
		return fmt.Errorf("%s is not a regular file", path)
	case err == nil && !replace:
		return fmt.Errorf("%w at %s: pass --force to replace it", errConfigExists, path)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("check %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create config folder: %w", err)
	}
	f, err := os.CreateTemp(dir, ".config-*.yaml")
	if err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	// CreateTemp makes the file 0600; chmod in case the umask or the
	// platform did otherwise.
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	if _, err := f.Write(append([]byte(configHeader), body...)); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	ok = true
	return nil
}
