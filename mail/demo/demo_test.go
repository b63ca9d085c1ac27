package demo

import (
	"context"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/store"
)

var testNow = time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC)

var testSender = store.User{Name: "Alex Morgan", Email: "alex@brightwave.example",
	Title: "Account Executive", Phone: "+44 20 7946 0100"}

// openDB opens a fresh database whose clock is pinned to testNow.
func openDB(t *testing.T) (*store.DB, *Clock) {
	t.Helper()
	clock := &Clock{}
	clock.Set(testNow)
	db, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "crm.db"), store.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db, clock
}

// seeded opens a database and runs Demo on it.
func seeded(t *testing.T) (*store.DB, DemoResult) {
	t.Helper()
	db, clock := openDB(t)
	res, err := Demo(t.Context(), db, DemoOptions{Sender: testSender, Now: testNow, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	if got := clock.Now(); !got.Equal(testNow) {
		t.Errorf("clock after Demo = %v, want it restored to %v", got, testNow)
	}
	return db, res
}

// shared is one demo database for the tests that only read it.
var shared struct {
	once sync.Once
	dir  string
	db   *store.DB
	res  DemoResult
	err  error
}

// sharedDemo returns the shared seeded database, seeding it on first use.
func sharedDemo(t *testing.T) (*store.DB, DemoResult) {
	t.Helper()
	shared.once.Do(func() {
		ctx := context.Background() // outlives the first test's context
		if shared.dir, shared.err = os.MkdirTemp("", "seed-test-"); shared.err != nil {
			return
		}
		clock := &Clock{}
		clock.Set(testNow)
		shared.db, shared.err = store.Open(ctx, filepath.Join(shared.dir, "crm.db"), store.Options{Now: clock.Now})
		if shared.err != nil {
			return
		}
		shared.res, shared.err = Demo(ctx, shared.db, DemoOptions{Sender: testSender, Now: testNow, Clock: clock})
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.db, shared.res
}

func TestMain(m *testing.M) {
	m.Run()
	if shared.db != nil {
		_ = shared.db.Close()
	}
	if shared.dir != "" {
		_ = os.RemoveAll(shared.dir)
	}
}

// allContacts lists every contact (the demo fits one page).
func allContacts(t *testing.T, db *store.DB) []store.Contact {
	t.Helper()
	page, err := db.ListContacts(t.Context(), store.PageRequest{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if page.HasNext {
		t.Fatal("more than 1000 contacts")
	}
	return page.Contacts
}

func TestDemoCounts(t *testing.T) {
	db, res := sharedDemo(t)
	ctx := t.Context()
	want := DemoResult{Users: 1 + len(teammates), Contacts: len(people),
		Emails: len(smartMails) + len(plainEmails)}
	if res.Users != want.Users || res.Contacts != want.Contacts || res.Emails != want.Emails {
		t.Errorf("Demo = %+v, want users, contacts, emails of %+v", res, want)
	}
	if res.Contacts < 110 || res.Contacts > 130 {
		t.Errorf("%d contacts, want about 120", res.Contacts)
	}
	if n, err := db.CountContacts(ctx, store.ContactFilter{}); err != nil || n != res.Contacts {
		t.Errorf("CountContacts = %d, %v; want %d", n, err, res.Contacts)
	}
	msgs, err := db.ListMessages(ctx, store.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != res.Messages || res.Messages < 30 {
		t.Errorf("%d messages stored, Demo says %d; want at least 30", len(msgs), res.Messages)
	}
	events, withHistory := 0, 0
	for _, c := range allContacts(t, db) {
		tl, err := db.Timeline(ctx, c.ID, 1000)
		if err != nil {
			t.Fatal(err)
		}
		events += len(tl)
		if len(tl) > 1 {
			withHistory++
		}
	}
	if events != res.Events {
		t.Errorf("%d events stored, Demo says %d", events, res.Events)
	}
	if withHistory != historyPeople {
		t.Errorf("%d contacts have history, want %d", withHistory, historyPeople)
	}
	emails, err := db.ListEmails(ctx, store.EmailFilter{SmartMailOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(emails) != len(smartMails) || len(emails) < 8 || len(emails) > 11 {
		t.Errorf("%d Smart Mails, want %d (8 to 11)", len(emails), len(smartMails))
	}
}

func TestDemoTeam(t *testing.T) {
	db, _ := sharedDemo(t)
	users, err := db.ListUsers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	roles := map[store.Role]int{}
	for _, u := range users {
		roles[u.Role]++
		if !strings.HasSuffix(u.Email, "@brightwave.example") {
			t.Errorf("user %s is not on the sender's domain", u.Email)
		}
		if u.Name == "" || u.Title == "" || u.Phone == "" {
			t.Errorf("user %+v lacks a name, title or phone", u)
		}
	}
	for _, r := range store.Roles() {
		if roles[r] == 0 {
			t.Errorf("no user with role %s", r)
		}
	}
	var sender store.User
	for _, u := range users {
		if u.Email == testSender.Email {
			sender = u
		}
	}
	if sender.Role != store.RoleSalesperson {
		t.Fatalf("sender = %+v, want a salesperson", sender)
	}
	owned := 0
	cs := allContacts(t, db)
	for _, c := range cs {
		if c.OwnerID == sender.ID {
			owned++
		}
	}
	if owned < len(cs)/4 {
		t.Errorf("sender owns %d of %d contacts, want a good share", owned, len(cs))
	}
}

func TestDemoSenderDefaults(t *testing.T) {
	tests := []struct {
		name     string
		sender   store.User
		email    string
		role     store.Role
		wantUser int
	}{
		{"zero sender", store.User{}, defaultSender.Email, store.RoleSalesperson, 1 + len(teammates)},
		{"role kept", store.User{Email: "kim@acme.example", Role: store.RoleSalesManager},
			"kim@acme.example", store.RoleSalesManager, 1 + len(teammates)},
		{"sender is a teammate", store.User{Email: "Nora.Kaplan@acme.example"},
			"Nora.Kaplan@acme.example", store.RoleSalesManager, len(teammates)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _ := openDB(t)
			res, err := Demo(t.Context(), db, DemoOptions{Sender: tt.sender, Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			if res.Users != tt.wantUser {
				t.Errorf("%d users, want %d", res.Users, tt.wantUser)
			}
			u, err := db.UserByEmail(t.Context(), tt.email)
			if err != nil {
				t.Fatal(err)
			}
			if u.Role != tt.role || u.Name == "" || u.Title == "" {
				t.Errorf("sender = %+v, want role %s and a name and title", u, tt.role)
			}
		})
	}
}

func TestDemoIdempotent(t *testing.T) {
	db, first := seeded(t)
	before := snapshot(t, db)
	again, err := Demo(t.Context(), db, DemoOptions{Sender: testSender, Now: testNow.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if again != (DemoResult{}) {
		t.Errorf("second Demo = %+v, want nothing done (first was %+v)", again, first)
	}
	if after := snapshot(t, db); after != before {
		t.Errorf("second Demo changed the database:\nbefore %s\nafter  %s", before, after)
	}
}

func TestDemoDeterministic(t *testing.T) {
	db1, _ := sharedDemo(t)
	db2, _ := seeded(t)
	if a, b := snapshot(t, db1), snapshot(t, db2); a != b {
		t.Errorf("two runs differ:\n%s\n%s", a, b)
	}
}

// snapshot renders the users, contacts, emails, messages and timelines of db
// as text, to compare databases. Messages are compared byte for byte except
// for their MIME boundary (see unboundary) and their Message-ID, which the
// outbox draws at random as for any Quick Send.
func snapshot(t *testing.T, db *store.DB) string {
	t.Helper()
	ctx := t.Context()
	var b strings.Builder
	users, err := db.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		b.WriteString(u.Name + "|" + u.Email + "|" + string(u.Role) + "\n")
	}
	emails, err := db.ListEmails(ctx, store.EmailFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range emails {
		b.WriteString(e.Name + "|" + e.Subject + "|" + e.Body + "\n")
	}
	for _, c := range allContacts(t, db) {
		b.WriteString(strings.Join([]string{c.Name(), c.Email, c.Phone, c.Company, c.City,
			string(c.Status), c.OwnerName, c.CreatedAt.String(), c.LastActivityAt.String()}, "|"))
		for _, k := range []string{"industry", "employees", "source", "plan_interest"} {
			b.WriteString("|" + c.Custom[k])
		}
		tl, err := db.Timeline(ctx, c.ID, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range tl {
			b.WriteString("\n  " + e.At.String() + " " + string(e.Kind) + " " + e.Subject + " " + e.Detail)
		}
		b.WriteString("\n")
	}
	for _, o := range allOpportunities(t, db) {
		fmt.Fprintf(&b, "%s|%s|%s|%s|%s|%s|%s|%v\n", o.Name, o.Value, o.Stage.Name, o.State, o.LostReason,
			o.CloseDate.Format(time.DateOnly), o.OwnerName, o.ContactIDs)
	}
	msgs, err := db.ListMessages(ctx, store.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		full, err := db.GetMessage(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(strings.Join([]string{string(full.Status), full.SendAt.String(), full.SentAt.String(),
			full.Subject, full.From, strings.Join(full.Recipients, ",")}, "|"))
		b.WriteString("\n" + strings.ReplaceAll(unboundary(t, full), full.MessageID, "MESSAGE-ID") + "\n")
	}
	return b.String()
}

// unboundary returns m's raw bytes with the MIME boundary replaced by a fixed
// word. mail.Compose draws a random boundary that a caller cannot set, so
// two runs can only agree on every other byte.
func unboundary(t *testing.T, m store.Message) string {
	t.Helper()
	in, err := mail.Inspect(m.Raw)
	if err != nil {
		t.Fatalf("message %d: %v", m.ID, err)
	}
	_, params, err := mime.ParseMediaType(header(in, "Content-Type"))
	if err != nil {
		t.Fatalf("message %d: Content-Type: %v", m.ID, err)
	}
	if params["boundary"] == "" {
		return string(m.Raw)
	}
	return strings.ReplaceAll(string(m.Raw), params["boundary"], "BOUNDARY")
}

func TestDemoPeople(t *testing.T) {
	db, _ := sharedDemo(t)
	cs := allContacts(t, db)
	names := map[string]bool{}
	statuses := map[store.Status]int{}
	countries := map[string]bool{}
	var noEmail, firstOnly, custom int
	allowed := regexp.MustCompile(`@(example\.com|example\.org|[a-z0-9-]+\.example)$`)
	for _, c := range cs {
		names[c.Name()] = true
		statuses[c.Status]++
		countries[c.Country] = true
		switch {
		case c.Email == "":
			noEmail++
		case !allowed.MatchString(c.Email):
			t.Errorf("%s has address %q outside the reserved domains", c.Name(), c.Email)
		}
		if c.LastName == "" {
			firstOnly++
		}
		if c.Custom["industry"] != "" {
			custom++
		}
		wantKind := store.KindLead
		if c.Status == store.StatusContact || c.Status == store.StatusContactWithOpportunity {
			wantKind = store.KindContact
		}
		if c.Kind != wantKind {
			t.Errorf("%s: kind %s with status %s", c.Name(), c.Kind, c.Status)
		}
	}
	for _, n := range []string{"Jürgen Müller", "Zoë Ångström", "José Núñez", "Chloé Lefèvre",
		"Łukasz Wójcik", "Søren Kjærgaard", "Siobhan O'Brien"} {
		if !names[n] {
			t.Errorf("no contact named %s", n)
		}
	}
	if noEmail < 2 || firstOnly < 3 {
		t.Errorf("%d without email, %d with only a first name; want at least 2 and 3", noEmail, firstOnly)
	}
	if custom < len(cs)*3/4 {
		t.Errorf("only %d of %d contacts have custom fields", custom, len(cs))
	}
	for _, s := range []store.Status{store.StatusOpen, store.StatusUnqualified, store.StatusQualified,
		store.StatusContact, store.StatusContactWithOpportunity} {
		if statuses[s] < 5 {
			t.Errorf("only %d contacts are %s", statuses[s], s)
		}
	}
	for _, c := range []string{"Germany", "France", "United Kingdom", "United States", "Canada"} {
		if !countries[c] {
			t.Errorf("nobody in %s", c)
		}
	}
	companies := map[string]bool{}
	for _, c := range cs {
		companies[c.Company] = true
	}
	if len(companies) < 30 {
		t.Errorf("%d companies, want about 35", len(companies))
	}
}

func TestDemoHistoryChronological(t *testing.T) {
	db, _ := sharedDemo(t)
	ctx := t.Context()
	kinds := map[store.EventKind]int{}
	for _, c := range allContacts(t, db) {
		tl, err := db.Timeline(ctx, c.ID, 1000)
		if err != nil {
			t.Fatal(err)
		}
		slices.Reverse(tl) // oldest first
		if len(tl) == 0 || tl[0].Kind != store.EventCreated || !tl[0].At.Equal(c.CreatedAt) {
			t.Fatalf("%s: timeline does not start with its creation: %+v", c.Name(), tl)
		}
		for i, e := range tl {
			kinds[e.Kind]++
			if e.At.After(testNow) {
				t.Errorf("%s: event %s at %v is after now", c.Name(), e.Kind, e.At)
			}
			if len(tl) > 1 && testNow.Sub(e.At) > 90*24*time.Hour && !slices.Contains(oldThreads, c.Name()) {
				t.Errorf("%s: history event %s at %v is older than 90 days", c.Name(), e.Kind, e.At)
			}
			if i > 0 && (e.At.Before(tl[i-1].At) || e.ID < tl[i-1].ID) {
				t.Errorf("%s: event %d (%s) is out of order", c.Name(), e.ID, e.Kind)
			}
			switch e.Kind {
			case store.EventEmailOpened, store.EventEmailClicked, store.EventEmailSent:
				if e.MessageID == 0 {
					t.Errorf("%s: %s event without its message", c.Name(), e.Kind)
				}
			}
		}
		if last := tl[len(tl)-1]; !c.LastActivityAt.Equal(last.At) {
			t.Errorf("%s: last activity %v, last event %v", c.Name(), c.LastActivityAt, last.At)
		}
		if slices.Contains(oldThreads, c.Name()) && testNow.Sub(tl[0].At) < 2*365*24*time.Hour {
			t.Errorf("%s: created %v, want a thread two years old or more", c.Name(), tl[0].At)
		}
	}
	// Replies and received mail are not events the seed writes: they are in
	// the mailbox, for Mail Sync (mailbox_test.go).
	for _, k := range []store.EventKind{store.EventCreated, store.EventStatusChanged, store.EventNote,
		store.EventEmailOpened, store.EventEmailClicked, store.EventEmailSent, store.EventEmailQueued} {
		if kinds[k] == 0 {
			t.Errorf("no %s event seeded", k)
		}
	}
}
