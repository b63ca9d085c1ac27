package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/leadmail/leadmail/mail/mailsync"
)

// demoSyncConfig is Mail Sync's configuration for the demo mailbox: the
// embedded IMAP server (demoIMAPConfig), the demo's salesperson, a custom
// provider whose SMTP server files no copy of a send in Sent (so Mail Sync
// saves one). The TUI's Mail Sync of `leadmail demo` runs with it.
func (d *demoSession) demoSyncConfig() mailsync.Config {
	host, _ := os.Hostname()
	return mailsync.Config{
		IMAP:     d.demoIMAPConfig(),
		UserID:   d.app.user.ID,
		Me:       []string{strings.ToLower(d.app.user.Email)},
		SaveSent: "auto",
		Provider: "custom",
		Holder:   fmt.Sprintf("demo %d@%s", os.Getpid(), host),
		Logger:   d.app.log.With("component", "mailsync"),
	}
}

// firstSync has Mail Sync record the demo mailbox's history (the years-old
// threads, the replies, the out-of-office, the bounce the seed wrote) the
// first time the demo or a twin opens its database, starting the IMAP
// server for it; later starts leave it to the TUI's sync. Another demo
// holding the sync lease is not an error.
func (d *demoSession) firstSync(ctx context.Context) error {
	folders, err := d.app.db.SyncFolders(ctx)
	if err != nil {
		return fmt.Errorf("read the demo's sync state: %w", err)
	}
	if len(folders) > 0 {
		return nil
	}
	if err := d.startIMAP(); err != nil {
		return err
	}
	rep, err := mailsync.New(d.demoSyncConfig(), d.app.db).Run(ctx, mailsync.Options{})
	if errors.Is(err, mailsync.ErrLeaseHeld) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("record the demo mailbox's history: %w", err)
	}
	d.app.log.Info("demo mailbox recorded", "scanned", rep.Scanned, "recorded", rep.Recorded,
		"replies", rep.Replies, "auto_replies", rep.AutoReplies, "bounces", rep.Bounces)
	return nil
}
