package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/store"
)

// noteJSON is a note as notes add prints it.
type noteJSON struct {
	ID            int64     `json:"id"`
	ContactID     int64     `json:"contact_id"`
	OpportunityID int64     `json:"opportunity_id,omitempty"`
	Text          string    `json:"text"`
	CreatedAt     time.Time `json:"created_at"`
}

func newNotesCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "notes",
		Short: "Notes on contacts and opportunities (see add)",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newNotesAddCmd(g))
	return cmd
}

func newNotesAddCmd(g *globals) *cobra.Command {
	var text, file, deal string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "add (EMAIL|ID | --opportunity ID) (--text T | --file F)",
		Short: "Write a Markdown note on a contact, or on a deal and its primary contact; it shows in Life of the Lead",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if err := contactOrDeal(args, cmd.Flags().Changed("opportunity"), false); err != nil {
				return err
			}
			if (text == "") == (file == "") {
				return errors.New("give the note with --text or --file, one of them")
			}
			if file != "" {
				b, err := readUserFile(ctx, file, store.MaxNoteLen)
				if err != nil {
					return err
				}
				text = string(b)
			}
			if len(args) == 0 {
				return addDealNote(cmd, g, deal, text, asJSON)
			}
			a, c, err := openContact(ctx, g, args[0])
			if err != nil {
				return err
			}
			defer a.Close()
			n, err := a.st.AddNote(ctx, c.ID, a.user.ID, text)
			if err != nil {
				return storeSentence(err)
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), noteJSON{ID: n.ID, ContactID: c.ID, Text: n.Body, CreatedAt: n.CreatedAt})
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "Noted on %s (note %d).\n", c.Name(), n.ID)
			return err
		},
	}
	cmd.Flags().StringVar(&text, "text", "", "the note, in Markdown")
	cmd.Flags().StringVar(&file, "file", "", "read the note from this file")
	cmd.Flags().StringVar(&deal, "opportunity", "", "write it on the deal `ID` (and its primary contact) instead of a contact")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// contactOrDeal refuses a note or a task given neither a contact nor
// --opportunity, or (unless both may be given) a note given both.
func contactOrDeal(args []string, deal, both bool) error {
	switch {
	case len(args) == 0 && !deal:
		return errors.New("say what it is on: a contact's EMAIL or ID, or --opportunity ID")
	case len(args) > 0 && deal && !both:
		return errors.New("a note goes on a contact or on a deal: give the contact's EMAIL or ID, or --opportunity ID, not both")
	}
	return nil
}

// addDealNote writes text on the deal arg and its primary contact.
func addDealNote(cmd *cobra.Command, g *globals, arg, text string, asJSON bool) error {
	ctx := cmd.Context()
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	o, err := findOpportunity(ctx, a.opportunities(), arg)
	if err != nil {
		return err
	}
	n, err := a.st.AddOpportunityNote(ctx, o.ID, a.user.ID, text)
	if err != nil {
		return storeSentence(err)
	}
	if asJSON {
		return writeJSON(cmd.OutOrStdout(), noteJSON{ID: n.ID, ContactID: n.ContactID, OpportunityID: o.ID,
			Text: n.Body, CreatedAt: n.CreatedAt})
	}
	_, err = fmt.Fprintf(cmd.OutOrStdout(), "Noted on the deal %s and %s (note %d).\n", o.Name, o.PrimaryName, n.ID)
	return err
}
