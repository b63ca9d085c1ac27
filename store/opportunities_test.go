package store

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// oppWorld is a database with two users and three contacts.
type oppWorld struct {
	db         *DB
	clock      *testClock
	ann, bob   User
	c1, c2, c3 Contact
	stages     map[string]Stage
}

func newOppWorld(t *testing.T) *oppWorld {
	t.Helper()
	db, clock := openTest(t, nil)
	w := &oppWorld{db: db, clock: clock, ann: mustUser(t, db, "ann@example.com"), bob: mustUser(t, db, "bob@example.com")}
	w.c1 = mustContact(t, db, "Carla", "Ortiz", "carla@acme.test")
	w.c2 = mustContact(t, db, "Dan", "Lee", "dan@acme.test")
	w.c3 = mustContact(t, db, "Eve", "Moss", "eve@globex.test")
	ss, err := db.Stages(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	w.stages = map[string]Stage{}
	for _, s := range ss {
		w.stages[s.Name] = s
	}
	return w
}

// opp creates an opportunity in stage with the primary p and others.
func (w *oppWorld) opp(t *testing.T, name string, value Money, stage string, p int64, others ...int64) Opportunity {
	t.Helper()
	o := Opportunity{Name: name, Value: value, StageID: w.stages[stage].ID, PrimaryContactID: p, ContactIDs: others}
	if err := w.db.CreateOpportunity(t.Context(), &o, w.ann.ID); err != nil {
		t.Fatalf("CreateOpportunity %s: %v", name, err)
	}
	return o
}

func eur(major int64) Money { return Money{Minor: major * 100, Currency: "EUR"} }

// oppSnapshot is every row an opportunity call may write, to prove a
// refusal wrote nothing.
func oppSnapshot(t *testing.T, db *DB) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id, name, value_minor, currency, stage_id, ifnull(close_date, '-'), owner_id,
    primary_contact_id, state, lost_reason, version, updated_at FROM opportunities ORDER BY id`,
		`SELECT opportunity_id, contact_id FROM opportunity_contacts ORDER BY 1, 2`,
		`SELECT id, contact_id, kind, subject, ifnull(opportunity_id, 0) FROM events ORDER BY id`,
		`SELECT id, status, kind, version FROM contacts ORDER BY id`,
		`SELECT id, name, position, probability, outcome FROM stages ORDER BY id`,
	} {
		func() {
			rows, err := db.sql.QueryContext(t.Context(), q)
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
				fmt.Fprintln(&b, vals...)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
		}()
	}
	return b.String()
}

// eventsOf returns the contact's events of kind, oldest first.
func eventsOf(t *testing.T, db *DB, contactID int64, kind EventKind) []Event {
	t.Helper()
	es, err := db.Timeline(t.Context(), contactID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []Event
	for i := len(es) - 1; i >= 0; i-- {
		if es[i].Kind == kind {
			out = append(out, es[i])
		}
	}
	return out
}

func contactStatus(t *testing.T, db *DB, id int64) (Status, Kind) {
	t.Helper()
	c, err := db.GetContact(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Status, c.Kind
}

func TestCreateOpportunity(t *testing.T) {
	w := newOppWorld(t)
	ctx := t.Context()
	if _, err := w.db.SetStatus(ctx, w.c1.ID, StatusQualified, w.ann.ID); err != nil {
		t.Fatal(err)
	}
	close := time.Date(2026, 4, 30, 23, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	o := Opportunity{Name: "  Acme renewal ", Value: eur(12000), StageID: w.stages["proposal"].ID,
		CloseDate: close, PrimaryContactID: w.c1.ID, ContactIDs: []int64{w.c2.ID, w.c1.ID, w.c2.ID}}
	if err := w.db.CreateOpportunity(ctx, &o, w.ann.ID); err != nil {
		t.Fatal(err)
	}
	if o.ID == 0 || o.Version != 1 || o.State != OutcomeOpen || o.Name != "Acme renewal" ||
		o.Stage.Name != "proposal" || o.Stage.Probability != 50 || o.OwnerID != w.ann.ID ||
		o.OwnerName != w.ann.Name || o.PrimaryName != "Carla Ortiz" {
		t.Errorf("created %+v", o)
	}
	if got := o.CloseDate.Format(time.DateOnly); got != "2026-04-30" {
		t.Errorf("close date %s, want the date as written, 2026-04-30", got)
	}
	if !reflect.DeepEqual(o.ContactIDs, []int64{w.c1.ID, w.c2.ID}) {
		t.Errorf("contacts %v, want the primary then the other, once each", o.ContactIDs)
	}
	if got := o.Weighted().String(); got != "€6,000.00" {
		t.Errorf("weighted %s, want €6,000.00", got)
	}
	got, err := w.db.GetOpportunity(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Contacts) != 2 || !got.Contacts[0].Primary || got.Contacts[0].Name != "Carla Ortiz" ||
		got.Contacts[1].Primary || got.Contacts[1].Email != "dan@acme.test" {
		t.Errorf("contacts %+v", got.Contacts)
	}
	for _, c := range []Contact{w.c1, w.c2} {
		evs := eventsOf(t, w.db, c.ID, EventOpportunityCreated)
		if len(evs) != 1 || evs[0].OpportunityID != o.ID || evs[0].Subject != "Opportunity: Acme renewal" ||
			evs[0].Detail != "€12,000.00 · proposal · closes 2026-04-30" || evs[0].Data["by"] != w.ann.Name ||
			evs[0].Data["opportunity_id"] != idString(o.ID) {
			t.Errorf("contact %d created events %+v", c.ID, evs)
		}
		if s, k := contactStatus(t, w.db, c.ID); s != StatusContactWithOpportunity || k != KindContact {
			t.Errorf("contact %d is %s %s, want a contact with opportunity", c.ID, s, k)
		}
	}
	st := eventsOf(t, w.db, w.c1.ID, EventStatus)
	last := st[len(st)-1]
	if last.Subject != "Status: qualified → contact with opportunity" || last.Data["by"] != w.ann.Name ||
		last.Data["new"] != string(StatusContactWithOpportunity) || last.Data["kind"] != "contact" {
		t.Errorf("status event %+v", last)
	}
	if s, _ := contactStatus(t, w.db, w.c3.ID); s != StatusOpen {
		t.Errorf("a contact off the opportunity changed to %s", s)
	}
}

func TestCreateOpportunityDefaults(t *testing.T) {
	w := newOppWorld(t)
	o := Opportunity{Name: "Quick one", Value: Money{0, "USD"}, PrimaryContactID: w.c3.ID, OwnerID: w.bob.ID}
	if err := w.db.CreateOpportunity(t.Context(), &o, w.ann.ID); err != nil {
		t.Fatal(err)
	}
	if o.Stage.Name != "qualification" || o.OwnerID != w.bob.ID || !o.CloseDate.IsZero() {
		t.Errorf("defaults: stage %s, owner %d, close %v", o.Stage.Name, o.OwnerID, o.CloseDate)
	}
}

func TestCreateOpportunityRefusals(t *testing.T) {
	w := newOppWorld(t)
	w.opp(t, "Existing", eur(1), "proposal", w.c1.ID)
	good := func() Opportunity {
		return Opportunity{Name: "Deal", Value: eur(100), StageID: w.stages["proposal"].ID, PrimaryContactID: w.c2.ID}
	}
	for _, tc := range []struct {
		name string
		edit func(*Opportunity)
		by   int64
		says string
	}{
		{"no name", func(o *Opportunity) { o.Name = "  " }, 0, "needs a name"},
		{"control character", func(o *Opportunity) { o.Name = "Deal\x1b[31m" }, 0, "control character"},
		{"right-to-left override", func(o *Opportunity) { o.Name = "Deal\u202e" }, 0, "right-to-left"},
		{"long name", func(o *Opportunity) { o.Name = strings.Repeat("x", MaxFieldLen+1) }, 0, "at most 200"},
		{"negative value", func(o *Opportunity) { o.Value.Minor = -1 }, 0, "negative"},
		{"huge value", func(o *Opportunity) { o.Value.Minor = MaxMoneyMinor + 1 }, 0, "too large"},
		{"no currency", func(o *Opportunity) { o.Value.Currency = "" }, 0, "needs its currency"},
		{"lower-case currency", func(o *Opportunity) { o.Value.Currency = "eur" }, 0, "capitals"},
		{"unknown currency", func(o *Opportunity) { o.Value.Currency = "XYZ" }, 0, "ISO 4217"},
		{"unknown stage", func(o *Opportunity) { o.StageID = 999 }, 0, "stage 999 does not exist"},
		{"won stage", func(o *Opportunity) { o.StageID = w.stages["won"].ID }, 0, "starts in an open stage"},
		{"lost stage", func(o *Opportunity) { o.StageID = w.stages["lost"].ID }, 0, "starts in an open stage"},
		{"no primary", func(o *Opportunity) { o.PrimaryContactID = 0 }, 0, "needs a primary contact"},
		{"unknown primary", func(o *Opportunity) { o.PrimaryContactID = 999 }, 0, "contact 999 does not exist"},
		{"unknown other", func(o *Opportunity) { o.ContactIDs = []int64{w.c3.ID, 998} }, 0, "contact 998 does not exist"},
		{"unknown owner", func(o *Opportunity) { o.OwnerID = 77 }, 0, "user 77 does not exist"},
		{"unknown author", func(o *Opportunity) {}, 55, "user 55 does not exist"},
		{"no owner", func(o *Opportunity) {}, -1, "needs an owner"},
		{"year 0", func(o *Opportunity) { o.CloseDate = time.Date(5, 1, 1, 0, 0, 0, 0, time.UTC) }, 0, "close date"},
		{"too many contacts", func(o *Opportunity) {
			for i := range MaxOpportunityContacts + 1 {
				o.ContactIDs = append(o.ContactIDs, int64(1000+i))
			}
		}, 0, "at most 50"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := oppSnapshot(t, w.db)
			o := good()
			tc.edit(&o)
			by := w.ann.ID
			switch {
			case tc.by > 0:
				by = tc.by
			case tc.by < 0:
				by = 0
			}
			err := w.db.CreateOpportunity(t.Context(), &o, by)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("error %v, want ErrInvalid saying %q", err, tc.says)
			}
			if o.ID != 0 {
				t.Errorf("refused opportunity got id %d", o.ID)
			}
			if after := oppSnapshot(t, w.db); after != before {
				t.Errorf("a refusal wrote:\n%s\nwas:\n%s", after, before)
			}
		})
	}
}

func TestUpdateOpportunity(t *testing.T) {
	w := newOppWorld(t)
	ctx := t.Context()
	o := w.opp(t, "Acme renewal", eur(10000), "proposal", w.c1.ID)
	w.clock.Advance(time.Minute)
	name, value, owner, primary := "Acme renewal 2027", eur(12000), w.bob.ID, w.c2.ID
	close := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	saved, err := w.db.UpdateOpportunity(ctx, o.ID, o.Version, OpportunityChanges{Name: &name, Value: &value,
		CloseDate: &close, OwnerID: &owner, PrimaryContactID: &primary}, w.ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Version != o.Version+1 || saved.Name != name || saved.Value != value || saved.OwnerID != w.bob.ID ||
		saved.PrimaryContactID != w.c2.ID || saved.CloseDate.Format(time.DateOnly) != "2026-06-30" ||
		!reflect.DeepEqual(saved.ContactIDs, []int64{w.c2.ID, w.c1.ID}) {
		t.Errorf("saved %+v", saved)
	}
	var details []string
	for _, e := range eventsOf(t, w.db, w.c1.ID, EventOpportunityEdited) {
		details = append(details, e.Subject+": "+e.Detail)
		if e.OpportunityID != o.ID {
			t.Errorf("edit event %+v not on the opportunity", e)
		}
	}
	want := []string{
		"Edited opportunity name: name changed from Acme renewal to Acme renewal 2027",
		"Edited opportunity value: value changed from €10,000.00 to €12,000.00",
		"Edited opportunity close date: close date set to 2026-06-30",
		"Edited opportunity owner: owner changed from User ann@example.com to User bob@example.com",
		"Edited opportunity primary contact: primary contact changed from Carla Ortiz to Dan Lee",
	}
	if !reflect.DeepEqual(details, want) {
		t.Errorf("edit events\n%s\nwant\n%s", strings.Join(details, "\n"), strings.Join(want, "\n"))
	}
	if s, _ := contactStatus(t, w.db, w.c2.ID); s != StatusContactWithOpportunity {
		t.Errorf("the new primary is %s", s)
	}
	if got := eventsOf(t, w.db, w.c2.ID, EventOpportunityEdited); len(got) != 5 {
		t.Errorf("the new primary has %d edit events, want 5", len(got))
	}

	t.Run("unchanged writes nothing", func(t *testing.T) {
		before := oppSnapshot(t, w.db)
		got, err := w.db.UpdateOpportunity(ctx, o.ID, saved.Version, OpportunityChanges{Name: &name, Value: &value}, w.ann.ID)
		if err != nil || got.Version != saved.Version {
			t.Fatalf("%+v, %v", got, err)
		}
		if after := oppSnapshot(t, w.db); after != before {
			t.Error("an edit that changes nothing wrote")
		}
	})
	t.Run("stale", func(t *testing.T) {
		before := oppSnapshot(t, w.db)
		other := "Mine"
		_, err := w.db.UpdateOpportunity(ctx, o.ID, o.Version, OpportunityChanges{Name: &other}, w.bob.ID)
		var stale *StaleOpportunityError
		if !errors.As(err, &stale) || !errors.Is(err, ErrConflict) || stale.Current.Name != name ||
			!strings.Contains(err.Error(), "changed since you opened it") {
			t.Fatalf("error %v, want a stale error with the current opportunity", err)
		}
		if after := oppSnapshot(t, w.db); after != before {
			t.Error("a stale edit wrote")
		}
	})
	t.Run("refusals", func(t *testing.T) {
		empty, neg, unknown, noOwner := " ", Money{-5, "EUR"}, int64(999), int64(0)
		old := time.Date(1066, 10, 14, 0, 0, 0, 0, time.UTC)
		for _, ch := range []OpportunityChanges{{Name: &empty}, {Value: &neg}, {OwnerID: &unknown},
			{OwnerID: &noOwner}, {PrimaryContactID: &unknown}, {CloseDate: &old}} {
			before := oppSnapshot(t, w.db)
			_, err := w.db.UpdateOpportunity(ctx, o.ID, saved.Version, ch, w.ann.ID)
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("%+v: %v, want ErrInvalid", ch, err)
			}
			if after := oppSnapshot(t, w.db); after != before {
				t.Errorf("%+v: a refusal wrote", ch)
			}
		}
		if _, err := w.db.UpdateOpportunity(ctx, 4242, 1, OpportunityChanges{Name: &name}, w.ann.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown id: %v", err)
		}
	})
	t.Run("close date removed", func(t *testing.T) {
		none := time.Time{}
		got, err := w.db.UpdateOpportunity(ctx, o.ID, saved.Version, OpportunityChanges{CloseDate: &none}, w.ann.ID)
		if err != nil || !got.CloseDate.IsZero() {
			t.Fatalf("%+v, %v", got.CloseDate, err)
		}
	})
}

func TestMoveWinLoseFollowStatus(t *testing.T) {
	w := newOppWorld(t)
	ctx := t.Context()
	a := w.opp(t, "Acme renewal", eur(12000), "proposal", w.c1.ID, w.c2.ID)
	b := w.opp(t, "Acme upsell", eur(3000), "qualification", w.c1.ID)

	moved, err := w.db.MoveOpportunity(ctx, a.ID, w.stages["negotiation"].ID, w.bob.ID)
	if err != nil {
		t.Fatal(err)
	}
	if moved.Stage.Name != "negotiation" || moved.State != OutcomeOpen || moved.Version != a.Version+1 {
		t.Errorf("moved %+v", moved)
	}
	for _, c := range []int64{w.c1.ID, w.c2.ID} {
		evs := eventsOf(t, w.db, c, EventStageChanged)
		if len(evs) != 1 || evs[0].Subject != "Stage: proposal → negotiation" || evs[0].Data["by"] != w.bob.Name ||
			evs[0].OpportunityID != a.ID || evs[0].Data["old"] != "proposal" || evs[0].Data["new"] != "negotiation" {
			t.Errorf("contact %d stage events %+v", c, evs)
		}
	}
	if again, err := w.db.MoveOpportunity(ctx, a.ID, w.stages["negotiation"].ID, w.bob.ID); err != nil || again.Version != moved.Version {
		t.Errorf("moving to the same stage: %+v, %v", again, err)
	}

	before := oppSnapshot(t, w.db)
	for _, err := range []error{
		func() error { _, err := w.db.MoveOpportunity(ctx, a.ID, w.stages["lost"].ID, w.bob.ID); return err }(),
		func() error { _, err := w.db.MoveOpportunity(ctx, a.ID, 999, w.bob.ID); return err }(),
		func() error { _, err := w.db.LoseOpportunity(ctx, a.ID, "  ", w.bob.ID); return err }(),
		func() error { _, err := w.db.LoseOpportunity(ctx, a.ID, "no\x07bell", w.bob.ID); return err }(),
		func() error { _, err := w.db.WinOpportunity(ctx, a.ID, 999); return err }(),
	} {
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("refusal: %v, want ErrInvalid", err)
		}
	}
	if _, err := w.db.MoveOpportunity(ctx, 999, w.stages["won"].ID, w.bob.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown opportunity: %v", err)
	}
	if after := oppSnapshot(t, w.db); after != before {
		t.Error("a refused move wrote")
	}

	// Lost: Dan has no other opportunity and goes back to contact; Carla
	// still has the upsell.
	lost, err := w.db.LoseOpportunity(ctx, a.ID, "went with a competitor", w.bob.ID)
	if err != nil {
		t.Fatal(err)
	}
	if lost.State != OutcomeLost || lost.LostReason != "went with a competitor" || lost.Stage.Name != "lost" {
		t.Errorf("lost %+v", lost)
	}
	if evs := eventsOf(t, w.db, w.c2.ID, EventOpportunityLost); len(evs) != 1 || evs[0].Subject != "Lost: Acme renewal" ||
		evs[0].Detail != "went with a competitor" || evs[0].Data["reason"] != "went with a competitor" {
		t.Errorf("lost events %+v", evs)
	}
	if s, k := contactStatus(t, w.db, w.c2.ID); s != StatusContact || k != KindContact {
		t.Errorf("Dan is %s %s after his only opportunity was lost, want contact", s, k)
	}
	st := eventsOf(t, w.db, w.c2.ID, EventStatus)
	if last := st[len(st)-1]; last.Subject != "Status: contact with opportunity → contact" || last.Data["by"] != w.bob.Name {
		t.Errorf("Dan's last status event %+v", last)
	}
	if s, _ := contactStatus(t, w.db, w.c1.ID); s != StatusContactWithOpportunity {
		t.Errorf("Carla is %s with the upsell still open", s)
	}

	// Won: Carla's last open opportunity closes.
	won, err := w.db.WinOpportunity(ctx, b.ID, w.ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	if won.State != OutcomeWon || won.Stage.Name != "won" || won.LostReason != "" {
		t.Errorf("won %+v", won)
	}
	if evs := eventsOf(t, w.db, w.c1.ID, EventOpportunityWon); len(evs) != 1 || evs[0].Subject != "Won: Acme upsell" ||
		evs[0].Detail != "€3,000.00" {
		t.Errorf("won events %+v", evs)
	}
	if s, _ := contactStatus(t, w.db, w.c1.ID); s != StatusContact {
		t.Errorf("Carla is %s with nothing open, want contact", s)
	}
	if again, err := w.db.WinOpportunity(ctx, b.ID, w.ann.ID); err != nil || again.Version != won.Version {
		t.Errorf("winning again: %+v, %v", again, err)
	}

	// Reopened: back in the pipeline, back to contact with opportunity.
	re, err := w.db.MoveOpportunity(ctx, a.ID, w.stages["proposal"].ID, w.ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	if re.State != OutcomeOpen || re.LostReason != "" {
		t.Errorf("reopened %+v", re)
	}
	for _, c := range []int64{w.c1.ID, w.c2.ID} {
		if s, _ := contactStatus(t, w.db, c); s != StatusContactWithOpportunity {
			t.Errorf("contact %d is %s after the reopening", c, s)
		}
	}
	if evs := eventsOf(t, w.db, w.c2.ID, EventStageChanged); evs[len(evs)-1].Detail != "Acme renewal · open again" {
		t.Errorf("reopen event %+v", evs[len(evs)-1])
	}
}

func TestOpportunityContacts(t *testing.T) {
	w := newOppWorld(t)
	ctx := t.Context()
	o := w.opp(t, "Globex pilot", eur(500), "qualification", w.c1.ID)
	added, err := w.db.AddOpportunityContact(ctx, o.ID, w.c3.ID, w.ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(added.ContactIDs, []int64{w.c1.ID, w.c3.ID}) || added.Version != o.Version+1 {
		t.Errorf("added %+v", added)
	}
	if s, _ := contactStatus(t, w.db, w.c3.ID); s != StatusContactWithOpportunity {
		t.Errorf("added contact is %s", s)
	}
	if evs := eventsOf(t, w.db, w.c1.ID, EventOpportunityEdited); len(evs) != 1 || evs[0].Subject != "Contact added: Eve Moss" {
		t.Errorf("primary's events %+v", evs)
	}
	if again, err := w.db.AddOpportunityContact(ctx, o.ID, w.c3.ID, w.ann.ID); err != nil || again.Version != added.Version {
		t.Errorf("adding twice: %+v, %v", again, err)
	}

	before := oppSnapshot(t, w.db)
	for name, call := range map[string]func() error{
		"primary":         func() error { _, err := w.db.RemoveOpportunityContact(ctx, o.ID, w.c1.ID, w.ann.ID); return err },
		"not on it":       func() error { _, err := w.db.RemoveOpportunityContact(ctx, o.ID, w.c2.ID, w.ann.ID); return err },
		"unknown contact": func() error { _, err := w.db.AddOpportunityContact(ctx, o.ID, 999, w.ann.ID); return err },
		"unknown author":  func() error { _, err := w.db.AddOpportunityContact(ctx, o.ID, w.c2.ID, 999); return err },
	} {
		if err := call(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	if _, err := w.db.RemoveOpportunityContact(ctx, o.ID, w.c1.ID, w.ann.ID); err == nil ||
		!strings.Contains(err.Error(), "Carla Ortiz is the primary contact of Globex pilot: make another contact primary first") {
		t.Errorf("primary removal sentence: %v", err)
	}
	if after := oppSnapshot(t, w.db); after != before {
		t.Error("a refused contact change wrote")
	}

	removed, err := w.db.RemoveOpportunityContact(ctx, o.ID, w.c3.ID, w.bob.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(removed.ContactIDs, []int64{w.c1.ID}) {
		t.Errorf("after removal %v", removed.ContactIDs)
	}
	if s, _ := contactStatus(t, w.db, w.c3.ID); s != StatusContact {
		t.Errorf("removed contact is %s, want contact", s)
	}
	if evs := eventsOf(t, w.db, w.c3.ID, EventOpportunityEdited); len(evs) != 2 || evs[1].Subject != "Contact removed: Eve Moss" {
		t.Errorf("removed contact's events %+v", evs)
	}
	of, err := w.db.OpportunitiesOf(ctx, w.c3.ID)
	if err != nil || len(of) != 0 {
		t.Errorf("OpportunitiesOf removed contact: %v, %v", of, err)
	}
}

func TestStatusByHandRefusesContactWithOpportunity(t *testing.T) {
	w := newOppWorld(t)
	ctx := t.Context()
	before := oppSnapshot(t, w.db)
	_, err := w.db.SetStatus(ctx, w.c2.ID, StatusContactWithOpportunity, w.ann.ID)
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "set by opening an opportunity") {
		t.Errorf("SetStatus(contact_with_opportunity): %v", err)
	}
	cwo := StatusContactWithOpportunity
	c2, _ := w.db.GetContact(ctx, w.c2.ID)
	if _, err := w.db.UpdateContact(ctx, w.c2.ID, c2.Version, ContactChanges{Status: &cwo}); !errors.Is(err, ErrInvalid) {
		t.Errorf("UpdateContact to contact_with_opportunity: %v", err)
	}
	if after := oppSnapshot(t, w.db); after != before {
		t.Error("a refused status wrote")
	}
	if steps := StatusSteps(StatusContact); strings.Contains(fmt.Sprint(steps), string(cwo)) {
		t.Errorf("the chooser offers %v", steps)
	}
	w.opp(t, "Deal", eur(1), "proposal", w.c2.ID)
	before = oppSnapshot(t, w.db)
	_, err = w.db.SetStatus(ctx, w.c2.ID, StatusQualified, w.ann.ID)
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "its status follows the opportunity") {
		t.Errorf("SetStatus on a contact with opportunity: %v", err)
	}
	if after := oppSnapshot(t, w.db); after != before {
		t.Error("a refused status wrote")
	}
}

func TestOpportunityTimeline(t *testing.T) {
	w := newOppWorld(t)
	ctx := t.Context()
	o := w.opp(t, "Acme renewal", eur(12000), "proposal", w.c1.ID, w.c2.ID)
	w.clock.Advance(time.Minute)
	if _, err := w.db.MoveOpportunity(ctx, o.ID, w.stages["negotiation"].ID, w.ann.ID); err != nil {
		t.Fatal(err)
	}
	w.clock.Advance(time.Minute)
	if _, err := w.db.MoveOpportunity(ctx, o.ID, w.stages["proposal"].ID, w.ann.ID); err != nil {
		t.Fatal(err)
	}
	// An event written by another path on one contact only.
	if err := w.db.AddEvent(ctx, &Event{ContactID: w.c2.ID, Kind: EventNote, Subject: "Note",
		Detail: "call back Tuesday", OpportunityID: o.ID}); err != nil {
		t.Fatal(err)
	}
	other := w.opp(t, "Other", eur(1), "proposal", w.c1.ID)
	es, err := w.db.OpportunityTimeline(ctx, o.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.Subject)
		if e.OpportunityID != o.ID {
			t.Errorf("event %+v of another opportunity", e)
		}
	}
	want := []string{"Note", "Stage: negotiation → proposal", "Stage: proposal → negotiation", "Opportunity: Acme renewal"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("timeline %q, want %q (each event once, newest first)", got, want)
	}
	if es, err := w.db.OpportunityTimeline(ctx, o.ID, 2); err != nil || len(es) != 2 {
		t.Errorf("limit 2: %d, %v", len(es), err)
	}
	if es, err := w.db.OpportunityTimeline(ctx, other.ID, 0); err != nil || len(es) != 1 {
		t.Errorf("other's timeline: %v, %v", es, err)
	}
	of, err := w.db.OpportunitiesOf(ctx, w.c1.ID)
	if err != nil || len(of) != 2 {
		t.Fatalf("OpportunitiesOf: %v, %v", of, err)
	}
}

func TestForgetRefusesAPrimaryContact(t *testing.T) {
	w := newOppWorld(t)
	ctx := t.Context()
	o := w.opp(t, "Acme renewal", eur(12000), "proposal", w.c1.ID, w.c2.ID)
	before := oppSnapshot(t, w.db)
	_, err := w.db.Forget(ctx, w.c1.ID)
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "Carla Ortiz is the primary contact of Acme renewal") {
		t.Fatalf("Forget primary: %v", err)
	}
	if after := oppSnapshot(t, w.db); after != before {
		t.Error("a refused Forget wrote")
	}
	if _, err := w.db.Forget(ctx, w.c2.ID); err != nil {
		t.Fatalf("Forget another contact: %v", err)
	}
	got, err := w.db.GetOpportunity(ctx, o.ID)
	if err != nil || !reflect.DeepEqual(got.ContactIDs, []int64{w.c1.ID}) {
		t.Errorf("after Forget: %v, %v", got.ContactIDs, err)
	}
}

func TestGetOpportunityNotFound(t *testing.T) {
	w := newOppWorld(t)
	if _, err := w.db.GetOpportunity(t.Context(), 12345); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetOpportunity(unknown): %v", err)
	}
}
