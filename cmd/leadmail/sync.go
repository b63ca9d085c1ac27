package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/mail/imapconn"
	"github.com/leadmail/leadmail/mail/mailsync"
	"github.com/leadmail/leadmail/store"
)

// syncFlags are `leadmail sync`'s switches.
type syncFlags struct {
	rescan, dryRun, asJSON bool
	folders                []string
}

func newSyncCmd(g *globals) *cobra.Command {
	var f syncFlags
	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Bring your mailbox into Life of the Lead (Mail Sync over IMAP)",
		Long: `sync reads your mailbox over IMAP and records in each contact's Life of the
Lead the mail exchanged with them: their mail (email_received), what you sent
them from elsewhere (email_sent_elsewhere), replies to Smart Mail (replied),
out-of-office answers (auto_reply) and bounces (bounced). It resolves sends
left uncertain and saves copies of sends to your Sent folder (sync.save_sent).

Only messages involving a CRM contact or lead are stored; nothing else from
the mailbox is ever written to the database.

The first run reads every folder however old (sync.folders; by default all
but Trash, Junk and Drafts, on Gmail only All Mail); later runs read only
what is new, and a contact added since gets its history on the next run.
--rescan reads everything again without doubling any event. Run it from
cron while the terminal UI is closed: two syncs on one database never
overlap.

On a terminal, progress shows on standard error; ctrl+c stops cleanly, and
what was synced is kept.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			a, err := openApp(ctx, g)
			if err != nil {
				return err
			}
			defer a.Close()
			sc, err := a.syncConfig(ctx)
			if err != nil {
				return err
			}
			var progress io.Writer
			if fe, ok := cmd.ErrOrStderr().(*os.File); ok && isTerminal(fe) && !f.asJSON {
				progress = fe
			}
			return runSync(ctx, cmd.OutOrStdout(), progress, mailsync.New(sc, a.db), f)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.rescan, "rescan", false, "read every folder again from the start (no event is doubled)")
	fl.StringArrayVar(&f.folders, "folder", nil, "sync only this folder (repeat for more)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "scan and report what matches, write nothing")
	fl.BoolVar(&f.asJSON, "json", false, "print the report as JSON")
	cmd.AddCommand(newSyncStatusCmd(g))
	return cmd
}

// errSyncOff is Mail Sync asked for with no IMAP server known.
var errSyncOff = errors.New("Mail Sync is off: set imap.host in your config (or LEADMAIL_IMAP_HOST), or run leadmail init again with --imap-host") //nolint:staticcheck // ST1005: "Mail Sync" is the feature's name, shown to the user as is

// syncConfig builds Mail Sync's config from the app's: the IMAP account
// (password resolved), the user, sync.*; errSyncOff when no IMAP server is
// known.
func (a *app) syncConfig(ctx context.Context) (mailsync.Config, error) {
	ic, on, err := a.cfg.imapConfig(ctx)
	switch {
	case !on:
		return mailsync.Config{}, errSyncOff
	case err != nil:
		return mailsync.Config{}, err
	case a.user.ID == 0:
		return mailsync.Config{}, errors.New("user.email is not set: Mail Sync records your mailbox for you as a CRM user; set user.email and user.name")
	}
	ic.Logger = a.log
	acct, _ := a.cfg.imapAccount()
	return mailsync.Config{
		IMAP:     ic,
		UserID:   a.user.ID,
		Me:       myAddresses(a.cfg, ic),
		Folders:  a.cfg.Sync.Folders,
		SaveSent: a.cfg.Sync.SaveSent,
		Provider: acct.Provider,
		Holder:   syncHolder(),
		Logger:   a.log,

		Connections: a.cfg.Sync.Connections,
		Sweep:       a.cfg.Sync.Sweep,
	}, nil
}

// myAddresses are the rep's own addresses, lowercased: user.email and any
// login that is an address.
func myAddresses(c Config, ic imapconn.Config) []string {
	var out []string
	for _, s := range []string{c.User.Email, c.SMTP.Username, ic.Username} {
		s = strings.ToLower(strings.TrimSpace(s))
		if strings.Contains(s, "@") && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// syncHolder names this process in the sync lease: pid@host.
func syncHolder() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	return fmt.Sprintf("%d@%s", os.Getpid(), host)
}

// syncFolderJSON is one folder of `leadmail sync --json`.
type syncFolderJSON struct {
	Name    string `json:"name"`
	Scanned int    `json:"scanned"`
	Matched int    `json:"matched"`
	Skipped bool   `json:"skipped"` // nothing new since the last run
	Error   string `json:"error,omitempty"`
}

// syncJSON is `leadmail sync --json`.
type syncJSON struct {
	DryRun      bool             `json:"dry_run"`
	Interrupted bool             `json:"interrupted"`
	Folders     []syncFolderJSON `json:"folders"`
	Scanned     int              `json:"scanned"`
	Matched     int              `json:"matched"`
	Recorded    int              `json:"recorded"`
	Duplicates  int              `json:"duplicates"`
	Replies     int              `json:"replies"`
	AutoReplies int              `json:"auto_replies"`
	Bounces     int              `json:"bounces"`
	Confirmed   int              `json:"confirmed"`
	SentCopies  int              `json:"sent_copies"`
	Seconds     float64          `json:"seconds"`
}

// runSync makes one pass of s and reports it on out; progress, when set
// (a terminal), gets a line rewritten in place. ctx cancelled (ctrl+c)
// ends the pass cleanly: what was committed stays, and that is a success.
func runSync(ctx context.Context, out, progress io.Writer, s *mailsync.Syncer, f syncFlags) error {
	o := mailsync.Options{Rescan: f.rescan, DryRun: f.dryRun, Folders: f.folders}
	if progress != nil {
		o.Progress = syncProgress(progress)
	}
	began := time.Now()
	rep, err := s.Run(ctx, o)
	if progress != nil {
		fmt.Fprint(progress, "\r\033[K")
	}
	interrupted := ctx.Err() != nil
	switch {
	case interrupted:
		// What was committed stays: an interrupted pass is a success.
	case errors.Is(err, mailsync.ErrLeaseHeld):
		return fmt.Errorf("another sync is running (%s); try again later", leaseHolder(err))
	case err != nil:
		return err
	}
	j := syncReportJSON(rep, f.dryRun, interrupted, time.Since(began))
	if f.asJSON {
		if err := writeJSON(out, j); err != nil {
			return err
		}
	} else if err := printSync(out, j); err != nil {
		return err
	}
	failed := 0
	for _, fr := range j.Folders {
		if fr.Error != "" {
			failed++
		}
	}
	switch {
	case interrupted || failed == 0:
		return nil
	case failed == 1:
		return errors.New("1 folder could not be read")
	}
	return fmt.Errorf("%d folders could not be read", failed)
}

// leaseHolder is the holder ErrLeaseHeld names ("… (pid@host)").
func leaseHolder(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, " ("); i >= 0 && strings.HasSuffix(msg, ")") {
		return msg[i+2 : len(msg)-1]
	}
	return "another process"
}

func syncReportJSON(r mailsync.Report, dryRun, interrupted bool, took time.Duration) syncJSON {
	j := syncJSON{DryRun: dryRun, Interrupted: interrupted, Folders: []syncFolderJSON{},
		Scanned: r.Scanned, Matched: r.Matched, Recorded: r.Recorded, Duplicates: r.Duplicates,
		Replies: r.Replies, AutoReplies: r.AutoReplies, Bounces: r.Bounces, Confirmed: r.Confirmed,
		SentCopies: r.SentCopies, Seconds: took.Round(time.Millisecond).Seconds()}
	for _, f := range r.Folders {
		j.Folders = append(j.Folders, syncFolderJSON{Name: f.Name, Scanned: f.Scanned, Matched: f.Matched,
			Skipped: f.Skipped, Error: f.Err})
	}
	return j
}

// printSync writes a line per folder that failed, then one summary line.
func printSync(w io.Writer, j syncJSON) error {
	unchanged := 0
	for _, f := range j.Folders {
		if f.Error != "" {
			if _, err := fmt.Fprintf(w, "! %s: %s\n", termSafe(f.Name), termSafe(f.Error)); err != nil {
				return err
			}
		}
		if f.Skipped {
			unchanged++
		}
	}
	var b strings.Builder
	switch {
	case j.DryRun:
		b.WriteString("dry run, nothing written: ")
	case j.Interrupted:
		b.WriteString("interrupted: what was synced is kept: ")
	default:
		b.WriteString("synced: ")
	}
	fmt.Fprintf(&b, "%s", plural(len(j.Folders), "folder"))
	if unchanged > 0 {
		fmt.Fprintf(&b, " (%d unchanged)", unchanged)
	}
	fmt.Fprintf(&b, ", %s scanned, %d matched", plural(j.Scanned, "message"), j.Matched)
	if !j.DryRun {
		fmt.Fprintf(&b, ", %d new", j.Recorded)
		for _, c := range []struct {
			n         int
			one, many string
		}{{j.Duplicates, "already recorded", "already recorded"}, {j.Replies, "reply", "replies"},
			{j.AutoReplies, "auto-reply", "auto-replies"}, {j.Bounces, "bounce", "bounces"},
			{j.Confirmed, "uncertain send confirmed", "uncertain sends confirmed"},
			{j.SentCopies, "copy saved to Sent", "copies saved to Sent"}} {
			switch {
			case c.n == 1:
				fmt.Fprintf(&b, ", 1 %s", c.one)
			case c.n > 1:
				fmt.Fprintf(&b, ", %d %s", c.n, c.many)
			}
		}
	}
	fmt.Fprintf(&b, " in %s", shortDuration(time.Duration(j.Seconds*float64(time.Second))))
	_, err := fmt.Fprintln(w, b.String())
	return err
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// shortDuration is "0.4 s", "12 s", "3 min 20 s".
func shortDuration(d time.Duration) string {
	switch {
	case d < 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()))
	}
	d = d.Round(time.Second)
	return fmt.Sprintf("%d min %d s", int(d.Minutes()), int(d.Seconds())%60)
}

// syncProgress writes a sync's progress to w on one line rewritten in
// place, at most four times a second.
func syncProgress(w io.Writer) func(mailsync.Progress) {
	var last time.Time
	return func(p mailsync.Progress) {
		now := time.Now()
		if now.Sub(last) < 250*time.Millisecond && p.Scanned < p.Total {
			return
		}
		last = now
		line := fmt.Sprintf("%s: %d/%d scanned · %d matched", termSafe(p.Folder), p.Scanned, p.Total, p.Matched)
		if p.PerSecond > 0 {
			line += fmt.Sprintf(" · %.0f msg/s", p.PerSecond)
		}
		if p.ETA > 0 {
			line += " · ETA " + shortDuration(p.ETA)
		}
		fmt.Fprintf(w, "\r\033[K%s", line)
	}
}

// syncStatusJSON is one folder of `leadmail sync status --json`.
type syncStatusJSON struct {
	Folder      string     `json:"folder"`
	UIDValidity uint32     `json:"uidvalidity"`
	LastUID     uint32     `json:"last_uid"`
	Matched     int        `json:"matched"`
	LastRun     *time.Time `json:"last_run"` // null before the first run
	LastError   string     `json:"last_error"`
}

func newSyncStatusCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show where Mail Sync stands in each folder",
		Long: `status lists each folder Mail Sync has read: its UIDVALIDITY, the last UID
recorded, how many messages matched a contact, when it last ran and the last
error. It reads the database only.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := openApp(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer a.Close()
			folders, err := a.db.SyncFolders(cmd.Context())
			if err != nil {
				return err
			}
			return printSyncStatus(cmd.OutOrStdout(), folders, asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the folders as JSON")
	return cmd
}

func printSyncStatus(w io.Writer, folders []store.SyncFolder, asJSON bool) error {
	list := make([]syncStatusJSON, 0, len(folders))
	for _, f := range folders {
		s := syncStatusJSON{Folder: f.Name, UIDValidity: f.UIDValidity, LastUID: f.LastUID, Matched: f.Matched,
			LastError: f.LastError}
		if !f.LastRun.IsZero() {
			t := f.LastRun.UTC()
			s.LastRun = &t
		}
		list = append(list, s)
	}
	if asJSON {
		return writeJSON(w, list)
	}
	if len(list) == 0 {
		_, err := fmt.Fprintln(w, "No folder synced yet: run leadmail sync.")
		return err
	}
	return writeTable(w, []string{"FOLDER", "UIDVALIDITY", "LAST UID", "MATCHED", "LAST RUN", "LAST ERROR"}, len(list),
		func(i int) []string {
			s := list[i]
			run := "never"
			if s.LastRun != nil {
				run = s.LastRun.Local().Format("2006-01-02 15:04")
			}
			return []string{s.Folder, fmt.Sprint(s.UIDValidity), fmt.Sprint(s.LastUID), fmt.Sprint(s.Matched), run, s.LastError}
		})
}
