package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/store"
)

// stageJSON is one stage of the pipeline as `leadmail pipeline --json`
// prints it: its deals' count, and their total and weighted total (value
// × probability) per currency, never converted into one another.
type stageJSON struct {
	Name        string        `json:"name"`
	Probability int           `json:"probability"`
	Outcome     store.Outcome `json:"outcome"`
	Count       int           `json:"count"`
	Total       []moneyJSON   `json:"total"`
	Weighted    []moneyJSON   `json:"weighted"`
}

func newPipelineCmd(g *globals) *cobra.Command {
	var owner, closing string
	var mine, asJSON bool
	cmd := &cobra.Command{
		Use:   "pipeline [--mine | --owner EMAIL] [--closing this-month|DATE..DATE] [--json]",
		Short: "The pipeline: each stage's deals, total and weighted total",
		Long: `pipeline prints each stage of the pipeline with how many deals it holds,
their total value and their weighted total (value × the stage's
probability), per currency: amounts in different currencies are never added
together. The last line sums the open stages. --mine, --owner and --closing
narrow it as they do for leadmail opportunities list.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if mine && owner != "" {
				return errors.New("give --mine or --owner, not both")
			}
			var f store.PipelineFilter
			if closing != "" {
				var err error
				if f.ClosingFrom, f.ClosingTo, err = parseClosing(closing, time.Now()); err != nil {
					return err
				}
			}
			ctx := cmd.Context()
			a, err := openApp(ctx, g)
			if err != nil {
				return err
			}
			defer a.Close()
			st := a.opportunities()
			if f.OwnerID, err = ownerFilter(ctx, a, st, mine, owner); err != nil {
				return err
			}
			totals, err := st.Pipeline(ctx, f)
			if err != nil {
				return storeSentence(err)
			}
			w := cmd.OutOrStdout()
			if asJSON {
				out := make([]stageJSON, 0, len(totals))
				for _, t := range totals {
					out = append(out, stageJSON{Name: t.Stage.Name, Probability: t.Stage.Probability,
						Outcome: t.Stage.Outcome, Count: t.Count, Total: amountsOut(t.Total), Weighted: amountsOut(t.Weighted)})
				}
				return writeJSON(w, out)
			}
			return printPipeline(w, totals)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&owner, "owner", "", "only the deals of the user with this `EMAIL`")
	fl.BoolVar(&mine, "mine", false, "only your deals")
	fl.StringVar(&closing, "closing", "", "expected to close `WHEN`: this-month, next-month or DATE..DATE")
	fl.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// printPipeline writes the stages as a table and the open stages' sums.
func printPipeline(w io.Writer, totals []store.StageTotals) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STAGE\tPROB\tDEALS\tTOTAL\tWEIGHTED")
	open := store.StageTotals{Total: map[string]int64{}, Weighted: map[string]int64{}}
	for _, t := range totals {
		fmt.Fprintf(tw, "%s\t%d %%\t%d\t%s\t%s\n", termSafe(t.Stage.Name), t.Stage.Probability, t.Count,
			amountsText(t.Total), amountsText(t.Weighted))
		if t.Stage.Outcome != store.OutcomeOpen {
			continue
		}
		open.Count += t.Count
		for c, v := range t.Total {
			open.Total[c] += v
		}
		for c, v := range t.Weighted {
			open.Weighted[c] += v
		}
	}
	fmt.Fprintf(tw, "open\t\t%d\t%s\t%s\n", open.Count, amountsText(open.Total), amountsText(open.Weighted))
	return tw.Flush()
}

// amountsText writes per-currency sums, "—" for none: "€12,000 + $500".
func amountsText(m map[string]int64) string {
	ms := store.Amounts(m)
	if len(ms) == 0 {
		return "—"
	}
	parts := make([]string, len(ms))
	for i, x := range ms {
		parts[i] = x.Short()
	}
	return strings.Join(parts, " + ")
}
