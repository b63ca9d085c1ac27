package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/leadmail/leadmail/store"
)

// demo --as with an address outside the team is refused with a sentence
// that lists the team, every role in it, for the TUI and for a twin alike.
func TestDemoAsUnknownListsTheTeam(t *testing.T) {
	e := emptyEnv(t)
	_, err := openDemoAs(t.Context(), false, 0, "nobody@example.com")
	if err == nil {
		t.Fatal("demo --as nobody@example.com opened")
	}
	_, twinErr := e.run(t, "demo", "--as", "nobody@example.com", "contacts")
	for _, err := range []error{err, twinErr} {
		if err == nil {
			t.Fatal("a twin ran as nobody@example.com")
		}
		msg := err.Error()
		if !strings.Contains(msg, "nobody@example.com: nobody of that address is in the demo's team") {
			t.Errorf("refusal %q does not say what was wrong", msg)
		}
		for _, want := range []string{"sam.rivera@brightwave.example", "jonas.berg@brightwave.example",
			"Administrator", "Company Manager", "Marketing Manager", "Sales Manager", "Salesperson", "Jr. Salesperson"} {
			if !strings.Contains(msg, want) {
				t.Errorf("refusal lacks %q:\n%s", want, msg)
			}
		}
	}
}

// demo --as the Jr. Salesperson lists only his people, and opening someone
// else's by email is refused; as the Sales Manager, everyone's.
func TestDemoAsTheJrSalesperson(t *testing.T) {
	e := emptyEnv(t)
	list := func(as string) []contactJSON {
		t.Helper()
		out, err := e.run(t, "demo", "--as", as, "contacts", "--json", "--limit", "500")
		if err != nil {
			t.Fatal(err)
		}
		var cs []contactJSON
		if err := json.Unmarshal([]byte(out), &cs); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return cs
	}
	jonas := list("jonas.berg@brightwave.example")
	all := list("nora.kaplan@brightwave.example")
	if len(jonas) == 0 || len(jonas) >= len(all) {
		t.Fatalf("Jonas sees %d of %d people", len(jonas), len(all))
	}
	for _, c := range jonas {
		if c.Owner != "Jonas Berg" {
			t.Errorf("Jonas sees %s, owned by %s", c.Name, c.Owner)
		}
	}
	var other contactJSON
	for _, c := range all {
		if c.Owner != "Jonas Berg" && c.Email != "" {
			other = c
			break
		}
	}
	_, err := e.run(t, "demo", "--as", "jonas.berg@brightwave.example", "timeline", other.Email)
	if err == nil || !strings.Contains(err.Error(), "a Jr. Salesperson sees and works only") {
		t.Errorf("Jonas opened %s's timeline (%s): err = %v", other.Name, other.Owner, err)
	}
	// The TUI's demo as Jonas: his role in the store it gets.
	d, err := openDemoAs(t.Context(), false, 0, "Jonas.Berg@brightwave.example")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if u := d.app.st.User(); u.Email != "jonas.berg@brightwave.example" || u.Role != store.RoleJrSalesperson {
		t.Errorf("the demo runs as %s (%s)", u.Email, u.Role)
	}
	opts, next, err := d.tuiOptions(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	roles := map[store.Role]bool{}
	for _, u := range opts.Team {
		roles[u.Role] = true
	}
	if len(roles) != 6 || opts.SwitchUser == nil {
		t.Fatalf("the team offered has roles %v", roles)
	}
	opts.SwitchUser(opts.Team[0])
	if next.ID != opts.Team[0].ID {
		t.Fatalf("the choice did not reach the demo: %+v", next)
	}
	if err := d.become(*next); err != nil {
		t.Fatal(err)
	}
	if u := d.app.st.User(); u.Role != store.RoleAdministrator {
		t.Errorf("after the switch the demo runs as %s (%s), want the Administrator", u.Email, u.Role)
	}
}
