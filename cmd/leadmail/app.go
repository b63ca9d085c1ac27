package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
)

// globals are the flags every subcommand takes.
type globals struct {
	configPath string
	dbPath     string
}

// app is what a subcommand works with once the config is read and the
// database is open.
type app struct {
	cfg     Config
	cfgPath string
	log     *slog.Logger
	logFile io.Closer
	db      *store.DB
	user    store.User // zero when user.email is not configured
}

// openApp reads the config, opens the log file and the database, and makes
// sure the configured sender exists as a CRM user.
func openApp(ctx context.Context, g *globals) (*app, error) {
	cfg, path, err := loadConfig(g.configPath)
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, cfgPath: path}
	if a.log, a.logFile, err = openLog(cfg.Log); err != nil {
		return nil, err
	}
	for _, w := range configWarnings(cfg, path) {
		fmt.Fprintln(os.Stderr, "leadmail: warning:", termSafe(w))
		a.log.Warn(w)
	}
	dbPath := g.dbPath
	if dbPath == "" {
		dbPath = cfg.Store.Path
	}
	if dbPath == "" {
		dbPath = filepath.Join(dataDir(), "leadmail.db")
	}
	if a.db, err = store.Open(ctx, dbPath, store.Options{}); err != nil {
		a.Close()
		return nil, fmt.Errorf("open database %s: %w", dbPath, err)
	}
	if cfg.User.Email != "" {
		u := store.User{Name: cfg.User.Name, Email: cfg.User.Email, Title: cfg.User.Title,
			Phone: cfg.User.Phone, Role: store.Role(cfg.User.Role)}
		if u.Name == "" {
			u.Name, _, _ = strings.Cut(u.Email, "@")
		}
		if a.user, err = a.db.UpsertUser(ctx, u); err != nil {
			a.Close()
			return nil, fmt.Errorf("record user %s: %w", u.Email, err)
		}
	}
	a.log.Info("start", "db", dbPath, "config", path)
	return a, nil
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

// errorSentence is the sentence main prints for err.
func errorSentence(err error) string {
	return err.Error()
}
