package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/store/scope"
)

// globals are the flags every subcommand takes.
type globals struct {
	configPath string
	dbPath     string
	// createDB is set before a subcommand runs when it is one that may
	// create the database --db names (see createsDatabase).
	createDB bool
}

// noteCommand runs before any subcommand (root's PersistentPreRun) and
// notes whether it may create the database.
func (g *globals) noteCommand(cmd *cobra.Command, _ []string) {
	g.createDB = cmd.HasParent() && !cmd.Parent().HasParent() && createsDatabase(cmd.Name())
}

// createsDatabase reports whether the top-level command name is one whose
// purpose includes creating a database: init, import, seed and demo. Every
// other command refuses a --db path where there is no database, so that a
// typo never yields a new empty one.
func createsDatabase(name string) bool {
	switch name {
	case "init", "import", "seed", "demo":
		return true
	}
	return false
}

// openOptions tune openApp. The zero value suits commands that work on an
// existing database.
type openOptions struct {
	// CreateDB lets a --db path where there is no database yet be created
	// (folders included). Without it such a path is refused. The default
	// database (no --db) is created on first run either way.
	CreateDB bool
}

// app is what a subcommand works with once the config is read and the
// database is open.
type app struct {
	cfg     Config
	cfgPath string
	dbPath  string
	log     *slog.Logger
	logFile io.Closer
	db      *store.DB
	user    store.User // zero when user.email is not configured
	// st is the store as user may use it (S16): what every command a
	// user runs reads and writes through; db stays for the outbox worker,
	// Mail Sync, import and seeding, where no user acts.
	st *scope.Store
}

// openApp reads the config, opens the log file and the database, and makes
// sure the configured sender exists as a CRM user. A --db path where there
// is no database is refused unless the command creates one (init, import,
// seed, demo).
func openApp(ctx context.Context, g *globals) (*app, error) {
	return openAppWith(ctx, g, openOptions{CreateDB: g.createDB})
}

// openAppWith is openApp with options; a database whose file or folder is
// not writable opens read-only, so that reading commands still work.
func openAppWith(ctx context.Context, g *globals, o openOptions) (*app, error) {
	cfg, path, err := loadConfig(g.configPath)
	if err != nil {
		return nil, err
	}
	dbPath := g.dbPath
	if dbPath == "" {
		o.CreateDB = true // the configured or default database
		dbPath = cfg.Store.Path
	}
	if dbPath == "" {
		dbPath = filepath.Join(dataDir(), "leadmail.db")
	}
	readOnly, err := checkDBPath(dbPath, o.CreateDB)
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, cfgPath: path, dbPath: dbPath}
	if a.log, a.logFile, err = openLog(cfg.Log); err != nil {
		return nil, err
	}
	for _, w := range configWarnings(cfg, path) {
		fmt.Fprintln(os.Stderr, "leadmail: warning:", termSafe(w))
		a.log.Warn(w)
	}
	if a.db, err = store.Open(ctx, dbPath, store.Options{ReadOnly: readOnly, Locale: cfg.UI.Locale,
		RekeyProgress: rekeyProgress(cfg.UI.Locale)}); err != nil {
		a.Close()
		return nil, err
	}
	if a.user, err = a.recordUser(ctx); err != nil {
		a.Close()
		return nil, err
	}
	if a.st, err = a.scoped(ctx); err != nil {
		a.Close()
		return nil, err
	}
	a.log.Info("start", "db", dbPath, "config", path, "read_only", readOnly)
	return a, nil
}

// checkDBPath refuses a database path that cannot be meant: ":memory:"
// (which would keep nothing), a folder, or a file that does not exist when
// the command does not create one. It reports whether the database must be
// opened read-only because its file or folder is not writable.
func checkDBPath(path string, create bool) (readOnly bool, err error) {
	if path == ":memory:" {
		return false, errors.New("--db :memory: would keep nothing: give the path of a database file")
	}
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && create:
		return false, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, fmt.Errorf("no database at %s; `leadmail init --db %s` creates one", path, path)
	case err != nil:
		return false, fmt.Errorf("cannot reach the database %s: %w", path, err)
	case fi.IsDir():
		return false, fmt.Errorf("%s is a folder, not a database file: give the path of a file", path)
	}
	return !writable(path) || !writable(filepath.Dir(path)), nil
}

// Close releases the database and the log file.
func (a *app) Close() {
	if a.db != nil {
		if err := a.db.Close(); err != nil {
			a.log.Error("close database", "err", err)
		}
	}
	if a.logFile != nil {
		_ = a.logFile.Close()
	}
}

// outbox builds the sending service on the configured mailbox; the returned
// func closes the connection. withUndo keeps the configured undo window (the
// TUI); the command line has none. When no mailbox or sender is configured,
// previews work and sends are refused with a sentence saying what to set.
func (a *app) outbox(ctx context.Context, withUndo bool) (*outbox.Service, func(), error) {
	opts := outbox.Options{DB: a.db, Sender: a.user, Config: a.cfg.Sending, Logger: a.log}
	opts.Config.VerifiedDomains = a.cfg.verifiedDomains()
	if !withUndo {
		opts.Config.UndoSeconds = 0
	}
	q, err := outbox.QuotaFor(a.cfg.SMTP.Provider, a.cfg.SMTP.DailyLimit, a.cfg.SMTP.MinuteLimit)
	if err != nil {
		return nil, nil, err
	}
	opts.Config.Quota = q
	where := "the config file"
	if a.cfgPath != "" {
		where = a.cfgPath
	}
	closer := func() {}
	switch {
	case a.user.Email == "":
		opts.Unavailable = fmt.Errorf("sending is not set up: set user.email in %s (see config.example.yaml), or try `leadmail demo`", where)
	case strings.TrimSpace(a.cfg.User.Name) == "":
		opts.Unavailable = fmt.Errorf("sending is not set up: set user.name in %s to the name your recipients should see (see config.example.yaml), or try `leadmail demo`", where)
	case a.cfg.SMTP.Host == "":
		opts.Unavailable = fmt.Errorf("sending is not set up: set smtp.host in %s (see config.example.yaml), or try `leadmail demo`", where)
	default:
		sc, err := a.cfg.smtpConfig(ctx)
		if err != nil {
			return nil, nil, err
		}
		sc.Logger = a.log
		smtp := mail.NewSMTP(sc)
		opts.Transport = smtp
		closer = func() {
			if err := smtp.Close(); err != nil {
				a.log.Debug("close smtp connection", "err", err)
			}
		}
	}
	if opts.Transport == nil {
		opts.Transport = refusingTransport{}
	}
	svc, err := outbox.New(opts)
	if err != nil {
		closer()
		return nil, nil, err
	}
	return svc, closer, nil
}

// withOutbox opens the app and its outbox (no undo window: the command line
// has none) for the length of fn.
func withOutbox(ctx context.Context, g *globals, fn func(*app, *outbox.Service) error) error {
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	svc, closer, err := a.outbox(ctx, false)
	if err != nil {
		return err
	}
	defer closer()
	return fn(a, svc)
}

// refusingTransport stands in when no mailbox is configured; the outbox
// refuses before it is ever reached.
type refusingTransport struct{}

func (refusingTransport) Send(context.Context, string, []string, []byte) error {
	return errors.New("no mail server is configured")
}

// openLog opens the log file; logs never go to the terminal the TUI owns.
func openLog(c LogConfig) (*slog.Logger, io.Closer, error) {
	path := c.Path
	if path == "" {
		path = filepath.Join(stateDir(), "leadmail.log")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, nil, fmt.Errorf("create log directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("open log file: %w", err)
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.Level)); err != nil {
		lvl = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: lvl})), f, nil
}

// errorSentence is the sentence main prints for err: a full disk is said
// in its own one sentence, whatever the operation around it.
func errorSentence(err error) string {
	if df, ok := errors.AsType[*store.DiskFullError](err); ok {
		return df.Error()
	}
	return err.Error()
}

// rekeyProgress tells, on stderr, how far the rebuild of the sort keys for
// a new ui.locale is when it takes long enough to notice.
func rekeyProgress(locale string) func(done, total int) {
	shown := -1
	return func(done, total int) {
		if total < 100_000 {
			return
		}
		if pct := done * 100 / total; pct/10 != shown/10 {
			shown = pct
			fmt.Fprintf(os.Stderr, "leadmail: sorting names for locale %q: %d%%\n", locale, pct)
		}
	}
}
