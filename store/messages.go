package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// messageCols reads a Message without its raw bytes; add `, raw` and pass
// withRaw to scanMessage to get them.
const messageCols = `id, contact_id, coalesce(email_id, 0), user_id, message_id,
    subject, env_from, recipients, status, send_at, retry_at, attempts, last_error,
    lease_until, created_at, updated_at, sent_at, replied_at, bounced_at, bounce_status,
    bounce_detail, sent_copy, coalesce(opportunity_id, 0)`

func scanMessage(r rowScanner, withRaw bool) (Message, error) {
	var (
		m     Message
		rcpts string
	)
	dest := []any{&m.ID, &m.ContactID, &m.EmailID, &m.UserID, &m.MessageID,
		&m.Subject, &m.From, &rcpts, &m.Status, scanTime(&m.SendAt), scanTime(&m.RetryAt), &m.Attempts,
		&m.LastError, scanTime(&m.LeaseUntil), scanTime(&m.CreatedAt),
		scanTime(&m.UpdatedAt), scanTime(&m.SentAt), scanTime(&m.RepliedAt), scanTime(&m.BouncedAt),
		&m.BounceStatus, &m.BounceDetail, &m.SentCopy, &m.OpportunityID}
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

func scanWithoutRaw(r rowScanner) (Message, error) { return scanMessage(r, false) }

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
	return db.enqueue(ctx, m, "")
}

// enqueue is EnqueueMessage, the message held for the undo window of the
// session hold when it is not empty.
func (db *DB) enqueue(ctx context.Context, m *Message, hold string) error {
	return db.enqueueWith(ctx, m, hold, nil)
}

// enqueueWith is enqueue and, when follow is not nil, the follow-up task
// on the message (outbox_remind.go), written in the same transaction.
func (db *DB) enqueueWith(ctx context.Context, m *Message, hold string, follow *Task) error {
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
	in.RetryAt, in.Attempts, in.LastError, in.LeaseUntil, in.SentAt = time.Time{}, 0, "", time.Time{}, time.Time{}
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
    recipients, raw, status, send_at, attempts, last_error, created_at, updated_at, draft, hold_session,
    opportunity_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '', ?, ?, ?, ?, ?) RETURNING id`,
			in.ContactID, email, in.UserID, in.MessageID, in.Subject, in.From, string(rcpts),
			in.Raw, in.Status, dbTime(in.SendAt), dbTime(now), dbTime(now), draftArg(in.Draft),
			runnerArg(hold), nullID(in.OpportunityID)).Scan(&in.ID); err != nil {
			return err
		}
		for _, id := range messageContacts(in) {
			if err := db.insertEvent(ctx, tx, &Event{ContactID: id, At: now, Kind: kind,
				MessageID: in.ID, Subject: in.Subject, OpportunityID: in.OpportunityID}); err != nil {
				return err
			}
		}
		if follow == nil {
			return nil
		}
		// A reminder of a send from a deal is on the deal, as the send is.
		follow.ContactID, follow.MessageID, follow.OpportunityID = in.ContactID, in.ID, in.OpportunityID
		return db.insertTask(ctx, tx, follow, in.UserID, now)
	})
	if err != nil {
		return fmt.Errorf("enqueue message %s: %w", in.MessageID, err)
	}
	*m = in
	return nil
}

// messageContacts are the contacts whose timelines show m: its primary
// contact, then each copied contact once.
func messageContacts(m Message) []int64 {
	ids := []int64{m.ContactID}
	for _, id := range m.CopiedContacts {
		if id > 0 && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
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

// GetMessage returns the message with this id, raw bytes and draft
// included, or ErrNotFound.
func (db *DB) GetMessage(ctx context.Context, id int64) (Message, error) {
	m, err := scanMessageDraft(db.sql.QueryRowContext(ctx,
		`SELECT `+messageCols+`, raw, draft FROM messages WHERE id = ?`, id))
	if err != nil {
		return Message{}, fmt.Errorf("get message %d: %w", id, translate(err))
	}
	return m, nil
}

// MessageByMessageID returns the message with this Message-ID header value,
// raw bytes included, or ErrNotFound.
func (db *DB) MessageByMessageID(ctx context.Context, mid string) (Message, error) {
	m, err := scanMessageDraft(db.sql.QueryRowContext(ctx,
		`SELECT `+messageCols+`, raw, draft FROM messages WHERE message_id = ?`, strings.TrimSpace(mid)))
	if err != nil {
		return Message{}, fmt.Errorf("message by Message-ID %s: %w", mid, translate(err))
	}
	return m, nil
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
	ms, err := collect(rows, scanWithoutRaw)
	if err != nil {
		return nil, fmt.Errorf("list messages: %w", translate(err))
	}
	return ms, nil
}

// MessageCounts counts the messages in each status in one pass over an
// index on status (about 10 ms per million messages, the sent archive
// included: call it for a status bar, not per keystroke). Statuses without
// messages are absent, which reads as 0.
func (db *DB) MessageCounts(ctx context.Context) (map[MessageStatus]int, error) {
	return db.statusCounts(ctx, `SELECT status, count(*) FROM messages GROUP BY status`)
}

// statusCounts runs q, a count per status, into a map.
func (db *DB) statusCounts(ctx context.Context, q string, args ...any) (map[MessageStatus]int, error) {
	type statusCount struct {
		status MessageStatus
		n      int
	}
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("count messages: %w", translate(err))
	}
	cs, err := collect(rows, func(r rowScanner) (statusCount, error) {
		var c statusCount
		err := r.Scan(&c.status, &c.n)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("count messages: %w", translate(err))
	}
	out := make(map[MessageStatus]int, len(cs))
	for _, c := range cs {
		out[c.status] = c.n
	}
	return out, nil
}

// liveCountsSQL counts the messages of user ?1 (0: everyone's) that are
// still the outbox's: waiting, on the wire, or asking the user. It reads
// those statuses' ranges of an index on status, never the sent archive.
const liveCountsSQL = `
SELECT status, count(*) FROM messages
WHERE status IN ('queued', 'sending', 'scheduled', 'failed', 'uncertain') AND (?1 = 0 OR user_id = ?1)
GROUP BY status`

// LiveCounts counts, per status, this runner's messages still in the
// outbox (queued, sending, scheduled, failed, uncertain): what its user's
// status bar says is theirs to wait for or act on.
func (r *Runner) LiveCounts(ctx context.Context) (map[MessageStatus]int, error) {
	return r.db.statusCounts(ctx, liveCountsSQL, r.user)
}

// NextDue returns the earliest time at which a queued or scheduled message
// becomes claimable by ClaimDue, the later of its SendAt and RetryAt; it may
// be in the past when messages are waiting. ok is false when nothing waits.
// A runner sleeps until then (or until woken by a new message).
func (db *DB) NextDue(ctx context.Context) (at time.Time, ok bool, err error) {
	return db.Runner("", nil).NextDue(ctx)
}

// nextDueSQL is NextDue of the messages of user ?1 (0: everyone's).
const nextDueSQL = `
SELECT min(max(send_at, coalesce(retry_at, send_at))) FROM messages
WHERE status IN ('queued', 'scheduled') AND (?1 = 0 OR user_id = ?1)`

// NextDue is DB.NextDue of the messages this runner sends: a runner of
// one user never wakes for another's.
func (r *Runner) NextDue(ctx context.Context) (at time.Time, ok bool, err error) {
	if err := r.db.sql.QueryRowContext(ctx, nextDueSQL, r.user).Scan(scanTime(&at)); err != nil {
		return time.Time{}, false, fmt.Errorf("next due message: %w", translate(err))
	}
	return at, !at.IsZero(), nil
}

// SentSince lists the messages sent at or after since (zero: all), oldest
// first, each with its number of envelope recipients: what a provider's
// rolling sending quota counts. It reads the messages_sent index.
func (db *DB) SentSince(ctx context.Context, since time.Time) ([]SentStat, error) {
	return db.Runner("", nil).SentSince(ctx, since)
}

// sentSinceSQL is SentSince from ?1 of the messages of user ?2 (0:
// everyone's).
const sentSinceSQL = `
SELECT sent_at, json_array_length(recipients) FROM messages
WHERE status = 'sent' AND sent_at >= ?1 AND (?2 = 0 OR user_id = ?2) ORDER BY sent_at, id`

// SentSince is DB.SentSince of the messages this runner sends: the quota
// of its user's mailbox counts their sends, not the team's.
func (r *Runner) SentSince(ctx context.Context, since time.Time) ([]SentStat, error) {
	var from any = "" // before every stored time
	if !since.IsZero() {
		from = dbTime(since)
	}
	rows, err := r.db.sql.QueryContext(ctx, sentSinceSQL, from, r.user)
	if err != nil {
		return nil, fmt.Errorf("messages sent since %v: %w", since, translate(err))
	}
	ss, err := collect(rows, func(r rowScanner) (SentStat, error) {
		var s SentStat
		err := r.Scan(scanTime(&s.At), &s.Recipients)
		return s, err
	})
	if err != nil {
		return nil, fmt.Errorf("messages sent since %v: %w", since, translate(err))
	}
	return ss, nil
}
