package outbox_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/localsmtp"
	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
)

// env is one sending setup: a real SQLite file, the in-process SMTP server
// with STARTTLS and AUTH, and an outbox on top.
type env struct {
	db      *store.DB
	dbPath  string
	srv     *localsmtp.Server
	smtp    *mail.SMTP
	svc     *outbox.Service
	sender  store.User
	contact store.Contact
	email   store.Email
	now     time.Time
}

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvMailbox(t, t.TempDir())
}

// newEnvMailbox is newEnv with the server's .eml directory chosen; "" keeps
// messages in memory only, as a benchmark wants: writing files is the
// server's cost, not the client's.
func newEnvMailbox(t testing.TB, mailbox string) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{now: time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC)}
	clock := func() time.Time { return e.now }
	e.dbPath = filepath.Join(t.TempDir(), "t.db")
	db, err := store.Open(ctx, e.dbPath, store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	e.db = db

	srv, err := localsmtp.Start(localsmtp.Config{Username: "sam", Password: "pw", MailboxDir: mailbox})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	e.srv = srv

	cfg := mail.DefaultSMTPConfig()
	cfg.Host, cfg.Port, cfg.Security = srv.Host(), srv.Port(), mail.SecuritySTARTTLS
	cfg.Username, cfg.Password, cfg.TLSConfig = "sam", "pw", srv.TLSConfig()
	cfg.DialTimeout, cfg.CommandTimeout = 2*time.Second, 2*time.Second
	e.smtp = mail.NewSMTP(cfg)
	t.Cleanup(func() { _ = e.smtp.Close() })

	if e.sender, err = db.UpsertUser(ctx, store.User{Name: "Sam Rivera", Email: "sam@brightpath.example",
		Title: "Account Executive", Role: store.RoleSalesperson}); err != nil {
		t.Fatal(err)
	}
	e.contact = store.Contact{Kind: store.KindLead, Status: store.StatusOpen, FirstName: "Jürgen",
		LastName: "Müller", Email: "jurgen@example.com", Company: "Müller & Söhne",
		Custom: map[string]string{"industry": "Logistics"}}
	if err := db.CreateContact(ctx, &e.contact); err != nil {
		t.Fatal(err)
	}
	e.email = store.Email{Name: "Hello", SmartMail: true, Tags: []string{"intro"},
		Subject: "Hello {{first_name}}, a note for {{company}}",
		Body:    "Hi {{first_name | \"there\"}},\n\nWe help **{{custom.industry}}** teams.\n\n{{user.name}}\n{{user.title}}"}
	if err := db.CreateEmail(ctx, &e.email); err != nil {
		t.Fatal(err)
	}
	e.svc = e.service(t, nil)
	return e
}

func (e *env) service(t testing.TB, unavailable error) *outbox.Service {
	t.Helper()
	return e.serviceOpts(t, unavailable, nil)
}

// serviceWith is service with the config edited.
func (e *env) serviceWith(t testing.TB, edit func(*outbox.Config)) *outbox.Service {
	t.Helper()
	return e.serviceOpts(t, nil, edit)
}

func (e *env) serviceOpts(t testing.TB, unavailable error, edit func(*outbox.Config)) *outbox.Service {
	t.Helper()
	cfg := outbox.DefaultConfig()
	cfg.UndoSeconds = 0 // these tests deliver right after queueing
	cfg.VerifiedDomains = []string{"brightpath.example"}
	if edit != nil {
		edit(&cfg)
	}
	svc, err := outbox.New(outbox.Options{DB: e.db, Transport: e.smtp, Sender: e.sender, Config: cfg,
		Unavailable: unavailable, Now: func() time.Time { return e.now }})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func (e *env) messageCount(t *testing.T) int {
	t.Helper()
	ms, err := e.db.ListMessages(t.Context(), store.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(ms)
}

func TestQuickSendDeliversAndRecords(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	m, err := e.svc.QuickSend(ctx, e.contact.ID, e.email.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != store.MessageQueued || len(m.Raw) == 0 {
		t.Fatalf("queued message = %+v", m)
	}
	if n := len(e.srv.Messages()); n != 0 {
		t.Fatalf("QuickSend must not touch the network, server got %d", n)
	}
	got, err := e.svc.Deliver(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != store.MessageSent {
		t.Fatalf("status = %s, want sent", got.Status)
	}
	recv := e.srv.Messages()
	if len(recv) != 1 {
		t.Fatalf("server got %d messages", len(recv))
	}
	if !bytes.Equal(recv[0].Data, m.Raw) {
		t.Error("the server must receive exactly the stored bytes")
	}
	if recv[0].From != "sam@brightpath.example" || len(recv[0].To) != 1 || recv[0].To[0] != "jurgen@example.com" {
		t.Errorf("envelope = %s → %v", recv[0].From, recv[0].To)
	}

	r, err := gomail.CreateReader(bytes.NewReader(recv[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	subj, _ := r.Header.Subject()
	if subj != "Hello Jürgen, a note for Müller & Söhne" {
		t.Errorf("subject = %q", subj)
	}
	from, _ := r.Header.AddressList("From")
	if len(from) != 1 || from[0].Name != "Sam Rivera" {
		t.Errorf("From = %v", from)
	}
	mid, _ := r.Header.MessageID()
	if mid != m.MessageID || !strings.HasSuffix(mid, "@brightpath.example") {
		t.Errorf("Message-ID = %q, stored %q", mid, m.MessageID)
	}

	evs, err := e.db.Timeline(ctx, e.contact.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) == 0 || evs[0].Kind != store.EventEmailSent || evs[0].MessageID != m.ID {
		t.Fatalf("newest event = %+v, want email_sent for message %d", evs[0], m.ID)
	}
	rec, err := e.db.ReceivedEmails(ctx, e.contact.ID)
	if err != nil || rec[e.email.ID].IsZero() {
		t.Errorf("received emails = %v, %v", rec, err)
	}
}

func TestDeliverTwiceSendsOnce(t *testing.T) {
	e := newEnv(t)
	m, err := e.svc.QuickSend(t.Context(), e.contact.ID, e.email.ID)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		got, err := e.svc.Deliver(t.Context(), m.ID)
		if err != nil || got.Status != store.MessageSent {
			t.Fatalf("Deliver = %s, %v", got.Status, err)
		}
	}
	if n := len(e.srv.Messages()); n != 1 {
		t.Fatalf("server got %d messages, want exactly 1", n)
	}
}

func TestPreviewShowsLint(t *testing.T) {
	e := newEnv(t)
	p, err := e.svc.Preview(t.Context(), e.contact.ID, e.email.ID)
	if err != nil {
		t.Fatal(err)
	}
	vals := map[string]string{}
	for _, it := range p.Lint {
		vals[it.Name] = it.Value
	}
	for name, want := range map[string]string{"first_name": "Jürgen", "company": "Müller & Söhne",
		"custom.industry": "Logistics", "user.name": "Sam Rivera"} {
		if vals[name] != want {
			t.Errorf("lint %s = %q, want %q", name, vals[name], want)
		}
	}
	if len(p.Missing()) != 0 {
		t.Errorf("missing = %v", p.Missing())
	}
	if !strings.Contains(p.HTML, "Müller &amp; Söhne") && !strings.Contains(p.HTML, "<strong>Logistics</strong>") {
		t.Errorf("HTML part not rendered: %s", p.HTML)
	}
}

// Every refusal queues nothing and says why.
func TestQuickSendRefusals(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	noEmail := store.Contact{Kind: store.KindContact, Status: store.StatusContact, FirstName: "Ada", LastName: "Nomail"}
	if err := e.db.CreateContact(ctx, &noEmail); err != nil {
		t.Fatal(err)
	}
	noIndustry := store.Contact{Kind: store.KindLead, Status: store.StatusOpen, FirstName: "Bo", Email: "bo@example.com"}
	if err := e.db.CreateContact(ctx, &noIndustry); err != nil {
		t.Fatal(err)
	}
	plain := store.Email{Name: "Newsletter", Subject: "News", Body: "Hello"}
	if err := e.db.CreateEmail(ctx, &plain); err != nil {
		t.Fatal(err)
	}
	foreign := store.Email{Name: "Foreign", Subject: "Hi", Body: "Hi", SmartMail: true, FromEmail: "sam@gmail.example"}
	if err := e.db.CreateEmail(ctx, &foreign); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name      string
		svc       *outbox.Service
		contact   int64
		email     int64
		wantInErr string
	}{
		{"not smart mail", e.svc, e.contact.ID, plain.ID, "not a Smart Mail"},
		{"no email address", e.svc, noEmail.ID, e.email.ID, "has no email address"},
		{"missing variable", e.svc, noIndustry.ID, e.email.ID, "custom.industry"},
		{"unverified domain", e.svc, e.contact.ID, foreign.ID, "verified domain"},
		{"not configured", e.service(t, errors.New("sending is not set up: set smtp.host")), e.contact.ID, e.email.ID, "smtp.host"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.svc.QuickSend(ctx, tc.contact, tc.email)
			if err == nil || !strings.Contains(err.Error(), tc.wantInErr) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.wantInErr)
			}
			var ref *outbox.RefusalError
			var miss *outbox.MissingVarsError
			if !errors.As(err, &ref) && !errors.As(err, &miss) {
				t.Errorf("err %T is not a refusal", err)
			}
			if n := e.messageCount(t); n != 0 {
				t.Errorf("%d messages queued, want none", n)
			}
		})
	}
}

// Delivery failures keep the message, with its status and the reason.
func TestDeliverFailures(t *testing.T) {
	cases := []struct {
		name       string
		failure    localsmtp.Failure
		wantStatus store.MessageStatus
		wantClass  mail.ErrorClass
		wantEvent  bool
	}{
		{"auth refused", localsmtp.Failure{Auth: true}, store.MessageQueued, mail.ClassAuth, false},
		{"mailbox busy 450", localsmtp.Failure{RcptCode: 450}, store.MessageQueued, mail.ClassTemporary, false},
		{"no such user 550", localsmtp.Failure{RcptCode: 550}, store.MessageFailed, mail.ClassPermanent, true},
		// The client may have handed over the whole message before the
		// line dropped: it may have been delivered, so it is never resent
		// by itself.
		{"dropped in DATA", localsmtp.Failure{DropInData: true}, store.MessageUncertain, mail.ClassTemporary, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.srv.SetFailure(tc.failure)
			m, err := e.svc.QuickSend(t.Context(), e.contact.ID, e.email.ID)
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.svc.Deliver(t.Context(), m.ID)
			if err == nil {
				t.Fatal("want a delivery error")
			}
			if c := mail.ClassOf(err); c != tc.wantClass {
				t.Errorf("class = %v, want %v (%v)", c, tc.wantClass, err)
			}
			if got.Status != tc.wantStatus || got.LastError == "" {
				t.Errorf("message = %s %q, want %s with the reason", got.Status, got.LastError, tc.wantStatus)
			}
			evs, _ := e.db.Timeline(t.Context(), e.contact.ID, 0)
			failed := len(evs) > 0 && evs[0].Kind == store.EventEmailFailed
			if failed != tc.wantEvent {
				t.Errorf("email_failed event = %v, want %v", failed, tc.wantEvent)
			}
			for _, ev := range evs {
				if ev.Kind == store.EventEmailSent {
					t.Error("a failed message must never appear as sent")
				}
			}
		})
	}
}

func TestDeliverServerDown(t *testing.T) {
	e := newEnv(t)
	m, err := e.svc.QuickSend(t.Context(), e.contact.ID, e.email.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.srv.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := e.svc.Deliver(t.Context(), m.ID)
	if err == nil || mail.ClassOf(err) != mail.ClassUnreachable {
		t.Fatalf("err = %v, want unreachable", err)
	}
	if got.Status != store.MessageQueued || !got.RetryAt.After(e.now) {
		t.Errorf("message = %s, retry at %v, want queued for a later retry", got.Status, got.RetryAt)
	}
}

// BenchmarkQuickSendQueue measures render + compose + durable enqueue: the
// time from the keypress to the message being safe on disk (goal < 5 ms).
func BenchmarkQuickSendQueue(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	var ds []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := e.svc.QuickSend(ctx, e.contact.ID, e.email.ID); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(start))
	}
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(ds[len(ds)*99/100].Nanoseconds()), "p99-ns")
}

// TestEachUserSendsOnlyTheirOwn: on a database two users share, one
// user's outbox never sends the other's messages through its mailbox
// login: its run leaves them queued, and sending one by hand is refused
// with a sentence that names whose it is; its status bar does not count
// them. Their own outbox sends it.
func TestEachUserSendsOnlyTheirOwn(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	jonas, err := e.db.UpsertUser(ctx, store.User{Name: "Jonas Berg", Email: "jonas@brightpath.example", Title: "Account Executive",
		Role: store.RoleSalesperson})
	if err != nil {
		t.Fatal(err)
	}
	sam := e.svc
	e.sender = jonas
	his := e.service(t, nil)
	m, err := his.QuickSend(ctx, e.contact.ID, e.email.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := sam.Run(ctx, outbox.RunOptions{}); err != nil || rep.Sent != 0 {
		t.Fatalf("Sam's run = %+v, %v; want nothing sent", rep, err)
	}
	_, err = sam.Deliver(ctx, m.ID)
	if err == nil || !strings.Contains(err.Error(), "is Jonas Berg's: it leaves through their mailbox") {
		t.Fatalf("Sam's Deliver of Jonas's message: %v", err)
	}
	if got, err := e.db.GetMessage(ctx, m.ID); err != nil || got.Status != store.MessageQueued || got.Attempts != 0 {
		t.Fatalf("after Sam's refusals the message is %+v, %v", got, err)
	}
	if n := len(e.srv.Messages()); n != 0 {
		t.Fatalf("the server got %d messages through Sam's login", n)
	}
	if q, err := sam.QuotaStatus(ctx); err != nil || q.Used != 0 {
		t.Errorf("Sam's quota = %+v, %v; want none used", q, err)
	}
	if st, err := sam.Status(ctx); err != nil || st.Queued != 0 {
		t.Errorf("Sam's outbox counts %d queued, %v; want none of his own", st.Queued, err)
	}
	if st, err := his.Status(ctx); err != nil || st.Queued != 1 {
		t.Errorf("Jonas's outbox counts %d queued, %v; want his message", st.Queued, err)
	}
	if rep, err := his.Run(ctx, outbox.RunOptions{}); err != nil || rep.Sent != 1 {
		t.Fatalf("Jonas's run = %+v, %v; want his message sent", rep, err)
	}
	if q, err := sam.QuotaStatus(ctx); err != nil || q.Used != 0 {
		t.Errorf("Jonas's send counts against Sam's quota: %+v, %v", q, err)
	}
}
