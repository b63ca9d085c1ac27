package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
)

type sendJSON struct {
	ID        int64               `json:"id"`
	MessageID string              `json:"message_id"`
	Status    store.MessageStatus `json:"status"`
	To        string              `json:"to"`
	Subject   string              `json:"subject"`
	Note      string              `json:"note,omitempty"`
	Error     string              `json:"error,omitempty"`
}

func newSendCmd(g *globals) *cobra.Command {
	var to, email, at string
	var asJSON, queueOnly bool
	cmd := &cobra.Command{
		Use:   "send --to EMAIL --email NAME",
		Short: "Quick Send a Smart Mail to a contact or lead, as-is",
		Long: `send renders the Smart Mail NAME for the contact or lead with address EMAIL,
writes the composed message to the outbox, and makes one delivery attempt
through your mailbox. The command line has no undo window.

A refusal (no such contact, not a Smart Mail, a missing merge variable, an
unverified From domain, a time in the past) queues nothing and exits non-zero.
When the mail server cannot be reached the message stays queued, the command
says so and exits 0: it leaves with the next "leadmail outbox run" (or the
TUI). A server that refuses the message or the login exits non-zero, and the
message stays in the outbox with the server's reason.

--queue-only skips the attempt; --at schedules the message instead
(e.g. "2026-12-01 09:30", "tomorrow 9:00", "in 2h", or RFC 3339).`,
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
			svc, closer, err := a.outbox(ctx, false)
			if err != nil {
				return err
			}
			defer closer()
			var m store.Message
			if at != "" {
				when, perr := outbox.ParseWhen(at, time.Now())
				if perr != nil {
					return fmt.Errorf("--at: %w", perr)
				}
				m, err = svc.Schedule(ctx, c.ID, e.ID, when)
			} else {
				m, err = svc.QuickSend(ctx, c.ID, e.ID)
			}
			if err != nil {
				return err
			}
			var note string
			var sendErr error
			if at == "" && !queueOnly {
				m, note, sendErr = deliverOnce(ctx, svc, m)
			}
			out := sendJSON{ID: m.ID, MessageID: m.MessageID, Status: m.Status, To: c.Email, Subject: m.Subject, Note: note}
			if sendErr != nil {
				out.Error = sendErr.Error()
			}
			w := cmd.OutOrStdout()
			switch {
			case asJSON:
				if err := writeJSON(w, out); err != nil {
					return err
				}
			case sendErr != nil:
			case m.Status == store.MessageSent:
				fmt.Fprintf(w, "Sent to %s: %s\nMessage-ID: <%s>\n", c.Email, m.Subject, m.MessageID)
			case m.Status == store.MessageScheduled:
				fmt.Fprintf(w, "Scheduled for %s: %s to %s (#%d)\n", m.SendAt.Local().Format("Mon 2 Jan 2006 15:04 MST"), m.Subject, c.Email, m.ID)
			default:
				fmt.Fprintf(w, "Queued #%d for %s: %s\n", m.ID, c.Email, m.Subject)
				if note != "" {
					fmt.Fprintln(w, note)
				}
			}
			return sendErr
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "the contact's or lead's email address")
	cmd.Flags().StringVar(&email, "email", "", "the name of the Smart Mail to send")
	cmd.Flags().StringVar(&at, "at", "", "send at this time instead of now")
	cmd.Flags().BoolVar(&queueOnly, "queue-only", false, "queue the message without trying to deliver it")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// deliverOnce makes one delivery attempt. A server that cannot be reached is
// not an error here: the message stays queued and leaves with the next run,
// which the returned note says.
func deliverOnce(ctx context.Context, svc *outbox.Service, m store.Message) (store.Message, string, error) {
	got, err := svc.Deliver(ctx, m.ID)
	if err != nil && mail.ClassOf(err) == mail.ClassUnreachable {
		return got, fmt.Sprintf("The mail server cannot be reached (%v); the message stays queued and leaves with the next `leadmail outbox run`.", err), nil
	}
	return got, "", err
}
