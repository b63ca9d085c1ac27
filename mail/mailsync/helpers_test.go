package mailsync_test

import (
	"crypto/rand"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/imapconn"
	"github.com/leadmail/leadmail/mail/localimap"
	"github.com/leadmail/leadmail/mail/mailsync"
	"github.com/leadmail/leadmail/store"
)

// *store.DB is the Store Mail Sync needs.
var _ mailsync.Store = (*store.DB)(nil)

const (
	repAddr = "rep@leadmail.example"
	login   = "rep"
)

// world is a store in t.TempDir(), a rep, and a local IMAP server.
type world struct {
	t    *testing.T
	db   *store.DB
	srv  *localimap.Server
	pw   string
	user store.User
	// contacts by address
	contacts map[string]int64
}

func newWorld(t *testing.T, cfg localimap.Config) *world {
	t.Helper()
	db, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "crm.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	u, err := db.UpsertUser(t.Context(), store.User{Name: "Rita Rep", Email: repAddr, Role: store.Role("salesperson")})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Username, cfg.Password = login, rand.Text()
	srv, err := localimap.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return &world{t: t, db: db, srv: srv, pw: cfg.Password, user: u, contacts: map[string]int64{}}
}

func (w *world) imapConfig() imapconn.Config {
	c := imapconn.DefaultConfig()
	c.Host, c.Port, c.Security = w.srv.Host(), w.srv.Port(), mail.SecuritySTARTTLS
	c.Username, c.Password, c.TLSConfig = login, w.pw, w.srv.TLSConfig()
	c.DialTimeout, c.CommandTimeout = 5*time.Second, 20*time.Second
	return c
}

func (w *world) config() mailsync.Config {
	return mailsync.Config{IMAP: w.imapConfig(), UserID: w.user.ID, Me: []string{repAddr},
		Provider: "custom", Holder: "test@" + w.t.Name(), Batch: 50}
}

func (w *world) syncer(edit ...func(*mailsync.Config)) *mailsync.Syncer {
	c := w.config()
	for _, e := range edit {
		e(&c)
	}
	return mailsync.New(c, w.db)
}

// contact adds a CRM contact.
func (w *world) contact(addr string) int64 {
	w.t.Helper()
	first, _, _ := strings.Cut(addr, "@")
	c := store.Contact{Kind: store.KindLead, Status: store.Status("open"), FirstName: first, LastName: "Lead", Email: addr}
	if err := w.db.CreateContact(w.t.Context(), &c); err != nil {
		w.t.Fatal(err)
	}
	w.contacts[addr] = c.ID
	return c.ID
}

// send records a leadmail send to the contact at addr, sent at at.
func (w *world) send(addr, subject string, at time.Time) store.Message {
	w.t.Helper()
	m := w.enqueue(addr, subject)
	ctx := w.t.Context()
	if _, err := w.db.ClaimMessage(ctx, m.ID, time.Now().Add(time.Minute)); err != nil {
		w.t.Fatal(err)
	}
	if err := w.db.MarkSent(ctx, m.ID, at); err != nil {
		w.t.Fatal(err)
	}
	got, err := w.db.GetMessage(ctx, m.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	return got
}

// uncertainSend records a send that was cut off: nobody knows if it left.
func (w *world) uncertainSend(addr, subject string) store.Message {
	w.t.Helper()
	m := w.enqueue(addr, subject)
	ctx := w.t.Context()
	if _, err := w.db.ClaimMessage(ctx, m.ID, time.Now().Add(time.Minute)); err != nil {
		w.t.Fatal(err)
	}
	if err := w.db.MarkUncertain(ctx, m.ID, "the connection was cut after the data"); err != nil {
		w.t.Fatal(err)
	}
	got, err := w.db.GetMessage(ctx, m.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	return got
}

var sendSeq int

func (w *world) enqueue(addr, subject string) store.Message {
	w.t.Helper()
	sendSeq++
	mid := fmt.Sprintf("send-%d-%s@leadmail.example", sendSeq, strings.ToLower(rand.Text()[:8]))
	raw := msg{From: "Rita Rep <" + repAddr + ">", To: addr, Subject: subject, ID: mid, Date: time.Now()}.bytes()
	m := store.Message{ContactID: w.contacts[addr], UserID: w.user.ID, MessageID: mid, Subject: subject,
		From: repAddr, Recipients: []string{addr}, Raw: raw}
	if err := w.db.EnqueueMessage(w.t.Context(), &m); err != nil {
		w.t.Fatal(err)
	}
	return m
}

// deliver puts a message into a folder of the server.
func (w *world) deliver(folder string, m msg) uint32 {
	w.t.Helper()
	if m.Date.IsZero() {
		m.Date = time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)
	}
	uid, err := w.srv.Deliver(folder, m.bytes(), nil, m.Date)
	if err != nil {
		w.t.Fatal(err)
	}
	return uid
}

// run runs one sync and fails the test on an error.
func (w *world) run(s *mailsync.Syncer, o mailsync.Options) mailsync.Report {
	w.t.Helper()
	rep, err := s.Run(w.t.Context(), o)
	if err != nil {
		w.t.Fatalf("Run: %v", err)
	}
	return rep
}

// event is an event as the tests compare them.
type event struct {
	Contact string
	Kind    store.EventKind
	Subject string
	At      time.Time
}

// events lists the events of every contact, sorted, without the ones
// the outbox made.
func (w *world) events() []event {
	w.t.Helper()
	var out []event
	for addr, id := range w.contacts {
		tl, err := w.db.Timeline(w.t.Context(), id, 100000)
		if err != nil {
			w.t.Fatal(err)
		}
		for _, e := range tl {
			if e.ReceivedID == 0 && e.Kind != store.EventBounced {
				continue
			}
			out = append(out, event{Contact: addr, Kind: e.Kind, Subject: e.Subject, At: e.At.UTC()})
		}
	}
	slices.SortFunc(out, func(a, b event) int {
		return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
	})
	return out
}

// kinds is the kinds of the sync's events of the contact at addr.
func (w *world) kinds(addr string) []store.EventKind {
	var out []store.EventKind
	for _, e := range w.events() {
		if e.Contact == addr {
			out = append(out, e.Kind)
		}
	}
	slices.Sort(out)
	return out
}

// msg builds a message.
type msg struct {
	From, To, Cc, Subject, ID string
	InReplyTo, References     string
	Date                      time.Time
	Extra                     []string // more header lines
	ContentType               string
	Body                      string
}

func (m msg) bytes() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\n", m.From, m.To)
	if m.Cc != "" {
		fmt.Fprintf(&b, "Cc: %s\r\n", m.Cc)
	}
	fmt.Fprintf(&b, "Subject: %s\r\n", m.Subject)
	if !m.Date.IsZero() {
		fmt.Fprintf(&b, "Date: %s\r\n", m.Date.Format(time.RFC1123Z))
	}
	if m.ID != "" {
		fmt.Fprintf(&b, "Message-ID: <%s>\r\n", m.ID)
	}
	if m.InReplyTo != "" {
		fmt.Fprintf(&b, "In-Reply-To: <%s>\r\n", m.InReplyTo)
	}
	if m.References != "" {
		fmt.Fprintf(&b, "References: %s\r\n", m.References)
	}
	for _, x := range m.Extra {
		b.WriteString(x + "\r\n")
	}
	ct := m.ContentType
	if ct == "" {
		ct = "text/plain; charset=utf-8"
	}
	fmt.Fprintf(&b, "MIME-Version: 1.0\r\nContent-Type: %s\r\n\r\n", ct)
	body := m.Body
	if body == "" {
		body = "Hello,\r\nthis is " + m.Subject + ".\r\n"
	}
	b.WriteString(body)
	return []byte(b.String())
}
