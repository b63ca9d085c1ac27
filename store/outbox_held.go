package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// A message sent from the TUI waits out its undo window held for the TUI
// session that queued it (hold_session): only that session's runner claims
// it, and claiming it clears the hold. A message still held when its window
// has passed belongs to a session that ended without confirming it (the app
// was quit or killed): it is "held: undo window not confirmed" and leaves
// only when the user releases it (ReleaseHeld) or is cancelled. Nothing
// else sends it.

// detailReleased is the timeline's note when the user sends a held message.
const detailReleased = "Sent on your word after the app closed in its undo window"

// Enqueue is DB.EnqueueMessage by this runner: a message queued to leave
// later (its undo window) is held for this runner's session until claimed
// by it, confirmed (ConfirmPassed) or released (ReleaseHeld).
func (r *Runner) Enqueue(ctx context.Context, m *Message) error {
	now := r.db.nowUTC()
	in := *m
	if in.Status == "" && in.SendAt.After(now) {
		in.Status = MessageScheduled // as EnqueueMessage decides
	}
	return r.db.enqueue(ctx, m, r.holdFor(in, now))
}

// holdFor is the session that holds m, queued at now: this runner's when m
// waits out an undo window, none otherwise.
func (r *Runner) holdFor(m Message, now time.Time) string {
	if m.Status == MessageQueued && m.SendAt.After(now) {
		return r.id
	}
	return ""
}

// heldWhere selects the queued or scheduled messages held for a session.
const heldWhere = ` WHERE hold_session IS NOT NULL AND status IN ('queued', 'scheduled')`

// Pending lists the messages of this runner's session still inside their
// undo window, by id: what quitting now would leave unconfirmed.
func (r *Runner) Pending(ctx context.Context) ([]Message, error) {
	return r.db.listHeld(ctx, "list messages in their undo window",
		` AND hold_session = ? AND send_at > ?`, r.id, dbTime(r.db.nowUTC()))
}

// HeldMessages lists, by id, the messages whose undo window passed while
// held for a session not in except (this runner's own, the sessions known
// to be alive): their session ended without confirming them.
func (db *DB) HeldMessages(ctx context.Context, except ...string) ([]Message, error) {
	args := []any{dbTime(db.nowUTC())}
	cond := ` AND send_at <= ?`
	if len(except) > 0 {
		cond += ` AND hold_session NOT IN (?` + strings.Repeat(`, ?`, len(except)-1) + `)`
		for _, id := range except {
			args = append(args, id)
		}
	}
	return db.listHeld(ctx, "list held messages", cond, args...)
}

func (db *DB) listHeld(ctx context.Context, op, cond string, args ...any) ([]Message, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+messageCols+` FROM messages`+heldWhere+cond+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, translate(err))
	}
	ms, err := collect(rows, scanWithoutRaw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, translate(err))
	}
	return ms, nil
}

// ConfirmPassed clears the hold of this session's messages whose undo
// window has passed (the user saw it end) but which were not claimed yet,
// for example while the server was unreachable: any runner may send them
// now. It returns how many it confirmed.
func (r *Runner) ConfirmPassed(ctx context.Context) (int, error) {
	if r.id == "" {
		return 0, nil
	}
	now := dbTime(r.db.nowUTC())
	// A runner calls this on every pass: finding nothing must not take the
	// write lock.
	const cond = heldWhere + ` AND hold_session = ?2 AND send_at <= ?1`
	var found bool
	err := r.db.sql.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM messages`+cond+`)`, now, r.id).Scan(&found)
	if err != nil {
		return 0, fmt.Errorf("confirm passed undo windows: %w", translate(err))
	}
	if !found {
		return 0, nil
	}
	res, err := r.db.sql.ExecContext(ctx, `UPDATE messages SET hold_session = NULL, updated_at = ?1`+cond, now, r.id)
	if err != nil {
		return 0, fmt.Errorf("confirm passed undo windows: %w", translate(err))
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// ReleaseHeld sends a held message on the user's word: its hold is cleared
// and it is due at sendAt (zero: now), and the timeline says so. It returns
// the message without raw bytes. A message that is not held (it left, was
// cancelled, or was never held) is ErrConflict; an unknown id ErrNotFound.
func (db *DB) ReleaseHeld(ctx context.Context, id int64, sendAt time.Time) (Message, error) {
	now := db.nowUTC()
	m, err := db.moveWithEvent(ctx, id, EventEmailQueued, detailReleased, now, `
UPDATE messages SET hold_session = NULL, send_at = ?, retry_at = NULL, updated_at = ?
WHERE id = ? AND hold_session IS NOT NULL AND status IN ('queued', 'scheduled')
RETURNING `+messageCols, dbTime(orNow(sendAt, now)), dbTime(now), id)
	if err != nil {
		return Message{}, fmt.Errorf("release held message %d: %w", id, err)
	}
	return m, nil
}
