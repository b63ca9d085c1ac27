package imapconn

import (
	"context"
	"crypto/tls"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-imap/client"

	"github.com/leadmail/leadmail/mail"
)

// syncCaps are the extensions Mail Sync uses when the server has them; it
// works without any of them (IMAP4rev1 alone polls instead of IDLE).
var syncCaps = []string{"IDLE", "CONDSTORE", "QRESYNC", "UIDPLUS", "MOVE", "SPECIAL-USE"}

// Report is what Inspect found: the probe's steps and what `leadmail
// doctor` shows beside them.
type Report struct {
	mail.ProbeReport
	Addr string // host:port
	// SentFolder is the Sent folder's name, "" when none was found;
	// SentMarked says the server marked it \Sent (SPECIAL-USE).
	SentFolder string
	SentMarked bool
	// Folders are the folders LIST gave, nil when it failed.
	Folders []Folder
	// Capabilities are the extensions of syncCaps the server offers,
	// Missing those it does not.
	Capabilities, Missing []string
	// Warn names the steps that passed with something worth a warning
	// (no Sent folder yet, no IDLE).
	Warn []string
}

// Probe connects and logs in as Mail Sync would (same dial, TLS settings
// and login), finds the Sent folder and reads the capabilities, then logs
// out. The steps are "config" (only when the settings cannot work),
// "connect", "tls" (not with security none), "login", "sent_folder" and
// "capabilities"; a failed connect, tls or login step ends the list. No
// Detail contains the password.
func Probe(ctx context.Context, c Config) mail.ProbeReport {
	return Inspect(ctx, c).ProbeReport
}

// Inspect is Probe with what the doctor shows beside the steps.
func Inspect(ctx context.Context, c Config) Report {
	c = c.withDefaults()
	r := Report{Addr: c.Addr()}
	cl, s, err := dial(ctx, c)
	if s.tls != nil {
		r.TLSVersion = tls.VersionName(s.tls.Version)
	}
	if err != nil {
		r.failed(c, s, err)
		return r.finish(c.Password)
	}
	stop := context.AfterFunc(ctx, func() { _ = cl.Terminate() })
	defer stop()
	r.add("connect", true, fmt.Sprintf("connected to the IMAP server %s", r.Addr))
	if c.Security != mail.SecurityNone {
		r.add("tls", true, tlsDetail(c, s.tls))
	}
	r.add("login", true, fmt.Sprintf("logged in to the IMAP server as %s with %s", c.Username, s.mech))
	r.sentFolder(cl)
	r.capabilities(cl)
	cl.Timeout = min(c.CommandTimeout, 5*time.Second)
	_ = cl.Logout()
	_ = cl.Terminate()
	return r.finish(c.Password)
}

// failed adds the steps up to the one that failed.
func (r *Report) failed(c Config, s session, err error) {
	switch s.stage {
	case stageConfig:
		r.add("config", false, "IMAP settings are not usable: "+err.Error())
		return
	case stageConnect:
		r.add("connect", false, err.Error())
		return
	}
	r.add("connect", true, fmt.Sprintf("connected to the IMAP server %s", r.Addr))
	if s.stage == stageTLS {
		r.add("tls", false, err.Error())
		return
	}
	if c.Security != mail.SecurityNone {
		r.add("tls", true, tlsDetail(c, s.tls))
	}
	r.add("login", false, err.Error())
}

func (r *Report) sentFolder(cl *client.Client) {
	folders, err := Folders(cl)
	if err != nil && len(folders) == 0 {
		r.add("sent_folder", false, fmt.Sprintf("could not list the IMAP folders: %s", netOrReply(err)))
		return
	}
	r.Folders = folders
	name, marked, found := findSent(folders)
	r.SentFolder, r.SentMarked = name, marked
	switch {
	case marked:
		r.add("sent_folder", true, fmt.Sprintf("Sent folder %q found by SPECIAL-USE (\\Sent)", name))
	case found:
		r.add("sent_folder", true, fmt.Sprintf("Sent folder %q found by its name (the server marks no folder \\Sent)", name))
	default:
		r.Warn = append(r.Warn, "sent_folder")
		r.add("sent_folder", true, fmt.Sprintf("no Sent folder among the %d folders (none marked \\Sent, none with a usual name): leadmail creates \"Sent\" when it first saves a copy", len(folders)))
	}
}

func (r *Report) capabilities(cl *client.Client) {
	caps, err := cl.Capability()
	if err != nil {
		r.add("capabilities", false, fmt.Sprintf("could not read the IMAP server's capabilities: %s", netOrReply(err)))
		return
	}
	for _, name := range syncCaps {
		if caps[name] {
			r.Capabilities = append(r.Capabilities, name)
		} else {
			r.Missing = append(r.Missing, name)
		}
	}
	for name := range caps {
		if m, ok := strings.CutPrefix(name, "AUTH="); ok {
			r.AuthMechs = append(r.AuthMechs, m)
		}
		if n, ok := strings.CutPrefix(name, "APPENDLIMIT="); ok {
			r.MaxSize, _ = strconv.ParseInt(n, 10, 64)
		}
	}
	slices.Sort(r.AuthMechs)
	var b strings.Builder
	if len(r.Capabilities) > 0 {
		fmt.Fprintf(&b, "the IMAP server offers %s", strings.Join(r.Capabilities, ", "))
	} else {
		b.WriteString("the IMAP server offers none of IDLE, CONDSTORE, QRESYNC, UIDPLUS, MOVE, SPECIAL-USE")
	}
	if len(r.Capabilities) > 0 && len(r.Missing) > 0 {
		fmt.Fprintf(&b, " (not %s: Mail Sync does without them)", strings.Join(r.Missing, ", "))
	}
	if !caps["IDLE"] {
		r.Warn = append(r.Warn, "capabilities")
		b.WriteString("; without IDLE, new mail is checked every few minutes instead of arriving at once")
	}
	r.add("capabilities", true, b.String())
}

// netOrReply words an error from a command after the login.
func netOrReply(err error) string {
	if isNetErr(err) {
		return netCause(err, 0)
	}
	return clean(err.Error())
}

func (r *Report) add(name string, ok bool, detail string) {
	r.Steps = append(r.Steps, mail.ProbeStep{Name: name, OK: ok, Detail: detail})
}

// finish sets OK and masks the password should a server have echoed it.
func (r Report) finish(password string) Report {
	r.OK = len(r.Steps) > 0
	for i, s := range r.Steps {
		if len(password) >= 4 {
			r.Steps[i].Detail = strings.ReplaceAll(s.Detail, password, "[password]")
		}
		r.OK = r.OK && s.OK
	}
	return r
}

// tlsDetail describes the protection in place, e.g. "TLS 1.3 via implicit
// TLS, certificate for imap.example.com (issued by R11) valid until
// 2027-03-01".
func tlsDetail(c Config, st *tls.ConnectionState) string {
	how := "implicit TLS"
	if c.Security == mail.SecuritySTARTTLS {
		how = "STARTTLS"
	}
	if st == nil || len(st.PeerCertificates) == 0 {
		return "IMAP over " + how
	}
	leaf := st.PeerCertificates[0]
	issuer := leaf.Issuer.CommonName
	if issuer == "" && len(leaf.Issuer.Organization) > 0 {
		issuer = leaf.Issuer.Organization[0]
	}
	s := fmt.Sprintf("IMAP over %s via %s, certificate for %s", tls.VersionName(st.Version), how, c.tlsConfig().ServerName)
	if issuer != "" {
		s += fmt.Sprintf(" (issued by %s)", clean(issuer))
	}
	s += " valid until " + leaf.NotAfter.UTC().Format(time.DateOnly)
	if c.TLSConfig != nil && c.TLSConfig.InsecureSkipVerify {
		s += ", NOT verified (InsecureSkipVerify)"
	}
	return s
}
