package imapconn_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/imapconn"
	"github.com/leadmail/leadmail/mail/localimap"
)

// startLocal runs leadmail's own test IMAP server with the login
// sam/secret-pass.
func startLocal(t *testing.T, c localimap.Config) (*localimap.Server, imapconn.Config) {
	t.Helper()
	c.Username, c.Password = "sam", "secret-pass"
	srv, err := localimap.Start(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	sec := mail.SecuritySTARTTLS
	if c.ImplicitTLS {
		sec = mail.SecurityTLS
	}
	return srv, imapconn.Config{Host: srv.Host(), Port: srv.Port(), Security: sec, Username: "sam",
		Password: "secret-pass", TLSConfig: srv.TLSConfig(), DialTimeout: 5 * time.Second, CommandTimeout: 5 * time.Second}
}

func TestLocalIMAPProbe(t *testing.T) {
	for _, tc := range []struct {
		name       string
		cfg        localimap.Config
		sent       string
		marked     bool
		warn       []string
		selectable map[string]bool
	}{
		{"starttls", localimap.Config{}, "Sent", true, nil, map[string]bool{"INBOX": true, "Trash": true}},
		{"implicit tls", localimap.Config{ImplicitTLS: true}, "Sent", true, nil, nil},
		{"gmail", localimap.Config{Gmail: true}, "[Gmail]/Sent Mail", true, nil, map[string]bool{"[Gmail]/All Mail": true}},
		{"no special-use", localimap.Config{NoSpecialUse: true}, "Sent", false, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, cfg := startLocal(t, tc.cfg)
			r := imapconn.Inspect(t.Context(), cfg)
			if !r.OK || r.SentFolder != tc.sent || r.SentMarked != tc.marked || !slices.Equal(r.Warn, tc.warn) {
				t.Fatalf("report: OK %v, Sent %q marked %v, warn %v\n%+v", r.OK, r.SentFolder, r.SentMarked, r.Warn, r.Steps)
			}
			if slices.Contains(r.Capabilities, "SPECIAL-USE") == (tc.name == "no special-use") {
				t.Errorf("capabilities %v", r.Capabilities)
			}
			for name, sel := range tc.selectable {
				i := slices.IndexFunc(r.Folders, func(f imapconn.Folder) bool { return f.Name == name })
				if i < 0 || r.Folders[i].Selectable != sel {
					t.Errorf("folder %s missing or wrong: %+v", name, r.Folders)
				}
			}
			if tc.name == "gmail" {
				i := slices.IndexFunc(r.Folders, func(f imapconn.Folder) bool { return f.SpecialUse == imap.AllAttr })
				if i < 0 || r.Folders[i].Name != "[Gmail]/All Mail" {
					t.Errorf("no \\All folder in %+v", r.Folders)
				}
			}
		})
	}
}

func TestLocalIMAPFailures(t *testing.T) {
	srv, cfg := startLocal(t, localimap.Config{})

	srv.Fail(localimap.Failure{Login: true})
	_, err := imapconn.Dial(t.Context(), cfg)
	if !errors.Is(err, imapconn.ErrAuth) || !strings.HasPrefix(err.Error(), "the IMAP server refused the login for sam") ||
		strings.Contains(err.Error(), "secret-pass") {
		t.Errorf("refused login: %v", err)
	}

	srv.Fail(localimap.Failure{Down: true})
	_, err = imapconn.Dial(t.Context(), cfg)
	if !errors.Is(err, imapconn.ErrUnreachable) || !strings.Contains(err.Error(), "cannot reach the IMAP server "+srv.Addr()) {
		t.Errorf("server down: %v", err)
	}

	srv.Fail(localimap.Failure{NoIdle: true})
	r := imapconn.Inspect(t.Context(), cfg)
	if !r.OK || !slices.Equal(r.Warn, []string{"capabilities"}) || slices.Contains(r.Capabilities, "IDLE") {
		t.Errorf("no IDLE: warn %v, capabilities %v", r.Warn, r.Capabilities)
	}

	// A login refused before TLS is never tried: security none to a
	// server that wants STARTTLS says what to set.
	srv.Fail(localimap.Failure{})
	plain := cfg
	plain.Security = mail.SecurityNone
	_, err = imapconn.Dial(t.Context(), plain)
	if !errors.Is(err, imapconn.ErrAuth) || !strings.Contains(err.Error(), "set imap.security to starttls or tls") {
		t.Errorf("plaintext to a STARTTLS server: %v", err)
	}
}
