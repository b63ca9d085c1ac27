package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/store/scope"
	"github.com/leadmail/leadmail/tui/common"
)

type messageJSON struct {
	ID         int64               `json:"id"`
	MessageID  string              `json:"message_id"`
	Status     store.MessageStatus `json:"status"`
	Subject    string              `json:"subject"`
	Recipients []string            `json:"recipients"`
	SendAt     time.Time           `json:"send_at"`
	SentAt     *time.Time          `json:"sent_at,omitempty"`
	Attempts   int                 `json:"attempts"`
	LastError  string              `json:"last_error,omitempty"`
	// Held is set on a queued message whose undo window was never
	// confirmed: it leaves only on `outbox release`.
	Held bool `json:"held,omitempty"`
	// RepliedAt is when Mail Sync found the first reply to a sent message.
	RepliedAt *time.Time `json:"replied_at,omitempty"`
	// Bounce is the first delivery status notification of a sent message.
	Bounce *bounceJSON `json:"bounce,omitempty"`
}

// bounceJSON is a sent message's bounce, as Mail Sync recorded it.
type bounceJSON struct {
	At         time.Time `json:"at"`
	Status     string    `json:"status"`     // e.g. "5.1.1"; 5.x.x is permanent
	Diagnostic string    `json:"diagnostic"` // the remote server's words
}

func toMessageJSON(m store.Message) messageJSON {
	j := messageJSON{ID: m.ID, MessageID: m.MessageID, Status: m.Status, Subject: m.Subject,
		Recipients: m.Recipients, SendAt: m.SendAt, Attempts: m.Attempts, LastError: m.LastError}
	if !m.SentAt.IsZero() {
		t := m.SentAt
		j.SentAt = &t
	}
	if !m.RepliedAt.IsZero() {
		t := m.RepliedAt
		j.RepliedAt = &t
	}
	if !m.BouncedAt.IsZero() {
		j.Bounce = &bounceJSON{At: m.BouncedAt, Status: m.BounceStatus, Diagnostic: m.BounceDetail}
	}
	return j
}

// outboxState is a message's state as the outbox table shows it: held,
// or its status, with "bounced" or "answered" after a sent one; and the
// text of its LAST ERROR column (a bounce's diagnostic for a bounced one).
func outboxState(m messageJSON) (state, lastErr string) {
	state, lastErr = string(m.Status), m.LastError
	switch {
	case m.Held:
		state, lastErr = "held", outbox.HeldReason
	case m.Bounce != nil:
		state, lastErr = "sent, bounced", common.BounceReason(m.Bounce.Status, m.Bounce.Diagnostic)
	case m.RepliedAt != nil:
		state = "sent, answered"
	}
	return state, lastErr
}

func newOutboxCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "outbox",
		Short: "List, deliver, retry or cancel the messages in the outbox",
		Long: `The outbox holds every message, fully composed, from the moment it is queued:
nothing is lost while the mail server cannot be reached.

  leadmail outbox              list the outbox (same as "outbox list")
  leadmail outbox run          deliver everything due now, then exit (for cron or a systemd timer)
  leadmail outbox run --watch  keep delivering until interrupted
  leadmail outbox retry ID     queue a failed, uncertain or cancelled message again and try it now
  leadmail outbox cancel ID    take back a queued, scheduled or held message
  leadmail outbox release ID   send a held message now (its undo window was never confirmed)
  leadmail outbox mark-sent ID record that an uncertain message did arrive

A message is held when the app that queued it was quit or killed inside
its undo window: nothing sends it until you release or cancel it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return listOutbox(cmd, g, "", 100, asJSON) },
	}
	cmd.PersistentFlags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.AddCommand(newOutboxListCmd(g, &asJSON), newOutboxRunCmd(g, &asJSON),
		newOutboxActionCmd(g, &asJSON, "retry", "Queue a failed, uncertain or cancelled message again and try to send it now"),
		newOutboxActionCmd(g, &asJSON, "cancel", "Take back a queued, scheduled or held message"),
		newOutboxActionCmd(g, &asJSON, "release", "Send now a message held because its undo window was never confirmed"),
		newOutboxActionCmd(g, &asJSON, "mark-sent", "Record that an uncertain message did arrive, so it is never resent"))
	return cmd
}

func newOutboxListCmd(g *globals, asJSON *bool) *cobra.Command {
	var status string
	var limit int
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the outbox, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return listOutbox(cmd, g, status, limit, *asJSON)
		},
	}
	cmd.Flags().StringVar(&status, "status", "", "only this state: queued, scheduled, sending, sent, failed, uncertain, cancelled, held")
	cmd.Flags().IntVar(&limit, "limit", 100, "at most this many messages")
	return cmd
}

func listOutbox(cmd *cobra.Command, g *globals, status string, limit int, asJSON bool) error {
	f := store.MessageFilter{Limit: limit}
	onlyHeld := status == "held"
	if status != "" && !onlyHeld {
		st := store.MessageStatus(status)
		switch st {
		case store.MessageQueued, store.MessageScheduled, store.MessageSending, store.MessageSent,
			store.MessageFailed, store.MessageUncertain, store.MessageCancelled:
		default:
			return fmt.Errorf("--status %q is not a message state", status)
		}
		f.Statuses = []store.MessageStatus{st}
	}
	if limit < 1 {
		return fmt.Errorf("--limit %d must be at least 1", limit)
	}
	return withOutbox(cmd.Context(), g, func(a *app, svc *outbox.Service) error {
		mailer := a.st.NewMailer(svc)
		held, err := mailer.Held(cmd.Context())
		if err != nil {
			return err
		}
		msgs := held
		if !onlyHeld {
			if msgs, err = a.st.ListMessages(cmd.Context(), f); err != nil {
				return err
			}
		}
		isHeld := make(map[int64]bool, len(held))
		for _, m := range held {
			isHeld[m.ID] = true
		}
		st, err := mailer.Status(cmd.Context())
		if err != nil {
			return err
		}
		out := make([]messageJSON, 0, len(msgs))
		for _, m := range msgs {
			j := toMessageJSON(m)
			j.Held = isHeld[m.ID]
			out = append(out, j)
		}
		w := cmd.OutOrStdout()
		if asJSON {
			return writeJSON(w, struct {
				Messages []messageJSON      `json:"messages"`
				Quota    outbox.QuotaStatus `json:"quota"`
			}{out, st.Quota})
		}
		fmt.Fprintf(w, "%s\n\n", quotaLine(st.Quota))
		return writeTable(w, []string{"ID", "STATUS", "WHEN", "TO", "SUBJECT", "TRIES", "LAST ERROR"}, len(out), func(i int) []string {
			m := out[i]
			when := m.SendAt
			if m.SentAt != nil {
				when = *m.SentAt
			}
			st, lastErr := outboxState(m)
			return []string{strconv.FormatInt(m.ID, 10), st, when.Local().Format("2006-01-02 15:04"),
				strings.Join(m.Recipients, ", "), m.Subject, strconv.Itoa(m.Attempts), clip(lastErr, 60)}
		})
	})
}

func quotaLine(q outbox.QuotaStatus) string {
	what := "sends"
	if q.CountsRecipients {
		what = "recipients"
	}
	if q.Limit == 0 {
		return fmt.Sprintf("Sent in the last 24 h: %d %s (no daily limit set)", q.Used, what)
	}
	s := fmt.Sprintf("Sent in the last 24 h: %d of %d %s", q.Used, q.Limit, what)
	if q.Preset != "" && q.Preset != "custom" {
		s += " (" + q.Preset + ")"
	}
	if q.PerMinuteLimit > 0 {
		s += fmt.Sprintf(" · this minute %d of %d", q.PerMinuteUsed, q.PerMinuteLimit)
	}
	if q.Full() && !q.FreesAt.IsZero() {
		s += " · full until " + q.FreesAt.Local().Format("15:04")
	}
	return s
}

// runOutbox delivers what is due and prints each event and a summary, or
// with watch keeps a worker running until interrupted. An interrupt
// (ctrl-c) is a normal stop: it ends with one line on stderr saying what was
// left queued, and exits 0.
func runOutbox(cmd *cobra.Command, svc *outbox.Service, watch, asJSON bool) error {
	return runOutboxFor(cmd, svc, nil, watch, asJSON)
}

// runOutboxFor is runOutbox printing for the user of st (nil: for
// whoever runs it): the run delivers every message due, but an event about
// one to a contact they may not see (S16) is only counted in the summary.
func runOutboxFor(cmd *cobra.Command, svc *outbox.Service, st *scope.Store, watch, asJSON bool) error {
	w := cmd.OutOrStdout()
	print := func(ev outbox.Event) {
		if st != nil && ev.Message.ID != 0 {
			if ok, err := st.MayShow(context.WithoutCancel(cmd.Context()), ev.Message.ID); err != nil || !ok {
				return
			}
		}
		if asJSON {
			_ = writeJSON(w, eventLine(ev))
			return
		}
		fmt.Fprintln(w, eventText(ev))
	}
	if watch {
		wk := svc.NewWorker(outbox.WorkerOptions{})
		printed := make(chan struct{})
		go func() {
			defer close(printed)
			for u := range wk.Updates() {
				if u.Event != nil {
					print(*u.Event)
				}
			}
		}()
		err := wk.Run(cmd.Context())
		<-printed
		if err == nil && cmd.Context().Err() != nil {
			reportInterrupted(cmd, svc, st)
		}
		return err
	}
	rep, err := svc.Run(cmd.Context(), outbox.RunOptions{IgnoreBackoff: true, Notify: print})
	interrupted := cmd.Context().Err() != nil && (err == nil || errors.Is(err, context.Canceled))
	if err != nil && !interrupted {
		return err
	}
	if !asJSON {
		fmt.Fprintln(w, runSummary(rep))
	}
	if interrupted {
		reportInterrupted(cmd, svc, st)
		return nil
	}
	if rep.AuthFailed {
		return rep.Stop
	}
	return nil
}

// runSummary is the last line of `outbox run`. Uncertain counts the
// messages found in sending after a crash as well as those this run could
// not settle: both wait for the user's word.
func runSummary(rep outbox.RunReport) string {
	s := fmt.Sprintf("sent %d · retrying %d · failed %d · uncertain %d · held %d",
		rep.Sent, rep.Retrying, rep.Failed, rep.Uncertain+rep.Recovered, rep.Held)
	if rep.Unconfirmed > 0 {
		s += fmt.Sprintf("\n%d %s, not sent: see leadmail outbox; release ID sends one, cancel ID takes it back",
			rep.Unconfirmed, outbox.HeldReason)
	}
	return s
}

// reportInterrupted says, on stderr, what an interrupted run left behind:
// of the mail the user of sc may see, when sc is not nil.
func reportInterrupted(cmd *cobra.Command, svc *outbox.Service, sc *scope.Store) {
	var status interface {
		Status(context.Context) (outbox.Status, error)
	} = svc
	if sc != nil {
		status = sc.NewMailer(svc)
	}
	st, err := status.Status(context.WithoutCancel(cmd.Context()))
	if err != nil {
		fmt.Fprintln(cmd.ErrOrStderr(), "interrupted: the rest stays in the outbox")
		return
	}
	n, what := st.Queued+st.Scheduled, "messages"
	if n == 1 {
		what = "message"
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "interrupted: %d %s left queued\n", n, what)
}

func newOutboxRunCmd(g *globals, asJSON *bool) *cobra.Command {
	var watch bool
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Deliver every message that is due, then exit (or keep going with --watch)",
		Long: `run delivers every queued message now, ignoring retry delays (you asking is
the sign the network is back), and every scheduled message whose time has
come, over one connection, within your provider's sending limit. It exits 0
when the mail server cannot be reached (the messages stay queued for the next
run) and non-zero when the login is refused.

With --watch it keeps running, delivering scheduled mail when due and retrying
with backoff, until interrupted. Several runners (the TUI, cron) never send a
message twice: each message is claimed before it leaves.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withOutbox(cmd.Context(), g, func(a *app, svc *outbox.Service) error {
				return runOutboxFor(cmd, svc, a.st, watch, *asJSON)
			})
		},
	}
	cmd.Flags().BoolVar(&watch, "watch", false, "keep delivering until interrupted")
	return cmd
}

type eventJSONLine struct {
	Event   string      `json:"event"`
	Message messageJSON `json:"message"`
	Error   string      `json:"error,omitempty"`
}

func eventName(k outbox.EventKind) string {
	switch k {
	case outbox.EventSent:
		return "sent"
	case outbox.EventRetrying:
		return "retrying"
	case outbox.EventFailed:
		return "failed"
	case outbox.EventUncertain:
		return "uncertain"
	case outbox.EventHeld:
		return "held"
	}
	return "unknown"
}

func eventLine(ev outbox.Event) eventJSONLine {
	l := eventJSONLine{Event: eventName(ev.Kind), Message: toMessageJSON(ev.Message)}
	if ev.Err != nil {
		l.Error = ev.Err.Error()
	}
	return l
}

func eventText(ev outbox.Event) string {
	to := strings.Join(ev.Message.Recipients, ", ")
	if ev.Kind == outbox.EventSent {
		return fmt.Sprintf("sent       #%d to %s: %s", ev.Message.ID, to, ev.Message.Subject)
	}
	if ev.Message.ID == 0 {
		return fmt.Sprintf("%-10s %v", eventName(ev.Kind), ev.Err)
	}
	return fmt.Sprintf("%-10s #%d to %s: %v", eventName(ev.Kind), ev.Message.ID, to, ev.Err)
}

func newOutboxActionCmd(g *globals, asJSON *bool, verb, short string) *cobra.Command {
	return &cobra.Command{
		Use:   verb + " ID",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id < 1 {
				return fmt.Errorf("%q is not a message ID (see leadmail outbox list)", args[0])
			}
			ctx := cmd.Context()
			return withOutbox(ctx, g, func(a *app, svc *outbox.Service) error {
				// Through the mailer, a message to a contact the user may
				// not see is refused before the outbox is reached (S16).
				mailer := a.st.NewMailer(svc)
				var m store.Message
				var note string
				var err error
				switch verb {
				case "retry":
					if m, err = mailer.Retry(ctx, id); err == nil {
						m, note, err = deliverOnce(ctx, mailer, m)
					}
				case "cancel":
					m, err = mailer.Cancel(ctx, id)
				case "release":
					if m, err = mailer.Release(ctx, id); err == nil {
						m, note, err = deliverOnce(ctx, mailer, m)
					}
				case "mark-sent":
					m, err = mailer.MarkSent(ctx, id)
				}
				if errors.Is(err, store.ErrNotFound) {
					return fmt.Errorf("no message has the ID %d (see leadmail outbox list)", id)
				}
				if err := reportMessage(cmd.OutOrStdout(), m, err, *asJSON); err != nil {
					return err
				}
				if note != "" && !*asJSON {
					fmt.Fprintln(cmd.OutOrStdout(), note)
				}
				return nil
			})
		},
	}
}

func reportMessage(w io.Writer, m store.Message, err error, asJSON bool) error {
	if asJSON && m.ID != 0 {
		j := struct {
			messageJSON
			Error string `json:"error,omitempty"`
		}{messageJSON: toMessageJSON(m)}
		if err != nil {
			j.Error = err.Error()
		}
		if werr := writeJSON(w, j); werr != nil {
			return werr
		}
	} else if err == nil {
		fmt.Fprintf(w, "#%d %s: %s\n", m.ID, m.Status, m.Subject)
	}
	return err
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
