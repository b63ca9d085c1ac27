package store

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDefaultStages(t *testing.T) {
	w := newOppWorld(t)
	ss, err := w.db.Stages(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range ss {
		got = append(got, fmt.Sprintf("%s %d %s", s.Name, s.Probability, s.Outcome))
	}
	want := []string{"qualification 10 open", "needs analysis 25 open", "proposal 50 open",
		"negotiation 75 open", "won 100 won", "lost 0 lost"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stages %q, want %q", got, want)
	}
	if s, err := w.db.StageByName(t.Context(), " Proposal "); err != nil || s.Probability != 50 {
		t.Errorf("StageByName: %+v, %v", s, err)
	}
	if _, err := w.db.StageByName(t.Context(), "demo"); !errors.Is(err, ErrInvalid) ||
		!strings.Contains(err.Error(), "the stages are qualification, needs analysis, proposal, negotiation, won, lost") {
		t.Errorf("StageByName(unknown): %v", err)
	}
}

func TestSetStages(t *testing.T) {
	w := newOppWorld(t)
	ctx := t.Context()
	o := w.opp(t, "Deal", eur(1000), "proposal", w.c1.ID)
	st := func(name string) Stage { return w.stages[name] }
	rename := func(s Stage, name string, p int) Stage { s.Name, s.Probability = name, p; return s }

	// Swap two names, reorder, change a probability, add one, remove one.
	next := []Stage{rename(st("qualification"), "needs analysis", 15), rename(st("needs analysis"), "qualification", 20),
		{Name: "demo", Probability: 40}, rename(st("proposal"), "proposal", 60), st("won"), st("lost")}
	saved, err := w.db.SetStages(ctx, next, w.ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range saved {
		got = append(got, fmt.Sprintf("%d:%s %d %s", s.Position, s.Name, s.Probability, s.Outcome))
	}
	want := []string{"0:needs analysis 15 open", "1:qualification 20 open", "2:demo 40 open",
		"3:proposal 60 open", "4:won 100 won", "5:lost 0 lost"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("saved %q, want %q", got, want)
	}
	g, err := w.db.GetOpportunity(ctx, o.ID)
	if err != nil || g.Stage.Probability != 60 || g.Weighted().String() != "€600.00" {
		t.Errorf("the opportunity's stage after the change: %+v, %v", g.Stage, err)
	}

	for _, tc := range []struct {
		name   string
		stages []Stage
		says   string
	}{
		{"no won", []Stage{st("proposal"), st("lost")}, "exactly one won stage, not 0"},
		{"two lost", []Stage{st("proposal"), st("won"), st("lost"), {Name: "dead", Outcome: OutcomeLost}}, "exactly one lost stage, not 2"},
		{"no open", []Stage{st("won"), st("lost")}, "at least one open stage"},
		{"probability", []Stage{rename(st("proposal"), "proposal", 101), st("won"), st("lost")}, "0 to 100, not 101"},
		{"same name", []Stage{st("proposal"), {Name: "PROPOSAL"}, st("won"), st("lost")}, "two stages are called PROPOSAL"},
		{"no name", []Stage{st("proposal"), {Name: " "}, st("won"), st("lost")}, "stage 2 has no name"},
		{"outcome", []Stage{st("proposal"), {Name: "x", Outcome: "maybe"}, st("won"), st("lost")}, "open, won or lost"},
		{"in use", []Stage{rename(st("qualification"), "qualification", 10), st("won"), st("lost")}, "stage proposal holds 1 opportunity: move them to another stage before removing it"},
		{"outcome in use", []Stage{st("qualification"), {ID: st("proposal").ID, Name: "proposal", Outcome: OutcomeWon}, st("lost")}, "its outcome cannot change"},
		{"unknown id", []Stage{st("proposal"), {ID: 999, Name: "ghost"}, st("won"), st("lost")}, "stage 999 does not exist"},
		{"twice", []Stage{st("proposal"), rename(st("proposal"), "again", 1), st("won"), st("lost")}, "listed twice"},
		{"control", []Stage{st("proposal"), {Name: "a\tb"}, st("won"), st("lost")}, "control character"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := oppSnapshot(t, w.db)
			_, err := w.db.SetStages(ctx, tc.stages, w.ann.ID)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("error %v, want ErrInvalid saying %q", err, tc.says)
			}
			if after := oppSnapshot(t, w.db); after != before {
				t.Error("a refused pipeline wrote")
			}
		})
	}
	if _, err := w.db.SetStages(ctx, saved, 999); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown user: %v", err)
	}
}

// keysetWorld is one stage with opportunities closing on a few dates
// (ties included) and some with no date, two owners.
func keysetWorld(t *testing.T) (*oppWorld, []Opportunity) {
	t.Helper()
	w := newOppWorld(t)
	var all []Opportunity
	for i := range 23 {
		o := Opportunity{Name: fmt.Sprintf("Deal %02d", i), Value: eur(int64(100 * (i + 1))),
			StageID: w.stages["proposal"].ID, PrimaryContactID: w.c1.ID, OwnerID: w.ann.ID}
		if i%3 == 1 {
			o.OwnerID = w.bob.ID
		}
		if i%5 != 4 {
			o.CloseDate = time.Date(2026, time.Month(1+i%4), 10+i%2, 0, 0, 0, 0, time.UTC)
		}
		if err := w.db.CreateOpportunity(t.Context(), &o, w.ann.ID); err != nil {
			t.Fatal(err)
		}
		all = append(all, o)
	}
	// One in another stage, that no column of proposal shows.
	w.opp(t, "Elsewhere", eur(1), "negotiation", w.c2.ID)
	return w, all
}

// displayOrder is the order of a column: soonest close first, none last,
// then by id.
func displayOrder(os []Opportunity, keep func(Opportunity) bool) []string {
	var out []Opportunity
	for _, o := range os {
		if keep(o) {
			out = append(out, o)
		}
	}
	key := func(o Opportunity) string {
		if o.CloseDate.IsZero() {
			return "~"
		}
		return o.CloseDate.Format(time.DateOnly)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && (key(out[j]) < key(out[j-1]) || key(out[j]) == key(out[j-1]) && out[j].ID < out[j-1].ID); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	names := make([]string, len(out))
	for i, o := range out {
		names[i] = o.Name
	}
	return names
}

func TestListOpportunitiesKeysetBothWays(t *testing.T) {
	w, all := keysetWorld(t)
	ctx := t.Context()
	for _, tc := range []struct {
		name string
		q    OpportunityQuery
		keep func(Opportunity) bool
	}{
		{"column", OpportunityQuery{StageID: w.stages["proposal"].ID}, func(Opportunity) bool { return true }},
		{"bob's column", OpportunityQuery{StageID: w.stages["proposal"].ID, OwnerID: w.bob.ID},
			func(o Opportunity) bool { return o.OwnerID == w.bob.ID }},
		{"closing in February and March", OpportunityQuery{StageID: w.stages["proposal"].ID,
			ClosingFrom: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), ClosingTo: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)},
			func(o Opportunity) bool {
				return !o.CloseDate.IsZero() && o.CloseDate.Month() >= 2 && o.CloseDate.Month() <= 3
			}},
		{"closing from April", OpportunityQuery{StageID: w.stages["proposal"].ID,
			ClosingFrom: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)},
			func(o Opportunity) bool { return !o.CloseDate.IsZero() && o.CloseDate.Month() >= 4 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := displayOrder(all, tc.keep)
			q := tc.q
			q.Limit = 4
			var fwd []string
			var pages []OpportunityPage
			for p, n := (OpportunityPage{}), 0; n == 0 || p.HasNext; n++ {
				if n > 0 {
					q.After = &p.Last
				}
				var err error
				if p, err = w.db.ListOpportunities(ctx, q); err != nil {
					t.Fatal(err)
				}
				if p.HasPrev != (n > 0) {
					t.Errorf("page %d: HasPrev %v", n, p.HasPrev)
				}
				for _, o := range p.Opportunities {
					fwd = append(fwd, o.Name)
				}
				pages = append(pages, p)
			}
			if !reflect.DeepEqual(fwd, want) {
				t.Fatalf("forward\n%q\nwant\n%q", fwd, want)
			}
			// Each card's position in the listing is the count before it.
			for i, p := range pages {
				for j, o := range p.Opportunities {
					if n, err := w.db.OpportunitiesBefore(ctx, tc.q, o.Cursor()); err != nil || n != i*q.Limit+j {
						t.Errorf("%s is at %d, %v; want %d", o.Name, n, err, i*q.Limit+j)
					}
				}
			}
			// And back from the last page to the first.
			q.After = nil
			back := pages[len(pages)-1]
			var bwd []string
			for _, o := range back.Opportunities {
				bwd = append(bwd, o.Name)
			}
			for back.HasPrev {
				q.Before = &back.First
				var err error
				if back, err = w.db.ListOpportunities(ctx, q); err != nil {
					t.Fatal(err)
				}
				if !back.HasNext {
					t.Error("a page before another has no next")
				}
				var names []string
				for _, o := range back.Opportunities {
					names = append(names, o.Name)
				}
				bwd = append(names, bwd...)
			}
			if !reflect.DeepEqual(bwd, want) {
				t.Fatalf("backward\n%q\nwant\n%q", bwd, want)
			}
		})
	}
	page, err := w.db.ListOpportunities(ctx, OpportunityQuery{ContactID: w.c2.ID})
	if err != nil || len(page.Opportunities) != 1 || page.Opportunities[0].Name != "Elsewhere" ||
		page.Opportunities[0].PrimaryName != "Dan Lee" || page.HasNext || page.HasPrev {
		t.Errorf("by contact: %+v, %v", page, err)
	}
	if _, err := w.db.ListOpportunities(ctx, OpportunityQuery{State: "maybe"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad state: %v", err)
	}
	if _, err := w.db.ListOpportunities(ctx, OpportunityQuery{After: &page.First, Before: &page.First}); !errors.Is(err, ErrInvalid) {
		t.Errorf("both ways: %v", err)
	}
	open, err := w.db.ListOpportunities(ctx, OpportunityQuery{State: OutcomeOpen, Limit: 100})
	if err != nil || len(open.Opportunities) != 24 {
		t.Errorf("open: %d, %v", len(open.Opportunities), err)
	}
}

func TestPipelineTotals(t *testing.T) {
	w := newOppWorld(t)
	ctx := t.Context()
	usd := func(minor int64) Money { return Money{minor, "USD"} }
	w.opp(t, "A", eur(12000), "proposal", w.c1.ID)        // 50 %: 6,000
	w.opp(t, "B", Money{333, "EUR"}, "proposal", w.c1.ID) // 166.5 → 166
	w.opp(t, "C", usd(1001), "proposal", w.c2.ID)         // 500.5 → 500
	w.opp(t, "D", usd(1003), "proposal", w.c2.ID)         // 501.5 → 502
	w.opp(t, "E", usd(100_000), "negotiation", w.c3.ID)   // 75 %
	bob := Opportunity{Name: "F", Value: eur(100), StageID: w.stages["qualification"].ID, PrimaryContactID: w.c3.ID,
		OwnerID: w.bob.ID, CloseDate: time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)}
	if err := w.db.CreateOpportunity(ctx, &bob, w.ann.ID); err != nil {
		t.Fatal(err)
	}
	lost := w.opp(t, "G", eur(50), "proposal", w.c1.ID)
	if _, err := w.db.LoseOpportunity(ctx, lost.ID, "budget", w.ann.ID); err != nil {
		t.Fatal(err)
	}
	cols, err := w.db.Pipeline(ctx, PipelineFilter{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range cols {
		got[c.Stage.Name] = fmt.Sprintf("%d %v %v", c.Count, Amounts(c.Total), Amounts(c.Weighted))
	}
	want := map[string]string{
		"qualification":  "1 [€100.00] [€10.00]",
		"needs analysis": "0 [] []",
		"proposal":       "4 [€12,003.33 $20.04] [€6,001.66 $10.02]",
		"negotiation":    "1 [$1,000.00] [$750.00]",
		"won":            "0 [] []",
		"lost":           "1 [€50.00] [€0.00]",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pipeline\n%v\nwant\n%v", got, want)
	}
	if len(cols) != 6 || cols[0].Stage.Name != "qualification" || cols[5].Stage.Name != "lost" {
		t.Errorf("columns out of order: %+v", cols)
	}
	mine, err := w.db.Pipeline(ctx, PipelineFilter{OwnerID: w.bob.ID})
	if err != nil || mine[0].Count != 1 || mine[2].Count != 0 {
		t.Errorf("bob's pipeline: %+v, %v", mine, err)
	}
	march, err := w.db.Pipeline(ctx, PipelineFilter{ClosingFrom: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		ClosingTo: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, c := range march {
		total += c.Count
	}
	if total != 1 || march[0].Count != 1 {
		t.Errorf("closing in March: %+v", march)
	}
}

// TestOpportunityPagesWalkTheirIndexes: a stage column, one owner's
// column and every opportunity page on an index in display order, both
// ways, without sorting; the totals walk theirs in group order.
func TestOpportunityPagesWalkTheirIndexes(t *testing.T) {
	w, _ := keysetWorld(t)
	if _, err := w.db.sql.ExecContext(t.Context(), `ANALYZE`); err != nil {
		t.Fatal(err)
	}
	cur := &OpportunityCursor{CloseKey: "2026-02-10", ID: 5}
	undated := &OpportunityCursor{CloseKey: "~", ID: 5} // in the run of deals without a close date
	for _, tc := range []struct {
		name  string
		q     OpportunityQuery
		index string
	}{
		{"column", OpportunityQuery{StageID: 3}, "opportunities_stage"},
		{"column after", OpportunityQuery{StageID: 3, After: cur}, "opportunities_stage"},
		{"column before", OpportunityQuery{StageID: 3, Before: cur}, "opportunities_stage"},
		{"column this month", OpportunityQuery{StageID: 3, ClosingFrom: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
			ClosingTo: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), After: cur}, "opportunities_stage"},
		{"owner's column", OpportunityQuery{StageID: 3, OwnerID: 2}, "opportunities_owner_stage"},
		{"owner's column after", OpportunityQuery{StageID: 3, OwnerID: 2, After: cur}, "opportunities_owner_stage"},
		{"owner's column before", OpportunityQuery{StageID: 3, OwnerID: 2, Before: cur}, "opportunities_owner_stage"},
		{"column among the deals without a date", OpportunityQuery{StageID: 3, After: undated}, "opportunities_stage"},
		{"owner's column among the deals without a date", OpportunityQuery{StageID: 3, OwnerID: 2, Before: undated},
			"opportunities_owner_stage"},
		{"all after", OpportunityQuery{After: cur}, "opportunities_close"},
		{"owner's all", OpportunityQuery{OwnerID: 2, Before: cur}, "opportunities_owner_close"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			where, args := opportunityWhere(tc.q)
			c, op := tc.q.After, ">"
			if tc.q.Before != nil {
				c, op = tc.q.Before, "<"
			}
			var plan string
			for _, brief := range []bool{false, true} {
				q, args := opportunityPageSQL(where, args, opportunityIndex(tc.q), brief, c, tc.q.Before != nil, 51)
				plan = strings.Join(queryPlan(t, w.db, q, args...), "\n")
				if !strings.Contains(plan, "o USING INDEX "+tc.index+" (") || strings.Contains(plan, "TEMP B-TREE") ||
					strings.Contains(plan, "SCAN o") {
					t.Errorf("plan (brief %v):\n%s\nwant a walk of %s without sorting", brief, plan, tc.index)
				}
			}
			if c != nil {
				q, args := opportunitiesBeforeSQL(where, args, opportunityIndex(tc.q), *c)
				plan := strings.Join(queryPlan(t, w.db, q, args...), "\n")
				if strings.Count(plan, "SEARCH o USING COVERING INDEX "+tc.index+" (") != 2 || strings.Contains(plan, "SCAN o") {
					t.Errorf("position plan:\n%s\nwant two ranges of %s", plan, tc.index)
				}
			}
			if c != nil && (!strings.Contains(plan, "MERGE (UNION ALL)") || !strings.Contains(plan, "close_key=? AND id"+op+"?")) {
				t.Errorf("plan:\n%s\nwant the cursor as the ties then the later dates, each a seek", plan)
			}
		})
	}
	month := []any{"2026-03-01", "2026-03-31"}
	for _, tc := range []struct {
		name, q, want string
		args          []any
	}{
		{"totals", pipelineKeptSQL, "SCAN o", nil},
		{"owner's totals", pipelineKeptSQL + ` WHERE o.owner_id = ?`, "SCAN o", []any{2}},
		{"totals closing this month", pipelineScanSQL + ` WHERE o.close_key >= ? AND o.close_key <= ?`,
			"close_key>? AND close_key<?)", month},
		{"owner's totals closing this month", pipelineScanSQL + ` WHERE o.owner_id = ? AND o.close_key >= ? AND o.close_key <= ?`,
			"close_key>? AND close_key<?)", append([]any{2}, month...)},
	} {
		plan := strings.Join(queryPlan(t, w.db, tc.q+` GROUP BY o.stage_id, o.currency`, tc.args...), "\n")
		if strings.HasPrefix(tc.q, pipelineScanSQL) && (!strings.Contains(plan, "SEARCH o USING COVERING INDEX opportunities_") || strings.Contains(plan, "SCAN o")) {
			t.Errorf("%s plan:\n%s\nwant a range of a covering index", tc.name, plan)
		}
		if !strings.Contains(plan, tc.want) {
			t.Errorf("%s plan:\n%s\nwant %s", tc.name, plan, tc.want)
		}
	}
}

// TestPipelineKeptTotalsMatchTheOpportunities: after creations, edits of
// value, currency and owner, moves, wins, losses and a change of
// probability, the totals the triggers keep are the opportunities' own.
func TestPipelineKeptTotalsMatchTheOpportunities(t *testing.T) {
	w, all := keysetWorld(t)
	ctx := t.Context()
	sums := func(q string) string {
		rows, err := w.db.sql.QueryContext(ctx, q+` GROUP BY o.stage_id, o.currency ORDER BY 1, 2`)
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			if err := rows.Close(); err != nil {
				t.Fatal(err)
			}
		}()
		var b strings.Builder
		for rows.Next() {
			var stage, n, total, wt int64
			var cur string
			if err := rows.Scan(&stage, &cur, &n, &total, &wt); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%d %s %d %d %d\n", stage, cur, n, total, wt)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	check := func(when string) {
		t.Helper()
		if kept, scanned := sums(pipelineKeptSQL), sums(pipelineScanSQL); kept != scanned {
			t.Errorf("%s: kept totals\n%s\nthe opportunities'\n%s", when, kept, scanned)
		}
	}
	check("created")
	for i, o := range all {
		var err error
		switch i % 6 {
		case 0:
			v := Money{Minor: o.Value.Minor*3 + 1, Currency: "USD"}
			_, err = w.db.UpdateOpportunity(ctx, o.ID, o.Version, OpportunityChanges{Value: &v}, w.ann.ID)
		case 1:
			_, err = w.db.UpdateOpportunity(ctx, o.ID, o.Version, OpportunityChanges{OwnerID: &w.ann.ID}, w.ann.ID)
		case 2:
			_, err = w.db.MoveOpportunity(ctx, o.ID, w.stages["negotiation"].ID, w.bob.ID)
		case 3:
			_, err = w.db.WinOpportunity(ctx, o.ID, w.bob.ID)
		case 4:
			_, err = w.db.LoseOpportunity(ctx, o.ID, "timing", w.bob.ID)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	check("edited and moved")
	ss, err := w.db.Stages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ss[2].Probability, ss[3].Probability = 33, 67
	if _, err := w.db.SetStages(ctx, ss, w.ann.ID); err != nil {
		t.Fatal(err)
	}
	check("probabilities changed")
	if _, err := w.db.sql.ExecContext(ctx, `DELETE FROM opportunities WHERE id % 4 = 0`); err != nil {
		t.Fatal(err)
	}
	check("deleted")
	var empty int
	if err := w.db.sql.QueryRowContext(ctx, `SELECT count(*) FROM pipeline_totals WHERE count = 0`).Scan(&empty); err != nil || empty != 0 {
		t.Errorf("%d empty total rows kept, %v", empty, err)
	}
}

// TestBriefOpportunityPage: a brief page is the full page's cards in the
// same order, with what a card shows the same and the rest left zero.
func TestBriefOpportunityPage(t *testing.T) {
	w, _ := keysetWorld(t)
	ctx := t.Context()
	q := OpportunityQuery{StageID: w.stages["proposal"].ID, Limit: 5}
	full, err := w.db.ListOpportunities(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	q.Brief = true
	brief, err := w.db.ListOpportunities(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(brief.Opportunities) != len(full.Opportunities) || brief.Last != full.Last || brief.HasNext != full.HasNext {
		t.Fatalf("brief page %+v, full page %+v", brief, full)
	}
	for i, b := range brief.Opportunities {
		f := full.Opportunities[i]
		if b.ID != f.ID || b.Name != f.Name || b.Value != f.Value || b.StageID != f.StageID ||
			!b.CloseDate.Equal(f.CloseDate) || b.OwnerID != f.OwnerID || b.OwnerName != f.OwnerName ||
			b.PrimaryContactID != f.PrimaryContactID || b.PrimaryName != f.PrimaryName ||
			b.Company != f.Company || b.State != f.State {
			t.Errorf("card %d: brief %+v, full %+v", i, b, f)
		}
		if b.Stage.Name != "" || b.Version != 0 || !b.CreatedAt.IsZero() {
			t.Errorf("card %d reads more than a card: %+v", i, b)
		}
	}
}
