// Package demo is the world `leadmail demo` runs in: its seed data, its
// mailbox, and the prospects who answer. It joins the store and the mail
// packages as mail/outbox does, and makes the demo's history with the
// product's own paths.
//
// Demo seeds what `leadmail demo` shows: a small B2B software company
// ("Brightwave") whose team covers the six CRM roles, about 120 leads and
// contacts at 35 companies in Europe and North America, a library of Smart
// Mail templates and ordinary emails, 90 days of Life of the Lead history
// and a few threads two to three years old. Every past send is a Quick Send
// through the real outbox (mail/outbox), delivered to a real SMTP server at
// the story's time, so the archive holds the exact bytes that left. What the
// leads wrote back (replies quoting the sends, threads of their own, an
// out-of-office, a bounce) and what the salesperson wrote from their phone
// are written as RFC 5322 messages into their IMAP mailbox (Mailbox), for
// Mail Sync to record as it would from a real one.
//
// Responder plays the leads in the running demo: a send to one of Answering
// gets its answer in the INBOX a few seconds later. Synthetic inserts any
// number of generated contacts for benchmarks and `leadmail seed
// --contacts N`.
//
// Everything is deterministic: the same options (the same Now) give the same
// data, except the Message-ID and MIME boundary of each send, which the
// outbox draws at random as for any Quick Send. All addresses outside the
// sender's own domain are on the reserved example.com, example.org and
// .example domains (RFC 2606), so nothing seeded can reach a real person.
package demo

import (
	"cmp"
	"context"
	crand "crypto/rand"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/localsmtp"
	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
)

// DemoOptions configures Demo. The zero value seeds with a default sender on
// brightwave.example and the current time.
type DemoOptions struct {
	// Sender is the configured sending user. They are upserted into the team
	// and own a good share of the leads; the rest of the team gets addresses
	// on the Sender's email domain. An empty Role means salesperson (or the
	// teammate's role when the address is a teammate's, e.g. nora.kaplan@);
	// an empty Name, Title or Phone gets a default so that every template can
	// be Quick-Sent. A zero Sender is Alex Morgan <alex.morgan@brightwave.example>.
	Sender store.User
	// Now anchors the history: every seeded event lies in the 90 days before
	// it, but for the years-old threads of a few leads. Zero means time.Now(). Without Clock, Now must not be ahead of the
	// store's clock, or the past sends are not due yet and cannot be claimed.
	Now time.Time
	// Clock, when set, is the clock db was opened with (store.Options{Now:
	// Clock.Now}). Demo pins it to the time of each historical write so the
	// rows the store stamps itself (a message's "queued" event, creation
	// times) carry their historical time, and restores it before returning.
	// Nothing else should write to db meanwhile. Without it those rows carry
	// the time of seeding.
	Clock *Clock
	// Transport is the mail server the past sends are delivered to, through
	// the outbox as any send is. Nil starts a private embedded server
	// (mail/localsmtp: STARTTLS and AUTH on 127.0.0.1) for the seed's
	// duration, writing what it receives to MailboxDir when that is set.
	Transport  outbox.Transport
	MailboxDir string
	// Mailbox, when set, is the Sender's IMAP mailbox: the mail the leads
	// wrote (replies, threads of their own, an out-of-office, a bounce) and
	// what the Sender wrote from their phone go there as real messages, for
	// Mail Sync to record. Without it that mail is not written at all.
	Mailbox Mailbox
	// Logger hears the outbox and the private mail server; nil discards.
	Logger *slog.Logger
}

// DemoResult counts what Demo wrote. It is all zeros when the database
// already had contacts and Demo left it alone.
type DemoResult struct {
	Users, Contacts, Emails, Messages, Events int
	Mail                                      int // messages written to DemoOptions.Mailbox
	Opportunities                             int
}

// demoSeed seeds the demo's random source, so two runs give the same data.
const demoSeed uint64 = 20261126

// Demo seeds db with the demo data set. It is idempotent: if the database
// already holds any contact it does nothing and returns a zero DemoResult.
// The store has no transaction spanning Demo's many writes, so a Demo that
// fails half-way leaves what it wrote: seed a fresh database.
func Demo(ctx context.Context, db *store.DB, opts DemoOptions) (DemoResult, error) {
	var res DemoResult
	has, err := hasContacts(ctx, db)
	if err != nil {
		return res, fmt.Errorf("seed demo: %w", err)
	}
	if has {
		return res, nil
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC().Truncate(time.Second)
	rnd := rand.New(rand.NewPCG(demoSeed, demoSeed^0x5eed))

	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &seeder{db: db, rnd: rnd, now: now, res: &res, clock: opts.Clock, tr: opts.Transport,
		mailbox: opts.Mailbox, log: log, outboxes: map[int64]*outbox.Service{},
		mailRnd: rand.New(rand.NewPCG(demoSeed^0x3a11, demoSeed)),
		oppRnd:  rand.New(rand.NewPCG(demoSeed^0x0bb0, demoSeed)), opps: map[int64]bool{}}
	s.story.Set(now)
	if s.clock != nil {
		defer s.clock.restore(s.clock.swap(now))
	}
	defer s.closeOutboxes()
	if s.tr == nil {
		stop, err := s.startServer(opts.MailboxDir)
		if err != nil {
			return res, fmt.Errorf("seed demo: %w", err)
		}
		defer stop()
	}
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"team", func(ctx context.Context) error { return s.seedTeam(ctx, opts.Sender) }},
		{"emails", s.seedEmails},
		{"pipeline", s.loadStages},
		{"contacts", s.seedContacts},
		{"history", s.history},
		{"opportunities", s.seedOpportunities},
		{"tasks", s.seedTasks},
	}
	for _, st := range steps {
		if err := st.fn(ctx); err != nil {
			return res, fmt.Errorf("seed demo %s: %w", st.name, err)
		}
	}
	return res, nil
}

// seeder carries the state shared by Demo's steps.
type seeder struct {
	db    *store.DB
	rnd   *rand.Rand
	now   time.Time
	res   *DemoResult
	clock *Clock // nil when the caller did not hand over the store's clock
	story Clock  // the story's time, the clock of the seed's outboxes

	tr       outbox.Transport
	outboxes map[int64]*outbox.Service // by sending user
	mailbox  Mailbox                   // nil: no mail written
	mailRnd  *rand.Rand                // Message-IDs of the mailbox's mail
	log      *slog.Logger

	sender   store.User
	owners   []weighted[store.User] // who may own leads, and how many
	emailIDs map[string]int64       // template name → emails.id
	people   []seededPerson

	openStages []store.Stage  // the pipeline's open stages, in order
	oppRnd     *rand.Rand     // close dates and seats of the opportunities
	opps       map[int64]bool // contacts that are on an opportunity
}

// seededPerson is a stored contact and the history planned for it.
type seededPerson struct {
	store.Contact
	owner store.User
	story []step // "created" first, then the history if any
}

// teammate is a member of the demo team; Local is the part of their address
// before the @, the domain being the Sender's.
type teammate struct {
	Name, Local, Title, Phone string
	Role                      store.Role
	Share                     int // weight as a lead owner; 0 owns nothing
}

// teammates are the Sender's colleagues, covering all six roles. Marketing
// managers have no pipeline (S16) and administrators own no leads, so both
// have Share 0. Phones are in Ofcom's range reserved for drama (020 7946 0xxx).
var teammates = []teammate{
	{"Grace Okafor", "grace.okafor", "Systems Administrator", "+44 20 7946 0101", store.RoleAdministrator, 0},
	{"Martin Lindgren", "martin.lindgren", "CEO & Co-founder", "+44 20 7946 0102", store.RoleCompanyManager, 2},
	{"Sofia Rossi", "sofia.rossi", "Marketing Manager", "+44 20 7946 0103", store.RoleMarketingManager, 0},
	{"Nora Kaplan", "nora.kaplan", "Head of Sales", "+44 20 7946 0104", store.RoleSalesManager, 8},
	{"Ben Adeyemi", "ben.adeyemi", "Account Executive", "+44 20 7946 0105", store.RoleSalesperson, 16},
	{"Claudia Weber", "claudia.weber", "Account Executive, DACH", "+44 20 7946 0106", store.RoleSalesperson, 14},
	{"Jonas Berg", "jonas.berg", "Sales Development Representative", "+44 20 7946 0107", store.RoleJrSalesperson, 10},
}

// senderShare is the Sender's weight as an owner: about 40% of the people.
const senderShare = 34

// defaultSender is who sends when DemoOptions.Sender has no address.
var defaultSender = store.User{
	Name:  "Alex Morgan",
	Email: "alex.morgan@brightwave.example",
	Title: "Account Executive",
	Phone: "+44 20 7946 0100",
	Role:  store.RoleSalesperson,
}

// seedTeam upserts the Sender and their colleagues. A colleague whose address
// is the Sender's is skipped, so the Sender is never listed twice.
func (s *seeder) seedTeam(ctx context.Context, sender store.User) error {
	if sender.Email == "" {
		sender = defaultSender
	}
	local, domain, ok := strings.Cut(sender.Email, "@")
	if !ok || local == "" || domain == "" {
		return fmt.Errorf("sender address %q: %w", sender.Email, store.ErrInvalid)
	}
	// A sender who is one of the teammates takes their place, and their
	// role when none is given, so that every role stays covered.
	for _, tm := range teammates {
		if strings.EqualFold(tm.Local, local) {
			sender.Name = cmp.Or(sender.Name, tm.Name)
			sender.Title = cmp.Or(sender.Title, tm.Title)
			sender.Phone = cmp.Or(sender.Phone, tm.Phone)
			sender.Role = cmp.Or(sender.Role, tm.Role)
		}
	}
	if sender.Role == "" {
		sender.Role = store.RoleSalesperson
	}
	// Templates sign with the sender's name, title and phone; fill gaps so
	// that a demo sender with a bare address can still Quick Send.
	sender.Name = cmp.Or(sender.Name, nameFromLocal(local))
	sender.Title = cmp.Or(sender.Title, defaultSender.Title)
	sender.Phone = cmp.Or(sender.Phone, defaultSender.Phone)
	s.at(s.now.Add(-400 * day)) // the team predates every lead
	u, err := s.db.UpsertUser(ctx, sender)
	if err != nil {
		return fmt.Errorf("upsert sender %s: %w", sender.Email, err)
	}
	s.sender = u
	s.owners = append(s.owners, weighted[store.User]{u, senderShare})
	s.res.Users++
	for _, tm := range teammates {
		email := tm.Local + "@" + domain
		if strings.EqualFold(email, sender.Email) {
			continue
		}
		u, err := s.db.UpsertUser(ctx, store.User{Name: tm.Name, Email: email,
			Title: tm.Title, Phone: tm.Phone, Role: tm.Role})
		if err != nil {
			return fmt.Errorf("upsert %s: %w", email, err)
		}
		s.res.Users++
		if tm.Share > 0 {
			s.owners = append(s.owners, weighted[store.User]{u, tm.Share})
		}
	}
	return nil
}

// seedEmails creates the Smart Mail templates and the ordinary emails. An email
// whose name already exists (names are unique) is kept as it is.
func (s *seeder) seedEmails(ctx context.Context) error {
	existing, err := s.db.ListEmails(ctx, store.EmailFilter{})
	if err != nil {
		return fmt.Errorf("list emails: %w", err)
	}
	s.emailIDs = make(map[string]int64)
	for _, e := range existing {
		s.emailIDs[strings.ToLower(e.Name)] = e.ID
	}
	all := append(append([]template(nil), smartMails...), plainEmails...)
	for i, t := range all {
		s.at(s.now.Add(-time.Duration(180-7*i) * day))
		if _, ok := s.emailIDs[strings.ToLower(t.Name)]; ok {
			continue
		}
		e := store.Email{Name: t.Name, Subject: t.Subject, Body: t.Body,
			Tags: t.Tags, SmartMail: t.SmartMail, FromName: t.FromName}
		if err := s.db.CreateEmail(ctx, &e); err != nil {
			return fmt.Errorf("create email %q: %w", t.Name, err)
		}
		s.emailIDs[strings.ToLower(t.Name)] = e.ID
		s.res.Emails++
	}
	return nil
}

// at moves the story's clock to t, and the store's, if Demo was given it.
func (s *seeder) at(t time.Time) {
	s.story.Set(t)
	if s.clock != nil {
		s.clock.Set(t)
	}
}

// demoMTA is the name of the demo's mail server, which signs its bounces.
const demoMTA = "mail.brightwave.example"

// startServer starts the private mail server the past sends go to and
// makes it s's transport; stop closes both.
func (s *seeder) startServer(mailboxDir string) (stop func(), err error) {
	pw := crand.Text()
	srv, err := localsmtp.Start(localsmtp.Config{Username: "demo", Password: pw, MailboxDir: mailboxDir,
		Domain: demoMTA, Logger: s.log.With("component", "localsmtp")})
	if err != nil {
		return nil, fmt.Errorf("start the mail server of the past sends: %w", err)
	}
	sc := mail.DefaultSMTPConfig()
	sc.Host, sc.Port, sc.Security = srv.Host(), srv.Port(), mail.SecuritySTARTTLS
	sc.Username, sc.Password, sc.TLSConfig = "demo", pw, srv.TLSConfig()
	sc.Logger = s.log
	tr := mail.NewSMTP(sc)
	s.tr = tr
	return func() {
		_ = tr.Close()
		_ = srv.Close()
	}, nil
}

// closeOutboxes closes the seed's outbox Services.
func (s *seeder) closeOutboxes() {
	for _, svc := range s.outboxes {
		_ = svc.Close()
	}
}

// nameFromLocal turns "alex.morgan" into "Alex Morgan".
func nameFromLocal(local string) string {
	parts := strings.FieldsFunc(local, func(r rune) bool { return r == '.' || r == '_' || r == '-' || r == '+' })
	for i, p := range parts {
		r, n := utf8.DecodeRuneInString(p)
		parts[i] = string(unicode.ToUpper(r)) + p[n:]
	}
	if len(parts) == 0 {
		return local
	}
	return strings.Join(parts, " ")
}

// weighted is a choice and its relative weight.
type weighted[T any] struct {
	V T
	W int
}

// pick returns one of ws with probability proportional to its weight.
func pick[T any](rnd *rand.Rand, ws []weighted[T]) T {
	total := 0
	for _, w := range ws {
		total += w.W
	}
	n := rnd.IntN(total)
	for _, w := range ws {
		if n < w.W {
			return w.V
		}
		n -= w.W
	}
	return ws[len(ws)-1].V
}

// hasContacts reports whether db holds any contact at all.
func hasContacts(ctx context.Context, db *store.DB) (bool, error) {
	n, err := db.CountContacts(ctx, store.ContactFilter{})
	if err != nil {
		return false, err
	}
	return n > 0, nil
}
