package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/leadmail/leadmail/store"
)

// step is one planned Life of the Lead entry. An email_sent step sends the
// named template for real (outbox and archive); opened and clicked steps
// refer to the person's latest sent message. A mail step (kind "") is a
// message in the demo user's mailbox instead of an event: Mail Sync makes
// the events when it reads it.
type step struct {
	at       time.Time
	kind     store.EventKind
	mail     mailKind // set when kind is ""
	subject  string
	detail   string
	template string // the Smart Mail an email_sent step sends
	// opp is the opportunity a note step tells of: history creates it
	// in the pipeline just after the note (opportunities.go).
	opp *oppPlan
}

// mailKind is what a mail step writes to the mailbox.
type mailKind int

const (
	mailNone      mailKind = iota
	mailReply              // the lead answers the latest send (INBOX)
	mailInbound            // the lead writes first, a thread of their own (INBOX)
	mailAutoReply          // the lead's out-of-office answers the latest send (INBOX)
	mailBounce             // the server returns the latest send: no such mailbox (INBOX)
	mailPhone              // the owner answers the lead's latest mail from their phone (Sent)
)

// planner accumulates a person's steps as offsets from their creation.
type planner struct {
	rnd    *rand.Rand
	now    time.Time
	c      store.Contact
	stages []store.Stage // the pipeline's open stages, in order
	off    []time.Duration
	steps  []step
	last   time.Duration
}

// add appends st at a random gap of lo..hi after the previous step.
func (p *planner) add(lo, hi time.Duration, st step) {
	if hi > lo {
		p.last += lo + time.Duration(p.rnd.Int64N(int64(hi-lo)))
	}
	p.off = append(p.off, p.last)
	p.steps = append(p.steps, st)
}

const (
	minute = time.Minute
	hour   = time.Hour
	day    = 24 * time.Hour
)

func (p *planner) send(name string) {
	p.add(2*hour, 5*day, step{kind: store.EventEmailSent, template: name})
}
func (p *planner) open()  { p.add(5*minute, 8*hour, step{kind: store.EventEmailOpened}) }
func (p *planner) click() { p.add(minute, 40*minute, step{kind: store.EventEmailClicked}) }
func (p *planner) reply(text string) {
	p.add(30*minute, 2*day, step{mail: mailReply, detail: text})
}
func (p *planner) receive(subject, text string) {
	p.add(day, 6*day, step{mail: mailInbound, subject: subject, detail: text})
}
func (p *planner) note(text string) { p.add(2*hour, 4*day, step{kind: store.EventNote, detail: text}) }
func (p *planner) status(from, to store.Status) {
	p.add(2*minute, 90*minute, step{kind: store.EventStatusChanged,
		detail: fmt.Sprintf("Status: %s → %s", statusLabel(from), statusLabel(to))})
}
func (p *planner) maybe(percent int) bool { return p.rnd.IntN(100) < percent }

// one picks one of xs.
func one[T any](rnd *rand.Rand, xs ...T) T { return xs[rnd.IntN(len(xs))] }

func statusLabel(s store.Status) string { return strings.ReplaceAll(string(s), "_", " ") }

// plan writes the story of c, an arc that ends in c's current status, and
// places it in the 90 days before now. The first step is "created".
func (s *seeder) plan(c store.Contact) []step {
	p := &planner{rnd: s.rnd, now: s.now, c: c, stages: s.openStages}
	p.add(0, 0, step{kind: store.EventCreated})
	switch {
	case c.Email == "":
		p.phoneOnly()
	case strings.EqualFold(c.Email, BouncingAddress):
		p.send(firstSmartMail)
		p.add(minute, 3*minute, step{mail: mailBounce})
	default:
		switch c.Status {
		case store.StatusOpen:
			p.arcOpen()
		case store.StatusUnqualified:
			p.arcUnqualified()
		case store.StatusQualified:
			p.arcQualified()
		case store.StatusContact:
			p.arcContact()
		case store.StatusContactWithOpportunity:
			p.arcOpportunity()
		}
	}
	if strings.EqualFold(c.Email, awayAddress()) {
		p.awayAfterFirstSend()
	}
	// Start 40 to 88 days ago; squeeze the story until it ends before now.
	start := s.now.Add(-40*day - time.Duration(s.rnd.Int64N(int64(48*day))))
	jitter := make([]time.Duration, len(p.steps))
	for i := range jitter {
		jitter[i] = time.Duration(s.rnd.Int64N(int64(90 * minute)))
	}
	for scale := 1.0; ; scale *= 0.8 {
		if p.place(start, scale, jitter) || scale < 0.01 {
			break
		}
	}
	if slices.Contains(oldThreads, c.Name()) && c.Email != "" {
		return s.oldChapter(p.steps)
	}
	return p.steps
}

// awayAfterFirstSend has the lead's out-of-office answer the first send a
// few minutes after it.
func (p *planner) awayAfterFirstSend() {
	for i, st := range p.steps {
		if st.kind != store.EventEmailSent {
			continue
		}
		at := p.off[i] + 2*minute + time.Duration(p.rnd.Int64N(int64(6*minute)))
		p.steps = slices.Insert(p.steps, i+1, step{mail: mailAutoReply})
		p.off = slices.Insert(p.off, i+1, at)
		return
	}
}

// oldThreads are the people the demo user first wrote to years ago: a
// thread that went quiet, picked up again by the recent history.
var oldThreads = []string{"Jürgen Müller", "Siobhan O'Brien", "Søren Kjærgaard"}

// oldChapter puts a years-old chapter before a story: the lead was created
// two to three years ago, got a first Smart Mail, answered, the owner
// answered from their phone, and weeks later the lead said not now. The
// story's own "created" step gives way to the old one.
func (s *seeder) oldChapter(story []step) []step {
	start := workingHours(s.now.AddDate(-2, 0, -s.rnd.IntN(365)), time.Duration(s.rnd.Int64N(int64(8*hour))))
	at := start
	next := func(lo, hi time.Duration) time.Time {
		at = at.Add(lo + time.Duration(s.rnd.Int64N(int64(hi-lo))))
		return at.Truncate(time.Second)
	}
	old := []step{{at: start.Truncate(time.Second), kind: store.EventCreated}}
	old = append(old,
		step{at: workingHours(next(day, 3*day), 0).Truncate(time.Second), kind: store.EventEmailSent, template: firstSmartMail})
	at = old[1].at
	old = append(old,
		step{at: awake(next(3*hour, 2*day), 0), mail: mailReply, detail: one(s.rnd, oldReplies...)})
	at = old[len(old)-1].at
	old = append(old, step{at: next(20*minute, 2*hour), mail: mailPhone, detail: one(s.rnd, phoneAnswers...)})
	in := one(s.rnd, oldInbound...)
	old = append(old, step{at: awake(next(20*day, 40*day), 0), mail: mailInbound, subject: in[0], detail: in[1]})
	at = old[len(old)-1].at
	old = append(old, step{at: workingHours(next(hour, day), 0).Truncate(time.Second), kind: store.EventNote,
		detail: "Parked: they stay with their current tools for now. Check back in a year or two."})
	return append(old, story[1:]...)
}

// place times the steps from start with the planned gaps times scale, moving
// the team's own actions into working hours, and reports whether the story
// ends at least two hours before now.
func (p *planner) place(start time.Time, scale float64, jitter []time.Duration) bool {
	at := start
	for i := range p.steps {
		gap := p.off[i]
		if i > 0 {
			gap -= p.off[i-1]
		}
		at = at.Add(time.Duration(float64(gap) * scale))
		// The team works office hours; the leads write while awake, and
		// their mail programs answer at any hour.
		switch k := p.steps[i].kind; {
		case k == "" && p.steps[i].mail != mailAutoReply && p.steps[i].mail != mailBounce:
			at = awake(at, jitter[i])
		case k != "" && k != store.EventEmailOpened && k != store.EventEmailClicked:
			at = workingHours(at, jitter[i])
		}
		p.steps[i].at = at.Truncate(time.Second)
	}
	return !p.steps[len(p.steps)-1].at.After(p.now.Add(-2 * hour))
}

// workingHours returns t if it falls on a weekday between 08:00 and 18:00
// UTC (the team's London office), else the next working morning plus jitter.
func workingHours(t time.Time, jitter time.Duration) time.Time {
	if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday && t.Hour() >= 8 && t.Hour() < 18 {
		return t
	}
	d := time.Date(t.Year(), t.Month(), t.Day(), 8, 0, 0, 0, time.UTC)
	if t.Hour() >= 8 {
		d = d.AddDate(0, 0, 1)
	}
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	return d.Add(jitter)
}

// awake returns t if it falls between 07:00 and 21:00 UTC, else the next
// 07:00 plus jitter (at most three hours of it): when a lead writes.
func awake(t time.Time, jitter time.Duration) time.Time {
	if t.Hour() >= 7 && t.Hour() < 21 {
		return t
	}
	d := time.Date(t.Year(), t.Month(), t.Day(), 7, 0, 0, 0, time.UTC)
	if t.Hour() >= 21 {
		d = d.AddDate(0, 0, 1)
	}
	return d.Add(jitter % (3 * time.Hour)).Truncate(time.Second)
}

func (p *planner) intro() string {
	return one(p.rnd, firstSmartMail, firstSmartMail, "Introduction — teams in your industry",
		"Event — meet us at RevOps Live")
}

func (p *planner) phoneOnly() {
	p.note("Called the main line: no email on file, prefers phone. " + one(p.rnd, callNotes...))
	path := statusPath(p.c.Status)
	for i := 1; i < len(path); i++ {
		if i > 1 {
			p.note(one(p.rnd, callNotes...))
		}
		p.status(path[i-1], path[i])
	}
}

// statusPath is how a lead usually travels to status to.
func statusPath(to store.Status) []store.Status {
	switch to {
	case store.StatusUnqualified:
		return []store.Status{store.StatusOpen, store.StatusUnqualified}
	case store.StatusQualified:
		return []store.Status{store.StatusOpen, store.StatusQualified}
	case store.StatusContact:
		return []store.Status{store.StatusOpen, store.StatusQualified, store.StatusContact}
	case store.StatusContactWithOpportunity:
		return []store.Status{store.StatusOpen, store.StatusQualified, store.StatusContactWithOpportunity}
	}
	return []store.Status{store.StatusOpen}
}

func (p *planner) arcOpen() {
	p.send(p.intro())
	if p.maybe(60) {
		p.open()
		if p.maybe(40) {
			p.click()
		}
	}
	if p.maybe(40) {
		// No answer: try again a few weeks later.
		p.add(12*day, 30*day, step{kind: store.EventEmailSent,
			template: one(p.rnd, "Success story — Meridian Freight", "Re-engage — it's been a while")})
	}
}

func (p *planner) arcUnqualified() {
	p.send(p.intro())
	p.open()
	p.reply(one(p.rnd, notFitReplies...))
	p.note(one(p.rnd, unqualifiedNotes...))
	p.status(store.StatusOpen, store.StatusUnqualified)
}

func (p *planner) arcQualified() {
	p.send(p.intro())
	p.open()
	if p.maybe(50) {
		p.click()
	}
	p.reply(one(p.rnd, interestedReplies...))
	p.note(one(p.rnd, callNotes...))
	p.status(store.StatusOpen, store.StatusQualified)
	if p.c.Custom["plan_interest"] != "" {
		p.send("Pricing — your plan options")
		p.open()
	}
}

func (p *planner) arcContact() {
	in := one(p.rnd, inbound...)
	p.receive(in[0], in[1])
	p.note(one(p.rnd, callNotes...))
	p.status(store.StatusOpen, store.StatusQualified)
	p.send("Demo — 20-minute walkthrough")
	p.open()
	p.click()
	p.reply(one(p.rnd, demoReplies...))
	p.note(one(p.rnd, demoNotes...))
	p.status(store.StatusQualified, store.StatusContact)
	if p.maybe(50) {
		p.send(one(p.rnd, "Success story — Meridian Freight", "Trial — getting started"))
		if p.maybe(70) {
			p.open()
		}
	}
}

func (p *planner) arcOpportunity() {
	p.send(p.intro())
	p.open()
	p.reply(one(p.rnd, interestedReplies...))
	p.status(store.StatusOpen, store.StatusQualified)
	p.note(one(p.rnd, callNotes...))
	if p.c.Custom["plan_interest"] != "" {
		p.send("Pricing — your plan options")
	} else {
		p.send("Demo — 20-minute walkthrough")
	}
	p.open()
	p.click()
	p.reply(one(p.rnd, pricingReplies...))
	p.opportunity()
	p.status(store.StatusQualified, store.StatusContactWithOpportunity)
}

// opportunity adds the note that tells of the opportunity, in the
// contact's currency, with the opportunity itself, which history puts in
// the pipeline just after it: same seats, value and stage.
func (p *planner) opportunity() {
	plan := p.c.Custom["plan_interest"]
	if plan == "" {
		plan = "Pro"
	}
	seats := 10 + 5*p.rnd.IntN(11)
	// One of the three stages after the first, as the note always said.
	stage := p.stages[min(1+p.rnd.IntN(3), len(p.stages)-1)]
	o := newOppPlan(p.c, plan, seats, stage)
	p.note(fmt.Sprintf("Opportunity created: %d seats of %s, %s/yr, stage %s (%d%%).",
		seats, plan, o.value.Short(), stage.Name, stage.Probability))
	p.steps[len(p.steps)-1].opp = &o
}

var callNotes = []string{
	"Call: interested in the Pro plan, call back in Q1.",
	"Call: forecasting is a board topic since last quarter's miss. Wants a trial with real data.",
	"Call: runs the pipeline in spreadsheets plus an old CRM; import is the main worry.",
	"Call: budget approved for next year, decision by the end of the month.",
	"Call: asked about SSO and EU data residency. Sent the security overview.",
	"Call: comparing us with two other vendors; price and onboarding time will decide.",
	"Call: new Head of Sales started in September and is rebuilding the reporting.",
}

var notFitReplies = []string{
	"Thanks, but we signed a three-year contract with another vendor last spring.",
	"We're too small for this right now. Maybe next year.",
	"Not a priority this year, we're restructuring the sales team.",
}

var unqualifiedNotes = []string{
	"Not a fit right now: locked into a contract until 2028. Re-engage in a year.",
	"Team of three, no forecasting process yet. Parked.",
	"No budget this year. Marked unqualified; revisit after their restructuring.",
}

var interestedReplies = []string{
	"Sounds interesting. Can you send pricing for about 20 users?",
	"Good timing, we're reviewing our tools this quarter. Free for a call on Thursday?",
	"Thanks! Forwarding this to our COO, who owns the forecast. Expect a call.",
	"Yes, let's talk. Mornings are best for me.",
}

var demoReplies = []string{
	"Tuesday at 10:00 works for us.",
	"Thursday afternoon is best. Can we include our CFO?",
	"Booked for Monday. I'll bring two people from operations.",
}

var demoNotes = []string{
	"Demo done with three people; they liked the forecast view. Sending trial details.",
	"Demo done: strong interest from finance, concerns about the import. Follow up next week.",
	"Demo done. Decision maker attended; asked for references in their industry.",
}

// inbound emails a lead sent us first: subject and text.
var inbound = [][2]string{
	{"Question about integrations", "Do you integrate with our accounting system? We'd need invoices to sync both ways."},
	{"Trial request", "Could we get a trial workspace for the sales team (8 people)?"},
	{"Security questionnaire", "Our IT team needs the attached questionnaire filled in before we go further."},
	{"Saw you at the trade show", "We spoke briefly at your stand. Could you send the forecasting one-pager?"},
}

// pricingReplies are the replies of people working towards an opportunity.
var pricingReplies = []string{
	"Thanks for the details. Could you do 10% off for a two-year commitment?",
	"Is the price per named user? And is onboarding included?",
	"Legal has the contract now; expect their comments by Friday.",
	"We'd like to start with the sales team and add finance in Q2.",
}

// oldReplies are the first answers, years ago, of the leads of oldThreads.
var oldReplies = []string{
	"Thanks for reaching out. Forecasting is on our list, but not before next year's budget. Could you send something I can forward to our CFO?",
	"Interesting timing: we just finished a painful quarter-end. What would a pilot for one team look like?",
}

// phoneAnswers are what the owner wrote back from their phone.
var phoneAnswers = []string{
	"Of course. I'll send the overview and a short customer story tomorrow morning.\n\nSent from my iPhone",
	"Happy to. A pilot is usually one team for 30 days, import included. I'll put the details together when I'm back at my desk.\n\nSent from my iPhone",
}

// oldInbound are the leads' last words in the years-old threads.
var oldInbound = [][2]string{
	{"Forecasting project on hold", "We've decided to stay with our current setup for now: the budget went to the warehouse system. Let's talk again in a year or two."},
	{"Our evaluation", "Thank you for the material. The board has postponed the project; I'll be in touch when it is back on the table."},
}
