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
	ID        int64     `json:"id"`
	ContactID int64     `json:"contact_id"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
}

func newNotesCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "notes",
		Short: "Notes on contacts (see add)",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newNotesAddCmd(g))
	return cmd
}

func newNotesAddCmd(g *globals) *cobra.Command {
	var text, file string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "add EMAIL|ID (--text T | --file F)",
		Short: "Write a Markdown note on a contact; it shows in Life of the Lead",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
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
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
