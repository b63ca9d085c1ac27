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
