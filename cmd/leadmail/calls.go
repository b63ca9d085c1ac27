package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/store"
)

// callJSON is a call as calls add prints it.
type callJSON struct {
	ID        int64     `json:"id"`
	ContactID int64     `json:"contact_id"`
	Outcome   string    `json:"outcome"`
	Seconds   int64     `json:"seconds"`
	Text      string    `json:"text,omitempty"`
	At        time.Time `json:"at"`
}

func newCallsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "calls",
		Short: "Logged calls (see add)",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newCallsAddCmd(g))
	return cmd
}

func newCallsAddCmd(g *globals) *cobra.Command {
	var outcome, text string
	var minutes float64
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "add EMAIL|ID --outcome connected|voicemail|no-answer [--minutes N] [--text T]",
		Short: "Log a call with a contact; it shows in Life of the Lead",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o := store.CallOutcome(strings.ReplaceAll(strings.TrimSpace(outcome), "-", "_"))
			if !o.Valid() {
				return fmt.Errorf("--outcome %q must be connected, voicemail or no-answer", outcome)
			}
			if minutes < 0 || minutes > store.MaxCallDuration.Minutes() {
				return fmt.Errorf("--minutes %g must be between 0 and %g", minutes, store.MaxCallDuration.Minutes())
			}
			ctx := cmd.Context()
			a, c, err := openContact(ctx, g, args[0])
			if err != nil {
				return err
			}
			defer a.Close()
			call := store.Call{ContactID: c.ID, Outcome: o, Note: text,
				Duration: time.Duration(minutes * float64(time.Minute))}
			if err := a.st.LogCall(ctx, &call, a.user.ID); err != nil {
				return storeSentence(err)
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), callJSON{ID: call.ID, ContactID: c.ID, Outcome: string(call.Outcome),
					Seconds: int64(call.Duration / time.Second), Text: call.Note, At: call.At})
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "Logged a call with %s: %s.\n", c.Name(), call.Outcome.Words())
			return err
		},
	}
	cmd.Flags().StringVar(&outcome, "outcome", "", "connected, voicemail or no-answer")
	cmd.Flags().Float64Var(&minutes, "minutes", 0, "how long the call lasted")
	cmd.Flags().StringVar(&text, "text", "", "what was said")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
