package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// scanMessageDraft reads messageCols, raw and draft.
func scanMessageDraft(r rowScanner) (Message, error) {
	var draft []byte
	m, err := scanMessage(extraScanner{r, &draft}, true)
	if err != nil {
		return Message{}, err
	}
	if len(draft) > 0 {
		m.Draft = draft
	}
	return m, nil
}

// draftArg binds a draft: NULL when there is none.
func draftArg(d []byte) any {
	if len(d) == 0 {
		return nil
	}
	return d
}

// extraScanner appends destinations to a Scan call, so scanMessage can read
// a column it does not know about.
type extraScanner struct {
	r     rowScanner
	extra any
}

func (x extraScanner) Scan(dest ...any) error {
	return x.r.Scan(append(dest, x.extra)...)
}

// ReplaceUnsent replaces the content of message id while it has not left:
// queued (not claimed), scheduled or cancelled. It sets the Message-ID,
// subject, envelope, raw bytes, draft and SendAt from m; the status becomes
// m.Status (queued or scheduled; empty means scheduled when SendAt is in the
// future, else queued), the retry state is cleared, and a queued or
// scheduled event "Edited" is written, all in one transaction. Any other
// state (sending, sent, failed, uncertain) is ErrConflict and changes
// nothing; bad input is ErrInvalid.
func (db *DB) ReplaceUnsent(ctx context.Context, id int64, m Message) (Message, error) {
	return db.Runner("", nil).ReplaceUnsent(ctx, id, m)
}

// ReplaceUnsent is DB.ReplaceUnsent by this runner: the message is held for
// its session when it waits out an undo window (see Enqueue), else it is
// free for any runner, the user having acted on it.
func (r *Runner) ReplaceUnsent(ctx context.Context, id int64, m Message) (Message, error) {
	db := r.db
	m.MessageID, m.Subject, m.From = strings.TrimSpace(m.MessageID), strings.TrimSpace(m.Subject), strings.TrimSpace(m.From)
	chk := m
	chk.ContactID, chk.UserID, chk.EmailID = 1, 1, 0 // kept from the row
	if err := checkEnqueue(&chk); err != nil {
		return Message{}, fmt.Errorf("replace message %d: %w", id, err)
	}
	now := db.nowUTC()
	m.SendAt = orNow(m.SendAt, now).UTC()
	if m.Status == "" {
		m.Status = MessageQueued
		if m.SendAt.After(now) {
			m.Status = MessageScheduled
		}
	}
	kind := EventEmailQueued
	if m.Status == MessageScheduled {
		kind = EventEmailScheduled
	}
	rcpts, err := json.Marshal(m.Recipients)
	if err != nil {
		return Message{}, fmt.Errorf("replace message %d: recipients: %w", id, err)
	}
	var got Message
	err = db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		got, err = scanMessageDraft(tx.QueryRowContext(ctx, `
UPDATE messages SET message_id = ?, subject = ?, env_from = ?, recipients = ?, raw = ?,
    draft = ?, status = ?, send_at = ?, retry_at = NULL, last_error = '', lease_until = NULL,
    hold_session = ?, updated_at = ?
WHERE id = ? AND status IN ('queued', 'scheduled', 'cancelled')
RETURNING `+messageCols+`, raw, draft`,
			m.MessageID, m.Subject, m.From, string(rcpts), m.Raw, draftArg(m.Draft), m.Status,
			dbTime(m.SendAt), runnerArg(r.holdFor(m, now)), dbTime(now), id))
		if err != nil {
			if errors.Is(translate(err), ErrNotFound) {
				var exists bool
				if qerr := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM messages WHERE id = ?)`, id).Scan(&exists); qerr != nil {
					return qerr
				}
				if exists {
					return fmt.Errorf("%w: message %d has already left the outbox", ErrConflict, id)
				}
			}
			return err
		}
		return db.insertEvent(ctx, tx, &Event{ContactID: got.ContactID, At: now, Kind: kind,
			MessageID: got.ID, Subject: got.Subject, Detail: "Edited"})
	})
	if err != nil {
		return Message{}, fmt.Errorf("replace message %d: %w", id, err)
	}
	return got, nil
}
