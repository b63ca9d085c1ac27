package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
)

// exitStatus is a command's answer given by its exit status alone, with
// nothing to say on stderr (tasks --due for a shell prompt).
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// taskJSON is a task as the tasks commands print it.
type taskJSON struct {
	ID        int64     `json:"id"`
	Due       string    `json:"due"` // overdue, today, upcoming or done
	Title     string    `json:"title"`
	DueAt     time.Time `json:"due_at"`
	ContactID int64     `json:"contact_id"`
	Contact   string    `json:"contact"`
	Email     string    `json:"email,omitempty"`
	// OpportunityID and Opportunity are the deal the task is about.
	OpportunityID int64      `json:"opportunity_id,omitempty"`
	Opportunity   string     `json:"opportunity,omitempty"`
	DoneAt        *time.Time `json:"done_at,omitempty"`
	Snoozes       int        `json:"snoozes,omitempty"`
	Reschedules   int        `json:"reschedules,omitempty"`
}

func taskOut(t store.Task, due string) taskJSON {
	tj := taskJSON{ID: t.ID, Due: due, Title: t.Title, DueAt: t.DueAt, ContactID: t.ContactID,
		Contact: t.ContactName, Email: t.ContactEmail, Snoozes: t.Snoozes, Reschedules: t.Reschedules,
		OpportunityID: t.OpportunityID, Opportunity: t.OpportunityName}
	if !t.Open() {
		d := t.DoneAt
		tj.DoneAt, tj.Due = &d, "done"
	}
	return tj
}

// me is the configured user, whose tasks these are. Where the database has
// several users and the configuration names none, the sentence says how to
// name yourself, as every other command does.
func me(a *app) (int64, error) {
	if a.user.ID == 0 {
		if err := a.st.Identified(); err != nil {
			return 0, err
		}
		return 0, errors.New("tasks belong to a CRM user: set user.email and user.name in the configuration")
	}
	return a.user.ID, nil
}

func newTasksCmd(g *globals) *cobra.Command {
	var dueOnly, asJSON bool
	var limit int
	cmd := &cobra.Command{
		Use:   "tasks [--due] [--json]",
		Short: "Your open follow-up tasks: overdue, due today, upcoming",
		Long: `tasks lists your open follow-up tasks, overdue first, then those due today,
then the upcoming ones. With --due it lists only overdue and today's, and
its exit status says whether there are any (0: some are due, 1: none), for
a shell prompt or cron:

  leadmail tasks --due >/dev/null && echo "follow-ups due"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if limit < 1 || limit > 10000 {
				return fmt.Errorf("--limit %d must be between 1 and 10000", limit)
			}
			ctx := cmd.Context()
			a, err := openApp(ctx, g)
			if err != nil {
				return err
			}
			defer a.Close()
			owner, err := me(a)
			if err != nil {
				return err
			}
			groups := []struct {
				due  store.TaskDue
				name string
			}{{store.TasksOverdue, "overdue"}, {store.TasksToday, "today"}, {store.TasksUpcoming, "upcoming"}}
			if dueOnly {
				groups = groups[:2]
			}
			now := time.Now()
			out := []taskJSON{}
			for _, gr := range groups {
				p, err := a.st.ListTasks(ctx, store.TaskQuery{OwnerID: owner, Due: gr.due, Now: now, Limit: limit})
				if err != nil {
					return err
				}
				for _, t := range p.Tasks {
					out = append(out, taskOut(t, gr.name))
				}
			}
			if asJSON {
				err = writeJSON(cmd.OutOrStdout(), out)
			} else {
				err = writeTasks(cmd, out)
			}
			if err == nil && dueOnly && len(out) == 0 {
				return exitStatus(1)
			}
			return err
		},
	}
	cmd.Flags().BoolVar(&dueOnly, "due", false, "only overdue and today's; exit status 1 when there are none")
	cmd.Flags().IntVar(&limit, "limit", 50, "at most this many tasks per group")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.AddCommand(newTasksAddCmd(g), newTasksDoneCmd(g), newTasksMoveCmd(g, "snooze"), newTasksMoveCmd(g, "reschedule"))
	return cmd
}

func writeTasks(cmd *cobra.Command, ts []taskJSON) error {
	if len(ts) == 0 {
		_, err := fmt.Fprintln(cmd.OutOrStdout(), "No open tasks.")
		return err
	}
	return writeTable(cmd.OutOrStdout(), []string{"ID", "WHEN", "DUE", "TASK", "CONTACT"}, len(ts), func(i int) []string {
		t := ts[i]
		about := t.Contact
		if t.OpportunityID != 0 {
			about += " · deal " + t.Opportunity
		}
		return []string{strconv.FormatInt(t.ID, 10), t.Due, t.DueAt.Local().Format("Mon 2 Jan 15:04"), t.Title, about}
	})
}

// parseDue reads WHEN with the scheduler's parser.
func parseDue(flag, s string) (time.Time, error) {
	at, err := outbox.ParseWhen(s, time.Now())
	if err != nil {
		return time.Time{}, fmt.Errorf("--%s: %w", flag, err)
	}
	return at, nil
}

func newTasksAddCmd(g *globals) *cobra.Command {
	var title, due, owner, deal string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "add (EMAIL|ID | --opportunity ID [EMAIL|ID]) --title T --due WHEN [--owner EMAIL]",
		Short: `Set a follow-up task on a contact or a deal, due "tomorrow 9:00", "in 3 days", "monday"…`,
		Long: `tasks add sets a follow-up task on a contact, or with --opportunity ID on a
deal: the task is then about the deal's primary contact, or about the
contact given, which must be one of the deal's contacts. It shows in the
deal's timeline and in the contact's Life of the Lead.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := contactOrDeal(args, cmd.Flags().Changed("opportunity"), true); err != nil {
				return err
			}
			at, err := parseDue("due", due)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			a, err := openApp(ctx, g)
			if err != nil {
				return err
			}
			defer a.Close()
			by, err := me(a)
			if err != nil {
				return err
			}
			t := store.Task{Title: title, DueAt: at}
			if len(args) > 0 {
				c, err := findContact(ctx, a.st, args[0])
				if err != nil {
					return err
				}
				t.ContactID = c.ID
			}
			if cmd.Flags().Changed("owner") {
				if t.OwnerID, err = ownerID(ctx, a.st, owner); err != nil {
					return err
				}
			}
			on, err := addTask(ctx, a, &t, deal, by)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), taskOut(t, ""))
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "Task %d on %s: %s, due %s.\n", t.ID, on, t.Title,
				t.DueAt.Local().Format("Mon 2 Jan 2006 15:04"))
			return err
		},
	}
	cmd.Flags().StringVar(&title, "title", "", "what is to be done")
	cmd.Flags().StringVar(&due, "due", "", `when: "tomorrow 9:00", "in 3 days", "monday", "2026-12-24 10:00"`)
	cmd.Flags().StringVar(&owner, "owner", "", "the user who owns it (default you)")
	cmd.Flags().StringVar(&deal, "opportunity", "", "set it on the deal `ID` (about its primary contact unless a contact is given)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// addTask writes t on the contact it names or, when deal is not "", on
// that deal, and says what it is on ("Ada Lovelace", "the deal Fleet
// renewal (Ada Lovelace)").
func addTask(ctx context.Context, a *app, t *store.Task, deal string, by int64) (string, error) {
	if deal == "" {
		if err := a.st.AddTask(ctx, t, by); err != nil {
			return "", storeSentence(err)
		}
		return t.ContactName, nil
	}
	o, err := findOpportunity(ctx, a.opportunities(), deal)
	if err != nil {
		return "", err
	}
	t.OpportunityID = o.ID
	if err := a.st.AddOpportunityTask(ctx, t, by); err != nil {
		return "", storeSentence(err)
	}
	return "the deal " + o.Name + " (" + t.ContactName + ")", nil
}

// taskID reads a task ID argument.
func taskID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 {
		return 0, fmt.Errorf("%q is not a task ID (see the ID column of: leadmail tasks)", s)
	}
	return id, nil
}

// runTaskChange opens the app and applies op to the task named by arg.
func runTaskChange(cmd *cobra.Command, g *globals, arg string, asJSON bool, op func(context.Context, *app, int64, int64) (store.Task, error), said string) error {
	id, err := taskID(arg)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	by, err := me(a)
	if err != nil {
		return err
	}
	t, err := op(ctx, a, id, by)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("there is no task %d (see the ID column of: leadmail tasks)", id)
	}
	if err != nil {
		return storeSentence(err)
	}
	if asJSON {
		return writeJSON(cmd.OutOrStdout(), taskOut(t, ""))
	}
	_, err = fmt.Fprintf(cmd.OutOrStdout(), said+"\n", t.ID, t.Title, t.DueAt.Local().Format("Mon 2 Jan 2006 15:04"))
	return err
}

func newTasksDoneCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "done ID",
		Short: "Mark a task done",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTaskChange(cmd, g, args[0], asJSON, func(ctx context.Context, a *app, id, by int64) (store.Task, error) {
				return a.st.CompleteTask(ctx, id, by)
			}, "Done: task %d, %s (was due %s).")
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// newTasksMoveCmd is tasks snooze (--until) or tasks reschedule (--due).
func newTasksMoveCmd(g *globals, verb string) *cobra.Command {
	var when string
	var asJSON bool
	flag, short, said := "until", "Snooze a task until a later time", "Snoozed task %d, %s, until %s."
	if verb == "reschedule" {
		flag, short, said = "due", "Give a task a new due time", "Task %d, %s, is now due %s."
	}
	cmd := &cobra.Command{
		Use:   verb + " ID --" + flag + " WHEN",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			at, err := parseDue(flag, when)
			if err != nil {
				return err
			}
			return runTaskChange(cmd, g, args[0], asJSON, func(ctx context.Context, a *app, id, by int64) (store.Task, error) {
				if verb == "reschedule" {
					return a.st.RescheduleTask(ctx, id, by, at)
				}
				return a.st.SnoozeTask(ctx, id, by, at)
			}, said)
		},
	}
	cmd.Flags().StringVar(&when, flag, "", `when: "tomorrow 9:00", "in 3 days", "monday"`)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
