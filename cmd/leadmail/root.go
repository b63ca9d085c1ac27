package main

import (
	"context"
	"fmt"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/tui"
)

func newRootCmd() *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "leadmail",
		Short: "A terminal CRM: contacts, Smart Mail through your own mailbox, Life of the Lead",
		Long: `leadmail browses your contacts and leads, sends Smart Mail through your own
SMTP mailbox, and records every send in the contact's Life of the Lead.

Run without a subcommand to open the terminal UI. Try "leadmail demo" to run
the whole product offline on a seeded demo database.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := openApp(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer a.Close()
			svc, smtp, err := a.outbox(cmd.Context())
			if err != nil {
				return err
			}
			if smtp != nil {
				defer closeSMTP(a, smtp)
			}
			return runTUI(cmd.Context(), a, svc, tui.Options{})
		},
	}
	root.PersistentFlags().StringVar(&g.configPath, "config", "", "config file (default $XDG_CONFIG_HOME/leadmail/config.yaml)")
	root.PersistentFlags().StringVar(&g.dbPath, "db", "", "database file (default store.path, or $XDG_DATA_HOME/leadmail/leadmail.db)")
	root.AddCommand(
		newDemoCmd(g),
		newContactsCmd(g),
		newEmailsCmd(g),
		newTimelineCmd(g),
		newSendCmd(g),
	)
	return root
}

// runTUI runs the terminal UI until the user quits.
func runTUI(ctx context.Context, a *app, svc *outbox.Service, opts tui.Options) error {
	opts.Store = a.db
	opts.Mailer = svc
	opts.UserName = a.user.Name
	opts.Logger = a.log
	opts.Context = ctx
	p := tea.NewProgram(tui.New(opts), tea.WithContext(ctx))
	if _, err := p.Run(); err != nil && ctx.Err() == nil {
		return fmt.Errorf("terminal UI: %w", err)
	}
	return nil
}
