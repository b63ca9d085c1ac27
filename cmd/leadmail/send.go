package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/store"
)

type sendJSON struct {
	ID        int64               `json:"id"`
	MessageID string              `json:"message_id"`
	Status    store.MessageStatus `json:"status"`
	To        string              `json:"to"`
	Subject   string              `json:"subject"`
	Error     string              `json:"error,omitempty"`
}

func newSendCmd(g *globals) *cobra.Command {
	var to, email string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "send --to EMAIL --email NAME",
		Short: "Quick Send a Smart Mail to a contact or lead, as-is",
		Long: `Quick Send renders the Smart Mail NAME for the contact or lead with address
EMAIL, writes the composed message to the outbox, then delivers it through
your mailbox. A refusal (no such contact, not a Smart Mail, a missing merge
variable, an unverified From domain) queues nothing. A delivery failure leaves
the message in the outbox with its status and the server's reason, and exits
non-zero.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if to == "" || email == "" {
				return errors.New("both --to EMAIL and --email NAME are required")
			}
			a, err := openApp(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer a.Close()
			ctx := cmd.Context()
			c, err := a.db.ContactByEmail(ctx, to)
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("no contact or lead has the email %s: Smart Mail goes to people in the CRM", to)
			}
			if err != nil {
				return err
			}
			e, err := a.db.EmailByName(ctx, email)
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("no email is named %q (list them with: leadmail emails --smart)", email)
			}
			if err != nil {
				return err
			}
			svc, smtp, err := a.outbox(ctx)
			if err != nil {
				return err
			}
			if smtp != nil {
				defer closeSMTP(a, smtp)
			}
			m, err := svc.QuickSend(ctx, c.ID, e.ID)
			if err != nil {
				return err
			}
			m, sendErr := svc.Deliver(ctx, m.ID)
			out := sendJSON{ID: m.ID, MessageID: m.MessageID, Status: m.Status, To: c.Email, Subject: m.Subject}
			if sendErr != nil {
				out.Error = sendErr.Error()
			}
			if asJSON {
				if err := writeJSON(cmd.OutOrStdout(), out); err != nil {
					return err
				}
			} else if sendErr == nil {
				fmt.Fprintf(cmd.OutOrStdout(), "Sent to %s: %s\nMessage-ID: <%s>\n", c.Email, m.Subject, m.MessageID)
			}
			return sendErr
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "the contact's or lead's email address")
	cmd.Flags().StringVar(&email, "email", "", "the name of the Smart Mail to send")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
