package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/imapconn"
)

// doctorIMAP checks the mailbox as Mail Sync reads it. Mail Sync off (no
// IMAP server known) is said, not counted as a problem.
func doctorIMAP(ctx context.Context, r *doctorJSON, cfg Config, where string) {
	a, on := cfg.imapAccount()
	if !on {
		r.add("imap.host", checkInfo, "Mail Sync is off: imap.host is not set and smtp.host does not tell it; set imap.host in %s (or LEADMAIL_IMAP_HOST) to bring your mailbox's replies into Life of the Lead", where)
		return
	}
	from := ""
	if a.From != "imap.host" {
		from = " (from " + a.From + ")"
	}
	ic, _, err := cfg.imapConfig(ctx)
	r.add("imap.host", checkOK, "imap.host %s, port %d, security %s%s", a.Host, portOf(ic), a.Security, from)
	if a.Security == mail.SecurityNone {
		r.add("imap.security", checkWarn, "imap.security is none: the mailbox password travels unencrypted; use it for a server on this machine only")
	}
	if err != nil {
		name := "imap"
		if ic.Host != "" && (ic.Password == "" || strings.Contains(err.Error(), "password_cmd")) {
			name = "imap.password"
		}
		r.add(name, checkFail, "%v", err)
		return
	}
	r.add("imap.password", checkOK, "IMAP password: from %s", cfg.imapPasswordSource(a))

	rep := imapconn.Inspect(ctx, ic)
	reached := false
	for _, s := range rep.Steps {
		st := checkOK
		switch {
		case !s.OK && s.Name == "connect" && a.From == "smtp.host":
			// A guess from smtp.host that finds nothing may just mean the
			// user does not want Mail Sync.
			st = checkWarn
		case !s.OK:
			st = checkFail
		case slices.Contains(rep.Warn, s.Name):
			st = checkWarn
		}
		reached = reached || (s.Name == "connect" && s.OK)
		r.add("imap."+s.Name, st, "%s", s.Detail)
		if s.Name == "connect" && st == checkWarn {
			r.add("imap.host", checkWarn, "imap.host %s was guessed from smtp.host: set imap.host to your IMAP server, or leave it if you do not use Mail Sync", a.Host)
		}
	}
	if !reached {
		return
	}
	r.IMAP = &doctorIMAPJSON{Addr: rep.Addr, TLSVersion: rep.TLSVersion, SentFolder: rep.SentFolder,
		SentMarked: rep.SentMarked, Capabilities: rep.Capabilities, Folders: len(rep.Folders)}
	if rep.Folders == nil {
		return
	}
	for _, f := range cfg.Sync.Folders {
		if !hasFolder(rep.Folders, f) {
			r.add("sync.folders", checkFail, "sync.folders names %q, which is not a folder in your mailbox (it has %s)", termSafe(f), folderList(rep.Folders))
		}
	}
}

func hasFolder(fs []imapconn.Folder, name string) bool {
	return slices.ContainsFunc(fs, func(f imapconn.Folder) bool { return f.Name == name && f.Selectable })
}

// folderList names the first few selectable folders for a sentence.
func folderList(fs []imapconn.Folder) string {
	var names []string
	for _, f := range fs {
		if f.Selectable {
			names = append(names, fmt.Sprintf("%q", termSafe(f.Name)))
		}
	}
	if len(names) > 8 {
		return strings.Join(names[:8], ", ") + fmt.Sprintf(" and %d more", len(names)-8)
	}
	if len(names) == 0 {
		return "no folder that holds mail"
	}
	return strings.Join(names, ", ")
}

// portOf is the port the connection uses, its default filled in.
func portOf(c imapconn.Config) int {
	if c.Port != 0 {
		return c.Port
	}
	if c.Security == mail.SecurityTLS || c.Security == "" {
		return 993
	}
	return 143
}
