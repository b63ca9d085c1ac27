package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// messageCols reads a Message without its raw bytes; add `, raw` and pass
// withRaw to scanMessage to get them.
const messageCols = `id, contact_id, coalesce(email_id, 0), user_id, message_id,
    subject, env_from, recipients, status, send_at, attempts, last_error,
    lease_until, created_at, updated_at, sent_at`

func scanMessage(r rowScanner, withRaw bool) (Message, error) {
	var (
		m     Message
		rcpts string
	)
	dest := []any{&m.ID, &m.ContactID, &m.EmailID, &m.UserID, &m.MessageID,
		&m.Subject, &m.From, &rcpts, &m.Status, scanTime(&m.SendAt), &m.Attempts,
		&m.LastError, scanTime(&m.LeaseUntil), scanTime(&m.CreatedAt),
		scanTime(&m.UpdatedAt), scanTime(&m.SentAt)}
	if withRaw {
		dest = append(dest, &m.Raw)
	}
	if err := r.Scan(dest...); err != nil {
		return Message{}, err
	}
	if err := json.Unmarshal([]byte(rcpts), &m.Recipients); err != nil {
		return Message{}, fmt.Errorf("message %d: recipients: %w", m.ID, err)
	}
	return m, nil
}

func scanWithRaw(r rowScanner) (Message, error) { return scanMessage(r, true) }

// validStatus reports whether s is one of the outbox states.
func validStatus(s MessageStatus) bool {
	switch s {
	case MessageQueued, MessageScheduled, MessageSending, MessageSent,
		MessageFailed, MessageUncertain, MessageCancelled:
		return true
	}
	return false
}

// EnqueueMessage writes a fully composed message to the outbox and, in the
// same transaction, its "queued" or "scheduled" event; it sets m.ID, the
// status and the times. A zero SendAt means now; an empty Status means
// scheduled when SendAt is in the future, else queued (only those two may
// be given). A message without contact, sender, Message-ID, bytes or
// recipients, or whose contact, sender or template does not exist, is
// ErrInvalid; a Message-ID already used is ErrConflict.
func (db *DB) EnqueueMessage(ctx context.Context, m *Message) error {
	in := *m
	in.MessageID, in.Subject, in.From = strings.TrimSpace(in.MessageID), strings.TrimSpace(in.Subject), strings.TrimSpace(in.From)
	if err := checkEnqueue(&in); err != nil {
		return fmt.Errorf("enqueue message: %w", err)
	}
	now := db.nowUTC()
	in.SendAt = orNow(in.SendAt, now).UTC()
	if in.Status == "" {
		in.Status = MessageQueued
		if in.SendAt.After(now) {
			in.Status = MessageScheduled
		}
	}
	kind := EventEmailQueued
	if in.Status == MessageScheduled {
		kind = EventEmailScheduled
	}
	in.Attempts, in.LastError, in.LeaseUntil, in.SentAt = 0, "", time.Time{}, time.Time{}
	in.CreatedAt, in.UpdatedAt = now, now
	rcpts, err := json.Marshal(in.Recipients)
	if err != nil {
		return fmt.Errorf("enqueue message: recipients: %w", err)
	}
	var email any
	if in.EmailID != 0 {
		email = in.EmailID
	}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `
INSERT INTO messages (contact_id, email_id, user_id, message_id, subject, env_from,
    recipients, raw, status, send_at, attempts, last_error, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '', ?, ?) RETURNING id`,
			in.ContactID, email, in.UserID, in.MessageID, in.Subject, in.From, string(rcpts),
			in.Raw, in.Status, dbTime(in.SendAt), dbTime(now), dbTime(now)).Scan(&in.ID); err != nil {
			return err
		}
		return insertEvent(ctx, tx, &Event{ContactID: in.ContactID, At: now, Kind: kind,
			MessageID: in.ID, Subject: in.Subject})
	})
	if err != nil {
		return fmt.Errorf("enqueue message %s: %w", in.MessageID, err)
	}
	*m = in
	return nil
}

func checkEnqueue(m *Message) error {
	switch {
	case m.ContactID <= 0:
		return invalid("no contact")
	case m.UserID <= 0:
		return invalid("no sender")
	case m.EmailID < 0:
		return invalid("email id %d", m.EmailID)
	case m.MessageID == "":
		return invalid("no Message-ID")
	case len(m.Raw) == 0:
		return invalid("no message bytes")
	case len(m.Recipients) == 0:
		return invalid("no recipients")
	case m.Status != "" && m.Status != MessageQueued && m.Status != MessageScheduled:
		return invalid("a new message cannot be %q", m.Status)
	}
	if slices.ContainsFunc(m.Recipients, func(r string) bool { return strings.TrimSpace(r) == "" }) {
		return invalid("empty recipient")
	}
	return nil
}

// GetMessage returns the message with this id, raw bytes included, or
// ErrNotFound.
func (db *DB) GetMessage(ctx context.Context, id int64) (Message, error) {
	m, err := scanMessage(db.sql.QueryRowContext(ctx,
		`SELECT `+messageCols+`, raw FROM messages WHERE id = ?`, id), true)
	if err != nil {
		return Message{}, fmt.Errorf("get message %d: %w", id, translate(err))
	}
	return m, nil
}

// MessageByMessageID returns the message with this Message-ID header value,
// raw bytes included, or ErrNotFound.
func (db *DB) MessageByMessageID(ctx context.Context, mid string) (Message, error) {
	m, err := scanMessage(db.sql.QueryRowContext(ctx,
		`SELECT `+messageCols+`, raw FROM messages WHERE message_id = ?`, strings.TrimSpace(mid)), true)
	if err != nil {
		return Message{}, fmt.Errorf("message by Message-ID %s: %w", mid, translate(err))
	}
	return m, nil
}

// ClaimMessage moves one due message (queued or scheduled, send_at not after
// now) to sending in one statement, counting the attempt and leasing it until
// leaseUntil, and returns it with its raw bytes. A message that exists but is
// not claimable (not due, or in any other state, for example held by another
// runner) is ErrConflict; an unknown id is ErrNotFound.
func (db *DB) ClaimMessage(ctx context.Context, id int64, leaseUntil time.Time) (Message, error) {
	if leaseUntil.IsZero() {
		return Message{}, fmt.Errorf("claim message %d: %w", id, invalid("no lease end"))
	}
	now := dbTime(db.nowUTC())
	var m Message
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		m, err = scanMessage(tx.QueryRowContext(ctx, `
UPDATE messages SET status = 'sending', lease_until = ?1, attempts = attempts + 1, updated_at = ?2
WHERE id = ?3 AND status IN ('queued', 'scheduled') AND send_at <= ?2
RETURNING `+messageCols+`, raw`, dbTime(leaseUntil), now, id), true)
		if errors.Is(err, sql.ErrNoRows) {
			return whyNot(ctx, tx, id)
		}
		return err
	})
	if err != nil {
		return Message{}, fmt.Errorf("claim message %d: %w", id, err)
	}
	return m, nil
}

// ClaimDue claims, in one transaction, up to limit due messages, oldest
// send_at first, with the semantics of ClaimMessage, and returns them in
// that order. Runners in other goroutines or processes never get the same
// message: IMMEDIATE transactions serialise the claims.
func (db *DB) ClaimDue(ctx context.Context, leaseUntil time.Time, limit int) ([]Message, error) {
	if leaseUntil.IsZero() || limit <= 0 {
		return nil, fmt.Errorf("claim due messages: %w", invalid("need a lease end and a positive limit"))
	}
	now := dbTime(db.nowUTC())
	var ms []Message
	err := db.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `
UPDATE messages SET status = 'sending', lease_until = ?1, attempts = attempts + 1, updated_at = ?2
WHERE id IN (
    SELECT id FROM messages
    WHERE status IN ('queued', 'scheduled') AND send_at <= ?2
    ORDER BY send_at, id LIMIT ?3)
RETURNING `+messageCols+`, raw`, dbTime(leaseUntil), now, limit)
		if err != nil {
			return err
		}
		ms, err = collect(rows, scanWithRaw)
		return err
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

// transition runs an UPDATE … WHERE id = ? AND status = 'sending' RETURNING
// contact_id, subject, translating "no row" with whyNot.
func transition(ctx context.Context, tx *sql.Tx, id int64, q string, args ...any) (contactID int64, subject string, err error) {
	err = tx.QueryRowContext(ctx, q, args...).Scan(&contactID, &subject)
	if errors.Is(err, sql.ErrNoRows) {
		err = whyNot(ctx, tx, id)
	}
	return contactID, subject, err
}

// MarkSent records that a message being sent was accepted by the server at
// at (zero means now): it becomes sent, its lease and last error are
// cleared, and the contact's timeline gets an "email sent" event. Only a
// message in sending can be marked (else ErrConflict).
func (db *DB) MarkSent(ctx context.Context, id int64, at time.Time) error {
	now := db.nowUTC()
	at = orNow(at, now).UTC()
	err := db.tx(ctx, func(tx *sql.Tx) error {
		contactID, subject, err := transition(ctx, tx, id, `
UPDATE messages SET status = 'sent', sent_at = ?, lease_until = NULL, last_error = '', updated_at = ?
WHERE id = ? AND status = 'sending' RETURNING contact_id, subject`,
			dbTime(at), dbTime(now), id)
		if err != nil {
			return err
		}
		return insertEvent(ctx, tx, &Event{ContactID: contactID, At: at, Kind: EventEmailSent,
			MessageID: id, Subject: subject})
	})
	if err != nil {
		return fmt.Errorf("mark message %d sent: %w", id, err)
	}
	return nil
}

// MarkFailed records a failed attempt of a message in sending (else
// ErrConflict). A permanent failure makes it failed and adds an "email
// failed" event with errText as its detail; a temporary one puts it back in
// the queue for retryAt (zero means now) with errText as its last error, and
// adds no event: the contact's timeline shows outcomes, not retries.
func (db *DB) MarkFailed(ctx context.Context, id int64, errText string, permanent bool, retryAt time.Time) error {
	now := db.nowUTC()
	errText = strings.TrimSpace(errText)
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if !permanent {
			_, _, err := transition(ctx, tx, id, `
UPDATE messages SET status = 'queued', send_at = ?, last_error = ?, lease_until = NULL, updated_at = ?
WHERE id = ? AND status = 'sending' RETURNING contact_id, subject`,
				dbTime(orNow(retryAt, now)), errText, dbTime(now), id)
			return err
		}
		contactID, subject, err := transition(ctx, tx, id, `
UPDATE messages SET status = 'failed', last_error = ?, lease_until = NULL, updated_at = ?
WHERE id = ? AND status = 'sending' RETURNING contact_id, subject`,
			errText, dbTime(now), id)
		if err != nil {
			return err
		}
		return insertEvent(ctx, tx, &Event{ContactID: contactID, At: now, Kind: EventEmailFailed,
			MessageID: id, Subject: subject, Detail: errText})
	})
	if err != nil {
		return fmt.Errorf("mark message %d failed: %w", id, err)
	}
	return nil
}

// ListMessages returns the messages matching f, newest first, without their
// raw bytes. Limit 0 means all; an unknown status or a negative limit is
// ErrInvalid.
func (db *DB) ListMessages(ctx context.Context, f MessageFilter) ([]Message, error) {
	var (
		where []string
		args  []any
	)
	if len(f.Statuses) > 0 {
		for _, s := range f.Statuses {
			if !validStatus(s) {
				return nil, fmt.Errorf("list messages: %w", invalid("unknown status %q", s))
			}
			args = append(args, s)
		}
		where = append(where, `status IN (?`+strings.Repeat(`, ?`, len(f.Statuses)-1)+`)`)
	}
	if f.ContactID != 0 {
		where, args = append(where, `contact_id = ?`), append(args, f.ContactID)
	}
	if f.Limit < 0 {
		return nil, fmt.Errorf("list messages: %w", invalid("negative limit %d", f.Limit))
	}
	limit := -1 // SQLite: no limit
	if f.Limit > 0 {
		limit = f.Limit
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT `+messageCols+` FROM messages`+
		whereClause(where)+"\nORDER BY id DESC LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("list messages: %w", translate(err))
	}
	ms, err := collect(rows, func(r rowScanner) (Message, error) { return scanMessage(r, false) })
	if err != nil {
		return nil, fmt.Errorf("list messages: %w", translate(err))
	}
	return ms, nil
}
