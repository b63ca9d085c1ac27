package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// "Remind me in N days if no reply": a send may carry a follow-up task
// (Task.MessageID) that a reply to it closes by itself (the trigger
// tasks_close_on_reply of migration 0006). The task is written in the
// transaction that queues the message, so a crash never leaves a message
// without the reminder that was asked for, nor a reminder of a message
// that was never queued. A send cancelled before it left takes its open
// reminders with it (CancelMessage): nothing went out for anyone to answer.

// EnqueueWithTask is Enqueue with the follow-up task t on the message,
// written in the same transaction: both or neither. t's ContactID and
// MessageID become the message's; OwnerID 0 means the sender; its title
// and due time are checked as AddTask checks them, before anything is
// written. On success t holds the task as stored. A nil t is Enqueue.
func (r *Runner) EnqueueWithTask(ctx context.Context, m *Message, t *Task) error {
	now := r.db.nowUTC()
	in := *m
	if in.Status == "" && in.SendAt.After(now) {
		in.Status = MessageScheduled // as EnqueueMessage decides
	}
	return r.db.enqueueWithTask(ctx, m, r.holdFor(in, now), t)
}

// EnqueueMessageWithTask is EnqueueMessage with the follow-up task t, as
// Runner.EnqueueWithTask.
func (db *DB) EnqueueMessageWithTask(ctx context.Context, m *Message, t *Task) error {
	return db.enqueueWithTask(ctx, m, "", t)
}

func (db *DB) enqueueWithTask(ctx context.Context, m *Message, hold string, t *Task) error {
	if t == nil {
		return db.enqueue(ctx, m, hold)
	}
	follow, err := prepareTask(*t, m.UserID)
	if err != nil {
		return fmt.Errorf("enqueue message with a follow-up: %w", err)
	}
	if err := db.enqueueWith(ctx, m, hold, &follow); err != nil {
		return err
	}
	*t = follow
	return nil
}

// FollowUpOf returns the open follow-up task waiting on a reply to message
// id; ok is false when there is none.
func (db *DB) FollowUpOf(ctx context.Context, id int64) (t Task, ok bool, err error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+taskCols+` FROM `+taskFrom+`
WHERE t.message_id = ? AND t.done_at IS NULL ORDER BY t.id LIMIT 1`, id)
	if err != nil {
		return Task{}, false, fmt.Errorf("follow-up of message %d: %w", id, translate(err))
	}
	ts, err := collect(rows, scanTask)
	if err != nil {
		return Task{}, false, fmt.Errorf("follow-up of message %d: %w", id, translate(err))
	}
	if len(ts) == 0 {
		return Task{}, false, nil
	}
	return ts[0], true, nil
}

// detailFollowUpDropped is the timeline's note on a reminder removed with
// its cancelled send.
const detailFollowUpDropped = "the send was cancelled, so no reply is awaited"

// dropFollowUps deletes, inside tx, the open tasks waiting on a reply to
// message id, which was just cancelled, each with a task event on its
// contact at now. Done tasks stay: they are history.
func (db *DB) dropFollowUps(ctx context.Context, tx *sql.Tx, id int64, now time.Time) error {
	rows, err := tx.QueryContext(ctx, `SELECT `+taskCols+` FROM `+taskFrom+`
WHERE t.message_id = ? AND t.done_at IS NULL ORDER BY t.id`, id)
	if err != nil {
		return err
	}
	ts, err := collect(rows, scanTask)
	if err != nil {
		return err
	}
	for i := range ts {
		t := &ts[i]
		if err := execOne(ctx, tx, `DELETE FROM tasks WHERE id = ?`, t.ID); err != nil {
			return err
		}
		if err := db.insertEvents(ctx, tx, t.ContactID, now, 0,
			[]Event{taskEvent(t, "removed", "Removed: "+t.Title, detailFollowUpDropped)}); err != nil {
			return err
		}
	}
	return nil
}
