package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Task is a follow-up on a contact, or on an opportunity and one of its
// contacts, owned by a user, due at a time.
type Task struct {
	ID        int64
	ContactID int64
	// OpportunityID is the deal the task is about, 0 for a task on the
	// contact alone (AddOpportunityTask); OpportunityName is its name,
	// filled on reads.
	OpportunityID   int64
	OpportunityName string
	// ContactName and ContactEmail are filled by ListTasks and TasksOf.
	ContactName  string
	ContactEmail string
	OwnerID      int64
	Title        string
	DueAt        time.Time
	FirstDueAt   time.Time // the due time it was created with
	DoneAt       time.Time // zero while open
	// DoneBy is "user", or "reply" when a reply to MessageID closed it.
	DoneBy      string
	Snoozes     int
	Reschedules int
	// MessageID is the send ("remind me if no reply") whose reply closes
	// the task by itself; 0 if none.
	MessageID int64
	CreatedBy int64
	CreatedAt time.Time
}

// Open reports whether the task is still to do.
func (t Task) Open() bool { return t.DoneAt.IsZero() }

// taskCols and taskFrom read a Task with its contact's name and email,
// and its opportunity's name.
const (
	taskCols = `t.id, t.contact_id, c.first_name, c.last_name, c.email, t.owner_id,
    t.title, t.due_at, t.first_due_at, t.done_at, coalesce(t.done_by, ''),
    t.snoozes, t.reschedules, coalesce(t.message_id, 0), coalesce(t.created_by, 0),
    t.created_at, coalesce(t.opportunity_id, 0), coalesce(o.name, '')`
	taskFrom = `tasks t JOIN contacts c ON c.id = t.contact_id
    LEFT JOIN opportunities o ON o.id = t.opportunity_id`
)

func scanTask(r rowScanner) (Task, error) {
	var t Task
	var first, last string
	err := r.Scan(&t.ID, &t.ContactID, &first, &last, &t.ContactEmail, &t.OwnerID,
		&t.Title, scanTime(&t.DueAt), scanTime(&t.FirstDueAt), scanTime(&t.DoneAt), &t.DoneBy,
		&t.Snoozes, &t.Reschedules, &t.MessageID, &t.CreatedBy, scanTime(&t.CreatedAt),
		&t.OpportunityID, &t.OpportunityName)
	t.ContactName = Contact{FirstName: first, LastName: last, Email: t.ContactEmail}.Name()
	return t, err
}

// AddTask writes t, made by user by, with its task event, and sets t.ID and
// its times. OwnerID 0 means by. An empty or overlong title, no due time,
// an owner who is not a user, or a MessageID that is not a send to the
// contact is ErrInvalid; an unknown contact ErrNotFound. A task on an
// opportunity is AddOpportunityTask's: here an OpportunityID is
// ErrInvalid.
func (db *DB) AddTask(ctx context.Context, t *Task, by int64) error {
	if t.OpportunityID != 0 {
		return fmt.Errorf("add task: %w", invalid("a task on an opportunity is added with AddOpportunityTask"))
	}
	return db.addTask(ctx, t, by, fmt.Sprintf("contact %d", t.ContactID))
}

// addTask checks and writes t, made by user by, in one transaction, and
// sets it as stored; on names what it is on for the error.
func (db *DB) addTask(ctx context.Context, t *Task, by int64, on string) error {
	in, err := prepareTask(*t, by)
	if err != nil {
		return fmt.Errorf("add task: %w", err)
	}
	err = db.tx(ctx, func(tx *sql.Tx) error { return db.insertTask(ctx, tx, &in, by, db.nowUTC()) })
	if err != nil {
		return fmt.Errorf("add task on %s: %w", on, err)
	}
	*t = in
	return nil
}

// prepareTask checks what can be checked of a new task t by user by
// without the database, and returns it trimmed, with its owner.
func prepareTask(in Task, by int64) (Task, error) {
	in.Title = strings.TrimSpace(in.Title)
	if in.OwnerID == 0 {
		in.OwnerID = by
	}
	switch {
	case in.Title == "":
		return Task{}, invalid("a task needs a title: what is to be done")
	case in.DueAt.IsZero():
		return Task{}, invalid("a task needs a due date")
	case in.OwnerID == 0:
		return Task{}, invalid("a task needs an owner")
	}
	if err := checkText("task title", in.Title, MaxFieldLen); err != nil {
		return Task{}, err
	}
	return in, nil
}

// insertTask writes the prepared task in, made by user by at now, with its
// task event, inside tx; it sets in's ID and times.
func (db *DB) insertTask(ctx context.Context, tx *sql.Tx, in *Task, by int64, now time.Time) error {
	in.DueAt, in.FirstDueAt, in.CreatedAt, in.CreatedBy = in.DueAt.UTC(), in.DueAt.UTC(), now, by
	in.DoneAt, in.DoneBy, in.Snoozes, in.Reschedules = time.Time{}, "", 0, 0
	deal, err := workOn(ctx, tx, &in.ContactID, in.OpportunityID)
	if err != nil {
		return err
	}
	in.OpportunityName = deal.Name
	c, err := txContact(ctx, tx, in.ContactID)
	if err != nil {
		return err
	}
	in.ContactName, in.ContactEmail = c.Name(), c.Email
	if _, err := userName(ctx, tx, in.OwnerID); err != nil {
		return err
	}
	if in.MessageID != 0 {
		var ok bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM messages
WHERE id = ? AND contact_id = ?)`, in.MessageID, in.ContactID).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return invalid("message %d was not sent to %s", in.MessageID, c.Name())
		}
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO tasks (contact_id, owner_id, title,
    due_at, first_due_at, message_id, created_by, created_at, opportunity_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.ContactID, in.OwnerID, in.Title,
		dbTime(in.DueAt), dbTime(in.DueAt), nullID(in.MessageID), nullID(by), dbTime(now),
		nullID(in.OpportunityID)).Scan(&in.ID); err != nil {
		return err
	}
	detail := "due " + in.DueAt.Local().Format("Mon 2 Jan 2006 15:04")
	if in.MessageID != 0 {
		detail += ", unless they reply"
	}
	return db.workEvents(ctx, tx, in.ContactID, deal, now, by, taskEvent(in, "added", "Task: "+in.Title, detail))
}

// taskEvent is the event of action on t.
func taskEvent(t *Task, action, subject, detail string) Event {
	return Event{Kind: EventTask, Subject: subject, Detail: detail,
		Data: map[string]string{"task_id": idString(t.ID), "action": action,
			"title": t.Title, "due": t.DueAt.UTC().Format(time.RFC3339)}}
}

// CompleteTask marks the open task id done by user by, with its event. A
// task already done is ErrInvalid; an unknown one ErrNotFound.
func (db *DB) CompleteTask(ctx context.Context, id, by int64) (Task, error) {
	return db.changeTask(ctx, id, by, "done", func(t *Task, now time.Time) (string, error) {
		t.DoneAt, t.DoneBy = now, "user"
		return "", nil
	}, `done_at = ?2, done_by = 'user'`, func(t *Task) any { return dbTime(t.DoneAt) })
}

// SnoozeTask moves the open task id to until, a time after now, counting
// a snooze, with its event.
func (db *DB) SnoozeTask(ctx context.Context, id, by int64, until time.Time) (Task, error) {
	return db.moveTask(ctx, id, by, until, "snoozed")
}

// RescheduleTask gives the open task id a new due time, counting a
// reschedule, with its event. The time may be any, even past.
func (db *DB) RescheduleTask(ctx context.Context, id, by int64, due time.Time) (Task, error) {
	return db.moveTask(ctx, id, by, due, "rescheduled")
}

func (db *DB) moveTask(ctx context.Context, id, by int64, to time.Time, action string) (Task, error) {
	set := `due_at = ?2, snoozes = snoozes + 1`
	if action == "rescheduled" {
		set = `due_at = ?2, reschedules = reschedules + 1`
	}
	return db.changeTask(ctx, id, by, action, func(t *Task, now time.Time) (string, error) {
		switch {
		case to.IsZero():
			return "", invalid("give the time the task is due")
		case action == "snoozed" && !to.After(now):
			return "", invalid("a task is snoozed until a time to come, not %s", to.Local().Format("Mon 2 Jan 2006 15:04"))
		}
		was := t.DueAt
		t.DueAt = to.UTC()
		if action == "snoozed" {
			t.Snoozes++
		} else {
			t.Reschedules++
		}
		return fmt.Sprintf("due %s (was %s)", t.DueAt.Local().Format("Mon 2 Jan 2006 15:04"),
			was.Local().Format("Mon 2 Jan 15:04")), nil
	}, set, func(t *Task) any { return dbTime(t.DueAt) })
}

// changeTask reads the open task id, lets change alter it (returning the
// event's detail), writes set (?1 is the id, ?2 arg(t)) and the event.
func (db *DB) changeTask(ctx context.Context, id, by int64, action string,
	change func(*Task, time.Time) (string, error), set string, arg func(*Task) any) (Task, error) {
	var t Task
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if t, err = scanTask(tx.QueryRowContext(ctx, `SELECT `+taskCols+` FROM `+taskFrom+` WHERE t.id = ?`, id)); err != nil {
			return translate(err)
		}
		if !t.Open() {
			return invalid("task %d (%s) is already done", id, t.Title)
		}
		now := db.nowUTC()
		detail, err := change(&t, now)
		if err != nil {
			return err
		}
		if err := execOne(ctx, tx, `UPDATE tasks SET `+set+` WHERE id = ?1 AND done_at IS NULL`, id, arg(&t)); err != nil {
			return err
		}
		subject := strings.ToUpper(action[:1]) + action[1:] + ": " + t.Title
		return db.workEvents(ctx, tx, t.ContactID, Opportunity{ID: t.OpportunityID, Name: t.OpportunityName},
			now, by, taskEvent(&t, action, subject, detail))
	})
	if err != nil {
		return Task{}, fmt.Errorf("task %d %s: %w", id, action, err)
	}
	return t, nil
}

// TaskDue selects open tasks by when they are due.
type TaskDue int

// The groups of the Today screen.
const (
	// TasksOpen is every open task, soonest due first.
	TasksOpen TaskDue = iota
	// TasksOverdue are due before now.
	TasksOverdue
	// TasksToday are due from now to the end of today.
	TasksToday
	// TasksUpcoming are due after today.
	TasksUpcoming
)

// TaskCursor is a keyset position in a task listing: hand back Next.
type TaskCursor struct {
	DueAt time.Time
	ID    int64
}

// TaskQuery asks for one page of a user's open tasks.
type TaskQuery struct {
	OwnerID int64
	Due     TaskDue
	// Now and Loc place "today": zero Now is the clock, nil Loc the local
	// zone.
	Now   time.Time
	Loc   *time.Location
	After *TaskCursor
	Limit int // 0 means 50
}

// TaskPage is one page of tasks, soonest due first; Next is nil on the
// last page.
type TaskPage struct {
	Tasks []Task
	Next  *TaskCursor
}

// taskRange is the [from, to) due range of q.Due; zero ends are open.
func (db *DB) taskRange(q TaskQuery) (from, to time.Time) {
	now := orNow(q.Now, db.nowUTC())
	loc := q.Loc
	if loc == nil {
		loc = time.Local
	}
	l := now.In(loc)
	tomorrow := time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, loc)
	switch q.Due {
	case TasksOverdue:
		return time.Time{}, now
	case TasksToday:
		return now, tomorrow
	case TasksUpcoming:
		return tomorrow, time.Time{}
	}
	return time.Time{}, time.Time{}
}

// ListTasks returns one page of the owner's open tasks in q.Due, soonest
// first, keyset-paged on (due, id) along the index tasks_owner_due.
func (db *DB) ListTasks(ctx context.Context, q TaskQuery) (TaskPage, error) {
	if q.OwnerID == 0 {
		return TaskPage{}, fmt.Errorf("list tasks: %w", invalid("whose tasks? no owner given"))
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	where := []string{`t.owner_id = ?`, `t.done_at IS NULL`}
	args := []any{q.OwnerID}
	from, to := db.taskRange(q)
	if !from.IsZero() {
		where, args = append(where, `t.due_at >= ?`), append(args, dbTime(from))
	}
	if !to.IsZero() {
		where, args = append(where, `t.due_at < ?`), append(args, dbTime(to))
	}
	if q.After != nil {
		where, args = append(where, `(t.due_at, t.id) > (?, ?)`), append(args, dbTime(q.After.DueAt), q.After.ID)
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT `+taskCols+` FROM `+taskFrom+whereClause(where)+`
ORDER BY t.due_at, t.id LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return TaskPage{}, fmt.Errorf("list tasks: %w", translate(err))
	}
	ts, err := collect(rows, scanTask)
	if err != nil {
		return TaskPage{}, fmt.Errorf("list tasks: %w", translate(err))
	}
	var p TaskPage
	if len(ts) > limit {
		ts = ts[:limit]
		last := ts[limit-1]
		p.Next = &TaskCursor{DueAt: last.DueAt, ID: last.ID}
	}
	p.Tasks = ts
	return p, nil
}

// CountOverdue counts the owner's open tasks due before now: a range count
// on the index tasks_owner_due, for a status bar or a shell prompt.
func (db *DB) CountOverdue(ctx context.Context, ownerID int64) (int, error) {
	var n int
	err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM tasks
WHERE owner_id = ? AND done_at IS NULL AND due_at < ?`, ownerID, dbTime(db.nowUTC())).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count overdue tasks: %w", translate(err))
	}
	return n, nil
}

// GetTask returns the task id, open or done, or ErrNotFound.
func (db *DB) GetTask(ctx context.Context, id int64) (Task, error) {
	t, err := scanTask(db.sql.QueryRowContext(ctx, `SELECT `+taskCols+` FROM `+taskFrom+` WHERE t.id = ?`, id))
	if err != nil {
		return Task{}, fmt.Errorf("get task %d: %w", id, translate(err))
	}
	return t, nil
}

// TasksOf returns the contact's tasks, open ones first (soonest due
// first), then the done ones, at most limit (0: 100).
func (db *DB) TasksOf(ctx context.Context, contactID int64, limit int) ([]Task, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT `+taskCols+` FROM `+taskFrom+`
WHERE t.contact_id = ? ORDER BY t.done_at IS NOT NULL, t.due_at, t.id LIMIT ?`, contactID, limit)
	if err != nil {
		return nil, fmt.Errorf("tasks of contact %d: %w", contactID, translate(err))
	}
	ts, err := collect(rows, scanTask)
	if err != nil {
		return nil, fmt.Errorf("tasks of contact %d: %w", contactID, translate(err))
	}
	return ts, nil
}
