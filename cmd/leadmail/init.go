package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/mail"
)

// providerPreset is what picking a mail provider fills in: the submission
// server, and the sending limit leadmail keeps under (smtp.provider, or a
// daily_limit for providers without a built-in preset).
type providerPreset struct {
	Key, Label string
	Host       string
	Port       int
	Security   mail.Security
	Quota      string // smtp.provider
	Daily      int    // smtp.daily_limit, 0 for the preset's own
	Note       string // what the provider needs before SMTP works
	// IMAPHost is the provider's IMAP server for Mail Sync (always port
	// 993, implicit TLS); "" for custom, where it comes from the SMTP
	// server's name.
	IMAPHost string
	// Sync is the sync.provider name Mail Sync knows the provider by (it
	// decides whether the provider files a copy of sent mail itself).
	Sync string
}

// providerPresets lists the providers `leadmail init` knows, in the order
// the setup screen offers them.
func providerPresets() []providerPreset {
	return []providerPreset{
		{Key: "gmail", Label: "Gmail", Host: "smtp.gmail.com", Port: 587, Security: mail.SecuritySTARTTLS,
			Quota: "gmail", Note: "Gmail needs an app password (Google account → Security → App passwords)",
			IMAPHost: "imap.gmail.com", Sync: "gmail"},
		{Key: "google-workspace", Label: "Google Workspace", Host: "smtp.gmail.com", Port: 587,
			Security: mail.SecuritySTARTTLS, Quota: "google-workspace",
			Note:     "Google Workspace needs an app password, or SMTP relay set up by your admin",
			IMAPHost: "imap.gmail.com", Sync: "workspace"},
		{Key: "microsoft365", Label: "Microsoft 365", Host: "smtp.office365.com", Port: 587,
			Security: mail.SecuritySTARTTLS, Quota: "microsoft-365",
			Note:     "Microsoft 365 needs SMTP AUTH enabled for your mailbox by your admin",
			IMAPHost: "outlook.office365.com", Sync: "microsoft365"},
		{Key: "fastmail", Label: "Fastmail", Host: "smtp.fastmail.com", Port: 465, Security: mail.SecurityTLS,
			Quota: "custom", Note: "Fastmail needs an app password (Settings → Privacy & Security)",
			IMAPHost: "imap.fastmail.com", Sync: "fastmail"},
		{Key: "icloud", Label: "iCloud Mail", Host: "smtp.mail.me.com", Port: 587, Security: mail.SecuritySTARTTLS,
			Quota: "custom", Daily: 1000, Note: "iCloud needs an app-specific password (appleid.apple.com)",
			IMAPHost: "imap.mail.me.com", Sync: "icloud"},
		{Key: "yahoo", Label: "Yahoo Mail", Host: "smtp.mail.yahoo.com", Port: 465, Security: mail.SecurityTLS,
			Quota: "custom", Daily: 500, Note: "Yahoo needs an app password (Account security → App password)",
			IMAPHost: "imap.mail.yahoo.com", Sync: "yahoo"},
		{Key: "custom", Label: "Another server", Port: 587, Security: mail.SecuritySTARTTLS, Quota: "custom", Sync: "custom"},
	}
}

// findPreset looks a provider up by key; "microsoft-365" and "m365" are
// accepted for Microsoft 365, "workspace" (sync.provider's name) for Google
// Workspace.
func findPreset(key string) (providerPreset, bool) {
	key = strings.ToLower(strings.TrimSpace(key))
	switch key {
	case "microsoft-365", "m365", "office365":
		key = "microsoft365"
	case "workspace":
		key = "google-workspace"
	}
	for _, p := range providerPresets() {
		if p.Key == key {
			return p, true
		}
	}
	return providerPreset{}, false
}

func presetKeys() string {
	var ks []string
	for _, p := range providerPresets() {
		ks = append(ks, p.Key)
	}
	return strings.Join(ks, ", ")
}

// passwordExamples are password_cmd lines for the common secret stores,
// shown by `leadmail init --help` and the setup screen.
const passwordExamples = `  pass:         pass show mail/work
  secret-tool:  secret-tool lookup service leadmail user you@yourcompany.com
  macOS:        security find-generic-password -s leadmail -a you@yourcompany.com -w
  or leave it empty and set LEADMAIL_SMTP_PASSWORD in the environment`

// initAnswers are the setup's questions, from flags or the setup screen.
type initAnswers struct {
	Name, Email, Title, Phone string
	Provider                  string
	Host                      string
	Port                      int // 0: the provider's
	Security                  string
	Username                  string // "": the email address
	PasswordCmd               string
	// The mailbox Mail Sync reads; empty: the provider's IMAP server, or
	// the SMTP server's name with "smtp." made "imap.", on 993 with TLS,
	// with the SMTP login and password.
	IMAPHost, IMAPSecurity        string
	IMAPPort                      int
	IMAPUsername, IMAPPasswordCmd string
}

// config checks the answers and turns them into the config file, with the
// provider's preset filling what was not given. The first problem is one
// sentence naming the flag.
func (a initAnswers) config() (configFile, error) {
	for _, f := range []struct{ flag, v string }{{"--name", a.Name}, {"--email", a.Email},
		{"--title", a.Title}, {"--phone", a.Phone}, {"--host", a.Host}, {"--username", a.Username},
		{"--password-cmd", a.PasswordCmd}, {"--security", a.Security}, {"--imap-host", a.IMAPHost},
		{"--imap-security", a.IMAPSecurity}, {"--imap-username", a.IMAPUsername},
		{"--imap-password-cmd", a.IMAPPasswordCmd}} {
		if strings.IndexFunc(f.v, unicode.IsControl) >= 0 {
			return configFile{}, fmt.Errorf("%s holds a control character (a line break or tab); type it on one line", f.flag)
		}
		if len(f.v) > 500 {
			return configFile{}, fmt.Errorf("%s is longer than 500 characters", f.flag)
		}
	}
	email := strings.TrimSpace(a.Email)
	if email == "" {
		return configFile{}, errors.New("--email is required: the address you send from")
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Name != "" || addr.Email != email {
		return configFile{}, fmt.Errorf("--email %q is not an email address (write it as you@yourcompany.com)", email)
	}
	p, ok := findPreset(a.Provider)
	if !ok {
		return configFile{}, fmt.Errorf("--provider %q is not one of: %s", a.Provider, presetKeys())
	}
	host := strings.TrimSpace(a.Host)
	if host == "" {
		host = p.Host
	}
	if host == "" {
		return configFile{}, errors.New("--host is required with --provider custom: your provider's SMTP server, e.g. smtp.yourcompany.com")
	}
	if strings.ContainsAny(host, " /:@") {
		return configFile{}, fmt.Errorf("--host %q is not a host name (no scheme, port or path: e.g. smtp.yourcompany.com)", host)
	}
	port := a.Port
	if port == 0 {
		port = p.Port
	}
	if port < 1 || port > 65535 {
		return configFile{}, fmt.Errorf("--port %d is not a port number (587 with starttls, 465 with tls)", a.Port)
	}
	sec := mail.Security(strings.ToLower(strings.TrimSpace(a.Security)))
	if sec == "" {
		sec = p.Security
		if a.Port == 465 && a.Security == "" {
			sec = mail.SecurityTLS
		}
	}
	switch sec {
	case mail.SecuritySTARTTLS, mail.SecurityTLS, mail.SecurityNone:
	default:
		return configFile{}, fmt.Errorf("--security %q must be starttls, tls or none", a.Security)
	}
	user := strings.TrimSpace(a.Username)
	if user == "" {
		user = email
	}
	name := strings.TrimSpace(a.Name)
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	c := configFile{
		User: configFileUser{Name: name, Email: email, Title: strings.TrimSpace(a.Title),
			Phone: strings.TrimSpace(a.Phone)},
		SMTP: configFileSMTP{Host: host, Port: port, Security: string(sec), Username: user,
			PasswordCmd: strings.TrimSpace(a.PasswordCmd), Provider: p.Quota, DailyLimit: p.Daily},
	}
	// The From address must be on a verified domain; the mailbox login's
	// domain counts already, so name the From's when it differs.
	if d := domainOf(email); d != domainOf(user) {
		c.Sending.VerifiedDomains = []string{d}
	}
	imap, err := a.imapConfig(p, host, user)
	if err != nil {
		return configFile{}, err
	}
	c.IMAP = imap
	c.Sync = configFileSync{Provider: p.Sync, SaveSent: "auto"}
	return c, nil
}

// imapConfig is the imap section init writes: the answers, else the
// preset's server, else smtpHost with "smtp." made "imap.", on 993 with
// TLS. No host known leaves the section empty: Mail Sync is off.
func (a initAnswers) imapConfig(p providerPreset, smtpHost, smtpUser string) (configFileIMAP, error) {
	host := strings.TrimSpace(a.IMAPHost)
	if host == "" {
		host = p.IMAPHost
	}
	if rest, ok := strings.CutPrefix(strings.ToLower(smtpHost), "smtp."); host == "" && ok && rest != "" {
		host = "imap." + rest
	}
	if strings.ContainsAny(host, " /:@") {
		return configFileIMAP{}, fmt.Errorf("--imap-host %q is not a host name (no scheme, port or path: e.g. imap.yourcompany.com)", host)
	}
	sec := mail.Security(strings.ToLower(strings.TrimSpace(a.IMAPSecurity)))
	switch {
	case sec == "" && a.IMAPPort == 143:
		sec = mail.SecuritySTARTTLS
	case sec == "":
		sec = mail.SecurityTLS
	}
	switch sec {
	case mail.SecurityTLS, mail.SecuritySTARTTLS, mail.SecurityNone:
	default:
		return configFileIMAP{}, fmt.Errorf("--imap-security %q must be tls, starttls or none", a.IMAPSecurity)
	}
	port := a.IMAPPort
	switch {
	case port < 0 || port > 65535:
		return configFileIMAP{}, fmt.Errorf("--imap-port %d is not a port number (993 with tls, 143 with starttls)", port)
	case port == 0 && sec == mail.SecurityTLS:
		port = 993
	case port == 0:
		port = 143
	}
	if host == "" {
		if a.IMAPSecurity != "" || a.IMAPPort != 0 || a.IMAPUsername != "" || a.IMAPPasswordCmd != "" {
			return configFileIMAP{}, errors.New("--imap-host is required with the other --imap-* flags: leadmail cannot tell your IMAP server from your SMTP server's name")
		}
		return configFileIMAP{}, nil
	}
	if sec == mail.SecurityNone && !isLoopbackHost(host) {
		return configFileIMAP{}, fmt.Errorf("--imap-security none would send your password to %s unencrypted: use tls or starttls (none is for a server on this machine only)", host)
	}
	c := configFileIMAP{Host: host, Port: port, Security: string(sec), PasswordCmd: strings.TrimSpace(a.IMAPPasswordCmd)}
	if u := strings.TrimSpace(a.IMAPUsername); u != "" && u != smtpUser {
		c.Username = u
	}
	return c, nil
}

// isLoopbackHost reports a name or address of this machine.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return strings.ToLower(addr[i+1:])
	}
	return ""
}

// initFlags are `leadmail init`'s switches beyond the answers.
type initFlags struct {
	yes, force, skipChecks bool
	noIMAP                 bool // skip the IMAP checks (Mail Sync)
}

func newInitCmd(g *globals) *cobra.Command {
	var a initAnswers
	var f initFlags
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Set up your profile and mailbox: writes config.yaml, creates the database, checks the connection",
		Long: `init asks for your profile (name, email, title, phone), your mail provider
(which fills in the server, port, security and sending limit), and where your
password comes from; then it writes config.yaml (mode 0600, at
$XDG_CONFIG_HOME/leadmail/config.yaml or --config), creates the database, and
runs the doctor's checks live: TLS, the login and the server's size limit,
then the same for your mailbox over IMAP, which Mail Sync reads (--no-imap
skips that check).

The provider also tells the IMAP server (Gmail and Google Workspace
imap.gmail.com, Microsoft 365 outlook.office365.com, Fastmail
imap.fastmail.com, iCloud imap.mail.me.com, Yahoo imap.mail.yahoo.com, all on
993 with TLS); for another server it is the SMTP server's name with "smtp."
made "imap.", or --imap-host. The IMAP login and password are the SMTP ones
unless --imap-username and --imap-password-cmd say otherwise.

On a terminal, init shows a form with any flags given filled in. With --yes,
or when standard input is not a terminal, every answer comes from the flags:

  leadmail init --name "Sam Rivera" --email sam@yourcompany.com --provider gmail \
    --password-cmd "pass show google/app-password" --yes

The password is never stored. --password-cmd is a command that prints it:
` + passwordExamples + `

An existing config is replaced only with --force. Problems found by the
checks are listed one sentence each, and init exits non-zero; the config is
kept, so fix what is named and run "leadmail doctor".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !f.yes && isTerminal(os.Stdin) {
				var o setupFormOptions
				if o.ReplacePath = initConfigPath(g); !f.force && hasConfig(g) {
					o.Replace = new(bool)
				}
				done, err := runSetupForm(cmd.Context(), &a, o)
				if err != nil || !done {
					if err == nil {
						fmt.Fprintln(cmd.OutOrStdout(), "Nothing was changed.")
					}
					return err
				}
				f.force = f.force || (o.Replace != nil && *o.Replace)
			}
			return runInit(cmd.Context(), cmd.OutOrStdout(), g, a, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&a.Name, "name", "", "your name, as it appears in From and {{user.name}}")
	fl.StringVar(&a.Email, "email", "", "the address you send from")
	fl.StringVar(&a.Title, "title", "", "your job title ({{user.title}})")
	fl.StringVar(&a.Phone, "phone", "", "your phone number ({{user.phone}})")
	fl.StringVar(&a.Provider, "provider", "custom", "your mail provider: "+presetKeys())
	fl.StringVar(&a.Host, "host", "", "SMTP server (default: the provider's)")
	fl.IntVar(&a.Port, "port", 0, "SMTP port (default: the provider's; 587 with starttls, 465 with tls)")
	fl.StringVar(&a.Security, "security", "", "starttls, tls or none (default: the provider's)")
	fl.StringVar(&a.Username, "username", "", "SMTP login (default: --email)")
	fl.StringVar(&a.PasswordCmd, "password-cmd", "", "a command that prints your password (see --help)")
	fl.BoolVar(&f.yes, "yes", false, "ask nothing: take every answer from the flags")
	fl.BoolVar(&f.force, "force", false, "replace an existing config file")
	fl.BoolVar(&f.skipChecks, "skip-checks", false, "do not connect to the mail server (offline set-up)")
	fl.StringVar(&a.IMAPHost, "imap-host", "", `IMAP server for Mail Sync (default: the provider's, or --host with "smtp." made "imap.")`)
	fl.IntVar(&a.IMAPPort, "imap-port", 0, "IMAP port (default 993 with tls, 143 with starttls)")
	fl.StringVar(&a.IMAPSecurity, "imap-security", "", "tls, starttls or none (default tls)")
	fl.StringVar(&a.IMAPUsername, "imap-username", "", "IMAP login (default: the SMTP login)")
	fl.StringVar(&a.IMAPPasswordCmd, "imap-password-cmd", "", "a command that prints the IMAP password (default: the SMTP one serves)")
	fl.BoolVar(&f.noIMAP, "no-imap", false, "do not check the IMAP mailbox (Mail Sync) after writing the config")
	return cmd
}

// isTerminal reports whether f is a terminal someone can answer on.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// initConfigPath is where init writes: --config, or the default path.
func initConfigPath(g *globals) string {
	if g.configPath != "" {
		return g.configPath
	}
	return filepath.Join(configDir(), "config.yaml")
}

// runInit writes the config, creates the database and runs the checks,
// reporting each step on w. Bad answers change nothing.
func runInit(ctx context.Context, w io.Writer, g *globals, a initAnswers, f initFlags) error {
	c, err := a.config()
	if err != nil {
		return err
	}
	path := initConfigPath(g)
	if g.dbPath != "" {
		abs, err := filepath.Abs(g.dbPath)
		if err != nil {
			return fmt.Errorf("--db: %w", err)
		}
		c.Store.Path = abs
	}
	if err := writeConfigFile(path, c, f.force); err != nil {
		return err
	}
	fmt.Fprintf(w, "✓ wrote %s (readable by you only)\n", termSafe(path))
	// The database is the config's own now (store.path, or the default):
	// opened through it, it is one leadmail may create.
	ig := *g
	ig.configPath, ig.dbPath = path, ""
	app, err := openApp(ctx, &ig)
	if err != nil {
		return fmt.Errorf("the config is saved at %s, but the database could not be created: %w", path, err)
	}
	dbPath := c.Store.Path
	if dbPath == "" {
		dbPath = filepath.Join(dataDir(), "leadmail.db")
	}
	app.Close()
	fmt.Fprintf(w, "✓ database %s is ready, with you as its user\n", termSafe(dbPath))
	if p, _ := findPreset(a.Provider); p.Note != "" {
		fmt.Fprintf(w, "  note: %s\n", p.Note)
	}
	if c.IMAP.Host == "" {
		fmt.Fprintf(w, "  note: Mail Sync is off: leadmail cannot tell your IMAP server from %s; run init again with --imap-host, or set imap.host in %s\n",
			termSafe(c.SMTP.Host), termSafe(path))
	}
	if f.skipChecks {
		fmt.Fprintln(w, "Checks skipped: run `leadmail doctor` to test the connection.")
		return nil
	}
	r := runDoctor(ctx, &ig, doctorOptions{noIMAP: f.noIMAP})
	if err := printDoctor(w, r); err != nil {
		return err
	}
	switch r.Problems {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("the config is saved at %s, but 1 problem was found: fix it, then run leadmail doctor", path)
	}
	return fmt.Errorf("the config is saved at %s, but %d problems were found: fix them, then run leadmail doctor", path, r.Problems)
}
