// Package outbox joins the store and the mail logic: it renders a Smart Mail
// for a contact, composes it, writes the exact bytes to the database before
// any network I/O, and delivers queued messages over SMTP, recording every
// outcome in the message row and the contact's Life of the Lead.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/leadmail/leadmail/store"
)

// Transport sends composed bytes to a mail server. *mail.SMTP satisfies it.
type Transport interface {
	Send(ctx context.Context, from string, rcpts []string, raw []byte) error
}

// Config holds the outbox settings read from the configuration file.
type Config struct {
	// VerifiedDomains are the domains a From address may use (S6), besides
	// the domain of the configured mailbox account.
	VerifiedDomains []string `mapstructure:"verified_domains"`
	// Lease is how long a claimed message may stay in "sending" before it is
	// considered possibly delivered.
	Lease time.Duration `mapstructure:"lease"`
	// RetryBase is the first retry delay after a temporary failure; it
	// doubles per attempt up to RetryMax.
	RetryBase time.Duration `mapstructure:"retry_base"`
	// RetryMax caps the retry delay.
	RetryMax time.Duration `mapstructure:"retry_max"`
	// UndoSeconds is how long a message sent from the TUI waits before it
	// may leave, so the user can take it back; 0 disables the window.
	UndoSeconds int `mapstructure:"undo_seconds"`
	// MaxAttachmentMB is the most the attachments of one message may weigh
	// together, in megabytes (MiB).
	MaxAttachmentMB int `mapstructure:"max_attachment_mb"`
	// Quota is the mailbox provider's sending limit; it is configured in
	// the smtp section (provider, daily_limit, minute_limit).
	Quota Quota `mapstructure:"-"`
}

// DefaultConfig returns the outbox defaults.
func DefaultConfig() Config {
	return Config{Lease: 2 * time.Minute, RetryBase: 30 * time.Second, RetryMax: 10 * time.Minute, UndoSeconds: 10,
		MaxAttachmentMB: 20}
}

// Validate reports the first invalid setting.
func (c Config) Validate() error {
	for _, d := range c.VerifiedDomains {
		if d = strings.TrimSpace(d); d == "" || strings.ContainsAny(d, "@ \t") {
			return fmt.Errorf("sending.verified_domains: %q is not a domain name", d)
		}
	}
	if c.Lease <= 0 {
		return errors.New("sending.lease must be positive")
	}
	if c.RetryBase <= 0 || c.RetryMax < c.RetryBase {
		return errors.New("sending.retry_base must be positive and at most sending.retry_max")
	}
	if c.UndoSeconds < 0 || c.UndoSeconds > 600 {
		return fmt.Errorf("sending.undo_seconds %d must be between 0 and 600", c.UndoSeconds)
	}
	if c.MaxAttachmentMB < 1 || c.MaxAttachmentMB > 100 {
		return fmt.Errorf("sending.max_attachment_mb %d must be between 1 and 100", c.MaxAttachmentMB)
	}
	return nil
}

// Options are the dependencies of a Service.
type Options struct {
	DB        *store.DB
	Transport Transport
	// Sender is the CRM user who sends; merge variables {{user.*}} and the
	// default From come from this profile (S10).
	Sender store.User
	Config Config
	// Unavailable, when set, refuses every send with this reason (for
	// example: no mailbox configured); previews still work.
	Unavailable error
	// Now is the clock; nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger
	// Heartbeat is how often the lease of a message on the wire is renewed;
	// zero means a quarter of Config.Lease.
	Heartbeat time.Duration
}

// Service renders, queues and delivers Smart Mail.
type Service struct {
	db      *store.DB
	tr      Transport
	sender  store.User
	cfg     Config
	unavail error
	now     func() time.Time
	log     *slog.Logger

	// runner claims for this Service: its ID is the session the undo
	// windows of its sends are held for, and its claims re-date the bytes.
	runner *store.Runner
	beat   time.Duration             // lease renewal period while sending
	onBeat func(id int64, err error) // tests: after each renewal

	// lock proves this runner alive to others (lock_unix.go); lockDir is
	// where the runners of this database keep theirs, "" without one.
	dirOnce  sync.Once
	lockDir  string
	lockOnce sync.Once
	lock     *runnerLock

	// sendMu serialises use of the transport, which keeps one connection.
	sendMu sync.Mutex
}

// New returns a Service.
func New(opts Options) (*Service, error) {
	if opts.DB == nil || opts.Transport == nil {
		return nil, errors.New("outbox: DB and Transport are required")
	}
	if err := opts.Config.Validate(); err != nil {
		return nil, err
	}
	s := &Service{db: opts.DB, tr: opts.Transport, sender: opts.Sender, cfg: opts.Config,
		unavail: opts.Unavailable, now: opts.Now, log: opts.Logger}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.runner = s.runnerOf(opts.DB)
	if s.beat = opts.Heartbeat; s.beat <= 0 {
		s.beat = s.cfg.Lease / 4
	}
	return s, nil
}

// Preview renders the email for the contact exactly as Quick Send would,
// without queueing anything.
func (s *Service) Preview(ctx context.Context, contactID, emailID int64) (Preview, error) {
	r, err := s.render(ctx, contactID, emailID)
	if err != nil {
		return Preview{}, err
	}
	return r.preview, nil
}

// QuickSend renders the Smart Mail for the contact as-is, composes it and
// writes it durably to the outbox, to leave once the undo window has passed.
// It refuses, queueing nothing, when the email is not a Smart Mail, the
// contact has no address, a merge variable is missing, or the From domain is
// not verified. Delivery is the worker's job (or Deliver's).
func (s *Service) QuickSend(ctx context.Context, contactID, emailID int64) (store.Message, error) {
	sent, err := s.QuickSendWith(ctx, contactID, emailID, SendOptions{})
	return sent.Message, err
}

// Schedule is QuickSend for a later time: the message is composed and stored
// now, and leaves at the time given, which must be in the future.
func (s *Service) Schedule(ctx context.Context, contactID, emailID int64, at time.Time) (store.Message, error) {
	sent, err := s.ScheduleWith(ctx, contactID, emailID, at, SendOptions{})
	return sent.Message, err
}

// UndoWindow is how long a message from QuickSend waits before it may leave.
func (s *Service) UndoWindow() time.Duration {
	return time.Duration(s.cfg.UndoSeconds) * time.Second
}

// enqueue is Quick Send: the Smart Mail as-is (no signature), through the
// same compose path as SendDraft, with what opts asks for besides.
func (s *Service) enqueue(ctx context.Context, contactID, emailID int64, status store.MessageStatus, sendAt time.Time, opts SendOptions) (Sent, error) {
	if err := s.canSend(); err != nil {
		return Sent{}, err
	}
	if err := opts.check(); err != nil {
		return Sent{}, err
	}
	d, err := s.templateDraft(ctx, contactID, emailID)
	if err != nil {
		return Sent{}, err
	}
	d.OpportunityID = opts.OpportunityID
	m, err := s.compose(ctx, d, composeOptions{requireSmartMail: true})
	if err != nil {
		return Sent{}, err
	}
	m.Status, m.SendAt = status, sendAt
	return s.storeWith(ctx, m, opts)
}

// storeWith writes a composed message to the outbox, with the reminder
// opts asks for in the same transaction (remind.go). One that waits out an
// undo window is held for this Service's session: if the app ends before
// the window passes, it waits for the user instead of leaving unseen.
func (s *Service) storeWith(ctx context.Context, m store.Message, opts SendOptions) (Sent, error) {
	follow := s.followUp(m, opts)
	if err := s.runner.EnqueueWithTask(ctx, &m, follow); err != nil {
		return Sent{}, fmt.Errorf("queue message: %w", err)
	}
	sent := Sent{Message: m}
	if follow != nil {
		sent.Reminder = *follow
	}
	s.log.Info("queued", "message", m.ID, "contact", m.ContactID, "email", m.EmailID, "send_at", m.SendAt,
		"reminder", sent.Reminder.ID)
	return sent, nil
}

// canSend refuses when sending is not set up.
func (s *Service) canSend() error {
	if s.unavail != nil {
		return &RefusalError{Reason: s.unavail.Error()}
	}
	if s.sender.Email == "" {
		return refuse("sending is not set up: set user.email (your From address) in the config")
	}
	return nil
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return strings.ToLower(addr[i+1:])
	}
	return ""
}
