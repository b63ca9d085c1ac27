package store

import (
	"errors"
	"strings"
	"testing"
)

// Won and lost end the pipeline: an open stage after either is refused,
// with a sentence, and nothing changes; a long name or one with a control
// character is refused the same way; the two terminal stages may swap
// places, be renamed and change their probability.
func TestSetStagesTerminalLast(t *testing.T) {
	w := newOppWorld(t)
	ctx := t.Context()
	o := w.opp(t, "Deal", eur(1000), "proposal", w.c1.ID)
	if _, err := w.db.WinOpportunity(ctx, o.ID, w.ann.ID); err != nil {
		t.Fatal(err)
	}
	st := func(name string) Stage { return w.stages[name] }
	for _, tc := range []struct {
		name   string
		stages []Stage
		says   string
	}{
		{"open after won", []Stage{st("qualification"), st("won"), st("proposal"), st("lost")},
			"stage proposal is open and comes after won: won and lost end the pipeline"},
		{"new after lost", []Stage{st("proposal"), st("won"), st("lost"), {Name: "demo"}},
			"stage demo is open and comes after won"},
		{"long name", []Stage{st("proposal"), {Name: strings.Repeat("x", 200)}, st("won"), st("lost")},
			"the stage name is 200 characters long; at most 40 are allowed"},
		{"escape", []Stage{st("proposal"), {Name: "\x1b[31mred"}, st("won"), st("lost")},
			"control character (U+001B)"},
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

	won, lost := st("won"), st("lost")
	won.Name, won.Probability = "closed won", 100
	lost.Name, lost.Probability = "closed lost", 5
	saved, err := w.db.SetStages(ctx, []Stage{st("qualification"), st("proposal"), lost, won}, w.ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(saved); n != 4 || saved[2].Name != "closed lost" || saved[2].Outcome != OutcomeLost ||
		saved[2].Probability != 5 || saved[3].Name != "closed won" || saved[3].Outcome != OutcomeWon {
		t.Errorf("saved %+v", saved)
	}
}

// Removing a stage that holds deals moves them in the same transaction
// (SetStagesMoving): each with its stage_changed event, the totals
// following; a destination that is removed too, won or lost, or a move
// from a stage that stays, is refused and nothing moves.
func TestSetStagesMovingDeals(t *testing.T) {
	w := newOppWorld(t)
	ctx := t.Context()
	a := w.opp(t, "Alpha", eur(1000), "needs analysis", w.c1.ID)
	b := w.opp(t, "Beta", eur(2000), "needs analysis", w.c1.ID)
	st := func(name string) Stage { return w.stages[name] }
	without := []Stage{st("qualification"), st("proposal"), st("negotiation"), st("won"), st("lost")}
	from := st("needs analysis").ID
	for _, tc := range []struct {
		name   string
		stages []Stage
		moves  map[int64]int64
		says   string
	}{
		{"no destination", without, nil, "holds 2 opportunities"},
		{"to won", without, map[int64]int64{from: st("won").ID}, "must go to an open stage"},
		{"to itself", without, map[int64]int64{from: from}, "must go to a stage the pipeline keeps"},
		{"from a kept stage", append([]Stage{st("needs analysis")}, without...),
			map[int64]int64{from: st("proposal").ID}, "move only when the stage is removed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := oppSnapshot(t, w.db)
			_, _, err := w.db.SetStagesMoving(ctx, tc.stages, tc.moves, w.ann.ID)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("error %v, want ErrInvalid saying %q", err, tc.says)
			}
			if after := oppSnapshot(t, w.db); after != before {
				t.Error("a refused pipeline wrote")
			}
		})
	}
	saved, moved, err := w.db.SetStagesMoving(ctx, without, map[int64]int64{from: st("proposal").ID}, w.ann.ID)
	if err != nil || moved != 2 || len(saved) != 5 {
		t.Fatalf("saved %d stages, moved %d, %v; want 5 and 2", len(saved), moved, err)
	}
	for _, o := range []Opportunity{a, b} {
		got, err := w.db.GetOpportunity(ctx, o.ID)
		if err != nil || got.Stage.Name != "proposal" {
			t.Errorf("%s is in %q (%v), want proposal", o.Name, got.Stage.Name, err)
		}
		evs, err := w.db.OpportunityTimeline(ctx, o.ID, 10)
		if err != nil || len(evs) == 0 || evs[0].Kind != EventStageChanged {
			t.Errorf("%s's newest event: %+v, %v; want its stage change", o.Name, evs, err)
		}
	}
	totals, err := w.db.Pipeline(ctx, PipelineFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range totals {
		if tt.Stage.Name == "proposal" && tt.Count != 2 {
			t.Errorf("proposal counts %d deals, want 2", tt.Count)
		}
	}
}
