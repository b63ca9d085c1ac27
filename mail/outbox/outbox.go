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
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/leadmail/leadmail/mail"
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
}

// DefaultConfig returns the outbox defaults.
func DefaultConfig() Config {
	return Config{Lease: 2 * time.Minute, RetryBase: 30 * time.Second, RetryMax: 30 * time.Minute}
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
// writes it durably to the outbox. It refuses, queueing nothing, when the
// email is not a Smart Mail, the contact has no address, a merge variable is
// missing, or the From domain is not verified. Delivery is a separate step.
func (s *Service) QuickSend(ctx context.Context, contactID, emailID int64) (store.Message, error) {
	if s.unavail != nil {
		return store.Message{}, &RefusalError{Reason: s.unavail.Error()}
	}
	if s.sender.Email == "" {
		return store.Message{}, refuse("sending is not set up: set user.email (your From address) in the config")
	}
	r, err := s.render(ctx, contactID, emailID)
	if err != nil {
		return store.Message{}, err
	}
	p := r.preview
	if !p.Email.SmartMail {
		return store.Message{}, refuse("%q is not a Smart Mail: designate it in the email's send settings first", p.Email.Name)
	}
	if p.Contact.Email == "" {
		return store.Message{}, refuse("%s has no email address: add one before sending", p.Contact.Name())
	}
	if missing := p.Missing(); len(missing) > 0 {
		return store.Message{}, &MissingVarsError{Contact: p.Contact.Name(), Names: missing}
	}
	if err := mail.CheckFromDomain(r.from.Email, s.cfg.VerifiedDomains); err != nil {
		return store.Message{}, &RefusalError{Reason: err.Error()}
	}
	draft := mail.Draft{
		From:            r.from,
		ReplyTo:         r.replyTo,
		To:              []mail.Address{{Name: p.Contact.Name(), Email: p.Contact.Email}},
		Subject:         p.Subject,
		Body:            mail.Body{Text: p.Text, HTML: p.HTML},
		Date:            s.now(),
		MessageIDDomain: domainOf(r.from.Email),
		Headers:         map[string]string{"X-Mailer": "leadmail"},
	}
	c, err := mail.Compose(draft)
	if err != nil {
		return store.Message{}, refuse("cannot compose the message: %v", err)
	}
	m := store.Message{
		ContactID:  p.Contact.ID,
		EmailID:    p.Email.ID,
		UserID:     s.sender.ID,
		MessageID:  c.MessageID,
		Subject:    p.Subject,
		From:       c.From,
		Recipients: c.Recipients,
		Raw:        c.Raw,
		SendAt:     s.now(),
	}
	if err := s.db.EnqueueMessage(ctx, &m); err != nil {
		return store.Message{}, fmt.Errorf("queue message: %w", err)
	}
	s.log.Info("queued", "message", m.ID, "contact", m.ContactID, "email", m.EmailID)
	return m, nil
}

// Deliver sends one queued message now. It returns the message with its new
// status. A non-nil error is a sentence for the user; the message then stays
// in the outbox (queued for a retry, or failed when the server refused it for
// good) — it is never reported as sent when it was not.
func (s *Service) Deliver(ctx context.Context, id int64) (store.Message, error) {
	m, err := s.db.ClaimMessage(ctx, id, s.now().Add(s.cfg.Lease))
	if errors.Is(err, store.ErrConflict) {
		// Another runner holds it, or it was sent or cancelled meanwhile.
		cur, gerr := s.db.GetMessage(ctx, id)
		if gerr != nil {
			return store.Message{}, gerr
		}
		return cur, nil
	}
	if err != nil {
		return store.Message{}, fmt.Errorf("claim message %d: %w", id, err)
	}
	return s.send(ctx, m)
}

// DeliverDue claims every due message (up to limit) and sends each. It returns
// how many were sent and the first error met; other messages still go.
func (s *Service) DeliverDue(ctx context.Context, limit int) (int, error) {
	msgs, err := s.db.ClaimDue(ctx, s.now().Add(s.cfg.Lease), limit)
	if err != nil {
		return 0, fmt.Errorf("claim due messages: %w", err)
	}
	sent := 0
	var first error
	for _, m := range msgs {
		got, err := s.send(ctx, m)
		if err != nil && first == nil {
			first = err
		}
		if got.Status == store.MessageSent {
			sent++
		}
	}
	return sent, first
}

// send transmits a claimed message and records the outcome in a short
// transaction after the network I/O.
func (s *Service) send(ctx context.Context, m store.Message) (store.Message, error) {
	s.sendMu.Lock()
	sendErr := s.tr.Send(ctx, m.From, m.Recipients, m.Raw)
	s.sendMu.Unlock()

	// Record with a context that outlives a cancelled caller: the server's
	// answer must not be lost because the user pressed a key.
	rec := context.WithoutCancel(ctx)
	if sendErr == nil {
		if err := s.db.MarkSent(rec, m.ID, s.now()); err != nil {
			return m, fmt.Errorf("message %d was sent but recording it failed: %w", m.ID, err)
		}
		s.log.Info("sent", "message", m.ID)
		return s.db.GetMessage(rec, m.ID)
	}

	permanent := mail.ClassOf(sendErr) == mail.ClassPermanent
	retryAt := s.now().Add(s.backoff(m.Attempts))
	if err := s.db.MarkFailed(rec, m.ID, sendErr.Error(), permanent, retryAt); err != nil {
		return m, fmt.Errorf("record failure of message %d: %w (send error: %w)", m.ID, err, sendErr)
	}
	s.log.Warn("send failed", "message", m.ID, "permanent", permanent, "err", sendErr)
	cur, err := s.db.GetMessage(rec, m.ID)
	if err != nil {
		return m, err
	}
	if permanent {
		return cur, fmt.Errorf("not sent: %w", sendErr)
	}
	return cur, fmt.Errorf("not sent yet, kept in the outbox: %w", sendErr)
}

// backoff is the capped exponential delay before attempt n+1, with jitter so
// that runners started together do not retry in lockstep.
func (s *Service) backoff(attempts int) time.Duration {
	d := s.cfg.RetryBase
	for i := 1; i < attempts && d < s.cfg.RetryMax; i++ {
		d *= 2
	}
	d = min(d, s.cfg.RetryMax)
	return d/2 + rand.N(d/2+1)
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return strings.ToLower(addr[i+1:])
	}
	return ""
}
