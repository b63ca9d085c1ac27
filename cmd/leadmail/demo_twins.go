package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/demo"
	"github.com/leadmail/leadmail/mail/localimap"
	"github.com/leadmail/leadmail/mail/localsmtp"
)

// demoTwin builds the command-line twin mk under `leadmail demo`: the same
// command, run on the demo database as the demo's salesperson, sending to
// a demo mail server that writes to demo-mailbox/. The twin goes through
// the product's ordinary path (a config file, openApp, the outbox), so what
// works here works the same on a real mailbox.
func demoTwin(mk func(*globals) *cobra.Command, as *string) *cobra.Command {
	tg := &globals{}
	cmd := mk(tg)
	wrapDemoTwin(cmd, tg, as, cmd.Name() == "sync")
	return cmd
}

// wrapDemoTwin makes cmd and each of its subcommands set up the demo
// before they run and take it down after. needMailbox says the command
// reads the demo mailbox over IMAP and cannot run while a running demo
// keeps it. *as is the demo --as flag: whom the twin runs as.
func wrapDemoTwin(cmd *cobra.Command, tg *globals, as *string, needMailbox bool) {
	if run := cmd.RunE; run != nil {
		cmd.RunE = func(cmd *cobra.Command, args []string) error {
			stop, err := startDemoTwin(cmd.Context(), tg, *as, needMailbox)
			if err != nil {
				return err
			}
			defer stop()
			return run(cmd, args)
		}
	}
	for _, sub := range cmd.Commands() {
		wrapDemoTwin(sub, tg, as, needMailbox)
	}
}

// startDemoTwin seeds the demo database if it is new, starts the demo's
// mail servers (SMTP, and IMAP on the demo mailbox, where the leads who
// answer put their answers at once), and writes a config naming them into
// a private temporary folder; tg then points at that config and the demo
// database. The returned func stops the servers and removes the folder.
//
// The servers listen on 127.0.0.1 only, without TLS (the config file has
// no way to trust the certificate the demo generates at each start, and
// nothing leaves the machine); the IMAP server takes the demo login, whose
// password is new each time. While the demo's terminal UI runs, its
// servers keep the mailbox: a twin then sends to a mail server of its own
// whose leads stay silent, and one that needs the mailbox is refused.
func startDemoTwin(ctx context.Context, tg *globals, as string, needMailbox bool) (func(), error) {
	d, err := openDemoStore(ctx, false, 0)
	if err != nil {
		return nil, err
	}
	me := demoSender
	if as != "" {
		if me, err = demoMember(ctx, d.app.db, as); err != nil {
			d.Close()
			return nil, err
		}
	}
	log, mailbox, imapDir, dbPath, pw := d.app.log, d.mailbox, d.imapDir, d.dbPath, d.pw
	d.Close() // the twin opens the database itself, as on real data

	var closers []func() error
	stop := func() {
		for _, c := range slices.Backward(closers) {
			_ = c()
		}
	}
	imapSrv, err := localimap.Start(localimap.Config{Username: demoLogin, Password: pw, Dir: imapDir,
		PlainLogin: true, Logger: log.With("component", "localimap")})
	switch {
	case errors.Is(err, localimap.ErrDirInUse) && needMailbox:
		return nil, errDemoRunning
	case errors.Is(err, localimap.ErrDirInUse):
		imapSrv = nil
	case err != nil:
		return nil, fmt.Errorf("start demo IMAP server: %w", err)
	default:
		closers = append(closers, imapSrv.Close)
	}
	sc := localsmtp.Config{MailboxDir: mailbox, Domain: demoMailDomain, Logger: log.With("component", "localsmtp")}
	if imapSrv != nil {
		resp := demo.NewResponder(demo.ResponderOptions{Mailbox: imapSrv, Immediate: true,
			Logger: log.With("component", "demo-leads")})
		closers = append(closers, resp.Close)
		sc.OnReceive = resp.Receive
	}
	srv, err := localsmtp.Start(sc)
	if err != nil {
		stop()
		return nil, fmt.Errorf("start demo mail server: %w", err)
	}
	closers = append(closers, srv.Close)
	dir, err := os.MkdirTemp("", "leadmail-demo-")
	if err != nil {
		stop()
		return nil, fmt.Errorf("demo config: %w", err)
	}
	closers = append(closers, func() error { return os.RemoveAll(dir) })
	cf := configFile{
		User: configFileUser{Name: me.Name, Email: me.Email, Title: me.Title,
			Phone: me.Phone, Role: string(me.Role)},
		SMTP: configFileSMTP{Host: srv.Host(), Port: srv.Port(), Security: string(mail.SecurityNone),
			HelloName: demoDomain},
		Sending: configFileSending{VerifiedDomains: []string{demoDomain},
			RetryBase: demoRetryBase.String(), RetryMax: demoRetryMax.String()},
	}
	if imapSrv != nil {
		cf.IMAP = configFileIMAP{Host: imapSrv.Host(), Port: imapSrv.Port(), Security: string(mail.SecurityNone),
			Username: demoLogin, Password: pw}
		cf.Sync = configFileSync{Provider: "custom", SaveSent: "auto"}
	}
	path := filepath.Join(dir, "config.yaml")
	if err := writeConfigFile(path, cf, false); err != nil {
		stop()
		return nil, err
	}
	if err := checkDemoConfig(path, cf); err != nil {
		stop()
		return nil, err
	}
	tg.configPath, tg.dbPath = path, dbPath
	return stop, nil
}

// checkDemoConfig refuses to run a twin when LEADMAIL_* variables override
// the demo's sender or mail server: demo mail must never reach a real one.
func checkDemoConfig(path string, want configFile) error {
	got, _, err := loadConfig(path)
	if err != nil {
		return err
	}
	for _, c := range []struct {
		env       string
		got, want any
	}{
		{"LEADMAIL_USER_EMAIL", got.User.Email, want.User.Email},
		{"LEADMAIL_SMTP_HOST", got.SMTP.Host, want.SMTP.Host},
		{"LEADMAIL_SMTP_PORT", got.SMTP.Port, want.SMTP.Port},
		{"LEADMAIL_SMTP_SECURITY", got.SMTP.Security, want.SMTP.Security},
		{"LEADMAIL_SMTP_USERNAME", got.SMTP.Username, want.SMTP.Username},
		{"LEADMAIL_IMAP_HOST", got.IMAP.Host, want.IMAP.Host},
		{"LEADMAIL_IMAP_PORT", got.IMAP.Port, want.IMAP.Port},
		{"LEADMAIL_IMAP_SECURITY", got.IMAP.Security, want.IMAP.Security},
		{"LEADMAIL_IMAP_USERNAME", got.IMAP.Username, want.IMAP.Username},
	} {
		if c.got != c.want {
			return fmt.Errorf("%s is set and would take the demo's mail elsewhere: unset it to run leadmail demo commands", c.env)
		}
	}
	return nil
}
