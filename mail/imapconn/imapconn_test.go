package imapconn

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap"

	"github.com/leadmail/leadmail/mail"
)

func TestValidate(t *testing.T) {
	ok := Config{Host: "imap.example.com", Username: "sam@example.com", Password: "pw"}
	tests := []struct {
		name string
		edit func(*Config)
		want string // "" for valid
	}{
		{"defaults", func(*Config) {}, ""},
		{"no host", func(c *Config) { c.Host = " " }, "imap.host is empty"},
		{"url as host", func(c *Config) { c.Host = "imaps://imap.example.com" }, `imap.host "imaps://imap.example.com" is not a host name`},
		{"port", func(c *Config) { c.Port = 70000 }, "imap.port 70000 is not a port number"},
		{"no user", func(c *Config) { c.Username = "" }, "imap.username is empty"},
		{"no password", func(c *Config) { c.Password = "" }, "no password for imap.username sam@example.com"},
		{"security", func(c *Config) { c.Security = "ssl" }, `imap.security "ssl" must be tls, starttls or none`},
		{"none remote", func(c *Config) { c.Security = mail.SecurityNone }, "imap.security none is for a server on this machine only"},
		{"none loopback", func(c *Config) { c.Security, c.Host = mail.SecurityNone, "127.0.0.1" }, ""},
		{"none localhost", func(c *Config) { c.Security, c.Host = mail.SecurityNone, "localhost" }, ""},
		{"negative timeout", func(c *Config) { c.DialTimeout = -1 }, "imap timeouts cannot be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.edit(&c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Validate() = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestAddrDefaultPorts(t *testing.T) {
	for sec, want := range map[mail.Security]string{"": "h:993", mail.SecurityTLS: "h:993",
		mail.SecuritySTARTTLS: "h:143", mail.SecurityNone: "h:143"} {
		if got := (Config{Host: "h", Security: sec}).Addr(); got != want {
			t.Errorf("Addr() with %q = %s, want %s", sec, got, want)
		}
	}
}

func TestDial(t *testing.T) {
	for _, sec := range []mail.Security{mail.SecurityTLS, mail.SecuritySTARTTLS, mail.SecurityNone} {
		t.Run(string(sec), func(t *testing.T) {
			ts := startServer(t, serverOpts{security: sec, folders: map[string][]string{"Sent": nil}})
			cl, s, err := dial(t.Context(), ts.config(sec))
			if err != nil {
				t.Fatalf("Dial: %v", err)
			}
			defer func() { _ = cl.Logout() }()
			if cl.State() != imap.AuthenticatedState {
				t.Errorf("state after Dial = %v, want authenticated", cl.State())
			}
			if got := cl.IsTLS() || sec == mail.SecurityTLS; got != (sec != mail.SecurityNone) {
				t.Errorf("TLS = %v with security %s", got, sec)
			}
			if (s.tls != nil) != (sec != mail.SecurityNone) {
				t.Errorf("TLS state recorded = %v with security %s", s.tls != nil, sec)
			}
			if s.mech != "LOGIN" {
				t.Errorf("login with %q, want LOGIN", s.mech)
			}
			fs, err := Folders(cl)
			if err != nil {
				t.Fatal(err)
			}
			if len(fs) != 2 || fs[0].Name != "INBOX" || fs[1].Name != "Sent" {
				t.Errorf("Folders = %+v, want INBOX, Sent", fs)
			}
		})
	}
}

func TestDialAuthenticatePlainWhenLoginDisabled(t *testing.T) {
	ts := startServer(t, serverOpts{security: mail.SecurityNone, loginDisabled: true})
	cl, s, err := dial(t.Context(), ts.config(mail.SecurityNone))
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer func() { _ = cl.Logout() }()
	if s.mech != "AUTHENTICATE PLAIN" {
		t.Errorf("login with %q, want AUTHENTICATE PLAIN", s.mech)
	}
}

func TestDialErrors(t *testing.T) {
	ts := startServer(t, serverOpts{security: mail.SecurityTLS})
	plain := startServer(t, serverOpts{security: mail.SecurityNone, noPlaintextLogin: true})
	closed := closedPort(t)
	tests := []struct {
		name  string
		cfg   Config
		class error
		want  string
	}{
		{"wrong password", with(ts.config(mail.SecurityTLS), func(c *Config) { c.Password = "hunter22" }),
			ErrAuth, "the IMAP server refused the login for username (Bad username or password): check imap.username and imap.password_cmd"},
		{"untrusted certificate", with(ts.config(mail.SecurityTLS), func(c *Config) { c.TLSConfig = &tls.Config{RootCAs: nil} }),
			ErrTLS, "the IMAP server's certificate is not trusted: it is signed by an unknown authority"},
		{"wrong name", with(ts.config(mail.SecurityTLS), func(c *Config) {
			c.TLSConfig = &tls.Config{RootCAs: ts.pool, ServerName: "imap.example.com"}
		}), ErrTLS, "the IMAP server's certificate is not trusted: it is not valid for 127.0.0.1"},
		{"refused", with(ts.config(mail.SecurityTLS), func(c *Config) { c.Port = closed }),
			ErrUnreachable, "cannot reach the IMAP server 127.0.0.1:" + strconv.Itoa(closed) + ": connection refused"},
		{"TLS to a plaintext port", plain.config(mail.SecurityTLS),
			ErrTLS, "did not answer in TLS: this port may expect STARTTLS"},
		{"no STARTTLS", plain.config(mail.SecuritySTARTTLS),
			ErrTLS, "does not offer STARTTLS: check imap.port, or set imap.security to tls (port 993)"},
		{"no plaintext login", plain.config(mail.SecurityNone),
			ErrAuth, "allows no login on this connection (LOGINDISABLED, and no AUTH=PLAIN): set imap.security to starttls or tls"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl, err := Dial(t.Context(), tt.cfg)
			if err == nil {
				_ = cl.Logout()
				t.Fatal("Dial succeeded")
			}
			if !errors.Is(err, tt.class) {
				t.Errorf("error %v is not %v", err, tt.class)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), tt.cfg.Password) {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
}

// silentServer accepts connections and never says a word.
func silentServer(t *testing.T) Config {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { _ = c.Close() })
		}
	}()
	port := l.Addr().(*net.TCPAddr).Port
	return Config{Host: "127.0.0.1", Port: port, Security: mail.SecurityNone, Username: "u", Password: "p"}
}

func TestDialCancelled(t *testing.T) {
	cfg := silentServer(t)
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := Dial(ctx, cfg)
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrUnreachable) {
		t.Fatalf("Dial = %v, want a cancelled dial", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Dial returned after %s", d)
	}
	if err.Error() != "connecting to the IMAP server "+cfg.Addr()+" was cancelled" {
		t.Errorf("error = %q", err)
	}
}

func TestDialTimeout(t *testing.T) {
	cfg := silentServer(t)
	cfg.DialTimeout = 100 * time.Millisecond
	_, err := Dial(t.Context(), cfg)
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "no answer within 100ms") {
		t.Fatalf("Dial = %v, want unreachable, no answer within 100ms", err)
	}
}

func TestFindSent(t *testing.T) {
	f := func(name string, attrs ...string) Folder {
		return folderOf(&imap.MailboxInfo{Name: name, Attributes: attrs})
	}
	tests := []struct {
		name    string
		folders []Folder
		want    string
		found   bool
	}{
		{"special-use wins over names", []Folder{f("INBOX"), f("Sent"), f("Gesendet", `\sent`)}, "Gesendet", true},
		{"by name", []Folder{f("INBOX"), f("sent items")}, "sent items", true},
		{"names in order", []Folder{f("INBOX.Sent"), f("Sent Messages")}, "Sent Messages", true},
		{"gmail", []Folder{f("[Gmail]", `\Noselect`), f("[Gmail]/Sent Mail")}, "[Gmail]/Sent Mail", true},
		{"not selectable", []Folder{f("Sent", `\Noselect`, `\Sent`)}, "", false},
		{"none", []Folder{f("INBOX"), f("Archive", `\Archive`)}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, found := FindSent(tt.folders)
			if got != tt.want || found != tt.found {
				t.Errorf("FindSent = %q, %v; want %q, %v", got, found, tt.want, tt.found)
			}
		})
	}
}

func TestFolderAttributes(t *testing.T) {
	f := folderOf(&imap.MailboxInfo{Name: "Trash", Attributes: []string{`\HasNoChildren`, `\TRASH`}})
	if f.SpecialUse != imap.TrashAttr || !f.Selectable {
		t.Errorf("folder = %+v, want a selectable \\Trash", f)
	}
	if f := folderOf(&imap.MailboxInfo{Name: "x", Attributes: []string{`\NonExistent`}}); f.Selectable {
		t.Errorf("a \\NonExistent folder is selectable")
	}
}

func TestProbe(t *testing.T) {
	t.Run("special-use", func(t *testing.T) {
		ts := startServer(t, serverOpts{security: mail.SecuritySTARTTLS,
			folders: map[string][]string{"Envoyés": {`\Sent`}, "Sent": nil}})
		r := Inspect(t.Context(), ts.config(mail.SecuritySTARTTLS))
		wantSteps(t, r.ProbeReport, "connect", "tls", "login", "sent_folder", "capabilities")
		if !r.OK || r.SentFolder != "Envoyés" || !r.SentMarked {
			t.Errorf("report = %+v, want OK with Sent folder Envoyés by SPECIAL-USE", r)
		}
		for _, want := range []string{
			"connected to the IMAP server " + ts.addr,
			"IMAP over TLS 1.3 via STARTTLS, certificate for 127.0.0.1 (issued by imapconn test) valid until",
			"logged in to the IMAP server as username with LOGIN",
			`Sent folder "Envoyés" found by SPECIAL-USE (\Sent)`,
			"the IMAP server offers IDLE, MOVE (not CONDSTORE, QRESYNC, UIDPLUS, SPECIAL-USE: Mail Sync does without them)",
		} {
			if !hasDetail(r.ProbeReport, want) {
				t.Errorf("no step says %q in %+v", want, r.Steps)
			}
		}
		if r.TLSVersion != "TLS 1.3" || len(r.Warn) != 0 {
			t.Errorf("TLSVersion %q, warnings %v", r.TLSVersion, r.Warn)
		}
	})
	t.Run("by name", func(t *testing.T) {
		ts := startServer(t, serverOpts{security: mail.SecurityTLS, folders: map[string][]string{"Sent Items": nil}})
		r := Inspect(t.Context(), ts.config(mail.SecurityTLS))
		if !r.OK || r.SentFolder != "Sent Items" || r.SentMarked ||
			!hasDetail(r.ProbeReport, `Sent folder "Sent Items" found by its name (the server marks no folder \Sent)`) {
			t.Errorf("report = %+v", r)
		}
	})
	t.Run("no sent folder", func(t *testing.T) {
		ts := startServer(t, serverOpts{security: mail.SecurityTLS})
		r := Inspect(t.Context(), ts.config(mail.SecurityTLS))
		if !r.OK || r.SentFolder != "" || len(r.Warn) != 1 || r.Warn[0] != "sent_folder" ||
			!hasDetail(r.ProbeReport, `no Sent folder among the 1 folders`) {
			t.Errorf("report = %+v", r)
		}
	})
	t.Run("refused login", func(t *testing.T) {
		ts := startServer(t, serverOpts{security: mail.SecurityTLS})
		cfg := ts.config(mail.SecurityTLS)
		cfg.Password = "not-the-password"
		r := Probe(t.Context(), cfg)
		wantSteps(t, r, "connect", "tls", "login")
		if r.OK || r.Steps[2].OK || !strings.Contains(r.Steps[2].Detail, "refused the login for username") {
			t.Errorf("report = %+v, want a refused login", r)
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		cfg := Config{Host: "127.0.0.1", Port: closedPort(t), Username: "u", Password: "p"}
		r := Probe(t.Context(), cfg)
		wantSteps(t, r, "connect")
		if r.OK || !strings.Contains(r.Steps[0].Detail, "connection refused") {
			t.Errorf("report = %+v", r)
		}
	})
	t.Run("bad config", func(t *testing.T) {
		r := Probe(t.Context(), Config{Host: "imap.example.com"})
		wantSteps(t, r, "config")
		if r.OK || r.Steps[0].Detail != "IMAP settings are not usable: imap.username is empty: set it to your mailbox login (usually your email address)" {
			t.Errorf("report = %+v", r)
		}
	})
}

func wantSteps(t *testing.T, r mail.ProbeReport, names ...string) {
	t.Helper()
	var got []string
	for _, s := range r.Steps {
		got = append(got, s.Name)
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Fatalf("steps = %v, want %v (%+v)", got, names, r.Steps)
	}
}

func hasDetail(r mail.ProbeReport, sub string) bool {
	for _, s := range r.Steps {
		if strings.Contains(s.Detail, sub) {
			return true
		}
	}
	return false
}

func with(c Config, edit func(*Config)) Config {
	edit(&c)
	return c
}

// closedPort is a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	return port
}
