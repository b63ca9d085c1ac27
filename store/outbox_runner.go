package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Runner is one sender's hand on the outbox: a TUI session or a `leadmail
// outbox run`. Its claims record its ID (claimed_by), so that a successor
// that can prove it dead surfaces them at once (RecoverClaims); it alone may
// claim the messages held for its undo window (hold_session); and its
// Restamp rewrites the bytes of each message it claims, in the claim's
// transaction, so the bytes stored are the bytes sent. A Runner with an
// empty ID (DB.ClaimDue and friends) claims only messages nobody holds.
type Runner struct {
	db *DB
	id string
	// restamp, when set, returns the bytes to send for raw claimed at at
	// (the Date header set to at).
	restamp func(raw []byte, at time.Time) []byte
	// user, when not 0, is the user whose messages alone the runner
	// claims, waits for and counts against the quota (As).
	user int64
}

// Runner returns the runner with this ID; restamp may be nil.
func (db *DB) Runner(id string, restamp func(raw []byte, at time.Time) []byte) *Runner {
	return &Runner{db: db, id: id, restamp: restamp}
}

// As returns a copy of r that sends only the messages of user userID:
// its claims, NextDue and SentSince leave every other user's alone, for a
// runner sends through one user's mailbox login. 0 is everyone's, as a
// runner without users always did.
func (r *Runner) As(userID int64) *Runner {
	c := *r
	c.user = userID
	return &c
}

// ID is the runner's ID, "" for an anonymous one.
func (r *Runner) ID() string { return r.id }

// runnerArg binds a runner ID: NULL when anonymous.
func runnerArg(id string) any {
	if id == "" {
		return nil
	}
	return id
}

// ClaimMessage is DB.ClaimMessage by this runner.
func (r *Runner) ClaimMessage(ctx context.Context, id int64, leaseUntil time.Time) (Message, error) {
	if leaseUntil.IsZero() {
		return Message{}, fmt.Errorf("claim message %d: %w", id, invalid("no lease end"))
	}
	db := r.db
	at := db.nowUTC()
	var m Message
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		m, err = db.updateMessage(ctx, tx, id, true, `
UPDATE messages SET `+claimSet+`, claimed_by = ?4
WHERE id = ?3 AND status IN ('queued', 'scheduled') AND send_at <= ?2
  AND (hold_session IS NULL OR hold_session = ?4) AND (?5 = 0 OR user_id = ?5)
RETURNING `+messageCols+`, raw`, dbTime(leaseUntil), dbTime(at), id, runnerArg(r.id), r.user)
		if err != nil {
			return err
		}
		return r.stamp(ctx, tx, &m, at)
	})
	if err != nil {
		return Message{}, fmt.Errorf("claim message %d: %w", id, err)
	}
	return m, nil
}

// ClaimDue is DB.ClaimDue by this runner.
func (r *Runner) ClaimDue(ctx context.Context, leaseUntil time.Time, limit int, opts ClaimOptions) ([]Message, error) {
	if leaseUntil.IsZero() || limit <= 0 {
		return nil, fmt.Errorf("claim due messages: %w", invalid("need a lease end and a positive limit"))
	}
	db := r.db
	at := db.nowUTC()
	now := dbTime(at)
	// An idle runner polls: finding nothing due must not take the write
	// lock, which would queue the user's own writes behind it. A message
	// that becomes due right after this look is claimed by the next pass.
	var due bool
	exists, err := db.prepared(ctx, dueExistsSQL) //nolint:sqlclosecheck // cached, closed by DB.Close
	if err == nil {
		err = exists.QueryRowContext(ctx, nil, now, 1, opts.IgnoreBackoff, runnerArg(r.id), r.user).Scan(&due)
	}
	if err != nil {
		return nil, fmt.Errorf("claim due messages: %w", translate(err))
	}
	if !due {
		return nil, nil
	}
	var ms []Message
	err = db.tx(ctx, func(tx *sql.Tx) error {
		st, err := db.txStmt(ctx, tx, claimDueSQL) //nolint:sqlclosecheck // bound to tx, closed when it ends
		if err != nil {
			return err
		}
		rows, err := st.QueryContext(ctx, dbTime(leaseUntil), now, limit, opts.IgnoreBackoff, runnerArg(r.id), r.user)
		if err != nil {
			return err
		}
		if ms, err = collect(rows, scanWithRaw); err != nil {
			return err
		}
		for i := range ms {
			if err := r.stamp(ctx, tx, &ms[i], at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim due messages: %w", err)
	}
	// RETURNING has no defined order.
	slices.SortFunc(ms, func(a, b Message) int {
		if c := a.SendAt.Compare(b.SendAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return ms, nil
}

// MarkSentClaimNext is DB.MarkSentClaimNext by this runner.
func (r *Runner) MarkSentClaimNext(ctx context.Context, sentID int64, sentAt, leaseUntil time.Time, opts ClaimOptions) (next Message, ok bool, err error) {
	if leaseUntil.IsZero() {
		return Message{}, false, fmt.Errorf("mark message %d sent and claim the next: %w", sentID, invalid("no lease end"))
	}
	db := r.db
	now := db.nowUTC()
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.markSent(ctx, tx, sentID, orNow(sentAt, now), now); err != nil {
			return err
		}
		var err error
		next, ok, err = r.claimNext(ctx, tx, leaseUntil, now, opts)
		return err
	})
	if err != nil {
		return Message{}, false, fmt.Errorf("mark message %d sent and claim the next: %w", sentID, err)
	}
	return next, ok, nil
}

// Delivered is a send the server accepted at At, not yet recorded.
type Delivered struct {
	ID int64
	At time.Time // zero means when it is recorded
}

// RecordSentClaimNext records sends the server accepted, each as MarkSent
// does (sent, with its event), and then, unless leaseUntil is zero, claims
// the next due message as ClaimDue of one by this runner does, all in one
// transaction. A runner that groups the sends it made since its last claim
// pays for one commit per message it claims, and writes each page the
// sends share (the timeline's, the status indexes') once per group.
//
// A send is recorded after the server accepted it, never before: a crash
// before this commit leaves it in sending, to be recovered as uncertain and
// never resent by itself. That is why the claim, which must come before a
// message is handed to the server, is never grouped.
//
// A send that can no longer be recorded (its message is neither sending
// nor uncertain: ErrConflict; or gone: ErrNotFound) is skipped, with its
// error at its index in refused, and the others are recorded. Any other
// failure is err: then nothing was written and nothing claimed.
func (r *Runner) RecordSentClaimNext(ctx context.Context, sent []Delivered, leaseUntil time.Time, opts ClaimOptions) (next Message, ok bool, refused []error, err error) {
	db := r.db
	now := db.nowUTC()
	err = db.tx(ctx, func(tx *sql.Tx) error {
		next, ok, refused = Message{}, false, make([]error, len(sent))
		for i, d := range sent {
			err := db.markSent(ctx, tx, d.ID, orNow(d.At, now), now)
			if errors.Is(err, ErrConflict) || errors.Is(err, ErrNotFound) {
				refused[i] = fmt.Errorf("mark message %d sent: %w", d.ID, err)
				continue
			}
			if err != nil {
				return err
			}
		}
		if leaseUntil.IsZero() {
			return nil
		}
		var err error
		next, ok, err = r.claimNext(ctx, tx, leaseUntil, now, opts)
		return err
	})
	if err != nil {
		return Message{}, false, nil, fmt.Errorf("record %d sends and claim the next: %w", len(sent), err)
	}
	return next, ok, refused, nil
}

// claimNext claims in tx the next due message, as ClaimDue of one does,
// leased until leaseUntil; ok is false when nothing is due. It makes no
// EXISTS look first, as ClaimDue does: its callers hold the write lock
// already, and a runner that just sent usually finds more.
func (r *Runner) claimNext(ctx context.Context, tx *sql.Tx, leaseUntil, now time.Time, opts ClaimOptions) (Message, bool, error) {
	st, err := r.db.txStmt(ctx, tx, claimDueSQL) //nolint:sqlclosecheck // bound to tx, closed when it ends
	if err != nil {
		return Message{}, false, err
	}
	next, err := scanMessage(st.QueryRowContext(ctx, dbTime(leaseUntil), dbTime(now), 1, opts.IgnoreBackoff, runnerArg(r.id), r.user), true)
	if errors.Is(err, sql.ErrNoRows) {
		return Message{}, false, nil
	}
	if err != nil {
		return Message{}, false, err
	}
	return next, true, r.stamp(ctx, tx, &next, now)
}

// stamp rewrites, with a restamp, the bytes of a message just claimed in
// tx and stores them as they will be sent. (The claim itself recorded the
// runner.)
func (r *Runner) stamp(ctx context.Context, tx *sql.Tx, m *Message, at time.Time) error {
	if r.restamp == nil {
		return nil
	}
	raw := r.restamp(m.Raw, at)
	if slices.Equal(raw, m.Raw) {
		return nil
	}
	st, err := r.db.txStmt(ctx, tx, stampSQL) //nolint:sqlclosecheck // bound to tx, closed when it ends
	if err != nil {
		return err
	}
	if _, err := st.ExecContext(ctx, raw, m.ID); err != nil {
		return err
	}
	m.Raw = raw
	return nil
}

const stampSQL = `UPDATE messages SET raw = ? WHERE id = ?`

// RenewLease extends the lease of a message this runner is sending, while
// it is still on the wire. A message no longer in sending, or claimed by
// another runner, is ErrConflict: its lease was lost and it is someone
// else's to settle.
func (r *Runner) RenewLease(ctx context.Context, id int64, leaseUntil time.Time) error {
	res, err := r.db.sql.ExecContext(ctx, `
UPDATE messages SET lease_until = ? WHERE id = ? AND status = 'sending'
  AND coalesce(claimed_by, '') = ?`, dbTime(leaseUntil), id, r.id)
	if err == nil {
		var n int64
		if n, err = res.RowsAffected(); err == nil && n == 0 {
			err = fmt.Errorf("%w: message is no longer this runner's to send", ErrConflict)
		}
	}
	if err != nil {
		return fmt.Errorf("renew the lease of message %d: %w", id, translate(err))
	}
	return nil
}

// RecoverClaims is RecoverExpired for the claims of a runner known to be
// dead (its lock is free), whatever their lease: a send it left in sending
// is surfaced as uncertain at once instead of after the lease.
func (db *DB) RecoverClaims(ctx context.Context, runnerID string) ([]Message, error) {
	if runnerID == "" {
		return nil, fmt.Errorf("recover the claims of a dead runner: %w", invalid("no runner"))
	}
	ms, err := db.recover(ctx, `claimed_by = ?2`, runnerID)
	if err != nil {
		return nil, fmt.Errorf("recover the claims of runner %s: %w", runnerID, err)
	}
	return ms, nil
}

// Path is the file of the database, "" for one in memory.
func (db *DB) Path(ctx context.Context) (string, error) {
	var p string
	err := db.sql.QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&p)
	if err != nil {
		return "", fmt.Errorf("database path: %w", translate(err))
	}
	return p, nil
}
