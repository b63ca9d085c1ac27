package tui

import (
	"github.com/leadmail/leadmail/mail/mailsync"
	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
)

// The concrete types cmd/leadmail passes satisfy the UI's interfaces.
var (
	_ Store      = (*store.DB)(nil)
	_ replyStore = (*store.DB)(nil)
	_ Mailer     = (*outbox.Service)(nil)
	_ holdMailer = (*outbox.Service)(nil)
	_ Worker     = (*outbox.Worker)(nil)
	_ Syncer     = (*mailsync.Syncer)(nil)
)
