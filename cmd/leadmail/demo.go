package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/localsmtp"
	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/store/seed"
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
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run leadmail offline on a seeded demo database and an embedded mail server",
		Long: `demo runs the whole product with no network: a separate demo database under
<data dir>/demo/demo.db, seeded with a sales team, people, Smart Mail templates
and history, and an embedded SMTP server on 127.0.0.1 (STARTTLS with a
certificate generated at start, AUTH required) that writes every message it
receives to <data dir>/demo/demo-mailbox/ as an .eml file. Your real database,
config and mailbox are never touched.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			dir := filepath.Join(dataDir(), "demo")
			dbPath := filepath.Join(dir, "demo.db")
			mailbox := filepath.Join(dir, "demo-mailbox")
			if reset {
				for _, p := range []string{dbPath, dbPath + "-wal", dbPath + "-shm"} {
					if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
						return fmt.Errorf("reset demo: %w", err)
					}
				}
			}
			if err := os.MkdirAll(mailbox, 0o700); err != nil {
				return fmt.Errorf("create demo mailbox: %w", err)
			}

			cfg := DefaultConfig()
			log, logFile, err := openLog(cfg.Log)
			if err != nil {
				return err
			}
			a := &app{cfg: cfg, log: log.With("mode", "demo"), logFile: logFile}
			defer a.Close()
			// The seed writes history at past times through the store, so the
			// store's clock is pinned while it runs and follows real time after.
			clock := &seed.Clock{}
			if a.db, err = store.Open(ctx, dbPath, store.Options{Now: clock.Now}); err != nil {
				return fmt.Errorf("open demo database: %w", err)
			}
			if a.user, err = a.db.UpsertUser(ctx, demoSender); err != nil {
				return err
			}
			if _, err := seed.Demo(ctx, a.db, seed.DemoOptions{Sender: a.user, Clock: clock}); err != nil {
				return fmt.Errorf("seed demo database: %w", err)
			}

			pw := make([]byte, 12)
			_, _ = rand.Read(pw)
			srv, err := localsmtp.Start(localsmtp.Config{
				Username:   "demo",
				Password:   hex.EncodeToString(pw),
				MailboxDir: mailbox,
				Domain:     "mail.brightwave.example",
				Logger:     a.log.With("component", "localsmtp"),
			})
			if err != nil {
				return fmt.Errorf("start demo mail server: %w", err)
			}
			defer func() { _ = srv.Close() }()

			sc := mail.DefaultSMTPConfig()
			sc.Host, sc.Port = srv.Host(), srv.Port()
			sc.Security = mail.SecuritySTARTTLS
			sc.Username, sc.Password = "demo", hex.EncodeToString(pw)
			sc.TLSConfig = srv.TLSConfig()
			sc.Logger = a.log
			smtp := mail.NewSMTP(sc)
			defer func() { _ = smtp.Close() }()

			ocfg := cfg.Sending
			ocfg.VerifiedDomains = []string{"brightwave.example"}
			// A demo retries quickly, so the offline story plays in seconds.
			ocfg.RetryBase, ocfg.RetryMax = 5*time.Second, 30*time.Second
			svc, err := outbox.New(outbox.Options{DB: a.db, Transport: smtp, Sender: a.user, Config: ocfg, Logger: a.log})
			if err != nil {
				return err
			}
			a.log.Info("demo", "db", dbPath, "smtp", srv.Addr(), "mailbox", mailbox)
			return runTUI(ctx, a, svc, tui.Options{Demo: true, DemoMailbox: mailbox, DemoServer: srv})
		},
	}
	cmd.Flags().BoolVar(&reset, "reset", false, "start from a freshly seeded demo database")
	return cmd
}
