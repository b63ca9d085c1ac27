package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/leadmail/leadmail/store"
)

// teamEnv is a database with an administrator (Ada), a Salesperson (Priya)
// and a Jr. Salesperson (Lena), a lead each for Priya (Theo) and Lena
// (Mina); the ids of the two leads.
func teamEnv(t *testing.T) (e cliEnv, theo, mina int64) {
	t.Helper()
	e = emptyEnv(t)
	db, err := store.Open(t.Context(), e.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB(t, db)
	ctx := t.Context()
	if _, err := db.AddFirstUser(ctx, store.User{Name: "Ada Admin", Email: "ada@team.example"}); err != nil {
		t.Fatal(err)
	}
	owners := map[string]int64{}
	for _, u := range []store.User{
		{Name: "Priya Shah", Email: "priya@team.example", Role: store.RoleSalesperson},
		{Name: "Lena Novak", Email: "lena@team.example", Role: store.RoleJrSalesperson},
	} {
		got, err := db.AddUser(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		owners[u.Email] = got.ID
	}
	for _, c := range []*store.Contact{
		{Kind: store.KindLead, FirstName: "Theo", LastName: "Lead", Email: "theo@client.example", OwnerID: owners["priya@team.example"]},
		{Kind: store.KindLead, FirstName: "Mina", LastName: "Lead", Email: "mina@client.example", OwnerID: owners["lena@team.example"]},
	} {
		if err := db.CreateContact(ctx, c); err != nil {
			t.Fatal(err)
		}
		if c.FirstName == "Theo" {
			theo = c.ID
		} else {
			mina = c.ID
		}
	}
	return e, theo, mina
}

// as makes the configured user the one with this email and name.
func as(t *testing.T, email, name string) {
	t.Helper()
	t.Setenv("LEADMAIL_USER_EMAIL", email)
	t.Setenv("LEADMAIL_USER_NAME", name)
	t.Setenv("LEADMAIL_USER_ROLE", "administrator") // the config's role is not believed
}

// TestJrSalespersonCLIRefusedAnotherOwnersContact: by id or by email,
// every command that takes a contact refuses Theo to Lena with the
// sentence, and nothing changes; her own lead works.
func TestJrSalespersonCLIRefusedAnotherOwnersContact(t *testing.T) {
	e, theo, mina := teamEnv(t)
	as(t, "lena@team.example", "Lena Novak")
	refusal := "is not yours: a Jr. Salesperson sees and works only the leads and contacts assigned to them"
	for _, ref := range []string{fmt.Sprint(theo), "theo@client.example"} {
		for _, args := range [][]string{
			{"contacts", "edit", ref, "--company", "Stolen"},
			{"contacts", "archive", ref},
			{"contacts", "forget", ref, "--yes"},
			{"notes", "add", ref, "--text", "mine now"},
			{"calls", "add", ref, "--outcome", "connected"},
			{"tasks", "add", ref, "--title", "call", "--due", "tomorrow 9:00"},
		} {
			before := dbRows(t, e.db)
			_, err := e.run(t, args...)
			if err == nil || !strings.Contains(err.Error(), refusal) {
				t.Errorf("%v: error %v, want the refusal", args, err)
			}
			if after := dbRows(t, e.db); after != before {
				t.Errorf("%v was refused but changed the database", args)
			}
		}
	}
	if _, err := e.run(t, "timeline", "theo@client.example"); err == nil || !strings.Contains(err.Error(), refusal) {
		t.Errorf("timeline of another's lead: %v", err)
	}
	out, err := e.run(t, "contacts", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var got []contactJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Email != "mina@client.example" {
		t.Errorf("Lena lists %+v, want only Mina", got)
	}
	if out, err := e.run(t, "export", "-", "--format", "csv"); err != nil || strings.Contains(out, "theo@") || !strings.Contains(out, "mina@") {
		t.Errorf("export = %v\n%s", err, out)
	}
	if _, err := e.run(t, "contacts", "edit", fmt.Sprint(mina), "--company", "Hers"); err != nil {
		t.Errorf("editing her own lead: %v", err)
	}
}

// TestUsersCommands: the administrator adds, lists, changes and
// deactivates; anyone else is refused with the sentence; the last
// administrator stays; the config's role is not believed.
func TestUsersCommands(t *testing.T) {
	e, _, _ := teamEnv(t)
	as(t, "priya@team.example", "Priya Shah")
	before := dbRows(t, e.db)
	for _, args := range [][]string{
		{"users", "set-role", "lena@team.example", "sales_manager"},
		{"users", "add", "new@team.example", "--name", "New", "--role", "salesperson"},
		{"users", "deactivate", "lena@team.example"},
	} {
		_, err := e.run(t, args...)
		if err == nil || !strings.HasPrefix(err.Error(), "only an administrator can") {
			t.Errorf("%v as a salesperson: %v, want refused", args, err)
		}
	}
	if after := dbRows(t, e.db); after != before {
		t.Error("refused user changes changed the database")
	}

	as(t, "ada@team.example", "Ada Admin")
	if _, err := e.run(t, "users", "add", "new@team.example", "--name", "Nina New", "--role", "marketing_manager"); err != nil {
		t.Fatal(err)
	}
	if out, err := e.run(t, "users", "set-role", "lena@team.example", "salesperson"); err != nil || !strings.Contains(out, "is now salesperson") {
		t.Errorf("set-role = %v\n%s", err, out)
	}
	if _, err := e.run(t, "users", "set-role", "lena@team.example", "boss"); err == nil || !strings.Contains(err.Error(), "is not a role") {
		t.Errorf("unknown role: %v", err)
	}
	before = dbRows(t, e.db)
	if _, err := e.run(t, "users", "deactivate", "ada@team.example"); err == nil || !strings.Contains(err.Error(), "last administrator") {
		t.Errorf("deactivating the last administrator: %v", err)
	}
	if _, err := e.run(t, "users", "set-role", "ada@team.example", "salesperson"); err == nil || !strings.Contains(err.Error(), "last administrator") {
		t.Errorf("demoting the last administrator: %v", err)
	}
	if after := dbRows(t, e.db); after != before {
		t.Error("refusals changed the database")
	}
	if _, err := e.run(t, "users", "deactivate", "priya@team.example"); err != nil {
		t.Fatal(err)
	}
	out, err := e.run(t, "users", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var us []userJSON
	if err := json.Unmarshal([]byte(out), &us); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, u := range us {
		got[u.Email] = fmt.Sprint(u.Role, " ", u.Active)
	}
	want := map[string]string{"ada@team.example": "administrator true", "priya@team.example": "salesperson false",
		"lena@team.example": "salesperson true", "new@team.example": "marketing_manager true"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("users = %v, want %v", got, want)
	}

	as(t, "priya@team.example", "Priya Shah")
	if _, err := e.run(t, "contacts"); err == nil || !strings.Contains(err.Error(), "deactivated") {
		t.Errorf("a deactivated user started: %v", err)
	}
}

// TestRoleLivesInTheDatabase: the first user of a new database is its
// Administrator; a later unknown user is refused with the command that
// adds them; a user's role in the config does not change the database's.
func TestRoleLivesInTheDatabase(t *testing.T) {
	e := emptyEnv(t)
	as(t, "first@team.example", "First User")
	t.Setenv("LEADMAIL_USER_ROLE", "jr_salesperson")
	db, err := store.Open(t.Context(), e.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	closeDB(t, db)
	if _, err := e.run(t, "contacts", "add", "--email", "x@client.example", "--first-name", "X"); err != nil {
		t.Fatal(err)
	}
	out, err := e.run(t, "users", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var us []userJSON
	if err := json.Unmarshal([]byte(out), &us); err != nil {
		t.Fatal(err)
	}
	if len(us) != 1 || us[0].Email != "first@team.example" || us[0].Role != store.RoleAdministrator {
		t.Fatalf("users = %+v, want first@ as the administrator", us)
	}
	before := dbRows(t, e.db)
	as(t, "stranger@team.example", "Stranger")
	_, err = e.run(t, "contacts")
	want := "stranger@team.example is not a user of " + e.db + ": an administrator of it adds you with `leadmail users add stranger@team.example --name \"Stranger\" --role salesperson`"
	if err == nil || err.Error() != want {
		t.Errorf("stranger: %v\nwant %s", err, want)
	}
	if after := dbRows(t, e.db); after != before {
		t.Error("a refused stranger changed the database")
	}
}
