package demo

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/leadmail/leadmail/store"
)

// TestPlanPlacement checks the story planner alone, over many contacts and
// several anchors (a weekday morning, a Saturday, a Monday before work):
// every story starts with "created", is in order, ends two hours before now
// and starts within 90 days of it, and the team acts only in working hours.
func TestPlanPlacement(t *testing.T) {
	anchors := []time.Time{testNow, time.Date(2026, 8, 1, 12, 0, 0, 0, time.UTC),
		time.Date(2027, 3, 1, 6, 0, 0, 0, time.UTC)}
	statuses := []store.Status{store.StatusOpen, store.StatusUnqualified, store.StatusQualified,
		store.StatusContact, store.StatusContactWithOpportunity}
	for _, now := range anchors {
		s := &seeder{rnd: rand.New(rand.NewPCG(3, 4)), now: now, openStages: []store.Stage{
			{ID: 1, Name: "qualification", Probability: 10}, {ID: 2, Name: "needs analysis", Probability: 25},
			{ID: 3, Name: "proposal", Probability: 50}, {ID: 4, Name: "negotiation", Probability: 75}}}
		for i := range 300 {
			c := store.Contact{Status: statuses[i%len(statuses)], Email: "a@example.com",
				Custom: map[string]string{"plan_interest": "Pro"}}
			if i%7 == 0 {
				c.Email = ""
			}
			if i%3 == 0 {
				c.Custom = nil
			}
			steps := s.plan(c)
			if steps[0].kind != store.EventCreated {
				t.Fatalf("story starts with %s", steps[0].kind)
			}
			if now.Sub(steps[0].at) > 90*day || steps[len(steps)-1].at.After(now.Add(-2*hour)) {
				t.Errorf("now %v: story from %v to %v", now, steps[0].at, steps[len(steps)-1].at)
			}
			for j, st := range steps {
				if j > 0 && st.at.Before(steps[j-1].at) {
					t.Errorf("now %v: step %d (%s) before step %d", now, j, st.kind, j-1)
				}
				switch st.kind {
				case store.EventCreated, store.EventEmailSent, store.EventNote, store.EventStatusChanged:
					if wd := st.at.Weekday(); wd == time.Saturday || wd == time.Sunday || st.at.Hour() < 8 || st.at.Hour() >= 18 {
						t.Errorf("%s at %v, outside working hours", st.kind, st.at)
					}
				}
				if c.Email == "" && st.kind == store.EventEmailSent {
					t.Errorf("email sent to someone without an address")
				}
			}
		}
	}
}
