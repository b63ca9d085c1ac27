package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/leadmail/leadmail/store"
)

// taskPlan is a follow-up the seed gives the first of the Sender's people
// in a status: the demo opens on a working day, with Today and the
// overdue count showing something true.
type taskPlan struct {
	status store.Status
	title  string
	due    func(today time.Time, now time.Time) time.Time // today is local midnight
}

var senderTasks = []taskPlan{
	{store.StatusQualified, "Call back about the pricing questions",
		func(today, _ time.Time) time.Time { return today.AddDate(0, 0, -1).Add(10 * time.Hour) }},
	{store.StatusContact, "Send the onboarding checklist",
		func(today, now time.Time) time.Time {
			if at := today.Add(17 * time.Hour); now.Before(at.Add(-time.Hour)) {
				return at
			}
			return now.Add(30 * time.Minute)
		}},
	{store.StatusOpen, "Follow up on the intro email",
		func(today, _ time.Time) time.Time { return today.AddDate(0, 0, 2).Add(9 * time.Hour) }},
	{store.StatusContactWithOpportunity, "Prepare the proposal for review",
		func(today, _ time.Time) time.Time { return today.AddDate(0, 0, 4).Add(11 * time.Hour) }},
}

// seedTasks writes the Sender's follow-ups (one overdue since yesterday,
// one due today, two upcoming) and one of a colleague's, for Today's
// everyone's view, each made two days ago or, when the person's story
// goes on later, just after it.
func (s *seeder) seedTasks(ctx context.Context) error {
	defer s.at(s.now)
	local := s.now.In(time.Local)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.Local)
	used := map[int64]bool{}
	for _, tp := range senderTasks {
		p := s.firstOwned(s.sender.ID, tp.status, true, used)
		if p == nil {
			continue
		}
		s.at(s.madeAt(p))
		t := store.Task{ContactID: p.ID, OwnerID: s.sender.ID, Title: tp.title, DueAt: tp.due(today, s.now)}
		if err := s.db.AddTask(ctx, &t, s.sender.ID); err != nil {
			return fmt.Errorf("task for %s: %w", p.Name(), err)
		}
		s.res.Events++
	}
	if p := s.firstOwned(s.sender.ID, store.StatusQualified, false, used); p != nil {
		s.at(s.madeAt(p))
		t := store.Task{ContactID: p.ID, OwnerID: p.owner.ID, Title: "Check in after the demo",
			DueAt: today.AddDate(0, 0, 1).Add(14 * time.Hour)}
		if err := s.db.AddTask(ctx, &t, p.owner.ID); err != nil {
			return fmt.Errorf("task for %s: %w", p.Name(), err)
		}
		s.res.Events++
	}
	return nil
}

// firstOwned is the first person with an email in status whose owner is
// (mine) or is not (!mine) the user and who has a history, not yet in
// used, which it joins.
func (s *seeder) firstOwned(user int64, status store.Status, mine bool, used map[int64]bool) *seededPerson {
	for i := range s.people {
		p := &s.people[i]
		if used[p.ID] || p.Email == "" || len(p.story) < 2 || p.Status != status || (p.owner.ID == user) != mine || p.owner.ID == 0 {
			continue
		}
		used[p.ID] = true
		return p
	}
	return nil
}

// madeAt is when the seed writes a task on p: two days ago, or just after
// p's last step if that is later, never after now.
func (s *seeder) madeAt(p *seededPerson) time.Time {
	at := s.now.Add(-2 * day)
	if n := len(p.story); n > 0 && p.story[n-1].at.After(at) {
		at = p.story[n-1].at.Add(10 * time.Minute)
	}
	if at.After(s.now) {
		return s.now
	}
	return at
}
