package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/store/scope"
)

// messageRows renders the outbox's rows (and the contacts and events a
// send writes), to compare before and after a refusal.
func messageRows(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	rows, err := db.QueryContext(t.Context(), `SELECT id, contact_id, status, subject, send_at, attempts FROM messages ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	var b strings.Builder
	for rows.Next() {
		var id, contact, attempts int64
		var status, subject, at string
		if err := rows.Scan(&id, &contact, &status, &subject, &at, &attempts); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&b, id, contact, status, subject, at, attempts)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String() + dbRows(t, path)
}

// openDB opens the env's database; the caller closes it before running
// a command.
func openDB(t *testing.T, e cliEnv) *store.DB {
	t.Helper()
	db, err := store.Open(t.Context(), e.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// scheduleTo queues a message for later to contact id from its owner, and
// returns its id.
func scheduleTo(t *testing.T, db *store.DB, contact store.Contact, subject string) int64 {
	t.Helper()
	m := store.Message{ContactID: contact.ID, UserID: contact.OwnerID, MessageID: "<" + subject + "@team.example>",
		Subject: subject, From: "x@team.example", Recipients: []string{contact.Email},
		Raw: []byte("Subject: " + subject + "\r\n\r\nhello"), SendAt: time.Now().Add(48 * time.Hour)}
	if err := db.EnqueueMessage(t.Context(), &m); err != nil {
		t.Fatal(err)
	}
	return m.ID
}

// TestJrSalespersonCLIRefusedAnotherOwnersMail: Lena, a Jr. Salesperson,
// gives Theo's (Priya's lead) email and id, and the id of a message to
// him, to send, the outbox's actions and contacts add/edit: each is
// refused with the sentence, nothing is queued or changed, and nothing
// she reads names Theo; her own lead and message work.
func TestJrSalespersonCLIRefusedAnotherOwnersMail(t *testing.T) {
	e, theo, mina := teamEnv(t)
	useTestSMTP(t)
	t.Setenv("LEADMAIL_SENDING_VERIFIED_DOMAINS", "team.example")
	as(t, "lena@team.example", "Lena Novak")
	db := openDB(t, e)
	if err := db.CreateEmail(t.Context(), &store.Email{Name: "Hello", SmartMail: true,
		Subject: "Hello {{first_name}}", Body: "Hi {{first_name}}"}); err != nil {
		t.Fatal(err)
	}
	theoC, err := db.GetContact(t.Context(), theo)
	if err != nil {
		t.Fatal(err)
	}
	minaC, err := db.GetContact(t.Context(), mina)
	if err != nil {
		t.Fatal(err)
	}
	theirs, hers := scheduleTo(t, db, theoC, "ToTheo"), scheduleTo(t, db, minaC, "ToMina")
	closeDB(t, db)

	notYours := "theo@client.example is not yours: a Jr. Salesperson sees and works only the leads and contacts assigned to them"
	msgRefusal := fmt.Sprintf("message %d went to a contact that is not yours: a Jr. Salesperson sees only the mail of the leads and contacts assigned to them", theirs)
	hidden := "theo@client.example is already the email of a contact you cannot see: a Jr. Salesperson sees only the leads and contacts assigned to them"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"send", "--to", "theo@client.example", "--email", "Hello"}, notYours},
		{[]string{"send", "--to", "theo@client.example", "--email", "Hello", "--at", "tomorrow 9:00"}, notYours},
		{[]string{"send", "--to", "mina@client.example", "--cc", "theo@client.example", "--email", "Hello"}, "--cc: " + notYours + "; nothing queued"},
		{[]string{"send", "--to", "mina@client.example", "--to", "theo@client.example", "--email", "Hello"}, "--to: " + notYours + "; nothing queued"},
		{[]string{"outbox", "cancel", fmt.Sprint(theirs)}, msgRefusal},
		{[]string{"outbox", "retry", fmt.Sprint(theirs)}, msgRefusal},
		{[]string{"outbox", "release", fmt.Sprint(theirs)}, msgRefusal},
		{[]string{"outbox", "mark-sent", fmt.Sprint(theirs)}, msgRefusal},
		{[]string{"contacts", "edit", fmt.Sprint(theo), "--company", "Stolen"}, "contact " + fmt.Sprint(theo) + " is not yours"},
		{[]string{"contacts", "edit", "theo@client.example", "--company", "Stolen"}, notYours},
		{[]string{"contacts", "edit", fmt.Sprint(mina), "--email", "theo@client.example"}, hidden},
		{[]string{"contacts", "add", "--first-name", "Twin", "--email", "theo@client.example"}, hidden},
	} {
		before := messageRows(t, e.db)
		_, err := e.run(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v\nwant %s", tc.args, err, tc.want)
		} else if strings.Contains(err.Error(), "Theo") || strings.Contains(err.Error(), "ToTheo") {
			t.Errorf("%v: the refusal names what she may not see: %v", tc.args, err)
		}
		if after := messageRows(t, e.db); after != before {
			t.Errorf("%v was refused but changed the database:\nbefore %s\nafter  %s", tc.args, before, after)
		}
	}

	out, err := e.run(t, "outbox", "list", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var list struct{ Messages []messageJSON }
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Messages) != 1 || list.Messages[0].ID != hers {
		t.Errorf("Lena's outbox lists %+v, want only her message %d", list.Messages, hers)
	}
	if out, err := e.run(t, "outbox", "cancel", fmt.Sprint(hers)); err != nil || !strings.Contains(out, "cancelled: ToMina") {
		t.Errorf("cancelling her own message: %v\n%s", err, out)
	}
	before := messageRows(t, e.db)
	if out, err := e.run(t, "send", "--to", "mina@client.example", "--email", "Hello", "--queue-only"); err != nil ||
		!strings.Contains(out, "Queued") || messageRows(t, e.db) == before {
		t.Errorf("sending to her own lead: %v\n%s", err, out)
	}
}

// TestWhoYouAreWithoutUserEmail: with no user.email in the config, a
// database without users is yours whole (setting up), one with a single
// user is that user's, and one with two or more refuses every command
// with the sentence naming the config file, changing nothing, while
// `leadmail users` still lists whom to name.
func TestWhoYouAreWithoutUserEmail(t *testing.T) {
	e := emptyEnv(t)
	closeDB(t, openDB(t, e))
	if _, err := e.run(t, "contacts", "add", "--first-name", "Ann", "--email", "ann@client.example"); err != nil {
		t.Fatalf("a database without users: %v", err)
	}
	db := openDB(t, e)
	ada, err := db.AddFirstUser(t.Context(), store.User{Name: "Ada Admin", Email: "ada@team.example"})
	if err != nil {
		t.Fatal(err)
	}
	closeDB(t, db)

	// One user: you are Ada, the administrator, and what you write is hers.
	if _, err := e.run(t, "notes", "add", "ann@client.example", "--text", "met at the fair"); err != nil {
		t.Fatalf("a database with one user: %v", err)
	}
	if _, err := e.run(t, "users", "add", "lena@team.example", "--name", "Lena Novak", "--role", "jr_salesperson"); err != nil {
		t.Fatalf("the only user, an administrator, adding a user: %v", err)
	}
	db = openDB(t, e)
	c, err := db.ContactByEmail(t.Context(), "ann@client.example")
	if err != nil {
		t.Fatal(err)
	}
	notes, err := db.Notes(t.Context(), c.ID, 10)
	if err != nil || len(notes) != 1 || notes[0].UserID != ada.ID {
		t.Errorf("notes = %+v, %v; want one by Ada (%d)", notes, err, ada.ID)
	}
	closeDB(t, db)

	// Two users: who are you?
	csv := writeTemp(t, t.TempDir(), "people.csv", "email,first_name\nbo@client.example,Bo\n")
	before := messageRows(t, e.db)
	for _, args := range [][]string{
		{"contacts"},
		{"contacts", "add", "--first-name", "Bo", "--email", "bo@client.example"},
		{"notes", "add", "ann@client.example", "--text", "again"},
		{"outbox"},
		{"users", "set-role", "lena@team.example", "administrator"},
		{"import", csv},
		{"tasks"},
		{"tasks", "add", "ann@client.example", "--title", "Call", "--due", "tomorrow 9:00"},
	} {
		_, err := e.run(t, args...)
		if err == nil || !strings.HasPrefix(err.Error(), "this database has 2 users: set user.email in ") ||
			!strings.HasSuffix(err.Error(), "config.yaml to say which one you are (`leadmail users` lists them)") {
			t.Errorf("%v with two users and no user.email: %v", args, err)
		}
	}
	if after := messageRows(t, e.db); after != before {
		t.Error("refused commands changed the database")
	}
	out, err := e.run(t, "users")
	if err != nil || !strings.Contains(out, "ada@team.example") || !strings.Contains(out, "lena@team.example") {
		t.Errorf("users with two users and no user.email: %v\n%s", err, out)
	}
}

// acceptingTransport takes every message.
type acceptingTransport struct{ sends int }

func (tr *acceptingTransport) Send(context.Context, string, []string, []byte) error {
	tr.sends++
	return nil
}

// TestOutboxRunPrintsOnlyWhatTheUserSees: Lena's `outbox run` delivers
// only her own message, through her mailbox, and prints only it; Theo's,
// Priya's, stays queued for Priya's outbox. Interrupted, it counts only
// hers left queued.
func TestOutboxRunPrintsOnlyWhatTheUserSees(t *testing.T) {
	e, theo, mina := teamEnv(t)
	db := openDB(t, e)
	defer closeDB(t, db)
	ctx := t.Context()
	for _, id := range []int64{theo, mina} {
		c, err := db.GetContact(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		m := store.Message{ContactID: c.ID, UserID: c.OwnerID, MessageID: "<run-" + c.FirstName + "@team.example>",
			Subject: "For " + c.FirstName, From: "x@team.example", Recipients: []string{c.Email},
			Raw: []byte("Subject: hi\r\n\r\nhello")}
		if err := db.EnqueueMessage(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}
	lena, err := db.UserByEmail(ctx, "lena@team.example")
	if err != nil {
		t.Fatal(err)
	}

	// Interrupted on the first message, the run counts only her mail
	// among what it left queued.
	ictx, interrupt := context.WithCancel(ctx)
	defer interrupt()
	isvc, err := outbox.New(outbox.Options{DB: db, Transport: &interruptingTransport{interrupt: interrupt},
		Sender: lena, Config: outbox.DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	var iout, ierr bytes.Buffer
	icmd := &cobra.Command{}
	icmd.SetOut(&iout)
	icmd.SetErr(&ierr)
	icmd.SetContext(ictx)
	if err := runOutboxFor(icmd, isvc, scope.For(db, lena), false, false); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(ierr.String()); got != "interrupted: 1 message left queued" {
		t.Errorf("Lena's interrupted run said %q", got)
	}

	tr := &acceptingTransport{}
	svc, err := outbox.New(outbox.Options{DB: db, Transport: tr, Sender: lena, Config: outbox.DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd := &cobra.Command{}
	cmd.SetOut(&out)
	cmd.SetContext(ctx)
	if err := runOutboxFor(cmd, svc, scope.For(db, lena), false, false); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if tr.sends != 1 || !strings.Contains(got, "For Mina") || strings.Contains(got, "For Theo") ||
		strings.Contains(got, "theo@") || !strings.Contains(got, "sent 1 ·") {
		t.Errorf("%d sent; Lena's run printed:\n%s", tr.sends, got)
	}
	ms, err := db.ListMessages(ctx, store.MessageFilter{ContactID: theo})
	if err != nil || len(ms) != 1 || ms[0].Status != store.MessageQueued {
		t.Errorf("Theo's message after Lena's run: %+v, %v; want it queued for Priya", ms, err)
	}
}

// TestJrSalespersonImportsOnlyNewOwnContacts: Lena's import cannot update
// Theo (Priya's) through his email, nor give new contacts to Priya; each
// is refused with the sentence and nothing changes. Her plain import
// adds the new people as hers, whatever the file's owner column says,
// and leaves Theo as he was.
func TestJrSalespersonImportsOnlyNewOwnContacts(t *testing.T) {
	e, theo, _ := teamEnv(t)
	as(t, "lena@team.example", "Lena Novak")
	csv := writeTemp(t, t.TempDir(), "people.csv",
		"email,first_name,company,owner\ntheo@client.example,Theo,Hijacked Inc,lena@team.example\nnew@client.example,Nia,Fresh,priya@team.example\n")
	before := messageRows(t, e.db)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"import", csv, "--on-duplicate", "update"}, "a Jr. Salesperson's import adds new contacts only"},
		{[]string{"import", csv, "--owner", "priya@team.example"}, "a Jr. Salesperson keeps the contacts they work"},
	} {
		if _, err := e.run(t, tc.args...); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
		}
		if after := messageRows(t, e.db); after != before {
			t.Errorf("%v was refused but changed the database", tc.args)
		}
	}
	if _, err := e.run(t, "import", csv); err != nil {
		t.Fatal(err)
	}
	db := openDB(t, e)
	defer closeDB(t, db)
	lena, err := db.UserByEmail(t.Context(), "lena@team.example")
	if err != nil {
		t.Fatal(err)
	}
	nia, err := db.ContactByEmail(t.Context(), "new@client.example")
	if err != nil || nia.OwnerID != lena.ID {
		t.Errorf("Nia = owner %d, %v; want Lena's (%d)", nia.OwnerID, err, lena.ID)
	}
	if c, err := db.GetContact(t.Context(), theo); err != nil || c.Company == "Hijacked Inc" || c.OwnerID == lena.ID {
		t.Errorf("Theo after Lena's import = %+v, %v", c, err)
	}
}
