package main

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/leadmail/leadmail/store"
)

// stageRows is every row a stages command may write: the stages, and the
// deals, events and contacts oppRows renders.
func stageRows(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	rows, err := db.QueryContext(t.Context(), `SELECT id, name, position, probability, outcome FROM stages ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	var b strings.Builder
	for rows.Next() {
		var s store.Stage
		if err := rows.Scan(&s.ID, &s.Name, &s.Position, &s.Probability, &s.Outcome); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%+v\n", s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String() + oppRows(t, path)
}

// stagesLine is the stages as "name probability deals", in order.
func stagesLine(ss []pipelineStageJSON) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		deals := "-"
		if s.Deals != nil {
			deals = strconv.Itoa(*s.Deals)
		}
		parts[i] = fmt.Sprintf("%s %d %s", s.Name, s.Probability, deals)
	}
	return strings.Join(parts, ", ")
}

// The administrator adds, renames, re-probabilities, moves and removes
// stages; each command prints the stages as saved; removing a stage that
// holds a deal with --to moves it first, an event on the deal.
func TestStagesCommands(t *testing.T) {
	e := oppEnv(t)
	o := runJSON[opportunityJSON](t, e, "opportunities", "add", "--name", "Loom upgrade", "--value", "12000", "--currency", "EUR",
		"--contact", "ada@example.com", "--stage", "proposal", "--json")
	id := strconv.FormatInt(o.ID, 10)

	ss := runJSON[[]pipelineStageJSON](t, e, "stages", "--json")
	if got, want := stagesLine(ss), "qualification 10 0, needs analysis 25 0, proposal 50 1, negotiation 75 0, won 100 0, lost 0 0"; got != want {
		t.Errorf("stages\n got %s\nwant %s", got, want)
	}
	if ss[0].Position != 1 || ss[4].Outcome != store.OutcomeWon || ss[5].Outcome != store.OutcomeLost {
		t.Errorf("stages %+v", ss)
	}

	for _, step := range []struct {
		args []string
		want string
	}{
		{[]string{"stages", "add", "demo", "--probability", "40%", "--after", "needs analysis"},
			"qualification 10 0, needs analysis 25 0, demo 40 0, proposal 50 1, negotiation 75 0, won 100 0, lost 0 0"},
		{[]string{"stages", "add", "trial", "--probability", "60"},
			"qualification 10 0, needs analysis 25 0, demo 40 0, proposal 50 1, negotiation 75 0, trial 60 0, won 100 0, lost 0 0"},
		{[]string{"stages", "rename", "Needs Analysis", "discovery"},
			"qualification 10 0, discovery 25 0, demo 40 0, proposal 50 1, negotiation 75 0, trial 60 0, won 100 0, lost 0 0"},
		{[]string{"stages", "rename", "won", "closed won"},
			"qualification 10 0, discovery 25 0, demo 40 0, proposal 50 1, negotiation 75 0, trial 60 0, closed won 100 0, lost 0 0"},
		{[]string{"stages", "set-probability", "proposal", "55"},
			"qualification 10 0, discovery 25 0, demo 40 0, proposal 55 1, negotiation 75 0, trial 60 0, closed won 100 0, lost 0 0"},
		{[]string{"stages", "move", "trial", "--first"},
			"trial 60 0, qualification 10 0, discovery 25 0, demo 40 0, proposal 55 1, negotiation 75 0, closed won 100 0, lost 0 0"},
		{[]string{"stages", "move", "trial", "--after", "negotiation"},
			"qualification 10 0, discovery 25 0, demo 40 0, proposal 55 1, negotiation 75 0, trial 60 0, closed won 100 0, lost 0 0"},
		{[]string{"stages", "remove", "trial"},
			"qualification 10 0, discovery 25 0, demo 40 0, proposal 55 1, negotiation 75 0, closed won 100 0, lost 0 0"},
		{[]string{"stages", "remove", "proposal", "--to", "demo"},
			"qualification 10 0, discovery 25 0, demo 40 1, negotiation 75 0, closed won 100 0, lost 0 0"},
	} {
		got := runJSON[[]pipelineStageJSON](t, e, append(step.args, "--json")...)
		if stagesLine(got) != step.want {
			t.Errorf("%v:\n got %s\nwant %s", step.args, stagesLine(got), step.want)
		}
	}

	moved := runJSON[[]opportunityJSON](t, e, "opportunities", "list", "--json")
	if len(moved) != 1 || moved[0].Stage != "demo" || moved[0].Weighted.Minor != 480_000 {
		t.Errorf("the deal after its stage was removed: %+v", moved)
	}
	out, err := e.run(t, "timeline", "ada@example.com")
	if err != nil || !strings.Contains(out, "Stage: proposal → demo") {
		t.Errorf("the move is not an event on the deal's contact: %v\n%s", err, out)
	}

	out, err = e.run(t, "stages", "remove", "demo", "--to", "qualification")
	if err != nil || !strings.HasPrefix(out, "Moved 1 deal from demo to qualification; removed the stage demo.\n") ||
		!strings.Contains(out, "#  STAGE") || strings.Contains(out, "  demo  ") {
		t.Errorf("remove --to said: %v\n%s", err, out)
	}
	out, err = e.run(t, "stages", "add", "demo", "--probability", "30", "--first")
	if err != nil || !strings.HasPrefix(out, "Added the stage demo (30 %) first.\n") {
		t.Errorf("add said: %v\n%s", err, out)
	}
	if _, err := e.run(t, "opportunities", "move", id, "demo"); err != nil {
		t.Errorf("a deal does not move to the added stage: %v", err)
	}
}

// Every bad input is a sentence and changes nothing: no stage, no deal,
// no event.
func TestStagesRefusals(t *testing.T) {
	e := oppEnv(t)
	runJSON[opportunityJSON](t, e, "opportunities", "add", "--name", "Loom upgrade", "--value", "12000", "--currency", "EUR",
		"--contact", "ada@example.com", "--stage", "proposal", "--json")
	long := strings.Repeat("n", 200)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"stages", "add", "demo"}, "give the new stage's --probability"},
		{[]string{"stages", "add", "demo", "--probability", "140"}, "the probability is a percentage from 0 to 100, not 140"},
		{[]string{"stages", "add", "demo", "--probability", "-1"}, "the probability is a percentage from 0 to 100, not -1"},
		{[]string{"stages", "add", "demo", "--probability", "high"}, `"high" is not a probability`},
		{[]string{"stages", "add", "Proposal", "--probability", "40"}, "two stages are called Proposal: give each its own name"},
		{[]string{"stages", "add", "de\x1bmo", "--probability", "40"}, "the stage name contains a control character (U+001B): remove it"},
		{[]string{"stages", "add", long, "--probability", "40"}, "the stage name is 200 characters long; at most 40 are allowed"},
		{[]string{"stages", "add", " ", "--probability", "40"}, "has no name"},
		{[]string{"stages", "add", "demo", "--probability", "40", "--after", "won"}, "--after won: won and lost end the pipeline"},
		{[]string{"stages", "add", "demo", "--probability", "40", "--after", "nowhere"}, `there is no stage "nowhere": the stages are qualification`},
		{[]string{"stages", "add", "demo", "--probability", "40", "--after", "proposal", "--first"}, "give --first or --after STAGE, not both"},
		{[]string{"stages", "rename", "proposal", "Negotiation"}, "two stages are called negotiation"},
		{[]string{"stages", "rename", "closing", "x"}, `there is no stage "closing"`},
		{[]string{"stages", "rename", "proposal", "a\tb"}, "control character (U+0009)"},
		{[]string{"stages", "set-probability", "proposal", "101"}, "from 0 to 100, not 101"},
		{[]string{"stages", "set-probability", "proposal", "half"}, `"half" is not a probability`},
		{[]string{"stages", "move", "proposal"}, "say where the stage goes: --after STAGE or --first"},
		{[]string{"stages", "move", "won", "--first"}, "won stays where it is: won and lost end the pipeline"},
		{[]string{"stages", "move", "proposal", "--after", "lost"}, "--after lost: won and lost end the pipeline"},
		{[]string{"stages", "move", "proposal", "--after", "proposal"}, "--after proposal names the stage being moved"},
		{[]string{"stages", "remove", "won"}, "won cannot be removed: deals marked won go there; rename it instead"},
		{[]string{"stages", "remove", "lost", "--to", "proposal"}, "lost cannot be removed"},
		{[]string{"stages", "remove", "proposal"}, "the stage proposal holds deals: give --to STAGE to move them to another open stage first"},
		{[]string{"stages", "remove", "proposal", "--to", "won"}, "--to won: deals are marked won one by one"},
		{[]string{"stages", "remove", "proposal", "--to", "proposal"}, "--to proposal is the stage being removed"},
		{[]string{"stages", "remove", "proposal", "--to", "nowhere"}, `there is no stage "nowhere"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			before := stageRows(t, e.db)
			out, err := e.run(t, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to say %q\n%s", err, tc.want, out)
			}
			if strings.Contains(err.Error(), "invalid input") || strings.Contains(err.Error(), "set stages:") ||
				strings.ContainsRune(err.Error(), '\x1b') {
				t.Errorf("the refusal shows the store's wrapping or a raw control: %q", err)
			}
			if after := stageRows(t, e.db); after != before {
				t.Errorf("a refusal changed the database:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// Only an administrator changes the stages: anyone else gets the scoped
// store's sentence, and nothing changes — remove --to moves no deal
// first. Every role lists them; a role without a pipeline sees no counts.
func TestStagesNonAdministratorRefused(t *testing.T) {
	e, theo, _ := teamEnv(t)
	db, err := store.Open(t.Context(), e.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	priya, err := db.UserByEmail(t.Context(), "priya@team.example")
	if err != nil {
		t.Fatal(err)
	}
	prop, err := db.StageByName(t.Context(), "proposal")
	if err != nil {
		t.Fatal(err)
	}
	deal := store.Opportunity{Name: "Theo's deal", Value: store.Money{Minor: 500_00, Currency: "EUR"}, StageID: prop.ID,
		PrimaryContactID: theo, OwnerID: priya.ID}
	if err := db.CreateOpportunity(t.Context(), &deal, priya.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddUser(t.Context(), store.User{Name: "Mia Marketing", Email: "mia@team.example", Role: store.RoleMarketingManager}); err != nil {
		t.Fatal(err)
	}
	closeDB(t, db)

	as(t, "priya@team.example", "Priya Shah")
	for _, args := range [][]string{
		{"stages", "add", "demo", "--probability", "40"},
		{"stages", "rename", "proposal", "offer"},
		{"stages", "set-probability", "proposal", "60"},
		{"stages", "move", "negotiation", "--first"},
		{"stages", "remove", "needs analysis"},
		{"stages", "remove", "proposal"},
		{"stages", "remove", "proposal", "--to", "qualification"},
	} {
		before := stageRows(t, e.db)
		_, err := e.run(t, args...)
		if err == nil || !strings.HasPrefix(err.Error(), "only an administrator can change the pipeline's stages (you are a Salesperson)") {
			t.Errorf("%v as a salesperson: %v, want the scope's refusal", args, err)
		}
		if after := stageRows(t, e.db); after != before {
			t.Errorf("%v as a salesperson changed the database", args)
		}
	}
	ss := runJSON[[]pipelineStageJSON](t, e, "stages", "--json")
	if got := stagesLine(ss); !strings.HasPrefix(got, "qualification 10 0, needs analysis 25 0, proposal 50 1,") {
		t.Errorf("Priya's stages: %s", got)
	}

	as(t, "mia@team.example", "Mia Marketing")
	ss = runJSON[[]pipelineStageJSON](t, e, "stages", "--json")
	if got := stagesLine(ss); !strings.HasPrefix(got, "qualification 10 -, needs analysis 25 -,") {
		t.Errorf("a Marketing Manager's stages: %s", got)
	}
	out, err := e.run(t, "stages")
	if err != nil || !strings.Contains(out, "proposal") || !strings.Contains(out, "—") {
		t.Errorf("a Marketing Manager's stages table: %v\n%s", err, out)
	}

	as(t, "ada@team.example", "Ada Admin")
	out, err = e.run(t, "stages", "remove", "proposal", "--to", "negotiation")
	if err != nil || !strings.HasPrefix(out, "Moved 1 deal from proposal to negotiation") {
		t.Errorf("the administrator's remove --to: %v\n%s", err, out)
	}
}
