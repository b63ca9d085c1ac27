package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/demo"
	"github.com/leadmail/leadmail/mail/imapconn"
	"github.com/leadmail/leadmail/mail/localimap"
	"github.com/leadmail/leadmail/mail/localsmtp"
	"github.com/leadmail/leadmail/mail/mailsync"
	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/store/scope"
	"github.com/leadmail/leadmail/tui"
)

// demoSender is the salesperson the demo runs as.
var demoSender = store.User{
	Name:  "Sam Rivera",
	Email: "sam.rivera@brightwave.example",
	Title: "Account Executive",
	Phone: "+1 555 0142",
	Role:  store.RoleSalesperson,
}

func newDemoCmd(g *globals) *cobra.Command {
	var reset bool
	var extra int
	var as string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run leadmail offline on a seeded demo database and embedded mail servers",
		Long: `demo runs the whole product with no network: a separate demo database under
<data dir>/demo/demo.db, seeded with a sales team, people, Smart Mail templates
and history, and an embedded SMTP server on 127.0.0.1 (STARTTLS with a
certificate generated at start, AUTH required) that writes every message it
receives to <data dir>/demo/demo-mailbox/ as an .eml file. Your real database,
config and mailbox are never touched.

The demo's mailbox is served by an embedded IMAP server on 127.0.0.1
(STARTTLS, the demo's login) from <data dir>/demo/demo-imap/, and Mail Sync
reads it: on the first start it records the seeded history (years-old
threads, replies to past sends, an out-of-office, a bounce). In the demo's
terminal UI, some leads answer what you send them, 5 to 20 seconds after it
leaves, and Life of the Lead shows it by itself:

` + answeringHelp() + `
Everyone else stays silent.

"leadmail demo outbox run" delivers the demo's due mail (a scheduled send, say)
with the TUI closed, as cron would with a real mailbox.

Every command-line twin runs on the demo too: put "demo" after "leadmail"
("leadmail demo send --to j.mueller@mueller-soehne.example --email Checking",
"leadmail demo timeline …", "leadmail demo contacts …", emails, signatures,
outbox, import, export, doctor). They use the demo database, the demo's
salesperson, and a demo mail server that writes to demo-mailbox/.

The demo's team has every role (S16). --as EMAIL runs the demo, or a twin,
as another member of it ("leadmail demo --as jonas.berg@brightwave.example",
the Jr. Salesperson, sees only the leads assigned to him), and U on
Contacts switches user in the running demo. The header says who you are.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if extra < 0 || extra > maxSeedContacts {
				return fmt.Errorf("--contacts must be between 0 and %d, got %d", maxSeedContacts, extra)
			}
			return runDemoAs(cmd.Context(), reset, extra, as)
		},
	}
	cmd.Flags().BoolVar(&reset, "reset", false, "start from a freshly seeded demo database")
	cmd.Flags().IntVar(&extra, "contacts", 0, "also add this many synthetic contacts, once (try 1000000)")
	cmd.PersistentFlags().StringVar(&as, "as", "", "be this member of the demo's team (an email; every role is in it)")

	var asJSON, watch bool
	run := &cobra.Command{
		Use:   "run",
		Short: "Deliver the demo's due mail to the embedded server, then exit",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := openDemoAs(cmd.Context(), false, 0, as)
			if err != nil {
				return err
			}
			defer d.Close()
			if err := runOutboxFor(cmd, d.svc, d.app.st, watch, asJSON); err != nil {
				return err
			}
			if !asJSON {
				fmt.Fprintf(cmd.OutOrStdout(), "Delivered mail is in %s\n", d.mailbox)
			}
			return nil
		},
	}
	run.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	run.Flags().BoolVar(&watch, "watch", false, "keep delivering until interrupted")
	outboxCmd := demoTwin(newOutboxCmd, &as)
	for _, c := range outboxCmd.Commands() {
		if c.Name() == "run" { // the demo's own, which says where the mail went
			outboxCmd.RemoveCommand(c)
		}
	}
	outboxCmd.AddCommand(run)
	cmd.AddCommand(outboxCmd)
	for _, mk := range []func(*globals) *cobra.Command{newContactsCmd, newEmailsCmd, newTimelineCmd,
		newSendCmd, newSignaturesCmd, newImportCmd, newExportCmd, newDoctorCmd, newSyncCmd,
		newNotesCmd, newCallsCmd, newTasksCmd, newOpportunitiesCmd, newPipelineCmd, newStagesCmd, newUsersCmd} {
		cmd.AddCommand(demoTwin(mk, &as))
	}
	return cmd
}

// answeringHelp lists the demo leads who answer, one a line, for the help.
func answeringHelp() string {
	says := map[demo.How]string{
		demo.HowReply:     "replies, quoting your message",
		demo.HowAutoReply: "answers with an out-of-office auto-reply",
		demo.HowBounce:    "bounces: the mail server returns it (5.1.1)",
	}
	var b strings.Builder
	for _, a := range demo.Answering() {
		fmt.Fprintf(&b, "  %-16s %-36s %s\n", a.Name, a.Email, says[a.How])
	}
	return b.String()
}

// runDemo opens the demo as its salesperson and runs the TUI on it until
// the user quits.
func runDemo(ctx context.Context, reset bool, extra int) error {
	return runDemoAs(ctx, reset, extra, "")
}

// runDemoAs opens the demo as the member of its team whose email is as
// (the demo's salesperson when empty) and runs the TUI on it until the
// user quits. Switching user in the TUI (U) quits it with the choice; the
// demo then reopens every screen as them.
func runDemoAs(ctx context.Context, reset bool, extra int, as string) error {
	d, err := openDemoAs(ctx, reset, extra, as)
	if err != nil {
		return err
	}
	defer d.Close()
	for {
		opts, next, err := d.tuiOptions(ctx)
		if err != nil {
			return err
		}
		if err := runTUI(ctx, d.app, d.svc, opts); err != nil {
			return err
		}
		if next.ID == 0 || ctx.Err() != nil {
			return nil
		}
		if err := d.become(*next); err != nil {
			return err
		}
	}
}

// demoContacts is about how many people demo.Demo adds.
const demoContacts = 120

// demoSession is the running demo: its database, its mail servers (SMTP
// and IMAP), its outbox and the prospects who answer.
type demoSession struct {
	app     *app
	srv     *localsmtp.Server
	smtp    *mail.SMTP
	svc     *outbox.Service
	imap    *localimap.Server
	resp    *demo.Responder
	pw      string // the demo login's password, on both servers, new at each start
	mailbox string // demo-mailbox/: what the SMTP server received, as .eml files
	imapDir string // demo-imap/: the IMAP mailbox's folders
	dbPath  string
}

// demoLogin is the demo's mailbox login on both embedded servers.
const demoLogin = "demo"

// openDemo opens (seeding it the first time) the demo database, starts the
// embedded IMAP server on the demo mailbox and the embedded SMTP server the
// demo's outbox sends to, whose prospects answer (demo.Responder), and on
// the first start has Mail Sync record the mailbox's history. extra
// synthetic contacts are added once, when the database holds fewer than
// the demo's own plus extra.
func openDemo(ctx context.Context, reset bool, extra int) (*demoSession, error) {
	return openDemoAs(ctx, reset, extra, "")
}

// openDemoAs is openDemo as the member of the demo's team whose email is
// as; one who is not in it is refused with a sentence listing the team.
func openDemoAs(ctx context.Context, reset bool, extra int, as string) (*demoSession, error) {
	d, err := openDemoStore(ctx, reset, extra)
	if err != nil {
		return nil, err
	}
	if as != "" {
		u, err := demoMember(ctx, d.app.db, as)
		if err != nil {
			d.Close()
			return nil, err
		}
		d.app.user = u
	}
	ok := false
	defer func() {
		if !ok {
			d.Close()
		}
	}()
	if err := d.startIMAP(); err != nil {
		return nil, err
	}
	d.resp = demo.NewResponder(demo.ResponderOptions{Mailbox: d.imap,
		Logger: d.app.log.With("component", "demo-leads")})
	d.srv, err = localsmtp.Start(localsmtp.Config{
		Username:   demoLogin,
		Password:   d.pw,
		MailboxDir: d.mailbox,
		Domain:     demoMailDomain,
		Logger:     d.app.log.With("component", "localsmtp"),
		OnReceive:  d.resp.Receive,
	})
	if err != nil {
		return nil, fmt.Errorf("start demo mail server: %w", err)
	}
	sc := mail.DefaultSMTPConfig()
	sc.Host, sc.Port = d.srv.Host(), d.srv.Port()
	sc.Security = mail.SecuritySTARTTLS
	sc.Username, sc.Password = demoLogin, d.pw
	sc.TLSConfig = d.srv.TLSConfig()
	sc.Logger = d.app.log
	d.smtp = mail.NewSMTP(sc)

	if err := d.become(d.app.user); err != nil {
		return nil, err
	}
	d.app.log.Info("demo", "db", d.dbPath, "smtp", d.srv.Addr(), "imap", d.imap.Addr(), "mailbox", d.mailbox)
	ok = true
	return d, nil
}

// startIMAP starts the demo's IMAP server on demo-imap/, unless it runs.
func (d *demoSession) startIMAP() error {
	if d.imap != nil {
		return nil
	}
	srv, err := localimap.Start(localimap.Config{Username: demoLogin, Password: d.pw, Dir: d.imapDir,
		Logger: d.app.log.With("component", "localimap")})
	if errors.Is(err, localimap.ErrDirInUse) {
		return errDemoRunning
	}
	if err != nil {
		return fmt.Errorf("start demo IMAP server: %w", err)
	}
	d.imap = srv
	return nil
}

// errDemoRunning is the refusal to open the demo's mailbox a second time.
var errDemoRunning = errors.New("the demo is already running in another terminal, and its mail server keeps the demo mailbox: quit it first, or sync there with S on Contacts")

// demoIMAPConfig is how Mail Sync reaches the demo mailbox: the embedded
// IMAP server on 127.0.0.1, STARTTLS with the certificate it generated at
// start, the demo login. The TUI's Mail Sync uses it (root.go), as the
// demo's outbox uses the embedded SMTP server.
func (d *demoSession) demoIMAPConfig() imapconn.Config {
	c := imapconn.DefaultConfig()
	c.Host, c.Port, c.Security = d.imap.Host(), d.imap.Port(), mail.SecuritySTARTTLS
	c.Username, c.Password = demoLogin, d.pw
	c.TLSConfig = d.imap.TLSConfig()
	c.Logger = d.app.log.With("component", "imap")
	return c
}

// The demo's sending domain, its mail server's name, and its quick retries.
const (
	demoDomain     = "brightwave.example"
	demoMailDomain = "mail.brightwave.example"
	demoRetryBase  = 5 * time.Second
	demoRetryMax   = 30 * time.Second
)

// openDemoStore opens the demo database, seeding it the first time, with
// the demo's salesperson recorded; no SMTP server yet. A first seed writes
// the mailbox's history into a new demo-imap/ through the IMAP server, and
// Mail Sync records it (firstSync), so the twins see it too; the IMAP
// server is left running then.
func openDemoStore(ctx context.Context, reset bool, extra int) (*demoSession, error) {
	dir := filepath.Join(dataDir(), "demo")
	dbPath := filepath.Join(dir, "demo.db")
	d := &demoSession{mailbox: filepath.Join(dir, "demo-mailbox"), imapDir: filepath.Join(dir, "demo-imap"),
		dbPath: dbPath, pw: rand.Text()}
	if reset {
		for _, p := range []string{dbPath, dbPath + "-wal", dbPath + "-shm"} {
			if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
				return nil, fmt.Errorf("reset demo: %w", err)
			}
		}
	}
	if err := os.MkdirAll(d.mailbox, 0o700); err != nil {
		return nil, fmt.Errorf("create demo mailbox: %w", err)
	}

	cfg := DefaultConfig()
	log, logFile, err := openLog(cfg.Log)
	if err != nil {
		return nil, err
	}
	d.app = &app{cfg: cfg, log: log.With("mode", "demo"), logFile: logFile}
	ok := false
	defer func() {
		if !ok {
			d.Close()
		}
	}()
	// The seed writes history at past times through the store, so the
	// store's clock is pinned while it runs and follows real time after.
	clock := &demo.Clock{}
	if d.app.db, err = store.Open(ctx, dbPath, store.Options{Now: clock.Now}); err != nil {
		return nil, fmt.Errorf("open demo database: %w", err)
	}
	if d.app.user, err = d.app.db.UpsertUser(ctx, demoSender); err != nil {
		return nil, err
	}
	n, err := d.app.db.CountContacts(ctx, store.ContactFilter{})
	if err != nil {
		return nil, err
	}
	opts := demo.DemoOptions{Sender: d.app.user, Clock: clock, Logger: d.app.log.With("component", "seed")}
	if n == 0 {
		// A new demo database: a mailbox left from an earlier one would
		// hold answers to sends that are gone.
		if err := os.RemoveAll(d.imapDir); err != nil {
			return nil, fmt.Errorf("reset demo mailbox: %w", err)
		}
		if err := d.startIMAP(); err != nil {
			return nil, err
		}
		opts.Mailbox = d.imap
	}
	seeded, err := demo.Demo(ctx, d.app.db, opts)
	if err != nil {
		return nil, fmt.Errorf("seed demo database: %w", err)
	}
	if seeded.Contacts > 0 {
		if err := addDemoSignatures(ctx, d.app.db, d.app.user.ID); err != nil {
			return nil, err
		}
	}
	if err := d.firstSync(ctx); err != nil {
		return nil, err
	}
	if extra > 0 {
		have, err := d.app.db.CountContacts(ctx, store.ContactFilter{})
		if err != nil {
			return nil, err
		}
		if have < extra+demoContacts {
			if err := seedContacts(ctx, d.app.db, extra, os.Stderr); err != nil {
				return nil, fmt.Errorf("add synthetic contacts to the demo: %w", err)
			}
		}
	}

	ok = true
	return d, nil
}

// demoSignatures are the demo salesperson's signatures, made with the seed
// so that Personalize and `leadmail demo send --signature` have some.
var demoSignatures = []store.Signature{
	{Name: "Formal", IsDefault: true, Body: "Best regards,\n\n{{user.name}}  \n{{user.title}}, Brightwave  \n{{user.phone}}"},
	{Name: "Short", Body: "Thanks,  \n{{user.name}}"},
}

// addDemoSignatures gives the freshly seeded demo's salesperson their
// signatures.
func addDemoSignatures(ctx context.Context, db *store.DB, userID int64) error {
	for _, s := range demoSignatures {
		s.UserID = userID
		if err := db.CreateSignature(ctx, &s); err != nil {
			return fmt.Errorf("seed demo signature %s: %w", s.Name, err)
		}
	}
	return nil
}

// Close stops the mail servers and the answers still waiting, and closes
// the database.
func (d *demoSession) Close() {
	if d.smtp != nil {
		_ = d.smtp.Close()
	}
	if d.srv != nil {
		_ = d.srv.Close()
	}
	if d.resp != nil {
		_ = d.resp.Close()
	}
	if d.imap != nil {
		_ = d.imap.Close()
	}
	if d.app != nil {
		d.app.Close()
	}
}

// become makes u the demo's user: the store scoped to them and an outbox
// that sends as them, the previous one closed.
func (d *demoSession) become(u store.User) error {
	ocfg := d.app.cfg.Sending
	ocfg.VerifiedDomains = []string{demoDomain}
	// A demo retries quickly, so the offline story plays in seconds.
	ocfg.RetryBase, ocfg.RetryMax = demoRetryBase, demoRetryMax
	svc, err := outbox.New(outbox.Options{DB: d.app.db, Transport: d.smtp, Sender: u,
		Config: ocfg, Logger: d.app.log})
	if err != nil {
		return err
	}
	if d.svc != nil {
		_ = d.svc.Close()
	}
	d.svc, d.app.user, d.app.st = svc, u, scope.For(d.app.db, u)
	d.app.log.Info("demo user", "email", u.Email, "role", u.Role)
	return nil
}

// tuiOptions are the demo TUI's options for its current user: the team to
// switch to, and next, set to the member chosen when the TUI quits to
// switch.
func (d *demoSession) tuiOptions(ctx context.Context) (tui.Options, *store.User, error) {
	team, err := demoTeam(ctx, d.app.db)
	if err != nil {
		return tui.Options{}, nil, err
	}
	next := &store.User{}
	return tui.Options{Demo: true, DemoMailbox: d.mailbox, DemoServer: d.srv,
		Sync: mailsync.New(d.demoSyncConfig(), d.app.db), Team: team,
		SwitchUser: func(u store.User) { *next = u }}, next, nil
}

// demoTeam is the demo's active users, by role from the Administrator
// down, then by name.
func demoTeam(ctx context.Context, db *store.DB) ([]store.User, error) {
	users, err := db.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	users = slices.DeleteFunc(users, func(u store.User) bool { return !u.Active })
	slices.SortStableFunc(users, func(a, b store.User) int {
		return cmp.Compare(slices.Index(roleOrder, a.Role), slices.Index(roleOrder, b.Role))
	})
	return users, nil
}

// roleOrder is the roles from the most to the least they may do.
var roleOrder = []store.Role{store.RoleAdministrator, store.RoleCompanyManager, store.RoleSalesManager,
	store.RoleMarketingManager, store.RoleSalesperson, store.RoleJrSalesperson}

// demoMember is the member of the demo's team whose email is email; any
// other address is refused with a sentence listing the team.
func demoMember(ctx context.Context, db *store.DB, email string) (store.User, error) {
	team, err := demoTeam(ctx, db)
	if err != nil {
		return store.User{}, err
	}
	for _, u := range team {
		if strings.EqualFold(u.Email, strings.TrimSpace(email)) {
			return u, nil
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "--as %s: nobody of that address is in the demo's team; be one of:", termSafe(email))
	for _, u := range team {
		fmt.Fprintf(&b, "\n  %-34s %-18s %s", u.Email, tui.RoleLabel(u.Role), u.Name)
	}
	return store.User{}, errors.New(b.String())
}
