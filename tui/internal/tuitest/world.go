package tuitest

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leadmail/leadmail/store"
)

// StoreClock is a clock the test moves forward while it builds history.
type StoreClock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the clock's time.
func (c *StoreClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock.
func (c *StoreClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// World is a small CRM: one salesperson, sixty people to page through, Ada
// with a full Life of the Lead, a contact without an email, and Smart Mail
// templates (one of which needs a custom field most people lack).
type World struct {
	DB    *store.DB
	Clock *StoreClock
	User  store.User

	path string       // the database file, for the fixtures' SQL
	raw  *sql.DB      // a second connection to it
	seq  atomic.Int64 // numbers the Message-IDs of AddMessage

	Ada     store.Contact // lead with custom fields and history
	NoEmail store.Contact // a contact without an email address
	Bulk    []store.Contact

	Intro    store.Email // Smart Mail, #intro #cold; Ada received it
	FollowUp store.Email // Smart Mail, #follow-up, with a fallback
	Industry store.Email // Smart Mail, #intro, needs {{custom.industry}}
	News     store.Email // not a Smart Mail

	Sent store.Message // the Intro sent to Ada
}

var (
	lastNames = []string{"Abbott", "Baker", "Carter", "Dalton", "Ellis", "Foster", "Garcia",
		"Hughes", "Ibarra", "Jensen", "Khan", "Lopez", "Meyer", "Novak", "Owens", "Patel",
		"Quinn", "Reyes", "Silva", "Turner"}
	firstNames = []string{"Alex", "Blair", "Casey"}
	companies  = []string{"Northwind", "Globex", "Initech", "Umbrella Corp", "Hooli", "Vandelay Industries"}
	statuses   = []store.Status{store.StatusOpen, store.StatusQualified, store.StatusUnqualified,
		store.StatusContact, store.StatusContactWithOpportunity}
)

// NewWorld builds the world in a fresh database.
func NewWorld(t testing.TB) *World {
	t.Helper()
	ctx := context.Background()
	clock := &StoreClock{t: Now.Add(-60 * 24 * time.Hour)}
	path := filepath.Join(t.TempDir(), "t.db")
	w := &World{DB: openStoreAt(t, path, clock.Now), Clock: clock, path: path}
	w.openRaw(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var err error
	w.User, err = w.DB.UpsertUser(ctx, store.User{Name: "Sam Seller", Email: "sam@acme.test",
		Title: "Account Executive", Phone: "+1 555 0100", Role: store.RoleSalesperson})
	must(err)

	// Sixty people, inserted in bulk with their own times.
	for i := range 60 {
		last, first := lastNames[i/3], firstNames[i%3]
		c := store.Contact{
			Kind:      []store.Kind{store.KindLead, store.KindContact}[i%2],
			Status:    statuses[i%len(statuses)],
			FirstName: first, LastName: last,
			Email:     strings.ToLower(first+"."+last) + "@example.test",
			Company:   companies[i%len(companies)],
			CreatedAt: Now.Add(-90 * 24 * time.Hour),
		}
		if i%2 == 0 {
			c.OwnerID = w.User.ID
		}
		if i%7 != 3 {
			c.LastActivityAt = Now.Add(-time.Duration(i*i*3+5) * time.Hour)
		}
		w.Bulk = append(w.Bulk, c)
	}
	must(w.DB.InsertContacts(ctx, w.Bulk))

	clock.Set(Now.Add(-40 * 24 * time.Hour))
	w.Ada = store.Contact{Kind: store.KindLead, Status: store.StatusQualified,
		FirstName: "Ada", LastName: "Lovelace", Email: "ada@analytical.test", Phone: "+44 20 7946 0018",
		Company: "Analytical Engines", Title: "Head of Research", City: "London", Country: "United Kingdom",
		OwnerID: w.User.ID, Custom: map[string]string{"industry": "computing", "employees": "50"}}
	must(w.DB.CreateContact(ctx, &w.Ada))
	w.NoEmail = store.Contact{Kind: store.KindContact, Status: store.StatusContact,
		FirstName: "Nils", LastName: "Noemail", Company: "Offline Ltd", Phone: "+46 8 123 456"}
	must(w.DB.CreateContact(ctx, &w.NoEmail))

	w.Intro = store.Email{Name: "Intro to leadmail", Subject: "Hello {{first_name}}",
		Body: "Hi {{first_name}},\n\nI noticed {{company}} is growing. Could we talk for 15 minutes next week?\n\nBest,\n{{user.name}}",
		Tags: []string{"intro", "cold"}, SmartMail: true}
	w.FollowUp = store.Email{Name: "Follow-up after demo", Subject: "Following up, {{first_name | \"there\"}}",
		Body: "Hi {{first_name | \"there\"}},\n\nThanks for your time at the demo. The slides are attached to my previous email.\n\n{{user.name}}",
		Tags: []string{"follow-up"}, SmartMail: true}
	w.Industry = store.Email{Name: "Industry note", Subject: "What we see in {{custom.industry}}",
		Body: "Hi {{first_name}},\n\nA short note on what teams in {{custom.industry}} do with leadmail.\n\n{{user.name}}",
		Tags: []string{"intro", "industry"}, SmartMail: true}
	w.News = store.Email{Name: "November newsletter", Subject: "News", Body: "Hello all", Tags: []string{"news"}}
	for _, e := range []*store.Email{&w.Intro, &w.FollowUp, &w.Industry, &w.News} {
		must(w.DB.CreateEmail(ctx, e))
	}

	// Ada's history: a note, a status change, the Intro sent, opened, a
	// click and a reply.
	at := func(days int, hour int) time.Time {
		return time.Date(2026, 11, 26-days, hour, 15, 0, 0, time.UTC)
	}
	must(w.DB.AddEvent(ctx, &store.Event{ContactID: w.Ada.ID, At: at(30, 9), Kind: store.EventNote,
		Subject: "Met at the Analytics Summit", Detail: "interested in the API"}))
	must(w.DB.AddEvent(ctx, &store.Event{ContactID: w.Ada.ID, At: at(21, 11), Kind: store.EventStatusChanged,
		Subject: "open → qualified"}))
	clock.Set(at(3, 14))
	w.Sent = store.Message{ContactID: w.Ada.ID, EmailID: w.Intro.ID, UserID: w.User.ID,
		MessageID: "<intro-1@acme.test>", Subject: "Hello Ada", From: "sam@acme.test",
		Recipients: []string{"ada@analytical.test"}, Raw: []byte(SentRaw)}
	must(w.DB.EnqueueMessage(ctx, &w.Sent))
	_, err = w.DB.ClaimMessage(ctx, w.Sent.ID, at(3, 15))
	must(err)
	must(w.DB.MarkSent(ctx, w.Sent.ID, at(3, 14)))
	w.Sent, err = w.DB.GetMessage(ctx, w.Sent.ID)
	must(err)
	for _, e := range []store.Event{
		{Kind: store.EventEmailOpened, At: at(2, 8)},
		{Kind: store.EventEmailClicked, At: at(2, 8).Add(3 * time.Minute), Detail: "https://acme.test/pricing"},
		{Kind: store.EventReplied, At: at(1, 17), Detail: "Sounds good, Tuesday works"},
	} {
		e.ContactID, e.MessageID, e.Subject = w.Ada.ID, w.Sent.ID, "Hello Ada"
		must(w.DB.AddEvent(ctx, &e))
	}
	clock.Set(Now)
	w.Ada, err = w.DB.GetContact(ctx, w.Ada.ID)
	must(err)
	return w
}

// SentRaw is the stored bytes of the Intro sent to Ada: a text part, an
// HTML part and one attachment.
var SentRaw = strings.ReplaceAll(`From: Sam Seller <sam@acme.test>
To: Ada Lovelace <ada@analytical.test>
Cc: Charles Babbage <charles@analytical.test>
Reply-To: Sam Seller <sam+replies@acme.test>
Subject: Hello Ada
Date: Mon, 23 Nov 2026 14:15:00 +0000
Message-ID: <intro-1@acme.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=utf-8

Hi Ada,

I noticed Analytical Engines is growing. Could we talk for 15 minutes next week?

Best,
Sam Seller
--inner
Content-Type: text/html; charset=utf-8

<p>Hi Ada,</p><p>I noticed Analytical Engines is growing.</p>
--inner--
--outer
Content-Type: application/pdf
Content-Disposition: attachment; filename="leadmail-overview.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoKdHJhaWxlcgo8PC9Sb290IDEgMCBSPj4KJSVFT0YK
--outer--
`, "\n", "\r\n")
