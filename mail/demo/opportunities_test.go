package demo

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leadmail/leadmail/store"
)

// allOpportunities lists every opportunity of db, each with its contacts.
func allOpportunities(t *testing.T, db *store.DB) []store.Opportunity {
	t.Helper()
	page, err := db.ListOpportunities(t.Context(), store.OpportunityQuery{Limit: store.MaxOpportunityPage})
	if err != nil {
		t.Fatal(err)
	}
	if page.HasNext {
		t.Fatal("more opportunities than one page")
	}
	out := make([]store.Opportunity, len(page.Opportunities))
	for i, o := range page.Opportunities {
		if out[i], err = db.GetOpportunity(t.Context(), o.ID); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestDemoOpportunitiesFillThePipeline(t *testing.T) {
	db, res := sharedDemo(t)
	ctx := t.Context()
	opps := allOpportunities(t, db)
	if res.Opportunities != len(opps) || len(opps) < 15 {
		t.Fatalf("DemoResult.Opportunities = %d, the store holds %d; want the same, at least 15", res.Opportunities, len(opps))
	}
	stages, err := db.Stages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	users, err := db.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	role := map[int64]store.Role{}
	var sender int64
	for _, u := range users {
		role[u.ID] = u.Role
		if u.Email == testSender.Email {
			sender = u.ID
		}
	}
	perStage := map[string]int{}
	ownerKinds := map[string]int{}
	var withOthers, won, lost, closingThisMonth int
	local := testNow.In(time.Local)
	for _, o := range opps {
		perStage[o.Stage.Name]++
		primary, err := db.GetContact(ctx, o.PrimaryContactID)
		if err != nil {
			t.Fatal(err)
		}
		if o.OwnerID != primary.OwnerID {
			t.Errorf("%s is owned by %s but its primary contact %s by %s: its owner could not see them",
				o.Name, o.OwnerName, primary.Name(), primary.OwnerName)
		}
		if want := currencyOf(primary.Country); o.Value.Currency != want {
			t.Errorf("%s is in %s; %s is in %s, quoted in %s", o.Name, o.Value.Currency, primary.Name(), primary.Country, want)
		}
		if o.Value.Minor <= 0 {
			t.Errorf("%s has no value: %v", o.Name, o.Value)
		}
		switch o.State {
		case store.OutcomeOpen:
			if o.OwnerID == sender {
				ownerKinds["sender"]++
			} else {
				ownerKinds[string(role[o.OwnerID])]++
			}
			if o.CloseDate.Year() == local.Year() && o.CloseDate.Month() == local.Month() {
				closingThisMonth++
			}
			if d := o.CloseDate.Sub(testNow); d < -10*day || d > 120*day {
				t.Errorf("%s closes %s, not around now (%s)", o.Name, o.CloseDate.Format(time.DateOnly), testNow.Format(time.DateOnly))
			}
			for _, c := range o.Contacts {
				if c.Status != store.StatusContactWithOpportunity {
					t.Errorf("%s of the open %s has status %s", c.Name, o.Name, c.Status)
				}
			}
		case store.OutcomeWon:
			won++
		case store.OutcomeLost:
			lost++
			if o.LostReason == "" {
				t.Errorf("%s was lost without a reason", o.Name)
			}
		}
		if o.State != store.OutcomeOpen && primary.Status != store.StatusContact {
			t.Errorf("%s is %s, yet %s is %s, not a contact again", o.Name, o.State, primary.Name(), primary.Status)
		}
		if len(o.Contacts) > 1 {
			withOthers++
			for _, c := range o.Contacts[1:] {
				if c.Company != primary.Company {
					t.Errorf("%s of %s is on %s, a deal with %s", c.Name, c.Company, o.Name, primary.Company)
				}
			}
		}
	}
	for _, st := range stages {
		if perStage[st.Name] == 0 {
			t.Errorf("no opportunity in stage %s: %v", st.Name, perStage)
		}
	}
	for _, k := range []string{"sender", string(store.RoleSalesperson), string(store.RoleJrSalesperson), string(store.RoleSalesManager)} {
		if ownerKinds[k] == 0 {
			t.Errorf("no open opportunity owned by the %s: %v", k, ownerKinds)
		}
	}
	if won < 3 || lost < 3 {
		t.Errorf("%d won and %d lost, want a few of each", won, lost)
	}
	if withOthers < 2 {
		t.Errorf("%d opportunities have contacts besides the primary, want some", withOthers)
	}
	if closingThisMonth < 2 {
		t.Errorf("%d open opportunities close this month, want some", closingThisMonth)
	}
	// S18 both ways: every contact with an opportunity has an open one.
	for _, c := range allContacts(t, db) {
		if c.Status != store.StatusContactWithOpportunity {
			continue
		}
		of, err := db.OpportunitiesOf(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(of, func(o store.Opportunity) bool { return o.State == store.OutcomeOpen }) {
			t.Errorf("%s is a contact with opportunity but has no open one", c.Name())
		}
	}
}

// TestDemoOpportunityMatchesItsNote reads the note "Opportunity created:
// 25 seats of Pro, €12,000/yr, stage proposal (50%)." and finds the
// opportunity it tells of on the same contact, with that value and seats,
// made after the note.
func TestDemoOpportunityMatchesItsNote(t *testing.T) {
	db, _ := sharedDemo(t)
	ctx := t.Context()
	found := 0
	for _, c := range allContacts(t, db) {
		notes, err := db.Notes(ctx, c.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range notes {
			if !strings.HasPrefix(n.Body, "Opportunity created: ") {
				continue
			}
			found++
			of, err := db.OpportunitiesOf(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(of, func(o store.Opportunity) bool {
				seats, _, _ := strings.Cut(strings.TrimPrefix(n.Body, "Opportunity created: "), " seats of ")
				return o.PrimaryContactID == c.ID && strings.Contains(n.Body, o.Value.Short()+"/yr") &&
					strings.Contains(o.Name, ": "+seats+" ") && !o.CreatedAt.Before(n.CreatedAt)
			}) {
				t.Errorf("%s: note %q, but the opportunities are %v", c.Name(), n.Body, names(of))
			}
		}
	}
	if found < 5 {
		t.Errorf("%d notes tell of an opportunity, want the stories' several", found)
	}
}

func names(os []store.Opportunity) []string {
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = o.Name + " " + o.Value.Short() + " " + o.Stage.Name
	}
	return out
}

// TestDemoOpportunitiesInEveryTimeline checks the deals' events are on
// their contacts' Life of the Lead, in time order with the rest: a won
// deal's contact went to contact with opportunity and back.
func TestDemoOpportunitiesInEveryTimeline(t *testing.T) {
	db, _ := sharedDemo(t)
	ctx := t.Context()
	for _, o := range allOpportunities(t, db) {
		if o.State != store.OutcomeWon {
			continue
		}
		tl, err := db.Timeline(ctx, o.PrimaryContactID, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, e := range slices.Backward(tl) {
			if e.OpportunityID == o.ID || e.Data["opportunity_id"] == strconv.FormatInt(o.ID, 10) {
				kinds = append(kinds, string(e.Kind)+":"+e.Subject)
			}
		}
		got := strings.Join(kinds, " | ")
		for _, want := range []string{"opportunity_created", "opportunity_won", "→ contact with opportunity", "contact with opportunity → contact"} {
			if !strings.Contains(got, want) {
				t.Errorf("timeline of %s lacks %q: %s", o.Name, want, got)
			}
		}
	}
}
