package main

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/leadmail/leadmail/store"
)

// oppEnv is workEnv with a second lead, Bob, and the deal commands at hand.
func oppEnv(t *testing.T) cliEnv {
	t.Helper()
	e := workEnv(t)
	if _, err := e.run(t, "contacts", "add", "--email", "bob@example.com", "--first-name", "Bob",
		"--last-name", "Stone", "--company", "Engines"); err != nil {
		t.Fatal(err)
	}
	return e
}

// runJSON runs a command that prints JSON and decodes it afresh.
func runJSON[T any](t *testing.T, e cliEnv, args ...string) T {
	t.Helper()
	out, err := e.run(t, args...)
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	var v T
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%s: not JSON: %v\n%s", strings.Join(args, " "), err, out)
	}
	return v
}

// oppRows renders every row a deal command or a send may write, to prove
// a refusal wrote nothing.
func oppRows(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	var b strings.Builder
	for _, q := range []string{
		`SELECT * FROM opportunities ORDER BY id`,
		`SELECT * FROM opportunity_contacts ORDER BY 1, 2`,
		`SELECT * FROM events ORDER BY id`,
		`SELECT id, contact_id, status, ifnull(opportunity_id, 0) FROM messages ORDER BY id`,
		`SELECT id, status, version FROM contacts ORDER BY id`,
	} {
		func() {
			rows, err := db.QueryContext(t.Context(), q)
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				if err := rows.Close(); err != nil {
					t.Fatal(err)
				}
			}()
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&b, "%v\n", vals)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
		}()
	}
	return b.String()
}

func TestOpportunitiesCommandsJSON(t *testing.T) {
	e := oppEnv(t)
	o := runJSON[opportunityJSON](t, e, "opportunities", "add", "--name", "Loom upgrade", "--value", "12000", "--currency", "EUR",
		"--contact", "ada@example.com", "--contact", "bob@example.com", "--stage", "proposal", "--close", "2027-01-15", "--json")
	if o.ID == 0 || o.Name != "Loom upgrade" || o.Value != (moneyJSON{Minor: 1_200_000, Currency: "EUR", Text: "€12,000.00"}) ||
		o.Weighted.Minor != 600_000 || o.Stage != "proposal" || o.Probability != 50 || o.State != store.OutcomeOpen ||
		o.CloseDate != "2027-01-15" || o.Owner != demoSender.Name || o.PrimaryContact != "Ada Lovelace" {
		t.Fatalf("added %+v", o)
	}
	if len(o.Contacts) != 2 || !o.Contacts[0].Primary || o.Contacts[0].Email != "ada@example.com" ||
		o.Contacts[1].Primary || o.Contacts[1].Email != "bob@example.com" {
		t.Errorf("contacts %+v, want Ada (primary) then Bob", o.Contacts)
	}
	id := strconv.FormatInt(o.ID, 10)

	list := runJSON[[]opportunityJSON](t, e, "opportunities", "list", "--stage", "proposal", "--mine", "--json")
	if len(list) != 1 || list[0].ID != o.ID {
		t.Errorf("list --stage proposal --mine = %+v", list)
	}
	list = runJSON[[]opportunityJSON](t, e, "opportunities", "--stage", "negotiation", "--json")
	if len(list) != 0 {
		t.Errorf("negotiation holds %+v before the move", list)
	}
	list = runJSON[[]opportunityJSON](t, e, "opportunities", "--closing", "2027-01-01..2027-01-31", "--json")
	if len(list) != 1 {
		t.Errorf("closing in January 2027: %+v", list)
	}
	list = runJSON[[]opportunityJSON](t, e, "opportunities", "--closing", "..2026-12-31", "--json")
	if len(list) != 0 {
		t.Errorf("closing by the end of 2026: %+v", list)
	}

	o = runJSON[opportunityJSON](t, e, "opportunities", "move", id, "Negotiation", "--json")
	if o.Stage != "negotiation" || o.Weighted.Minor != 900_000 {
		t.Errorf("moved: %+v", o)
	}
	o = runJSON[opportunityJSON](t, e, "opportunities", "edit", id, "--value", "12,000.50", "--close", "none", "--json")
	if o.Value.Minor != 1_200_050 || o.Value.Currency != "EUR" || o.CloseDate != "" {
		t.Errorf("edited: %+v", o)
	}

	stages := runJSON[[]stageJSON](t, e, "pipeline", "--json")
	var names []string
	for _, s := range stages {
		names = append(names, s.Name)
		if s.Name == "negotiation" {
			if s.Count != 1 || s.Probability != 75 || len(s.Total) != 1 || s.Total[0].Minor != 1_200_050 ||
				s.Total[0].Currency != "EUR" || len(s.Weighted) != 1 || s.Weighted[0].Minor != 900_038 {
				t.Errorf("negotiation = %+v", s)
			}
		} else if s.Count != 0 || len(s.Total) != 0 || s.Total == nil {
			t.Errorf("%s = %+v, want empty (and total [])", s.Name, s)
		}
	}
	if strings.Join(names, ",") != "qualification,needs analysis,proposal,negotiation,won,lost" {
		t.Errorf("pipeline stages %v", names)
	}

	o = runJSON[opportunityJSON](t, e, "opportunities", "won", id, "--json")
	if o.State != store.OutcomeWon || o.Stage != "won" {
		t.Errorf("won: %+v", o)
	}
	lost := runJSON[opportunityJSON](t, e, "opportunities", "add", "--name", "Spare parts", "--value", "USD 900",
		"--contact", "bob@example.com", "--json")
	if lost.Stage != "qualification" || lost.Value.Currency != "USD" {
		t.Errorf("added with defaults: %+v", lost)
	}
	lost = runJSON[opportunityJSON](t, e, "opportunities", "lost", strconv.FormatInt(lost.ID, 10), "--reason", "no budget", "--json")
	if lost.State != store.OutcomeLost || lost.LostReason != "no budget" {
		t.Errorf("lost: %+v", lost)
	}
	list = runJSON[[]opportunityJSON](t, e, "opportunities", "list", "--state", "all", "--json")
	if len(list) != 2 {
		t.Errorf("--state all lists %d, want 2", len(list))
	}

	out, err := e.run(t, "pipeline")
	if err != nil || !strings.Contains(out, "won") || !strings.Contains(out, "€12,000.50") {
		t.Errorf("pipeline table: %v\n%s", err, out)
	}
	out, err = e.run(t, "timeline", "ada@example.com")
	if err != nil || !strings.Contains(out, "Stage: proposal → negotiation") {
		t.Errorf("Ada's timeline lacks the stage change: %v\n%s", err, out)
	}
}

// Every bad input is a sentence and writes nothing.
func TestOpportunitiesRefusals(t *testing.T) {
	e := oppEnv(t)
	o := runJSON[opportunityJSON](t, e, "opportunities", "add", "--name", "Loom upgrade", "--value", "12000", "--currency", "EUR",
		"--contact", "ada@example.com", "--stage", "proposal", "--json")
	id := strconv.FormatInt(o.ID, 10)
	add := []string{"opportunities", "add", "--name", "N", "--contact", "ada@example.com"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{append(add[:4:4], "--value", "1"), "--contact EMAIL is required"},
		{append(add, "--currency", "EUR"), "--value is required"},
		{append(add, "--value", "12000"), "a value needs its currency"},
		{append(add, "--value", "12000", "--currency", "XYZ"), `"XYZ" is not an ISO 4217 currency code`},
		{append(add, "--value", "-3", "--currency", "EUR"), "the value cannot be negative"},
		{append(add, "--value", "12.345", "--currency", "EUR"), "--value:"},
		{append(add, "--value", "1", "--currency", "EUR", "--stage", "closing"), `there is no stage "closing": the stages are qualification`},
		{append(add, "--value", "1", "--currency", "EUR", "--close", "soon"), `--close: cannot read "soon" as a date`},
		{append(add, "--value", "1", "--currency", "EUR", "--owner", "nobody@example.com"), "--owner nobody@example.com is not a user"},
		{[]string{"opportunities", "add", "--name", "N", "--value", "1", "--currency", "EUR", "--contact", "zed@example.com"},
			"--contact: no contact or lead has the email zed@example.com"},
		{[]string{"opportunities", "add", "--name", " ", "--value", "1", "--currency", "EUR", "--contact", "ada@example.com"},
			"--name is required"},
		{[]string{"opportunities", "move", id, "won"}, "to mark it won: leadmail opportunities won " + id},
		{[]string{"opportunities", "move", id, "lost"}, "to mark it lost, say why"},
		{[]string{"opportunities", "move", id, "proposal"}, "already at proposal"},
		{[]string{"opportunities", "move", "999", "proposal"}, "there is no opportunity 999"},
		{[]string{"opportunities", "move", "abc", "proposal"}, `"abc" is not an opportunity ID`},
		{[]string{"opportunities", "lost", id}, "--reason is required"},
		{[]string{"opportunities", "lost", id, "--reason", "  "}, "--reason is required"},
		{[]string{"opportunities", "edit", id}, "nothing to change"},
		{[]string{"opportunities", "edit", id, "--currency", "USD"}, "--currency goes with --value"},
		{[]string{"opportunities", "edit", id, "--value", "abc"}, "--value:"},
		{[]string{"opportunities", "edit", id, "--name", ""}, "name"},
		{[]string{"opportunities", "list", "--closing", "2027-02-01..2027-01-01"}, "--closing: 2027-01-01 is before 2027-02-01"},
		{[]string{"opportunities", "list", "--state", "maybe"}, `--state "maybe"`},
		{[]string{"opportunities", "list", "--mine", "--owner", "x@example.com"}, "give --mine or --owner, not both"},
		{[]string{"pipeline", "--closing", "whenever"}, "--closing:"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			before := oppRows(t, e.db)
			out, err := e.run(t, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to say %q\n%s", err, tc.want, out)
			}
			if strings.Contains(err.Error(), "invalid:") || strings.Contains(err.Error(), "create opportunity:") {
				t.Errorf("the refusal shows the store's wrapping: %v", err)
			}
			if after := oppRows(t, e.db); after != before {
				t.Errorf("a refusal changed the database:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// send --opportunity fills {{opportunity.*}}, goes to the deal's primary
// contact, and is recorded on the message, on the deal's timeline and on
// the contact's; without it the same Smart Mail is refused, naming the
// variables, and nothing is queued.
func TestSendFromOpportunity(t *testing.T) {
	e := oppEnv(t)
	useTestSMTP(t)
	db, err := store.Open(t.Context(), e.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tmpl := store.Email{Name: "Deal update", SmartMail: true,
		Subject: "{{opportunity.name}}: {{opportunity.value}}",
		Body:    "Hi {{first_name}}, we are at {{opportunity.stage}}, closing {{opportunity.close_date}}."}
	if err := db.CreateEmail(t.Context(), &tmpl); err != nil {
		t.Fatal(err)
	}
	closeDB(t, db)
	o := runJSON[opportunityJSON](t, e, "opportunities", "add", "--name", "Loom upgrade", "--value", "12000",
		"--currency", "EUR", "--contact", "ada@example.com", "--contact", "bob@example.com", "--stage", "proposal",
		"--close", "2027-01-15", "--json")

	before := oppRows(t, e.db)
	_, err = e.run(t, "send", "--to", "ada@example.com", "--email", "Deal update")
	if err == nil || !strings.Contains(err.Error(), "this send is not from a deal, so opportunity.name, opportunity.value, opportunity.stage, opportunity.close_date have no value") {
		t.Fatalf("send without the deal: %v", err)
	}
	if _, err = e.run(t, "send", "--opportunity", "77", "--email", "Deal update"); err == nil ||
		err.Error() != "--opportunity: there is no opportunity 77 (list them with: leadmail opportunities)" {
		t.Errorf("send from no such deal: %v", err)
	}
	if after := oppRows(t, e.db); after != before {
		t.Errorf("a refused send changed the database:\nbefore %s\nafter  %s", before, after)
	}

	n := len(testSMTP.Messages())
	res := runJSON[sendJSON](t, e, "send", "--opportunity", strconv.FormatInt(o.ID, 10), "--email", "Deal update", "--json")
	if res.Status != store.MessageSent || res.To != "ada@example.com" || res.Subject != "Loom upgrade: €12,000" {
		t.Fatalf("send from the deal: %+v", res)
	}
	got := testSMTP.Messages()
	if len(got) != n+1 || !strings.Contains(string(got[len(got)-1].Data), "closing 15 Jan 2027") {
		t.Fatalf("the server did not get the filled message")
	}
	db, err = store.Open(t.Context(), e.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB(t, db)
	m, err := db.MessageByMessageID(t.Context(), res.MessageID)
	if err != nil || m.OpportunityID != o.ID {
		t.Fatalf("stored message opportunity %d, %v; want %d", m.OpportunityID, err, o.ID)
	}
	tl, err := db.OpportunityTimeline(t.Context(), o.ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	var sent bool
	for _, ev := range tl {
		sent = sent || (ev.Kind == store.EventEmailSent && ev.MessageID == m.ID)
	}
	if !sent {
		t.Errorf("the deal's timeline lacks the send: %+v", tl)
	}

	// --to picks another of the deal's contacts; one not on the deal is
	// refused.
	res = runJSON[sendJSON](t, e, "send", "--opportunity", strconv.FormatInt(o.ID, 10), "--to", "bob@example.com",
		"--email", "Deal update", "--json", "--queue-only")
	if res.To != "bob@example.com" || res.Status != store.MessageQueued {
		t.Errorf("send to Bob from the deal: %+v", res)
	}
	if _, err := e.run(t, "contacts", "add", "--email", "cy@example.com", "--first-name", "Cy"); err != nil {
		t.Fatal(err)
	}
	before = oppRows(t, e.db)
	_, err = e.run(t, "send", "--opportunity", strconv.FormatInt(o.ID, 10), "--to", "cy@example.com", "--email", "Deal update")
	if err == nil || err.Error() != `the contact is not one of the deal "Loom upgrade"'s contacts: add them to the deal first` {
		t.Errorf("send to Cy from the deal: %v", err)
	}
	if after := oppRows(t, e.db); after != before {
		t.Errorf("a refused send changed the database:\nbefore %s\nafter  %s", before, after)
	}
}

// The deal commands go through the scoped store: a Jr. Salesperson
// cannot create a deal, nor see, move or send from another's; a
// Marketing Manager has no pipeline. Each refusal is a sentence and
// writes nothing.
func TestOpportunitiesScopedByRole(t *testing.T) {
	e := oppEnv(t)
	o := runJSON[opportunityJSON](t, e, "opportunities", "add", "--name", "Loom upgrade", "--value", "12000",
		"--currency", "EUR", "--contact", "ada@example.com", "--json")
	id := strconv.FormatInt(o.ID, 10)
	for _, u := range []struct{ email, role string }{
		{"jr@brightwave.example", "jr_salesperson"}, {"mm@brightwave.example", "marketing_manager"},
	} {
		if _, err := e.run(t, "users", "add", u.email, "--name", u.role, "--role", u.role); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		as   string
		args []string
	}{
		{"jr@brightwave.example", []string{"opportunities", "add", "--name", "Mine", "--value", "1", "--currency", "EUR", "--contact", "bob@example.com"}},
		{"jr@brightwave.example", []string{"opportunities", "move", id, "negotiation"}},
		{"jr@brightwave.example", []string{"opportunities", "won", id}},
		{"jr@brightwave.example", []string{"send", "--opportunity", id, "--email", "Any"}},
		{"mm@brightwave.example", []string{"pipeline"}},
		{"mm@brightwave.example", []string{"opportunities", "list"}},
		{"mm@brightwave.example", []string{"opportunities", "lost", id, "--reason", "no"}},
	} {
		t.Run(tc.as+" "+strings.Join(tc.args, " "), func(t *testing.T) {
			t.Setenv("LEADMAIL_USER_EMAIL", tc.as)
			before := oppRows(t, e.db)
			_, err := e.run(t, tc.args...)
			if !errors.Is(err, store.ErrDenied) {
				t.Fatalf("err = %v, want a denial", err)
			}
			if after := oppRows(t, e.db); after != before {
				t.Errorf("a denial changed the database:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}
