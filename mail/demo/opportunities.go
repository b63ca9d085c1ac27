package demo

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/leadmail/leadmail/store"
)

// oppPlan is an opportunity the seed puts in the pipeline.
type oppPlan struct {
	name  string
	value store.Money
	stage store.Stage
}

// perSeat is the yearly price of a seat of each plan, in major units.
var perSeat = map[string]int64{"Starter": 240, "Pro": 480, "Enterprise": 900}

// newOppPlan is seats of plan for c, priced in c's currency.
func newOppPlan(c store.Contact, plan string, seats int, stage store.Stage) oppPlan {
	cur := currencyOf(c.Country)
	digits, _ := store.CurrencyDigits(cur)
	unit := int64(1)
	for range digits {
		unit *= 10
	}
	who := cmp.Or(c.Company, c.Name())
	return oppPlan{name: fmt.Sprintf("%s: %d %s seats", who, seats, plan),
		value: store.Money{Minor: int64(seats) * perSeat[plan] * unit, Currency: cur}, stage: stage}
}

// currencyOf is the currency a company in country is quoted in.
func currencyOf(country string) string {
	switch country {
	case "United States":
		return "USD"
	case "Canada":
		return "CAD"
	case "United Kingdom":
		return "GBP"
	case "Switzerland":
		return "CHF"
	}
	return "EUR"
}

// loadStages reads the pipeline the opportunities go into.
func (s *seeder) loadStages(ctx context.Context) error {
	ss, err := s.db.Stages(ctx)
	if err != nil {
		return err
	}
	for _, st := range ss {
		if st.Outcome == store.OutcomeOpen {
			s.openStages = append(s.openStages, st)
		}
	}
	if len(s.openStages) == 0 {
		return fmt.Errorf("the pipeline has no open stage: %w", store.ErrInvalid)
	}
	return nil
}

// plannedOpportunity puts the opportunity a note of p's story told of in
// the pipeline, a few minutes after the note, owned by p's owner, with
// p as its primary contact and colleagues of p's company who have no
// history of their own.
func (s *seeder) plannedOpportunity(ctx context.Context, p *seededPerson, st step) error {
	if st.opp == nil {
		return nil
	}
	at := st.at.Add(3 * time.Minute)
	s.at(at)
	_, err := s.openOpportunity(ctx, p, *st.opp, s.colleagues(p, at))
	return err
}

// openOpportunity creates plan for p, by p's owner, at the store's time.
func (s *seeder) openOpportunity(ctx context.Context, p *seededPerson, plan oppPlan, others []int64) (store.Opportunity, error) {
	o := store.Opportunity{Name: plan.name, Value: plan.value, StageID: plan.stage.ID,
		CloseDate: s.closeDate(plan.stage), OwnerID: p.owner.ID, PrimaryContactID: p.ID, ContactIDs: others}
	err := s.counted(ctx, append([]int64{p.ID}, others...), func() error {
		return s.db.CreateOpportunity(ctx, &o, p.owner.ID)
	})
	if err != nil {
		return store.Opportunity{}, fmt.Errorf("opportunity for %s: %w", p.Name(), err)
	}
	s.res.Opportunities++
	return o, nil
}

// counted runs fn, which writes events on the contacts ids at the store's
// time, counts them in the result, and adds them to each person's story
// (as steps already written), so that what the seed writes later about
// them comes after.
func (s *seeder) counted(ctx context.Context, ids []int64, fn func() error) error {
	before, err := s.eventCount(ctx, ids)
	if err != nil {
		return err
	}
	if err := fn(); err != nil {
		return err
	}
	after, err := s.eventCount(ctx, ids)
	if err != nil {
		return err
	}
	s.res.Events += after - before
	at := s.story.Now()
	for i := range s.people {
		if p := &s.people[i]; slices.Contains(ids, p.ID) {
			s.opps[p.ID] = true
			if at.After(lastAt(p)) {
				p.story = append(p.story, step{at: at, kind: store.EventOpportunityEdited})
			}
		}
	}
	return nil
}

// eventCount is how many events the contacts ids have.
func (s *seeder) eventCount(ctx context.Context, ids []int64) (int, error) {
	n := 0
	for _, id := range ids {
		tl, err := s.db.Timeline(ctx, id, 10_000)
		if err != nil {
			return 0, err
		}
		n += len(tl)
	}
	return n, nil
}

// colleagues are up to two people of p's company with an email and a
// history that ended before at, whose status allows a deal (qualified or
// further), and who are on no opportunity yet.
func (s *seeder) colleagues(p *seededPerson, at time.Time) []int64 {
	if p.Company == "" {
		return nil
	}
	var ids []int64
	for i := range s.people {
		q := &s.people[i]
		if q.ID == p.ID || q.Company != p.Company || q.Email == "" || len(q.story) < 2 ||
			!lastAt(q).Before(at) || s.opps[q.ID] {
			continue
		}
		switch q.Status {
		case store.StatusQualified, store.StatusContact, store.StatusContactWithOpportunity:
			ids = append(ids, q.ID)
		}
		if len(ids) == 2 {
			break
		}
	}
	return ids
}

// closeDate is when a deal in stage is expected to close: this month in
// the last open stage (a day or two may have slipped), later the earlier
// the stage. It is a calendar date, written as the team's local date.
func (s *seeder) closeDate(stage store.Stage) time.Time {
	local := s.now.In(time.Local)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	first := today.AddDate(0, 0, 1-today.Day())
	last := first.AddDate(0, 1, -1)
	left := len(s.openStages) - 1
	for i, o := range s.openStages {
		if o.ID == stage.ID {
			left = len(s.openStages) - 1 - i
		}
	}
	if left == 0 {
		d := today.AddDate(0, 0, s.oppRnd.IntN(int(last.Sub(today)/day)+4)-3)
		return later(d, first)
	}
	return today.AddDate(0, 0, 7+s.oppRnd.IntN(14+21*left))
}

// closedPlan is an opportunity that was won or lost before now.
type closedPlan struct {
	role   store.Role // whose; "" is the Sender
	won    bool
	reason string
}

// closedPlans are the won and lost deals, for the Sender and colleagues.
var closedPlans = []closedPlan{
	{"", true, ""},
	{"", false, "Chose a competitor that was cheaper for a team their size"},
	{store.RoleSalesManager, true, ""},
	{store.RoleSalesperson, false, "Budget frozen until next year"},
	{store.RoleJrSalesperson, true, ""},
	{store.RoleSalesperson, false, "No decision: the project was cancelled after a reorganisation"},
	{"", true, ""},
}

// seedOpportunities completes the pipeline after history wrote the
// opportunities its notes told of: one in the first stage for every other
// contact with an opportunity, one open deal at least for the Sender, a
// salesperson, the Jr. Salesperson and the Sales Manager (their contact
// becomes one with an opportunity), the won and lost deals of closedPlans
// (their contacts go back to contact), and no open stage left empty.
func (s *seeder) seedOpportunities(ctx context.Context) error {
	defer s.at(s.now)
	for i := range s.people {
		p := &s.people[i]
		if p.Status != store.StatusContactWithOpportunity || s.opps[p.ID] {
			continue
		}
		at := s.lateAt(p, 10*day)
		s.at(at)
		if _, err := s.openOpportunity(ctx, p, s.planFor(p, s.openStages[0]), s.colleagues(p, at)); err != nil {
			return err
		}
	}
	for _, who := range []store.User{s.sender, s.teammate(store.RoleSalesperson),
		s.teammate(store.RoleJrSalesperson), s.teammate(store.RoleSalesManager)} {
		if err := s.ensureOpen(ctx, who); err != nil {
			return err
		}
	}
	for _, cp := range closedPlans {
		if err := s.closedOpportunity(ctx, cp); err != nil {
			return err
		}
	}
	return s.fillStages(ctx)
}

// planFor is an opportunity for p in stage, of the plan p asked about.
func (s *seeder) planFor(p *seededPerson, stage store.Stage) oppPlan {
	return newOppPlan(p.Contact, cmp.Or(p.Custom["plan_interest"], "Pro"), 10+5*s.oppRnd.IntN(11), stage)
}

// teammate is the first member of the team with role, the Sender last;
// the zero User when nobody has it.
func (s *seeder) teammate(role store.Role) store.User {
	for _, w := range s.owners {
		if w.V.Role == role && w.V.ID != s.sender.ID {
			return w.V
		}
	}
	if s.sender.Role == role {
		return s.sender
	}
	return store.User{}
}

// lastAt is the time of p's last step.
func lastAt(p *seededPerson) time.Time { return p.story[len(p.story)-1].at }

// lateAt is a time in the last days before now, after p's story: within
// the span before now, in working hours, never later than an hour ago.
func (s *seeder) lateAt(p *seededPerson, span time.Duration) time.Time {
	at := s.now.Add(-time.Duration(s.oppRnd.Int64N(int64(span))))
	at = workingHours(later(at, lastAt(p).Add(4*hour)), time.Duration(s.oppRnd.Int64N(int64(4*hour))))
	return earlier(at, s.now.Add(-hour)).Truncate(time.Second)
}

// candidate is the first person u owns with an email, status and a
// history, on no opportunity yet, whose story ended before the day before
// now; nil when there is none.
func (s *seeder) candidate(u store.User, status store.Status) *seededPerson {
	for i := range s.people {
		p := &s.people[i]
		if p.owner.ID == u.ID && p.Status == status && p.Email != "" && !s.opps[p.ID] &&
			len(p.story) > 1 && lastAt(p).Before(s.now.Add(-day)) {
			return p
		}
	}
	return nil
}

// ensureOpen gives u an open deal when they have none: with the first of
// their contacts, in a stage of the middle of the pipeline.
func (s *seeder) ensureOpen(ctx context.Context, u store.User) error {
	if u.ID == 0 {
		return nil
	}
	for i := range s.people {
		if p := &s.people[i]; p.owner.ID == u.ID && p.Status == store.StatusContactWithOpportunity && s.opps[p.ID] {
			return nil
		}
	}
	p := s.candidate(u, store.StatusContact)
	if p == nil {
		return nil
	}
	s.at(s.lateAt(p, 6*day))
	stage := s.openStages[min(2, len(s.openStages)-1)]
	if _, err := s.openOpportunity(ctx, p, s.planFor(p, stage), nil); err != nil {
		return err
	}
	p.Status = store.StatusContactWithOpportunity
	return nil
}

// closedOpportunity creates cp's deal with a contact (else a qualified
// lead) of the first of its owners who has one, after their story, and
// wins or loses it one to two weeks later (or two hours ago, if sooner);
// the person is a contact after it.
func (s *seeder) closedOpportunity(ctx context.Context, cp closedPlan) error {
	var u store.User
	var p *seededPerson
	for _, w := range s.owners {
		if (cp.role == "" && w.V.ID == s.sender.ID) || (cp.role != "" && w.V.Role == cp.role && w.V.ID != s.sender.ID) {
			if p = cmp.Or(s.candidate(w.V, store.StatusContact), s.candidate(w.V, store.StatusQualified)); p != nil {
				u = w.V
				break
			}
		}
	}
	if p == nil {
		return nil
	}
	created := workingHours(lastAt(p).Add(day), time.Duration(s.oppRnd.Int64N(int64(6*hour))))
	if !created.Before(s.now.Add(-day)) {
		created = lastAt(p).Add(hour)
	}
	closed := workingHours(created.Add(5*day+time.Duration(s.oppRnd.Int64N(int64(10*day)))), 0)
	closed = earlier(closed, s.now.Add(-2*hour)).Truncate(time.Second)
	stage := s.openStages[len(s.openStages)-1]
	plan := s.planFor(p, stage)
	s.at(created.Truncate(time.Second))
	o := store.Opportunity{Name: plan.name, Value: plan.value, StageID: stage.ID, OwnerID: u.ID,
		CloseDate:        time.Date(closed.Year(), closed.Month(), closed.Day(), 0, 0, 0, 0, time.UTC),
		PrimaryContactID: p.ID}
	ids := []int64{p.ID}
	if err := s.counted(ctx, ids, func() error { return s.db.CreateOpportunity(ctx, &o, u.ID) }); err != nil {
		return fmt.Errorf("opportunity for %s: %w", p.Name(), err)
	}
	s.res.Opportunities++
	s.at(closed)
	err := s.counted(ctx, ids, func() error {
		var err error
		if cp.won {
			_, err = s.db.WinOpportunity(ctx, o.ID, u.ID)
		} else {
			_, err = s.db.LoseOpportunity(ctx, o.ID, cp.reason, u.ID)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("close the opportunity of %s: %w", p.Name(), err)
	}
	return nil
}

// fillStages moves a deal from the fullest open stage into each open
// stage left empty, a day ago, so that every column of the pipeline
// shows something.
func (s *seeder) fillStages(ctx context.Context) error {
	page, err := s.db.ListOpportunities(ctx, store.OpportunityQuery{State: store.OutcomeOpen, Limit: 500})
	if err != nil {
		return err
	}
	by := map[int64][]store.Opportunity{}
	for _, o := range page.Opportunities {
		by[o.StageID] = append(by[o.StageID], o)
	}
	for _, st := range s.openStages {
		if len(by[st.ID]) > 0 {
			continue
		}
		from := slices.MaxFunc(s.openStages, func(a, b store.Stage) int {
			return cmp.Compare(len(by[a.ID]), len(by[b.ID]))
		})
		if len(by[from.ID]) < 2 {
			return nil
		}
		o, err := s.db.GetOpportunity(ctx, by[from.ID][len(by[from.ID])-1].ID)
		if err != nil {
			return err
		}
		by[from.ID] = by[from.ID][:len(by[from.ID])-1]
		at := workingHours(s.now.Add(-day), 0)
		for i := range s.people {
			if p := &s.people[i]; slices.Contains(o.ContactIDs, p.ID) {
				at = later(at, lastAt(p).Add(time.Hour))
			}
		}
		s.at(earlier(at, s.now.Add(-time.Minute)).Truncate(time.Second))
		var moved store.Opportunity
		err = s.counted(ctx, o.ContactIDs, func() error {
			var err error
			moved, err = s.db.MoveOpportunity(ctx, o.ID, st.ID, o.OwnerID)
			return err
		})
		if err != nil {
			return fmt.Errorf("move %s to %s: %w", o.Name, st.Name, err)
		}
		by[st.ID] = append(by[st.ID], moved)
	}
	return nil
}

// later is the later of a and b; earlier the earlier.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
