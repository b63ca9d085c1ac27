package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/localsmtp"
)

// demoTwin builds the command-line twin mk under `leadmail demo`: the same
// command, run on the demo database as the demo's salesperson, sending to
// a demo mail server that writes to demo-mailbox/. The twin goes through
// the product's ordinary path (a config file, openApp, the outbox), so what
// works here works the same on a real mailbox.
func demoTwin(mk func(*globals) *cobra.Command) *cobra.Command {
	tg := &globals{}
	cmd := mk(tg)
	wrapDemoTwin(cmd, tg)
	return cmd
}

// wrapDemoTwin makes cmd and each of its subcommands set up the demo
// before they run and take it down after.
func wrapDemoTwin(cmd *cobra.Command, tg *globals) {
	if run := cmd.RunE; run != nil {
		cmd.RunE = func(cmd *cobra.Command, args []string) error {
			stop, err := startDemoTwin(cmd.Context(), tg)
			if err != nil {
				return err
			}
			defer stop()
			return run(cmd, args)
		}
	}
	for _, sub := range cmd.Commands() {
		wrapDemoTwin(sub, tg)
	}
}

// startDemoTwin seeds the demo database if it is new, starts a demo mail
// server, and writes a config naming them both into a private temporary
// folder; tg then points at that config and the demo database. The
// returned func stops the server and removes the folder.
//
// The server listens on 127.0.0.1 only, without TLS or a login: the config
// file has no way to trust the certificate the demo generates at each
// start, and nothing leaves the machine.
func startDemoTwin(ctx context.Context, tg *globals) (func(), error) {
	d, err := openDemoStore(ctx, false, 0)
	if err != nil {
		return nil, err
	}
	log, mailbox, dbPath := d.app.log, d.mailbox, d.dbPath
	d.Close() // the twin opens the database itself, as on real data
	srv, err := localsmtp.Start(localsmtp.Config{MailboxDir: mailbox, Domain: demoMailDomain,
		Logger: log.With("component", "localsmtp")})
	if err != nil {
		return nil, fmt.Errorf("start demo mail server: %w", err)
	}
	dir, err := os.MkdirTemp("", "leadmail-demo-")
	if err != nil {
		_ = srv.Close()
		return nil, fmt.Errorf("demo config: %w", err)
	}
	stop := func() {
		_ = srv.Close()
		_ = os.RemoveAll(dir)
	}
	cf := configFile{
		User: configFileUser{Name: demoSender.Name, Email: demoSender.Email, Title: demoSender.Title,
			Phone: demoSender.Phone, Role: string(demoSender.Role)},
		SMTP: configFileSMTP{Host: srv.Host(), Port: srv.Port(), Security: string(mail.SecurityNone),
			HelloName: demoDomain},
		Sending: configFileSending{VerifiedDomains: []string{demoDomain},
			RetryBase: demoRetryBase.String(), RetryMax: demoRetryMax.String()},
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
	} {
		if c.got != c.want {
			return fmt.Errorf("%s is set and would take the demo's mail elsewhere: unset it to run leadmail demo commands", c.env)
		}
	}
	return nil
}
