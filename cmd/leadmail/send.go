package main

import (
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/store/scope"
	"github.com/leadmail/leadmail/tui/common"
)

type sendJSON struct {
	ID        int64               `json:"id"`
	MessageID string              `json:"message_id"`
	Status    store.MessageStatus `json:"status"`
	To        string              `json:"to"`
	Subject   string              `json:"subject"`
	Note      string              `json:"note,omitempty"`
	Error     string              `json:"error,omitempty"`
	// Reminder is the "remind me if no reply" task --remind queued with
	// the message.
	Reminder *reminderJSON `json:"reminder,omitempty"`
}

// reminderJSON is the follow-up task of a send.
type reminderJSON struct {
	TaskID int64     `json:"task_id"`
	Title  string    `json:"title"`
	Due    time.Time `json:"due"`
}

// sendFlags are the flags of `leadmail send`.
type sendFlags struct {
	to, cc, bcc, attach                []string
	email, at, subject, from, fromName string
	replyTo, signature, bodyFile       string
	remind                             string
	opportunity                        string
	asJSON, queueOnly, dryRun          bool
	sendAnyway                         bool
}

// personalized reports whether any flag asks for more than Quick Send.
func (f sendFlags) personalized() bool {
	return len(f.to) > 1 || len(f.cc)+len(f.bcc)+len(f.attach) > 0 || f.subject != "" || f.from != "" ||
		f.fromName != "" || f.replyTo != "" || f.signature != "" || f.bodyFile != ""
}

func newSendCmd(g *globals) *cobra.Command {
	var f sendFlags
	cmd := &cobra.Command{
		Use:   "send --to EMAIL --email NAME [flags]",
		Short: "Send a Smart Mail to a contact or lead, as-is or personalized",
		Long: `send renders the Smart Mail NAME for the contact or lead with address EMAIL,
writes the composed message to the outbox, and makes one delivery attempt
through your mailbox. The command line has no undo window.

The first --to is the primary recipient: a contact or lead in the CRM, whose
fields fill the merge variables. More --to, --cc and --bcc may be anyone with
a valid address (a value may hold several, comma-separated), except that a
CRM user cannot be copied (CC or BCC). All recipients get ONE message.
--subject and --body-file (Markdown) replace the template's for this send only
(the template is not changed); --from, --from-name and --reply-to override the
sender's (the From domain must be verified); --attach adds a file (at most 4,
sending.max_attachment_mb in total); --signature NAME appends one of your
signatures ("default" for your default one; none unless given).

A refusal (no such contact, not a Smart Mail, a missing merge variable, an
unverified From domain, a CRM user in CC/BCC, a time in the past, too many or
too large attachments) queues nothing and exits non-zero. When the mail server
cannot be reached the message stays queued, the command says so and exits 0:
it leaves with the next "leadmail outbox run" (or the TUI). A server that
refuses the message or the login exits non-zero, and the message stays in the
outbox with the server's reason.

--dry-run prints the composed message and queues nothing; --queue-only skips
the attempt; --at schedules the message instead, in your local zone, and
says the absolute time it chose: "tomorrow 9:00", "monday 14:00", "next
monday", "next week" (Monday 9:00), "in 2 h", "in 1 h 30 min", "in 3 days",
"9 dec 14:00", "2026-12-09 14:00", "eod" (17:00) or RFC 3339. A day alone
means 9:00 that day; a time of day alone that has passed means tomorrow's.

--opportunity ID sends from a deal: {{opportunity.name}}, value, stage,
close_date and owner_name are filled, the send is recorded on the deal and on
each of its contacts on the message, and the primary recipient is the deal's
primary contact unless --to names another of its contacts. Without it,
{{opportunity.*}} has no value and the send is refused.

--remind DAYS ("3", "3d", "7 days", "2w") adds a follow-up task for you,
"Follow up: <subject>", due that many days after the message leaves at the
same time of day, written with the message: a reply to it closes the task by
itself (once Mail Sync records it). See it with: leadmail tasks.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (len(f.to) == 0 && f.opportunity == "") || f.email == "" {
				return errors.New("both --to EMAIL (or --opportunity ID) and --email NAME are required")
			}
			var opts outbox.SendOptions
			if cmd.Flags().Changed("remind") {
				days, err := outbox.ParseRemind(f.remind)
				if err != nil {
					return fmt.Errorf("--remind: %w; nothing queued", err)
				}
				opts.RemindDays = days
			}
			a, err := openApp(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer a.Close()
			ctx := cmd.Context()
			if f.opportunity != "" {
				if opts.OpportunityID, err = sendOpportunity(ctx, a, &f); err != nil {
					return err
				}
			}
			c, err := a.st.ContactByEmail(ctx, f.to[0])
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("no contact or lead has the email %s: Smart Mail goes to people in the CRM (the first --to is the primary recipient)", f.to[0])
			}
			if err != nil {
				return err
			}
			e, err := a.st.FindEmail(ctx, f.email)
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("no email is named %q or starts so, and none has that id (list them with: leadmail emails --smart)", f.email)
			}
			if err != nil {
				return err
			}
			if !f.dryRun && !f.sendAnyway {
				if err := refuseBouncing(ctx, a.st, f); err != nil {
					return err
				}
			}
			svc, closer, err := a.outbox(ctx, false)
			if err != nil {
				return err
			}
			defer closer()
			// Every send goes through the mailer, which refuses a contact,
			// a deal or a copied contact the user may not work (S16)
			// before anything is queued.
			mailer := a.st.NewMailer(svc)
			var when outbox.When
			if f.at != "" {
				if when, err = outbox.ReadWhen(f.at, time.Now()); err != nil {
					return fmt.Errorf("--at: %w", err)
				}
			}
			var sent outbox.Sent
			switch {
			case f.dryRun || f.personalized():
				d, derr := buildDraft(ctx, a, mailer, c, e, f)
				if derr != nil {
					return derr
				}
				d.SendAt, d.OpportunityID = when.At, opts.OpportunityID
				if f.dryRun {
					m, err := svc.ComposeDraft(ctx, d)
					if err != nil {
						return err
					}
					_, err = rawOut(cmd).Write(m.Raw)
					return err
				}
				sent, err = mailer.SendDraftWith(ctx, d, opts)
			case f.at != "":
				sent, err = mailer.ScheduleWith(ctx, c.ID, e.ID, when.At, opts)
			default:
				sent, err = mailer.QuickSendWith(ctx, c.ID, e.ID, opts)
			}
			if err != nil {
				return err
			}
			m, rem := sent.Message, sent.Reminder
			var note string
			var sendErr error
			if m.Status == store.MessageQueued && !f.queueOnly {
				m, note, sendErr = deliverOnce(ctx, mailer, m)
			}
			out := sendJSON{ID: m.ID, MessageID: m.MessageID, Status: m.Status, To: c.Email, Subject: m.Subject, Note: note}
			if sendErr != nil {
				out.Error = sendErr.Error()
			}
			if rem.ID != 0 {
				out.Reminder = &reminderJSON{TaskID: rem.ID, Title: rem.Title, Due: rem.DueAt.Local()}
			}
			w := cmd.OutOrStdout()
			switch {
			case f.asJSON:
				if err := writeJSON(w, out); err != nil {
					return err
				}
			case sendErr != nil:
			case m.Status == store.MessageSent:
				fmt.Fprintf(w, "Sent to %s: %s\nMessage-ID: <%s>\n", c.Email, m.Subject, m.MessageID)
			case m.Status == store.MessageScheduled:
				fmt.Fprintf(w, "Scheduled for %s: %s to %s (#%d)\n", scheduledFor(m.SendAt, when), m.Subject, c.Email, m.ID)
			default:
				fmt.Fprintf(w, "Queued #%d for %s: %s\n", m.ID, c.Email, m.Subject)
				if note != "" {
					fmt.Fprintln(w, note)
				}
			}
			if rem.ID != 0 && !f.asJSON {
				fmt.Fprintln(w, reminderLine(rem, time.Now()))
			}
			return sendErr
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.to, "to", nil, "recipient address; the first is the primary contact or lead (repeatable)")
	fl.StringVar(&f.email, "email", "", "the Smart Mail to send: its name, the start of its name, or its id")
	fl.StringArrayVar(&f.cc, "cc", nil, "CC address(es) (repeatable)")
	fl.StringArrayVar(&f.bcc, "bcc", nil, "BCC address(es), in the envelope only (repeatable)")
	fl.StringArrayVar(&f.attach, "attach", nil, "attach this file (repeatable, at most 4)")
	fl.StringVar(&f.subject, "subject", "", "subject for this send (merge variables allowed)")
	fl.StringVar(&f.bodyFile, "body-file", "", "Markdown body for this send, read from FILE")
	fl.StringVar(&f.from, "from", "", "From address (a verified domain)")
	fl.StringVar(&f.fromName, "from-name", "", "From display name")
	fl.StringVar(&f.replyTo, "reply-to", "", "Reply-To address")
	fl.StringVar(&f.signature, "signature", "", `append your signature NAME ("default": your default; "none": no signature)`)
	fl.StringVar(&f.at, "at", "", "send at `WHEN` instead of now, in your local zone (\"tomorrow 9:00\", \"monday 14:00\", \"in 2 h\", \"9 dec\"…)")
	fl.StringVar(&f.remind, "remind", "", "add a task to follow up `DAYS` after it leaves if no reply comes (\"3\", \"3d\", \"2w\")")
	fl.BoolVar(&f.dryRun, "dry-run", false, "print the composed message; queue nothing")
	fl.BoolVar(&f.queueOnly, "queue-only", false, "queue the message without trying to deliver it")
	fl.BoolVar(&f.sendAnyway, "send-anyway", false, "send even to an address that bounced for good (5.x.x)")
	fl.StringVar(&f.opportunity, "opportunity", "", "send from the deal `ID`: fills {{opportunity.*}}, to its primary contact unless --to is given")
	fl.BoolVar(&f.asJSON, "json", false, "print JSON")
	return cmd
}

// refuseBouncing refuses a send to any recipient whose address a permanent
// bounce flagged, as the picker asks first: the command line cannot ask,
// so it names the bounce and the flag that sends anyway.
func refuseBouncing(ctx context.Context, db *scope.Store, f sendFlags) error {
	for _, list := range [][]string{f.to, f.cc, f.bcc} {
		for _, v := range list {
			addrs, err := netmail.ParseAddressList(v)
			if err != nil {
				continue // the composer says what is wrong with it
			}
			for _, ad := range addrs {
				b, found, err := db.AddressBouncing(ctx, strings.ToLower(ad.Address))
				if err != nil {
					return err
				}
				if found {
					return fmt.Errorf("%s bounced on %s (%s): nothing queued; add --send-anyway if the address works again",
						ad.Address, b.At.Local().Format("2 Jan 2006"), common.BounceReason(b.Status, b.Diagnostic))
				}
			}
		}
	}
	return nil
}

// buildDraft turns the flags into a Draft for the contact and template:
// the template as-is, then each flag's override.
func buildDraft(ctx context.Context, a *app, mailer *scope.Mailer, c store.Contact, e store.Email, f sendFlags) (outbox.Draft, error) {
	d, err := mailer.NewDraft(ctx, c.ID, e.ID)
	if err != nil {
		return outbox.Draft{}, err
	}
	d.SignatureID = 0 // like Quick Send: a signature only when asked for
	if f.subject != "" {
		d.Subject = f.subject
	}
	if f.bodyFile != "" {
		b, err := readUserFile(ctx, f.bodyFile, maxTextFile)
		if err != nil {
			return outbox.Draft{}, fmt.Errorf("--body-file: %w", err)
		}
		d.Body = string(b)
	}
	if f.from != "" {
		from, err := mail.ParseAddress(f.from)
		if err != nil {
			return outbox.Draft{}, fmt.Errorf("--from: %w", err)
		}
		d.FromEmail = from.Email
		if from.Name != "" {
			d.FromName = from.Name
		}
	}
	if f.fromName != "" {
		d.FromName = f.fromName
	}
	if f.replyTo != "" {
		if _, err := mail.ParseAddress(f.replyTo); err != nil {
			return outbox.Draft{}, fmt.Errorf("--reply-to: %w", err)
		}
		d.ReplyTo = f.replyTo
	}
	if d.SignatureID, err = pickSignature(ctx, mailer, f.signature); err != nil {
		return outbox.Draft{}, err
	}
	fields := []struct {
		name string
		vals []string
		dst  *[]outbox.Recipient
	}{{"to", f.to[1:], &d.To}, {"cc", f.cc, &d.Cc}, {"bcc", f.bcc, &d.Bcc}}
	for _, fd := range fields {
		for _, v := range fd.vals {
			as, err := mail.ParseAddressList(v)
			if err != nil {
				return outbox.Draft{}, fmt.Errorf("--%s: %w", fd.name, err)
			}
			for _, ad := range as {
				r := outbox.Recipient{Name: ad.Name, Email: ad.Email}
				switch rc, err := a.st.ContactByEmail(ctx, ad.Email); {
				case err == nil:
					r.ContactID = rc.ID
					if r.Name == "" {
						r.Name = rc.Name()
					}
				case errors.Is(err, store.ErrDenied):
					return outbox.Draft{}, fmt.Errorf("--%s: %w; nothing queued", fd.name, err)
				}
				if err := mailer.CheckRecipient(ctx, r, fd.name); err != nil {
					return outbox.Draft{}, err
				}
				*fd.dst = append(*fd.dst, r)
			}
		}
	}
	for _, p := range f.attach {
		at, err := mailer.CheckAttachment(p, d.Attachments)
		if err != nil {
			return outbox.Draft{}, err
		}
		d.Attachments = append(d.Attachments, at)
	}
	return d, nil
}

// pickSignature resolves --signature: "" or "none" is none, "default" the
// sender's default, else a name (case-insensitive).
func pickSignature(ctx context.Context, mailer *scope.Mailer, name string) (int64, error) {
	name = strings.TrimSpace(name)
	if name == "" || strings.EqualFold(name, "none") {
		return 0, nil
	}
	sigs, err := mailer.Signatures(ctx)
	if err != nil {
		return 0, err
	}
	for _, s := range sigs {
		if strings.EqualFold(s.Name, name) || (strings.EqualFold(name, "default") && s.IsDefault) {
			return s.ID, nil
		}
	}
	if strings.EqualFold(name, "default") {
		return 0, errors.New("--signature default: you have no default signature (leadmail signatures add NAME --file F --default)")
	}
	return 0, fmt.Errorf("--signature: you have no signature named %q (list them with: leadmail signatures)", name)
}

// deliverer makes a delivery attempt: the scoped mailer, which refuses a
// message the user may not see.
type deliverer interface {
	Deliver(ctx context.Context, id int64) (store.Message, error)
}

// deliverOnce makes one delivery attempt. A server that cannot be reached is
// not an error here: the message stays queued and leaves with the next run,
// which the returned note says.
func deliverOnce(ctx context.Context, d deliverer, m store.Message) (store.Message, string, error) {
	got, err := d.Deliver(ctx, m.ID)
	if err != nil && mail.ClassOf(err) == mail.ClassUnreachable {
		return got, fmt.Sprintf("The mail server cannot be reached (%v); the message stays queued and leaves with the next `leadmail outbox run`.", err), nil
	}
	return got, "", err
}

// scheduledFor is the absolute time a message was scheduled for, as the
// echo of --at shows it: "Mon 7 Dec 09:00 CET (in 2 days)", saying so when
// a time of day typed alone had passed and tomorrow's was taken.
func scheduledFor(at time.Time, typed outbox.When) string {
	now := time.Now()
	if at.Equal(typed.At) {
		return typed.Describe(now)
	}
	return outbox.Describe(at, now)
}

// reminderLine echoes the reminder a send queued: its task number, title
// and absolute due time, and that a reply closes it.
func reminderLine(t store.Task, now time.Time) string {
	return fmt.Sprintf("Reminder #%d: %s, due %s, done by itself if they reply",
		t.ID, termSafe(t.Title), outbox.Describe(t.DueAt, now))
}
