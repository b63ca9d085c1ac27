package seed

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

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
	db, res := seeded(t)
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
	if len(emails) != len(smartMails) || len(emails) < 8 || len(emails) > 10 {
		t.Errorf("%d Smart Mails, want %d (8 to 10)", len(emails), len(smartMails))
	}
}

func TestDemoTeam(t *testing.T) {
	db, _ := seeded(t)
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
	db1, _ := seeded(t)
	db2, _ := seeded(t)
	if a, b := snapshot(t, db1), snapshot(t, db2); a != b {
		t.Errorf("two runs differ:\n%s\n%s", a, b)
	}
}

// snapshot renders the users, contacts, emails, messages and timelines of db
// as text, to compare databases.
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
	msgs, err := db.ListMessages(ctx, store.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		full, err := db.GetMessage(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(string(full.Status) + " " + full.SentAt.String() + "\n" + string(full.Raw) + "\n")
	}
	return b.String()
}

func TestDemoPeople(t *testing.T) {
	db, _ := seeded(t)
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
	db, _ := seeded(t)
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
			if len(tl) > 1 && testNow.Sub(e.At) > 90*24*time.Hour {
				t.Errorf("%s: history event %s at %v is older than 90 days", c.Name(), e.Kind, e.At)
			}
			if i > 0 && (e.At.Before(tl[i-1].At) || e.ID < tl[i-1].ID) {
				t.Errorf("%s: event %d (%s) is out of order", c.Name(), e.ID, e.Kind)
			}
			switch e.Kind {
			case store.EventEmailOpened, store.EventEmailClicked, store.EventEmailReplied, store.EventEmailSent:
				if e.MessageID == 0 {
					t.Errorf("%s: %s event without its message", c.Name(), e.Kind)
				}
			}
		}
		if last := tl[len(tl)-1]; !c.LastActivityAt.Equal(last.At) {
			t.Errorf("%s: last activity %v, last event %v", c.Name(), c.LastActivityAt, last.At)
		}
	}
	for _, k := range []store.EventKind{store.EventCreated, store.EventStatusChanged, store.EventNote,
		store.EventEmailReceived, store.EventEmailReplied, store.EventEmailOpened,
		store.EventEmailClicked, store.EventEmailSent, store.EventEmailQueued} {
		if kinds[k] == 0 {
			t.Errorf("no %s event seeded", k)
		}
	}
}

func TestDemoSentMessages(t *testing.T) {
	db, _ := seeded(t)
	ctx := t.Context()
	msgs, err := db.ListMessages(ctx, store.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	received := 0
	for _, m := range msgs {
		full, err := db.GetMessage(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		checkRaw(t, full)
		if full.EmailID == 0 || full.SentAt.IsZero() || full.SentAt.After(testNow) {
			t.Errorf("message %d: template %d, sent at %v", m.ID, full.EmailID, full.SentAt)
		}
		got, err := db.ReceivedEmails(ctx, full.ContactID)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := got[full.EmailID]; ok {
			received++
		}
	}
	if received != len(msgs) {
		t.Errorf("%d of %d messages show up as already received", received, len(msgs))
	}
}

// checkRaw parses a stored message back and checks it is what was sent.
func checkRaw(t *testing.T, m store.Message) {
	t.Helper()
	raw := string(m.Raw)
	if strings.Contains(strings.ReplaceAll(raw, "\r\n", ""), "\n") {
		t.Errorf("message %d has bare LF line endings", m.ID)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(m.Raw))
	if err != nil {
		t.Fatalf("message %d: %v", m.ID, err)
	}
	h := msg.Header
	for _, k := range []string{"From", "To", "Subject", "Date", "Message-Id", "Mime-Version", "Content-Type"} {
		if h.Get(k) == "" {
			t.Errorf("message %d: no %s header", m.ID, k)
		}
	}
	from, err := mail.ParseAddress(h.Get("From"))
	if err != nil || from.Address != m.From {
		t.Errorf("message %d: From %q (%v), envelope %s", m.ID, h.Get("From"), err, m.From)
	}
	to, err := mail.ParseAddress(h.Get("To"))
	if err != nil || !slices.Equal([]string{to.Address}, m.Recipients) {
		t.Errorf("message %d: To %q (%v), recipients %v", m.ID, h.Get("To"), err, m.Recipients)
	}
	_, domain, _ := strings.Cut(m.From, "@")
	if h.Get("Message-Id") != "<"+m.MessageID+">" || !strings.HasSuffix(m.MessageID, "@"+domain) {
		t.Errorf("message %d: Message-ID %q, stored %q", m.ID, h.Get("Message-Id"), m.MessageID)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil || subject != m.Subject {
		t.Errorf("message %d: Subject %q (%v), stored %q", m.ID, subject, err, m.Subject)
	}
	if date, err := h.Date(); err != nil || date.After(m.SentAt) {
		t.Errorf("message %d: Date %v (%v), sent %v", m.ID, date, err, m.SentAt)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatalf("message %d body: %v", m.ID, err)
	}
	if len(body) < 100 || strings.Contains(string(body), "{{") || strings.Contains(subject, "{{") {
		t.Errorf("message %d: body not rendered: %q", m.ID, body)
	}
}

// strictVar is DESIGN §4's grammar, spelled out independently of render.go.
var strictVar = regexp.MustCompile(`^\{\{\s*(` +
	`(?:contact\.)?(?:first_name|last_name|full_name|email|phone|company|title|city|country|status|kind|owner_name)` +
	`|custom\.[a-z][a-z0-9_]*|user\.(?:name|email|title|phone))` +
	`\s*(\|\s*"[^"{}]*"\s*)?\}\}$`)

// anyVar finds every {{...}} so that a malformed one cannot hide.
var anyVar = regexp.MustCompile(`\{\{.*?\}\}`)

func TestTemplatesGrammar(t *testing.T) {
	db, _ := seeded(t)
	emails, err := db.ListEmails(t.Context(), store.EmailFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range emails {
		for part, s := range map[string]string{"subject": e.Subject, "body": e.Body} {
			for _, v := range anyVar.FindAllString(s, -1) {
				if !strictVar.MatchString(v) {
					t.Errorf("%s %s: %s is not a valid merge variable", e.Name, part, v)
				}
			}
			if rest := anyVar.ReplaceAllString(s, ""); strings.Contains(rest, "{{") || strings.Contains(rest, "}}") {
				t.Errorf("%s %s: unbalanced braces", e.Name, part)
			}
		}
		if e.SmartMail && !strings.Contains(e.Body, "https://example.com/") {
			t.Errorf("%s links nowhere", e.Name)
		}
		if len(e.Tags) == 0 {
			t.Errorf("%s has no tags", e.Name)
		}
	}
}

func TestFirstSmartMailSendsToAnyone(t *testing.T) {
	db, _ := seeded(t)
	emails, err := db.ListEmails(t.Context(), store.EmailFilter{SmartMailOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	first := emails[0]
	if first.Name != firstSmartMail {
		t.Fatalf("first Smart Mail is %q, want %q", first.Name, firstSmartMail)
	}
	// Filled for every send: the sender always has a name and an address,
	// and only people with an address can be sent anything.
	guaranteed := []string{"user.name", "user.email", "email", "contact.email"}
	for _, s := range []string{first.Subject, first.Body} {
		for _, v := range anyVar.FindAllString(s, -1) {
			sub := strictVar.FindStringSubmatch(v)
			if sub == nil || (sub[2] == "" && !slices.Contains(guaranteed, sub[1])) {
				t.Errorf("%s: %s has neither a fallback nor a guaranteed value", first.Name, v)
			}
		}
	}
	sender, err := db.UserByEmail(t.Context(), testSender.Email)
	if err != nil {
		t.Fatal(err)
	}
	sender.Title, sender.Phone = "", "" // a sender with nothing but a name
	lintBlocks := 0
	for _, c := range allContacts(t, db) {
		if c.Email == "" {
			continue
		}
		for _, e := range emails {
			_, m1 := render(e.Subject, c, sender)
			_, m2 := render(e.Body, c, sender)
			if e.Name == first.Name && len(m1)+len(m2) > 0 {
				t.Errorf("%s to %s: missing %v %v", e.Name, c.Name(), m1, m2)
			}
			if slices.Contains(m1, "custom.plan_interest") {
				lintBlocks++
			}
		}
	}
	if lintBlocks == 0 {
		t.Error("no contact with an email lacks custom.plan_interest: the merge lint never blocks")
	}
}

func TestSynthetic(t *testing.T) {
	db, _ := openDB(t)
	ctx := context.Background()
	owner, err := db.UpsertUser(ctx, store.User{Name: "Owner", Email: "owner@brightwave.example",
		Role: store.RoleSalesperson})
	if err != nil {
		t.Fatal(err)
	}
	const n = SyntheticBatch + 2_345 // a full batch and a partial one
	if err := Synthetic(ctx, db, n, []store.User{owner}, rand.New(rand.NewPCG(1, 2))); err != nil {
		t.Fatal(err)
	}
	if got, err := db.CountContacts(ctx, store.ContactFilter{}); err != nil || got != n {
		t.Errorf("CountContacts = %d, %v; want %d", got, err, n)
	}
	if got, err := db.CountContacts(ctx, store.ContactFilter{OwnerID: owner.ID}); err != nil || got != n {
		t.Errorf("owned by %d: %d, %v; want %d", owner.ID, got, err, n)
	}
	if err := Synthetic(ctx, db, 0, nil, nil); err != nil {
		t.Errorf("Synthetic of 0 = %v", err)
	}
	page, err := db.ListContacts(ctx, store.PageRequest{Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range page.Contacts {
		if c.FirstName == "" || c.Company == "" || !strings.HasSuffix(c.Email, ".example") {
			t.Errorf("synthetic contact %+v lacks a name, company or reserved address", c)
		}
	}
}

func TestRawMessageEncodesHeaders(t *testing.T) {
	raw, err := rawMessage(&mail.Address{Name: "Jürgen Müller, Sales", Address: "jm@example.com"},
		&mail.Address{Name: "Zoë Ångström", Address: "z@example.org"}, "Grüße — hello",
		"Hallo Zoë,\nline two\n", "1.abc@example.com", testNow)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	from, err := mail.ParseAddress(msg.Header.Get("From"))
	if err != nil || from.Name != "Jürgen Müller, Sales" {
		t.Errorf("From = %v, %v", from, err)
	}
	subj, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subj != "Grüße — hello" {
		t.Errorf("Subject = %q, %v", subj, err)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil || string(body) != "Hallo Zoë,\r\nline two\r\n" {
		t.Errorf("body = %q, %v", body, err)
	}
	for _, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 78 {
			t.Errorf("line longer than 78: %q", line)
		}
	}
}
