package mailsync

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/leadmail/leadmail/mail/imapconn"
	"github.com/leadmail/leadmail/store"
)

// Config is what a Syncer needs to know about the account. Zero values
// mean the defaults given on each field.
type Config struct {
	IMAP   imapconn.Config
	UserID int64
	// Me are the rep's addresses (user.email and aliases), lowercased: a
	// message From one of these was sent by the rep ("out").
	Me []string
	// Folders is sync.folders; empty means every selectable folder but
	// Trash, Junk/Spam and Drafts, and on Gmail only the \All folder, which
	// holds the sent mail too, so nothing is counted twice.
	Folders   []string
	SaveSent  string // auto | always | never; auto when ""
	Provider  string // the preset name (gmail, workspace, microsoft365, fastmail, icloud, yahoo, custom)
	TextLimit int    // stored text cap, 256 KB when 0
	Batch     int    // headers per FETCH batch, 2000 when 0
	// Connections is how many connections read the headers of a large
	// folder at once: parsing the server's answers is most of a historical
	// sync's work, and a second connection lets it use a second core. 2
	// when 0; 1 keeps to one connection (servers allow several: Gmail 15).
	Connections int
	// Grace is how long the server gets to file a sent copy before an
	// uncertain send is reported "not found"; 10 min when 0.
	Grace time.Duration
	// Poll is how often Watch asks for news when the server has no IDLE;
	// 1 min when 0.
	Poll time.Duration
	// Sweep is how often Watch also makes an incremental run of every
	// folder, for mail that IDLE on INBOX does not hear of (sent from the
	// phone, filed by a rule); folders that did not change are skipped by
	// STATUS, so it is cheap. 5 min when 0.
	Sweep time.Duration
	// Holder names this process in the sync lease, as pid@host, so that a
	// lease left by a killed process of this host is taken over at once;
	// "mailsync" when "".
	Holder string
	// Lease is how long the sync lease lasts without renewal; a run renews
	// it every third of that. 2 min when 0.
	Lease  time.Duration
	Logger *slog.Logger
	Now    func() time.Time
}

// Defaults for the zero values of Config.
const (
	DefaultTextLimit = 256 << 10
	DefaultBatch     = 2000
	DefaultConns     = 2
	DefaultGrace     = 10 * time.Minute
	DefaultPoll      = time.Minute
	DefaultSweep     = 5 * time.Minute
	DefaultLease     = 2 * time.Minute
	// MaxOriginal bounds FetchOriginal and any single message read.
	MaxOriginal = 50 << 20
	// maxBodyRead is the most of one matching message the scan reads: a few
	// times the text cap, so a 50 MB message is read only in part.
	maxBodyRead = 1 << 20
	// fewAddresses is the most pending addresses backfilled by SEARCH;
	// more mean a rescan of every folder.
	fewAddresses = 200
)

func (c Config) withDefaults() Config {
	if c.TextLimit <= 0 {
		c.TextLimit = DefaultTextLimit
	}
	if c.Batch <= 0 {
		c.Batch = DefaultBatch
	}
	if c.Connections <= 0 {
		c.Connections = DefaultConns
	}
	if c.Grace <= 0 {
		c.Grace = DefaultGrace
	}
	if c.Poll <= 0 {
		c.Poll = DefaultPoll
	}
	if c.Sweep <= 0 {
		c.Sweep = DefaultSweep
	}
	if c.SaveSent == "" {
		c.SaveSent = "auto"
	}
	if c.Lease <= 0 {
		c.Lease = DefaultLease
	}
	if c.Holder == "" {
		c.Holder = "mailsync"
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// ErrLeaseHeld is returned by Run when another sync (a TUI, cron) holds the
// lease on this database.
var ErrLeaseHeld = errors.New("another sync is running on this database: try again when it is done")

// Store is what the sync needs from the database; *store.DB satisfies it.
type Store interface {
	RecordSync(ctx context.Context, userID int64, b store.SyncBatch) (store.SyncResult, error)
	ContactsByEmails(ctx context.Context, emails []string) (map[string][]int64, error)
	OurMessages(ctx context.Context, messageIDs []string) (map[string]store.OurMessage, error)
	SyncFolders(ctx context.Context) ([]store.SyncFolder, error)
	SetSyncError(ctx context.Context, folder, errText string, at time.Time) error
	ForgetSyncFolder(ctx context.Context, folder string) error
	ResetSyncFolders(ctx context.Context) error
	PendingHistory(ctx context.Context, limit int) (list []store.PendingAddress, total int, err error)
	MarkHistorySynced(ctx context.Context, contactIDs []int64, at time.Time) error
	MarkAllHistorySynced(ctx context.Context, createdBefore, at time.Time) error
	ListMessages(ctx context.Context, f store.MessageFilter) ([]store.Message, error)
	ConfirmSent(ctx context.Context, messageID int64, at time.Time, note string) error
	NoteUncertain(ctx context.Context, messageID int64, note string) error
	PendingSentCopies(ctx context.Context, userID int64, now time.Time, limit int) ([]store.Message, error)
	SetSentCopy(ctx context.Context, messageID int64, state, errText string, retryAt time.Time) error
	AcquireSyncLease(ctx context.Context, holder string, until time.Time) (ok bool, heldBy string, err error)
	ReleaseSyncLease(ctx context.Context, holder string) error
}

// Options tune one Run.
type Options struct {
	// Rescan forgets every folder's state first: everything is read again,
	// and dedupe keeps each event single.
	Rescan bool
	// DryRun scans and reports but writes nothing.
	DryRun bool
	// Folders limits the run to these folders (--folder); empty means the
	// configured ones.
	Folders []string
	// Progress, when set, is called after each batch.
	Progress func(Progress)
}

// Progress is where a running sync is, for a progress bar.
type Progress struct {
	Folder                  string
	Scanned, Total, Matched int // in this folder; Total is its message count
	PerSecond               float64
	ETA                     time.Duration
}

// Report is what one Run did. A message the run meets twice (filed in two
// folders, found again by a backfill) is counted once.
type Report struct {
	Folders     []FolderReport
	Scanned     int // messages whose headers were read
	Matched     int // messages involving a contact, replying to a send, or a bounce of one
	Recorded    int // new received rows
	Duplicates  int // matched messages an earlier run had recorded
	Replies     int // new replied events
	AutoReplies int // new received rows that are auto-replies
	Bounces     int // sends newly marked bounced
	Confirmed   int // uncertain sends confirmed from the mailbox
	SentCopies  int // copies appended to the Sent folder
}

// FolderReport is what one Run did in one folder.
type FolderReport struct {
	Name             string
	Scanned, Matched int
	Skipped          bool   // nothing new since the last run
	Err              string // why the folder was not (fully) read, one sentence
}

// Sentences the sync writes into the database.
const (
	noteConfirmed = "confirmed from your Sent folder"
	noteNotFound  = "not in your Sent folder: retry from the Outbox if it did not arrive"
)
