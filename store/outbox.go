package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The outbox is a state machine over messages.status. Every transition below
// is one short IMMEDIATE transaction: an UPDATE guarded by the states it may
// leave, together with its Life of the Lead event. A process killed at any
// instant leaves each message in exactly one state, and a message in sending
// whose runner died is never resent silently: RecoverExpired makes it
// uncertain and the user decides.
//
//	queued, scheduled ──ClaimDue, ClaimMessage──▶ sending
//	sending ──MarkSent──▶ sent
//	sending ──MarkSentClaimNext──▶ sent, and the next due one ──▶ sending
//	sending ──RecordSentClaimNext──▶ sent (a group), and the next due one ──▶ sending
//	sending ──MarkFailed (temporary)──▶ queued, with retry_at
//	sending ──MarkFailed (permanent)──▶ failed
//	sending ──MarkUncertain, RecoverExpired, RecoverClaims──▶ uncertain
//	uncertain ──MarkSent (the user saw it arrive)──▶ sent
//	queued, scheduled ──CancelMessage──▶ cancelled
//	failed, uncertain, cancelled ──RequeueMessage──▶ queued
//
// Claims go through a Runner (outbox_runner.go), which records itself with
// each claim; a message in its undo window is held for the session that
// queued it, and only that session claims it (outbox_held.go).

// Event details written by the transitions, for the contact's timeline.
const (
	detailRecovered = "the program stopped while sending; it may have been delivered"
	detailCancelled = "Cancelled — not sent"
	detailRequeued  = "Queued again"
)

// claimSet is what a claim does to a message: sending, leased until ?1,
// one more attempt, its backoff spent, no longer held for an undo window
// (its session confirmed it by claiming it); ?2 is now. The claiming
// runner (claimed_by) is set by each claim, whose parameter it is.
const claimSet = `status = 'sending', lease_until = ?1, attempts = attempts + 1,
    retry_at = NULL, hold_session = NULL, updated_at = ?2`

// dueIDs selects the ids of up to ?3 messages due at ?2, oldest send_at
// first; ?4 set ignores their retry delay; ?5 is the claiming runner, the
// only one that may take the messages held for its undo window; ?6, when
// not 0, is the user whose messages the runner sends (Runner.As), as its
// mailbox login may send no one else's. One arm per status, merged: each
// reads messages_due (status, send_at, id) in order and stops after ?3 rows.
// A single `status IN (…) ORDER BY send_at, id` cannot use that order: it
// sorted every due message on each claim, which made a large queue
// quadratic to deliver.
const dueIDs = `
    SELECT id FROM (
        SELECT id, send_at FROM messages
        WHERE status = 'queued' AND send_at <= ?2
          AND (?4 OR retry_at IS NULL OR retry_at <= ?2)
          AND (hold_session IS NULL OR hold_session = ?5)
          AND (?6 = 0 OR user_id = ?6)
        UNION ALL
        SELECT id, send_at FROM messages
        WHERE status = 'scheduled' AND send_at <= ?2
          AND (?4 OR retry_at IS NULL OR retry_at <= ?2)
          AND (hold_session IS NULL OR hold_session = ?5)
          AND (?6 = 0 OR user_id = ?6)
        ORDER BY send_at, id LIMIT ?3)`

// dueExistsSQL tells whether anything is due at ?2 (?4: ignoring retry
// delays); claimDueSQL claims up to ?3 of them, leased until ?1.
const (
	dueExistsSQL = `SELECT EXISTS (` + dueIDs + `)`
	claimDueSQL  = `
UPDATE messages SET ` + claimSet + `, claimed_by = ?5
WHERE id IN (` + dueIDs + `)
RETURNING ` + messageCols + `, raw`
)

// ClaimMessage moves one message to sending for an explicit, user-asked send:
// it must be queued or scheduled with send_at not after now, but a retry
// delay (RetryAt) is ignored. It counts the attempt, clears RetryAt, leases
// the message until leaseUntil and returns it with its raw bytes. A message
// that exists but is not claimable (not due, or in any other state, for
// example held by another runner) is ErrConflict; an unknown id is
// ErrNotFound.
func (db *DB) ClaimMessage(ctx context.Context, id int64, leaseUntil time.Time) (Message, error) {
	return db.Runner("", nil).ClaimMessage(ctx, id, leaseUntil)
}

// ClaimDue claims, in one transaction, up to limit due messages, oldest
// send_at first, and returns them in that order with their raw bytes. Due
// means queued or scheduled, send_at not after now and, unless
// opts.IgnoreBackoff, RetryAt unset or not after now. A claim is what
// ClaimMessage does. Runners in other goroutines or processes never get the
// same message: IMMEDIATE transactions serialise the claims. When nothing is
// due it only reads, so polling it does not hold back other writers. It
// claims only messages no session holds (Runner.ClaimDue claims its own).
func (db *DB) ClaimDue(ctx context.Context, leaseUntil time.Time, limit int, opts ClaimOptions) ([]Message, error) {
	return db.Runner("", nil).ClaimDue(ctx, leaseUntil, limit, opts)
}

// whyNot explains a transition that matched no row: ErrNotFound when the
// message does not exist, ErrConflict (with its status) when it is not in a
// state that allows the transition.
func whyNot(ctx context.Context, tx *sql.Tx, id int64) error {
	var st MessageStatus
	err := tx.QueryRowContext(ctx, `SELECT status FROM messages WHERE id = ?`, id).Scan(&st)
	if err != nil {
		return translate(err)
	}
	return fmt.Errorf("%w: message is %s", ErrConflict, st)
}

// updateMessage runs one guarded UPDATE … WHERE id = ? AND status IN (…)
// RETURNING messageCols (then raw, when withRaw) as a cached prepared
// statement and returns the updated message, translating "no row" with
// whyNot.
func (db *DB) updateMessage(ctx context.Context, tx *sql.Tx, id int64, withRaw bool, q string, args ...any) (Message, error) {
	st, err := db.txStmt(ctx, tx, q) //nolint:sqlclosecheck // bound to tx, closed when it ends
	if err != nil {
		return Message{}, err
	}
	m, err := scanMessage(st.QueryRowContext(ctx, args...), withRaw)
	if errors.Is(err, sql.ErrNoRows) {
		return Message{}, whyNot(ctx, tx, id)
	}
	return m, err
}

// MarkSent records that a message was accepted by the server at at (zero
// means now): it becomes sent, its lease, retry delay and last error are
// cleared, and the contact's timeline gets an "email sent" event at at. The
// message must be in sending, or uncertain when the user confirms that it
// arrived; anything else is ErrConflict.
func (db *DB) MarkSent(ctx context.Context, id int64, at time.Time) error {
	now := db.nowUTC()
	err := db.tx(ctx, func(tx *sql.Tx) error { return db.markSent(ctx, tx, id, orNow(at, now), now) })
	if err != nil {
		return fmt.Errorf("mark message %d sent: %w", id, err)
	}
	return nil
}

// MarkSentClaimNext is MarkSent of sentID at sentAt followed, in the same
// transaction, by ClaimDue of one message (leased until leaseUntil): a
// runner that goes on sending pays for one commit per message instead of
// two. Call it only when the next message will be handed to the server
// right away, as a claim just before it would be: a crash then leaves at
// most that one uncertain. ok is false when nothing is due. When sentID
// cannot be marked sent (ErrConflict, ErrNotFound) nothing is written and
// nothing is claimed.
func (db *DB) MarkSentClaimNext(ctx context.Context, sentID int64, sentAt, leaseUntil time.Time, opts ClaimOptions) (next Message, ok bool, err error) {
	return db.Runner("", nil).MarkSentClaimNext(ctx, sentID, sentAt, leaseUntil, opts)
}

// markSent is MarkSent inside tx; now is the update time. It reads back
// only what the event needs: it runs once per message a runner sends.
func (db *DB) markSent(ctx context.Context, tx *sql.Tx, id int64, at, now time.Time) error {
	at = at.UTC()
	st, err := db.txStmt(ctx, tx, markSentSQL) //nolint:sqlclosecheck // bound to tx, closed when it ends
	if err != nil {
		return err
	}
	e := Event{At: at, Kind: EventEmailSent, MessageID: id}
	err = st.QueryRowContext(ctx, dbTime(at), dbTime(now), id).Scan(&e.ContactID, &e.Subject, &e.OpportunityID)
	if errors.Is(err, sql.ErrNoRows) {
		return whyNot(ctx, tx, id)
	}
	if err != nil {
		return err
	}
	if err := db.insertEvent(ctx, tx, &e); err != nil {
		return err
	}
	if e.OpportunityID == 0 {
		return nil
	}
	return db.copiedSent(ctx, tx, e)
}

// copiedSent writes sent, the "email sent" event of a send from an
// opportunity, on each contact copied on it: the contacts its queued or
// scheduled event was written on besides the primary one.
func (db *DB) copiedSent(ctx context.Context, tx *sql.Tx, sent Event) error {
	rows, err := tx.QueryContext(ctx, `
SELECT DISTINCT contact_id FROM events
WHERE message_id = ? AND contact_id <> ? AND kind IN (?, ?)`,
		sent.MessageID, sent.ContactID, EventEmailQueued, EventEmailScheduled)
	if err != nil {
		return err
	}
	ids, err := collect(rows, func(r rowScanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		e := sent
		e.ID, e.ContactID = 0, id
		if err := db.insertEvent(ctx, tx, &e); err != nil {
			return err
		}
	}
	return nil
}

const markSentSQL = `
UPDATE messages SET status = 'sent', sent_at = ?, lease_until = NULL, retry_at = NULL,
    last_error = '', updated_at = ?
WHERE id = ? AND status IN ('sending', 'uncertain') RETURNING contact_id, subject, coalesce(opportunity_id, 0)`

// MarkFailed records a failed attempt of a message in sending (else
// ErrConflict). A permanent failure makes it failed and adds an "email
// failed" event with errText as its detail. A temporary one puts it back in
// the queue with errText as its last error and retryAt as its RetryAt (zero:
// no delay); SendAt, what the user chose, is kept. It adds no event: the
// contact's timeline shows outcomes, not retries.
func (db *DB) MarkFailed(ctx context.Context, id int64, errText string, permanent bool, retryAt time.Time) error {
	now := db.nowUTC()
	errText = strings.TrimSpace(errText)
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if !permanent {
			_, err := db.updateMessage(ctx, tx, id, false, `
UPDATE messages SET status = 'queued', retry_at = ?, last_error = ?, lease_until = NULL,
    updated_at = ?
WHERE id = ? AND status = 'sending' RETURNING `+messageCols,
				dbTime(retryAt), errText, dbTime(now), id)
			return err
		}
		m, err := db.updateMessage(ctx, tx, id, false, `
UPDATE messages SET status = 'failed', last_error = ?, lease_until = NULL, retry_at = NULL,
    updated_at = ?
WHERE id = ? AND status = 'sending' RETURNING `+messageCols,
			errText, dbTime(now), id)
		if err != nil {
			return err
		}
		return db.insertEvent(ctx, tx, &Event{ContactID: m.ContactID, At: now, Kind: EventEmailFailed,
			MessageID: id, Subject: m.Subject, Detail: errText})
	})
	if err != nil {
		return fmt.Errorf("mark message %d failed: %w", id, err)
	}
	return nil
}

// MarkUncertain records that an attempt of a message in sending (else
// ErrConflict) ended without a verdict from the server, for example a
// connection lost after the data was handed over: the message may have been
// delivered. It becomes uncertain with errText as its last error, its lease
// is cleared and the timeline gets an "email uncertain" event with errText
// as its detail. It is not retried automatically: MarkSent or
// RequeueMessage, on the user's word, moves it on.
func (db *DB) MarkUncertain(ctx context.Context, id int64, errText string) error {
	now := db.nowUTC()
	errText = strings.TrimSpace(errText)
	err := db.tx(ctx, func(tx *sql.Tx) error {
		m, err := db.updateMessage(ctx, tx, id, false, `
UPDATE messages SET status = 'uncertain', last_error = ?, lease_until = NULL, updated_at = ?
WHERE id = ? AND status = 'sending' RETURNING `+messageCols,
			errText, dbTime(now), id)
		if err != nil {
			return err
		}
		return db.insertEvent(ctx, tx, &Event{ContactID: m.ContactID, At: now, Kind: EventEmailUncertain,
			MessageID: id, Subject: m.Subject, Detail: errText})
	})
	if err != nil {
		return fmt.Errorf("mark message %d uncertain: %w", id, err)
	}
	return nil
}

// RecoverExpired finds, in one transaction, every message in sending whose
// lease ended before now (its runner died or hung: kill -9, a power cut) and
// makes it uncertain, with an "email uncertain" event saying that it may have
// been delivered. It returns them, without raw bytes, in id order. Call it
// when a runner starts and before each pass; when nothing expired it only
// reads and takes no write lock.
func (db *DB) RecoverExpired(ctx context.Context) ([]Message, error) {
	// A lease is always set with sending; NULL counts as expired so that a
	// hand-edited row cannot stay in sending for ever.
	ms, err := db.recover(ctx, `lease_until IS NULL OR lease_until < ?1`)
	if err != nil {
		return nil, fmt.Errorf("recover expired messages: %w", err)
	}
	return ms, nil
}

// recover makes uncertain, in one transaction, the messages in sending
// that match cond (?1 is now, ?2 on are args), each with an "email
// uncertain" event, and returns them without raw bytes in id order. When
// none match it only reads and takes no write lock.
func (db *DB) recover(ctx context.Context, cond string, args ...any) ([]Message, error) {
	at := db.nowUTC()
	args = append([]any{dbTime(at)}, args...)
	where := ` WHERE status = 'sending' AND (` + cond + `)`
	var found bool
	if err := db.sql.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM messages`+where+`)`, args...).Scan(&found); err != nil {
		return nil, translate(err)
	}
	if !found {
		return nil, nil
	}
	var ms []Message
	err := db.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `
UPDATE messages SET status = 'uncertain', last_error = '`+strings.ReplaceAll(detailRecovered, "'", "''")+`', lease_until = NULL, updated_at = ?1`+
			where+` RETURNING `+messageCols, args...)
		if err != nil {
			return err
		}
		if ms, err = collect(rows, scanWithoutRaw); err != nil {
			return err
		}
		for _, m := range ms {
			if err := db.insertEvent(ctx, tx, &Event{ContactID: m.ContactID, At: at,
				Kind: EventEmailUncertain, MessageID: m.ID, Subject: m.Subject,
				Detail: detailRecovered}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(ms, func(a, b Message) int { return cmp.Compare(a.ID, b.ID) })
	return ms, nil
}

// CancelMessage takes a message that has not started to leave (queued or
// scheduled) out of the outbox: it becomes cancelled, keeping its composed
// bytes so that RequeueMessage can send exactly it later, and the timeline
// gets an "email cancelled" event. It returns the message without raw bytes.
// A message already sending, sent or otherwise settled is ErrConflict (the
// undo came too late); an unknown id is ErrNotFound. Its open "remind me if
// no reply" tasks are removed in the same transaction (outbox_remind.go).
func (db *DB) CancelMessage(ctx context.Context, id int64) (Message, error) {
	now := db.nowUTC()
	var m Message
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if m, err = db.moveWithEventTx(ctx, tx, id, EventEmailCancelled, detailCancelled, now, `
UPDATE messages SET status = 'cancelled', retry_at = NULL, lease_until = NULL, updated_at = ?
WHERE id = ? AND status IN ('queued', 'scheduled') RETURNING `+messageCols,
			dbTime(now), id); err != nil {
			return err
		}
		return db.dropFollowUps(ctx, tx, id, now)
	})
	if err != nil {
		return Message{}, fmt.Errorf("cancel message %d: %w", id, err)
	}
	return m, nil
}

// moveWithEvent runs one guarded UPDATE of message id (see updateMessage)
// and adds its timeline event of this kind and detail at now, in one
// transaction; it returns the message without raw bytes.
func (db *DB) moveWithEvent(ctx context.Context, id int64, kind EventKind, detail string, now time.Time, q string, args ...any) (Message, error) {
	var m Message
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		m, err = db.moveWithEventTx(ctx, tx, id, kind, detail, now, q, args...)
		return err
	})
	return m, err
}

// moveWithEventTx is moveWithEvent inside tx.
func (db *DB) moveWithEventTx(ctx context.Context, tx *sql.Tx, id int64, kind EventKind, detail string, now time.Time, q string, args ...any) (Message, error) {
	m, err := db.updateMessage(ctx, tx, id, false, q, args...)
	if err != nil {
		return Message{}, err
	}
	return m, db.insertEvent(ctx, tx, &Event{ContactID: m.ContactID, At: now, Kind: kind,
		MessageID: id, Subject: m.Subject, Detail: detail})
}

// RequeueMessage puts a failed, uncertain or cancelled message back in the
// queue, on the user's word, to leave at sendAt (zero means now) with the
// same bytes and Message-ID: its retry delay, lease and last error are
// cleared (attempts keep counting) and the timeline gets an "email queued"
// event. It returns the message without raw bytes. Any other state is
// ErrConflict; an unknown id is ErrNotFound.
func (db *DB) RequeueMessage(ctx context.Context, id int64, sendAt time.Time) (Message, error) {
	now := db.nowUTC()
	m, err := db.moveWithEvent(ctx, id, EventEmailQueued, detailRequeued, now, `
UPDATE messages SET status = 'queued', send_at = ?, retry_at = NULL, lease_until = NULL,
    last_error = '', hold_session = NULL, updated_at = ?
WHERE id = ? AND status IN ('failed', 'uncertain', 'cancelled') RETURNING `+messageCols,
		dbTime(orNow(sendAt, now)), dbTime(now), id)
	if err != nil {
		return Message{}, fmt.Errorf("requeue message %d: %w", id, err)
	}
	return m, nil
}
