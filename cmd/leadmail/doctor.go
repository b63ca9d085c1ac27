package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/mail"
)

// doctorTimeout bounds the whole connection probe; each step is bounded
// by smtp.dial_timeout and smtp.command_timeout as well.
const doctorTimeout = 2 * time.Minute

// checkStatus is the outcome of one doctor check.
type checkStatus string

const (
	checkOK   checkStatus = "ok"
	checkWarn checkStatus = "warning"
	checkFail checkStatus = "problem"
	checkInfo checkStatus = "info" // neither a pass nor a problem: a feature is off
)

// doctorCheck is one line of the doctor's report.
type doctorCheck struct {
	Name   string      `json:"name"`
	Status checkStatus `json:"status"`
	Detail string      `json:"detail"`
}

// doctorServerJSON is what the mail server announced.
type doctorServerJSON struct {
	Addr          string   `json:"addr"`
	MaxSize       int64    `json:"max_size,omitempty"`
	AuthMechs     []string `json:"auth_mechs,omitempty"`
	AuthBeforeTLS bool     `json:"auth_before_tls"`
	TLSVersion    string   `json:"tls_version,omitempty"`
}

// doctorIMAPJSON is what the IMAP server announced.
type doctorIMAPJSON struct {
	Addr         string   `json:"addr"`
	TLSVersion   string   `json:"tls_version,omitempty"`
	SentFolder   string   `json:"sent_folder,omitempty"`
	SentMarked   bool     `json:"sent_marked"` // found by SPECIAL-USE rather than by name
	Capabilities []string `json:"capabilities,omitempty"`
	Folders      int      `json:"folders"`
}

// doctorJSON is `leadmail doctor --json`.
type doctorJSON struct {
	Config   string            `json:"config"` // the file read, "" when none
	Checks   []doctorCheck     `json:"checks"`
	Server   *doctorServerJSON `json:"server,omitempty"`
	IMAP     *doctorIMAPJSON   `json:"imap,omitempty"`
	Problems int               `json:"problems"`
	Warnings int               `json:"warnings"`
}

func (r *doctorJSON) add(name string, st checkStatus, format string, args ...any) {
	r.Checks = append(r.Checks, doctorCheck{Name: name, Status: st, Detail: fmt.Sprintf(format, args...)})
	switch st {
	case checkFail:
		r.Problems++
	case checkWarn:
		r.Warnings++
	}
}

func newDoctorCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check the configuration and the connection to your mailbox",
		Long: `doctor reads the configuration, checks the sender address and the mail
settings, then connects to your mail server exactly as sending does: TLS and
its certificate, the login, and the largest message the server accepts.
Then it checks your mailbox as Mail Sync reads it (IMAP): the connection,
TLS, the login, the Sent folder (marked by the server, or found by its
name) and what the server offers. Nothing is sent or changed, and the
password is never shown.

Each check prints as a line: ✓ fine, ! a warning, ✗ a problem, - a feature
that is off. doctor exits non-zero when there is a problem.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r := runDoctor(cmd.Context(), g, doctorOptions{})
			out := cmd.OutOrStdout()
			if asJSON {
				if err := writeJSON(out, r); err != nil {
					return err
				}
			} else if err := printDoctor(out, r); err != nil {
				return err
			}
			switch r.Problems {
			case 0:
				return nil
			case 1:
				return fmt.Errorf("1 problem found")
			}
			return fmt.Errorf("%d problems found", r.Problems)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}

// runDoctor makes every check it can; a check that makes the next ones
// meaningless (no config, no host) ends the report.
func runDoctor(ctx context.Context, g *globals, o doctorOptions) doctorJSON {
	var r doctorJSON
	cfg, path, err := loadConfig(g.configPath)
	if err != nil {
		r.add("config", checkFail, "%v", err)
		return r
	}
	r.Config = path
	where := path
	if path != "" {
		r.add("config", checkOK, "config file %s is valid", path)
	} else {
		where = filepath.Join(configDir(), "config.yaml")
		r.add("config", checkWarn, "no config file at %s: using the defaults and LEADMAIL_* variables", where)
	}
	for _, w := range configWarnings(cfg, path) {
		r.add("config", checkWarn, "%s", w)
	}

	if cfg.User.Email == "" {
		r.add("user.email", checkFail, "user.email is not set: set it in %s (or LEADMAIL_USER_EMAIL) to the address you send from", where)
	} else if err := mail.CheckFromDomain(cfg.User.Email, cfg.verifiedDomains()); err != nil {
		r.add("user.email", checkFail, "%v: add its domain to sending.verified_domains once your provider has verified it", err)
	} else {
		r.add("user.email", checkOK, "user.email %s is on a verified domain", cfg.User.Email)
	}

	if cfg.User.Email != "" && strings.TrimSpace(cfg.User.Name) == "" {
		r.add("user.name", checkFail, "user.name is not set: set it in %s (or LEADMAIL_USER_NAME) to the name your recipients should see", where)
	}
	probeCtx, cancel := context.WithTimeout(ctx, doctorTimeout)
	defer cancel()
	doctorSMTP(probeCtx, &r, cfg, where)
	if !o.noIMAP {
		doctorIMAP(probeCtx, &r, cfg, where)
	}
	return r
}

// doctorOptions narrow the checks.
type doctorOptions struct {
	noIMAP bool // init --no-imap: leave the mailbox (Mail Sync) unchecked
}

// doctorSMTP checks the sending side; a check that makes the next ones
// meaningless ends it.
func doctorSMTP(ctx context.Context, r *doctorJSON, cfg Config, where string) {
	if cfg.SMTP.Host == "" {
		r.add("smtp.host", checkFail, "smtp.host is not set: set it in %s (or LEADMAIL_SMTP_HOST) to your provider's SMTP server", where)
		return
	}
	r.add("smtp.host", checkOK, "smtp.host %s, port %d, security %s", cfg.SMTP.Host, cfg.SMTP.Port, cfg.SMTP.Security)
	if mail.Security(cfg.SMTP.Security) == mail.SecurityNone {
		r.add("smtp.security", checkWarn, "smtp.security is none: mail (and any password) travels unencrypted; use it for a local relay only")
	}

	sc, err := cfg.smtpConfig(ctx)
	if err != nil {
		name, hint := "smtp", ""
		if cfg.SMTP.Username != "" && passwordSource(cfg) == "" {
			name, hint = "password", ": set LEADMAIL_SMTP_PASSWORD or smtp.password_cmd"
		} else if passwordSource(cfg) == "password_cmd" {
			name = "password"
		}
		r.add(name, checkFail, "%v%s", err, hint)
		return
	}
	if sc.Username != "" {
		r.add("password", checkOK, "password: from %s", passwordSource(cfg))
	}
	addDoctorProbe(r, sc, mail.Probe(ctx, sc))
}

// addDoctorProbe turns the probe's steps into checks, then reports what
// the server announced.
func addDoctorProbe(r *doctorJSON, sc mail.SMTPConfig, p mail.ProbeReport) {
	reached := false
	for _, s := range p.Steps {
		st := checkOK
		if !s.OK {
			st = checkFail
		}
		if s.Name == "connect" && s.OK {
			reached = true
		}
		r.add(s.Name, st, "%s", s.Detail)
		if s.Name == "tls" && !s.OK && strings.Contains(s.Detail, "unknown authority") {
			r.add("tls", checkWarn, "if your provider's certificate comes from a private CA, save it as PEM and point SSL_CERT_FILE at it")
		}
	}
	if !reached {
		return
	}
	r.Server = &doctorServerJSON{
		Addr:          net.JoinHostPort(sc.Host, strconv.Itoa(sc.Port)),
		MaxSize:       p.MaxSize,
		AuthMechs:     p.AuthMechs,
		AuthBeforeTLS: p.AuthBeforeTLS,
		TLSVersion:    p.TLSVersion,
	}
	if sc.Security != mail.SecuritySTARTTLS || (len(p.AuthMechs) == 0 && !p.AuthBeforeTLS) {
		return
	}
	if p.AuthBeforeTLS {
		r.add("auth_after_tls", checkWarn, "the server also offers a login (AUTH) before STARTTLS, in plaintext: leadmail waits for TLS, but ask your provider to turn this off")
	} else {
		r.add("auth_after_tls", checkOK, "the server offers a login (AUTH) only after STARTTLS")
	}
}

// passwordSource says where the password comes from, without reading it
// out: "LEADMAIL_SMTP_PASSWORD", "password_cmd", "the config file", or ""
// when there is none. The environment wins because it overrides the file.
func passwordSource(cfg Config) string {
	switch {
	case os.Getenv("LEADMAIL_SMTP_PASSWORD") != "":
		return "LEADMAIL_SMTP_PASSWORD"
	case cfg.SMTP.Password != "":
		return "the config file"
	case cfg.SMTP.PasswordCmd != "":
		return "password_cmd"
	}
	return ""
}

// printDoctor writes one line per check.
func printDoctor(w io.Writer, r doctorJSON) error {
	marks := map[checkStatus]string{checkOK: "✓", checkWarn: "!", checkFail: "✗", checkInfo: "-"}
	for _, c := range r.Checks {
		if _, err := fmt.Fprintf(w, "%s %s\n", marks[c.Status], c.Detail); err != nil {
			return err
		}
	}
	if r.Problems == 0 {
		_, err := fmt.Fprintln(w, "leadmail is ready to send.")
		return err
	}
	return nil
}
