package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/store/scope"
)

// stageStore is what the stages command asks of the store. Every role
// reads the stages; only an administrator changes them (the scoped store
// refuses anyone else with its sentence, before anything is written).
type stageStore interface {
	Stages(ctx context.Context) ([]store.Stage, error)
	SetStages(ctx context.Context, stages []store.Stage, by int64) ([]store.Stage, error)
	Pipeline(ctx context.Context, f store.PipelineFilter) ([]store.StageTotals, error)
	ListOpportunities(ctx context.Context, q store.OpportunityQuery) (store.OpportunityPage, error)
	SetStagesMoving(ctx context.Context, stages []store.Stage, moves map[int64]int64, by int64) ([]store.Stage, int, error)
	MayChangeStages() error
}

// The stages command goes through the user's scoped store (S16).
var _ stageStore = (*scope.Store)(nil)

// pipelineStageJSON is one stage as `leadmail stages --json` prints it:
// its place, name, probability and outcome, and how many deals it holds
// (those the user may see; null for a role without a pipeline).
type pipelineStageJSON struct {
	ID          int64         `json:"id"`
	Position    int           `json:"position"`
	Name        string        `json:"name"`
	Probability int           `json:"probability"`
	Outcome     store.Outcome `json:"outcome"`
	Deals       *int          `json:"deals"`
}

func newStagesCmd(g *globals) *cobra.Command {
	var asJSON bool
	list := func(cmd *cobra.Command, _ []string) error {
		ctx := cmd.Context()
		a, err := openApp(ctx, g)
		if err != nil {
			return err
		}
		defer a.Close()
		ss, err := a.st.Stages(ctx)
		if err != nil {
			return storeSentence(err)
		}
		return printStages(ctx, cmd.OutOrStdout(), a.st, ss, asJSON)
	}
	cmd := &cobra.Command{
		Use:   "stages [list|add|rename|set-probability|move|remove] [--json]",
		Short: "The pipeline's stages: name, order, probability (changing them is for administrators)",
		Long: `stages lists the stages of the company's pipeline in order, with each one's
probability (a deal's expected value is its value × its stage's
probability) and how many deals it holds. Without a subcommand it lists them.

Only an administrator changes them:

  leadmail stages add demo --probability 40 --after proposal
  leadmail stages rename "needs analysis" discovery
  leadmail stages set-probability negotiation 80
  leadmail stages move demo --first
  leadmail stages remove demo --to proposal

won and lost are the pipeline's two closing stages: a deal marked won or
lost goes there. They may be renamed and given another probability, always
come after every open stage, and cannot be removed. A stage that holds deals
is removed with --to, which first moves each deal (an event on it) to that
stage.`,
		Args: cobra.NoArgs,
		RunE: list,
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	listCmd := &cobra.Command{
		Use:   "list",
		Short: "List the stages in order, with their probability and deals",
		Args:  cobra.NoArgs,
		RunE:  list,
	}
	listCmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.AddCommand(listCmd, newStagesAddCmd(g), newStagesRenameCmd(g), newStagesProbabilityCmd(g),
		newStagesMoveCmd(g), newStagesRemoveCmd(g))
	return cmd
}

// printStages writes the stages with how many deals each holds, as a
// table or as JSON. A role without a pipeline sees no counts.
func printStages(ctx context.Context, w io.Writer, st stageStore, ss []store.Stage, asJSON bool) error {
	counts := map[int64]int{}
	totals, err := st.Pipeline(ctx, store.PipelineFilter{})
	switch {
	case errors.Is(err, store.ErrDenied):
		counts = nil
	case err != nil:
		return storeSentence(err)
	}
	for _, t := range totals {
		counts[t.Stage.ID] = t.Count
	}
	if asJSON {
		out := make([]pipelineStageJSON, 0, len(ss))
		for _, s := range ss {
			j := pipelineStageJSON{ID: s.ID, Position: s.Position + 1, Name: s.Name, Probability: s.Probability, Outcome: s.Outcome}
			if counts != nil {
				n := counts[s.ID]
				j.Deals = &n
			}
			out = append(out, j)
		}
		return writeJSON(w, out)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tSTAGE\tPROB\tOUTCOME\tDEALS")
	for i, s := range ss {
		deals := "—"
		if counts != nil {
			deals = strconv.Itoa(counts[s.ID])
		}
		fmt.Fprintf(tw, "%d\t%s\t%d %%\t%s\t%s\n", i+1, termSafe(s.Name), s.Probability, s.Outcome, deals)
	}
	return tw.Flush()
}

// stageEdit changes the stages read from the store: it returns the whole
// new list, and the sentence that says what was done.
type stageEdit func(ctx context.Context, st stageStore, by int64, ss []store.Stage) ([]store.Stage, string, error)

// pipelineChange is what a stages sub-command asks for: the new pipeline,
// the stage each removed stage's deals go to, and what to say once saved,
// given how many deals moved.
type pipelineChange struct {
	stages []store.Stage
	moves  map[int64]int64
	say    func(moved int) string
}

// runStageEdit reads the stages, applies edit and saves the result in one
// SetStages, then says what it did and prints the stages as saved.
func runStageEdit(cmd *cobra.Command, g *globals, asJSON bool, edit stageEdit) error {
	return runStageChange(cmd, g, asJSON, func(ctx context.Context, st stageStore, by int64, ss []store.Stage) (pipelineChange, error) {
		next, said, err := edit(ctx, st, by, ss)
		return pipelineChange{stages: next, say: func(int) string { return said }}, err
	})
}

// runStageChange is runStageEdit for a change that may move deals: all of
// it is one transaction (SetStagesMoving).
func runStageChange(cmd *cobra.Command, g *globals, asJSON bool,
	change func(ctx context.Context, st stageStore, by int64, ss []store.Stage) (pipelineChange, error)) error {
	ctx := cmd.Context()
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	cur, err := a.st.Stages(ctx)
	if err != nil {
		return storeSentence(err)
	}
	ch, err := change(ctx, a.st, a.user.ID, cur)
	if err != nil {
		return err
	}
	saved, moved, err := a.st.SetStagesMoving(ctx, ch.stages, ch.moves, a.user.ID)
	if err != nil {
		return storeSentence(err)
	}
	w := cmd.OutOrStdout()
	if !asJSON {
		if _, err := fmt.Fprintln(w, ch.say(moved)); err != nil {
			return err
		}
	}
	return printStages(ctx, w, a.st, saved, asJSON)
}

// stageIndex finds the stage called name (any case) in ss, naming the
// stages when there is none so called.
func stageIndex(ss []store.Stage, name string) (int, error) {
	names := make([]string, len(ss))
	for i, s := range ss {
		if strings.EqualFold(s.Name, strings.TrimSpace(name)) {
			return i, nil
		}
		names[i] = s.Name
	}
	return -1, fmt.Errorf("there is no stage %q: the stages are %s", termSafe(name), termSafe(strings.Join(names, ", ")))
}

// parseProbability reads a percentage: "40", "40%" or "40 %".
func parseProbability(s string) (int, error) {
	t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	p, err := strconv.Atoi(t)
	if err != nil {
		return 0, fmt.Errorf("%q is not a probability: give a percentage from 0 to 100, like 40", termSafe(s))
	}
	if p < 0 || p > 100 {
		return 0, fmt.Errorf("the probability is a percentage from 0 to 100, not %d", p)
	}
	return p, nil
}

// lastOpen is the index after the last open stage: where a new stage
// goes unless told otherwise, before won and lost.
func lastOpen(ss []store.Stage) int {
	n := 0
	for i, s := range ss {
		if s.Outcome == store.OutcomeOpen {
			n = i + 1
		}
	}
	return n
}

// placeStage puts s into ss (which does not hold it) first, or after the
// stage called after; neither puts it after the last open stage. It says
// where it went.
func placeStage(ss []store.Stage, s store.Stage, after string, first bool) ([]store.Stage, string, error) {
	at, where := lastOpen(ss), "after the last open stage"
	switch {
	case first && after != "":
		return nil, "", errors.New("give --first or --after STAGE, not both")
	case first:
		at, where = 0, "first"
	case after != "":
		i, err := stageIndex(ss, after)
		if err != nil {
			return nil, "", err
		}
		if ss[i].Outcome != store.OutcomeOpen {
			return nil, "", fmt.Errorf("--after %s: won and lost end the pipeline; place the stage after an open stage or --first", termSafe(ss[i].Name))
		}
		at, where = i+1, "after "+termSafe(ss[i].Name)
	}
	out := make([]store.Stage, 0, len(ss)+1)
	out = append(out, ss[:at]...)
	out = append(out, s)
	return append(out, ss[at:]...), where, nil
}

func newStagesAddCmd(g *globals) *cobra.Command {
	var prob, after string
	var first, asJSON bool
	cmd := &cobra.Command{
		Use:   "add NAME --probability P [--after STAGE | --first]",
		Short: "Add an open stage (administrators only); it goes before won and lost unless placed",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("probability") {
				return errors.New("give the new stage's --probability, a percentage from 0 to 100: a deal's expected value is its value × that")
			}
			p, err := parseProbability(prob)
			if err != nil {
				return err
			}
			name := strings.TrimSpace(args[0])
			return runStageEdit(cmd, g, asJSON, func(_ context.Context, _ stageStore, _ int64, ss []store.Stage) ([]store.Stage, string, error) {
				next, where, err := placeStage(ss, store.Stage{Name: name, Probability: p, Outcome: store.OutcomeOpen}, after, first)
				if err != nil {
					return nil, "", err
				}
				return next, fmt.Sprintf("Added the stage %s (%d %%) %s.", termSafe(name), p, where), nil
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&prob, "probability", "", "the stage's probability, a percentage from 0 to 100")
	fl.StringVar(&after, "after", "", "put it after the open stage called `STAGE`")
	fl.BoolVar(&first, "first", false, "make it the first stage")
	fl.BoolVar(&asJSON, "json", false, "print the stages as saved, as JSON")
	return cmd
}

func newStagesRenameCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "rename OLD NEW",
		Short: "Rename a stage, won and lost included (administrators only)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runStageEdit(cmd, g, asJSON, func(_ context.Context, _ stageStore, _ int64, ss []store.Stage) ([]store.Stage, string, error) {
				i, err := stageIndex(ss, args[0])
				if err != nil {
					return nil, "", err
				}
				old := ss[i].Name
				ss[i].Name = strings.TrimSpace(args[1])
				return ss, fmt.Sprintf("Renamed the stage %s to %s.", termSafe(old), termSafe(ss[i].Name)), nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the stages as saved, as JSON")
	return cmd
}

func newStagesProbabilityCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "set-probability NAME P",
		Short: "Give a stage another probability (administrators only); expected values follow",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := parseProbability(args[1])
			if err != nil {
				return err
			}
			return runStageEdit(cmd, g, asJSON, func(_ context.Context, _ stageStore, _ int64, ss []store.Stage) ([]store.Stage, string, error) {
				i, err := stageIndex(ss, args[0])
				if err != nil {
					return nil, "", err
				}
				old := ss[i].Probability
				ss[i].Probability = p
				return ss, fmt.Sprintf("The stage %s is now %d %% (was %d %%).", termSafe(ss[i].Name), p, old), nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the stages as saved, as JSON")
	return cmd
}

func newStagesMoveCmd(g *globals) *cobra.Command {
	var after string
	var first, asJSON bool
	cmd := &cobra.Command{
		Use:   "move NAME (--after STAGE | --first)",
		Short: "Move an open stage to another place in the pipeline (administrators only)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !first && after == "" {
				return errors.New("say where the stage goes: --after STAGE or --first")
			}
			return runStageEdit(cmd, g, asJSON, func(_ context.Context, _ stageStore, _ int64, ss []store.Stage) ([]store.Stage, string, error) {
				i, err := stageIndex(ss, args[0])
				if err != nil {
					return nil, "", err
				}
				s := ss[i]
				if s.Outcome != store.OutcomeOpen {
					return nil, "", fmt.Errorf("%s stays where it is: won and lost end the pipeline, after every open stage", termSafe(s.Name))
				}
				rest := append(ss[:i:i], ss[i+1:]...)
				if strings.EqualFold(strings.TrimSpace(after), s.Name) {
					return nil, "", fmt.Errorf("--after %s names the stage being moved: name another stage", termSafe(after))
				}
				next, where, err := placeStage(rest, s, after, first)
				if err != nil {
					return nil, "", err
				}
				return next, fmt.Sprintf("Moved the stage %s %s.", termSafe(s.Name), where), nil
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&after, "after", "", "put it after the open stage called `STAGE`")
	fl.BoolVar(&first, "first", false, "make it the first stage")
	fl.BoolVar(&asJSON, "json", false, "print the stages as saved, as JSON")
	return cmd
}

func newStagesRemoveCmd(g *globals) *cobra.Command {
	var to string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "remove NAME [--to STAGE]",
		Short: "Remove an open stage; --to first moves its deals to another (administrators only)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runStageChange(cmd, g, asJSON, func(ctx context.Context, st stageStore, _ int64, ss []store.Stage) (pipelineChange, error) {
				if err := st.MayChangeStages(); err != nil {
					return pipelineChange{}, err
				}
				i, err := stageIndex(ss, args[0])
				if err != nil {
					return pipelineChange{}, err
				}
				s := ss[i]
				if s.Outcome != store.OutcomeOpen {
					return pipelineChange{}, fmt.Errorf("%s cannot be removed: deals marked %s go there; rename it instead", termSafe(s.Name), s.Outcome)
				}
				rest := append(ss[:i:i], ss[i+1:]...)
				removed := fmt.Sprintf("Removed the stage %s.", termSafe(s.Name))
				if strings.TrimSpace(to) == "" {
					p, err := st.ListOpportunities(ctx, store.OpportunityQuery{StageID: s.ID, Limit: 1})
					if err == nil && len(p.Opportunities) > 0 {
						return pipelineChange{}, fmt.Errorf("the stage %s holds deals: give --to STAGE to move them to another open stage first", termSafe(s.Name))
					}
					// SetStages has the last word.
					return pipelineChange{stages: rest, say: func(int) string { return removed }}, nil
				}
				j, err := stageIndex(rest, to)
				switch {
				case err != nil && strings.EqualFold(strings.TrimSpace(to), s.Name):
					return pipelineChange{}, fmt.Errorf("--to %s is the stage being removed: name another open stage", termSafe(to))
				case err != nil:
					return pipelineChange{}, err
				case rest[j].Outcome != store.OutcomeOpen:
					return pipelineChange{}, fmt.Errorf("--to %s: deals are marked %s one by one (leadmail opportunities %s ID); name an open stage",
						termSafe(rest[j].Name), rest[j].Outcome, rest[j].Outcome)
				}
				dst := rest[j]
				return pipelineChange{stages: rest, moves: map[int64]int64{s.ID: dst.ID}, say: func(n int) string {
					if n == 0 {
						return removed
					}
					return fmt.Sprintf("Moved %s from %s to %s; removed the stage %s.", plural(n, "deal"),
						termSafe(s.Name), termSafe(dst.Name), termSafe(s.Name))
				}}, nil
			})
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "first move the stage's deals to the open stage called `STAGE`")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the stages as saved, as JSON")
	return cmd
}
