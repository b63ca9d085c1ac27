package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/mail/mailsync"
	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store/scope"
	"github.com/leadmail/leadmail/tui"
)

func newRootCmd() *cobra.Command {
	g := &globals{}
	var showVersion bool
	root := &cobra.Command{
		Use:   "leadmail",
		Short: "A terminal CRM: contacts, Smart Mail through your own mailbox, Life of the Lead",
		Long: `leadmail browses your contacts and leads, sends Smart Mail through your own
SMTP mailbox, and records every send in the contact's Life of the Lead.

Run without a subcommand to open the terminal UI. Try "leadmail demo" to run
the whole product offline on a seeded demo database.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		// Notes whether the subcommand may create its database (--db).
		PersistentPreRun: g.noteCommand,
		Args:             cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if showVersion {
				return printVersion(cmd.Context(), cmd.OutOrStdout(), false)
			}
			return runRoot(cmd.Context(), g)
		},
	}
	root.Flags().BoolVar(&showVersion, "version", false, "print the version, commit, Go and SQLite versions")
	root.PersistentFlags().StringVar(&g.configPath, "config", "", "config file (default $XDG_CONFIG_HOME/leadmail/config.yaml)")
	root.PersistentFlags().StringVar(&g.dbPath, "db", "", "database file (default store.path, or $XDG_DATA_HOME/leadmail/leadmail.db)")
	root.AddCommand(
		newDemoCmd(g),
		newContactsCmd(g),
		newEmailsCmd(g),
		newTimelineCmd(g),
		newSendCmd(g),
		newSignaturesCmd(g),
		newOutboxCmd(g),
		newDoctorCmd(g),
		newImportCmd(g),
		newExportCmd(g),
		newSeedCmd(g),
		newVersionCmd(),
		newInitCmd(g),
		newSyncCmd(g),
		newNotesCmd(g),
		newCallsCmd(g),
		newTasksCmd(g),
		newUsersCmd(g),
		newOpportunitiesCmd(g),
		newPipelineCmd(g),
		newStagesCmd(g),
	)
	return root
}

// runRoot is leadmail without a subcommand: the terminal UI on the
// configured database and mailbox. extra are for tests (input, output,
// window size).
func runRoot(ctx context.Context, g *globals, extra ...tea.ProgramOption) error {
	if len(extra) == 0 && needsFirstRun(g, os.Stdin) {
		switch choice, err := firstRun(ctx, g, os.Stdout, setupFormOptions{}); {
		case err != nil:
			return err
		case choice == setupDemo:
			return runDemo(ctx, false, 0)
		}
	}
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.st.Identified(); err != nil {
		return err
	}
	svc, closer, err := a.outbox(ctx, true)
	if err != nil {
		return err
	}
	defer closer()
	var opts tui.Options
	if sy := a.mailSync(ctx); sy != nil {
		opts.Sync = sy
	}
	return runTUI(ctx, a, svc, opts, extra...)
}

// mailSync is Mail Sync for the UI's background feed, or nil when it is
// off or its settings cannot work (the UI opens without it, the log says
// why, and doctor names the problem).
func (a *app) mailSync(ctx context.Context) *mailsync.Syncer {
	sc, err := a.syncConfig(ctx)
	switch {
	case errors.Is(err, errSyncOff):
		return nil
	case err != nil:
		a.log.Warn("Mail Sync is off", "err", err)
		return nil
	}
	return mailsync.New(sc, a.db)
}

// runTUI runs the terminal UI, with the outbox worker delivering in the
// background, until the user quits. The worker is stopped and waited for
// before returning, so a send in flight is recorded.
func runTUI(ctx context.Context, a *app, svc *outbox.Service, opts tui.Options, extra ...tea.ProgramOption) error {
	defer tui.TuneGC()()
	wctx, stop := context.WithCancel(ctx)
	wk := svc.NewWorker(outbox.WorkerOptions{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := wk.Run(wctx); err != nil {
			a.log.Error("outbox worker", "err", err)
		}
	}()
	defer func() { stop(); <-done }()

	if a.st == nil { // the demo opens its database itself
		a.st = scope.For(a.db, a.user)
	}
	opts.Store = a.st
	opts.Mailer = a.st.NewMailer(svc)
	opts.Worker = a.st.WatchWorker(ctx, wk)
	opts.UserName = a.user.Name
	opts.Sender = a.user
	opts.RemindDays = a.cfg.UI.RemindDays
	opts.Logger = a.log
	opts.Context = ctx
	opts.Editor = os.Getenv("VISUAL")
	if opts.Editor == "" {
		opts.Editor = os.Getenv("EDITOR")
	}
	opts.Importer = tuiImporter{db: a.db, me: a.user.ID, st: a.st}
	if opts.DemoServer != nil {
		opts.DemoServer = demoToggle{DemoServer: opts.DemoServer, worker: wk}
	}
	p := tea.NewProgram(tui.New(opts), append([]tea.ProgramOption{tea.WithContext(ctx)}, extra...)...)
	if _, err := p.Run(); err != nil && ctx.Err() == nil {
		return fmt.Errorf("terminal UI: %w", err)
	}
	return nil
}

// demoToggle restarts delivery at once when the demo's mail server comes
// back, as a user pressing "retry all" would.
type demoToggle struct {
	tui.DemoServer
	worker *outbox.Worker
}

func (d demoToggle) Start() error {
	err := d.DemoServer.Start()
	if err == nil {
		d.worker.RunNow()
	}
	return err
}
