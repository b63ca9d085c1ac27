package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// What Mail Sync keeps besides the messages: where each folder stands,
// which contacts still want their history looked for, the lease that keeps
// two syncs of one database apart, the flagged bouncing addresses, and the
// outbox's side (uncertain sends the mailbox settles, copies for the Sent
// folder). A database syncs one mailbox: the methods without a user act on
// every user's folder state.

// putFolder writes f as userID's state of the folder f.Name, inside tx; a
// zero LastRun means now.
func putFolder(ctx context.Context, tx *sql.Tx, userID int64, f SyncFolder, now time.Time) error {
	_, err := tx.ExecContext(ctx, `
INSERT INTO sync_folders (user_id, name, uidvalidity, last_uid, uidnext, messages, modseq,
    matched, last_run, last_error)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (user_id, name) DO UPDATE SET uidvalidity = excluded.uidvalidity,
    last_uid = excluded.last_uid, uidnext = excluded.uidnext, messages = excluded.messages,
    modseq = excluded.modseq, matched = excluded.matched, last_run = excluded.last_run,
    last_error = excluded.last_error`,
		userID, f.Name, f.UIDValidity, f.LastUID, f.UIDNext, f.Messages, int64(f.ModSeq&(1<<63-1)),
		max(f.Matched, 0), dbTime(orNow(f.LastRun, now)), strings.TrimSpace(f.LastError))
	if err != nil {
		return fmt.Errorf("folder %q: %w", f.Name, translate(err))
	}
	return nil
}

// SyncFolders returns the state of every synced folder, by name.
func (db *DB) SyncFolders(ctx context.Context) ([]SyncFolder, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT name, uidvalidity, last_uid, uidnext, messages,
    modseq, matched, last_run, last_error FROM sync_folders ORDER BY name, user_id`)
	if err != nil {
		return nil, fmt.Errorf("sync folders: %w", translate(err))
	}
	fs, err := collect(rows, func(r rowScanner) (SyncFolder, error) {
		var (
			f      SyncFolder
			modseq int64
		)
		err := r.Scan(&f.Name, &f.UIDValidity, &f.LastUID, &f.UIDNext, &f.Messages, &modseq,
			&f.Matched, scanTime(&f.LastRun), &f.LastError)
		f.ModSeq = uint64(modseq) // stored from a uint64 below 2^63
		return f, err
	})
	if err != nil {
		return nil, fmt.Errorf("sync folders: %w", translate(err))
	}
	return fs, nil
}

// SetSyncError records that the last sync of folder failed at at with
// errText ("" clears it), keeping what was recorded. A folder never synced
// gets a state with nothing recorded, for the mailbox's user (the one
// whose folders are synced, or the only user); with no user it is
// ErrInvalid.
func (db *DB) SetSyncError(ctx context.Context, folder, errText string, at time.Time) error {
	if folder == "" {
		return fmt.Errorf("set sync error: %w", invalid("no folder"))
	}
	errText = strings.TrimSpace(errText)
	at = orNow(at, db.nowUTC())
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sync_folders SET last_error = ?, last_run = ? WHERE name = ?`,
			errText, dbTime(at), folder)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		res, err = tx.ExecContext(ctx, `
INSERT INTO sync_folders (user_id, name, last_run, last_error)
SELECT u, ?, ?, ? FROM (SELECT coalesce(
        (SELECT user_id FROM sync_folders ORDER BY last_run DESC LIMIT 1),
        (SELECT min(id) FROM users HAVING count(*) = 1)) AS u)
WHERE u IS NOT NULL`, folder, dbTime(at), errText)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, invalid("no mailbox user to record it for"))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set the sync error of folder %q: %w", folder, err)
	}
	return nil
}

// ForgetSyncFolder drops the state of a folder that is gone (deleted or
// renamed on the server, or no longer synced). What was recorded from it
// stays. An unknown folder is not an error.
func (db *DB) ForgetSyncFolder(ctx context.Context, folder string) error {
	if _, err := db.sql.ExecContext(ctx, `DELETE FROM sync_folders WHERE name = ?`, folder); err != nil {
		return fmt.Errorf("forget sync folder %q: %w", folder, translate(err))
	}
	return nil
}

// ResetSyncFolders forgets every folder's state, so the next sync rescans
// everything (sync --rescan). Received messages and events are kept: the
// rescan finds them recorded and adds nothing twice.
func (db *DB) ResetSyncFolders(ctx context.Context) error {
	if _, err := db.sql.ExecContext(ctx, `DELETE FROM sync_folders`); err != nil {
		return fmt.Errorf("reset sync folders: %w", translate(err))
	}
	return nil
}

// PendingHistory returns up to limit contacts (by id) whose past mail was
// never looked for — added or imported after the historical sync, or whose
// email changed — and how many there are in all. Contacts without email
// are not pending.
func (db *DB) PendingHistory(ctx context.Context, limit int) (list []PendingAddress, total int, err error) {
	if limit <= 0 {
		return nil, 0, fmt.Errorf("pending history: %w", invalid("limit %d", limit))
	}
	// Both read the contacts_history_pending partial index only.
	const pending = ` FROM contacts WHERE history_synced_at IS NULL AND email <> ''`
	if err := db.sql.QueryRowContext(ctx, `SELECT count(*)`+pending).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("pending history: %w", translate(err))
	}
	if total == 0 {
		return nil, 0, nil
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT id, lower(email)`+pending+` ORDER BY id LIMIT ?`, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("pending history: %w", translate(err))
	}
	list, err = collect(rows, func(r rowScanner) (PendingAddress, error) {
		var p PendingAddress
		err := r.Scan(&p.ContactID, &p.Email)
		return p, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("pending history: %w", translate(err))
	}
	return list, total, nil
}

// MarkHistorySynced records that the past mail of these contacts was
// looked for at at (zero: now). Unknown ids are skipped.
func (db *DB) MarkHistorySynced(ctx context.Context, contactIDs []int64, at time.Time) error {
	if len(contactIDs) == 0 {
		return nil
	}
	list, err := jsonList(contactIDs)
	if err == nil {
		_, err = db.sql.ExecContext(ctx, `UPDATE contacts SET history_synced_at = ?
WHERE id IN (SELECT value FROM json_each(?))`, dbTime(orNow(at, db.nowUTC())), list)
	}
	if err != nil {
		return fmt.Errorf("mark history synced: %w", translate(err))
	}
	return nil
}

// MarkAllHistorySynced records, after a full sync that started at
// createdBefore, that every pending contact created before then had its
// past mail looked for at at (zero: now). Contacts added during the sync
// stay pending.
func (db *DB) MarkAllHistorySynced(ctx context.Context, createdBefore, at time.Time) error {
	if createdBefore.IsZero() {
		return fmt.Errorf("mark all history synced: %w", invalid("no start time"))
	}
	if _, err := db.sql.ExecContext(ctx, `UPDATE contacts SET history_synced_at = ?
WHERE history_synced_at IS NULL AND email <> '' AND created_at < ?`,
		dbTime(orNow(at, db.nowUTC())), dbTime(createdBefore)); err != nil {
		return fmt.Errorf("mark all history synced: %w", translate(err))
	}
	return nil
}

// AcquireSyncLease takes the database's one sync lease for holder until
// until, or renews it when holder has it. When another holder's lease has
// not ended, ok is false and heldBy names it; an ended lease is taken over.
func (db *DB) AcquireSyncLease(ctx context.Context, holder string, until time.Time) (ok bool, heldBy string, err error) {
	if holder == "" || until.IsZero() {
		return false, "", fmt.Errorf("acquire the sync lease: %w", invalid("need a holder and an end"))
	}
	now := db.nowUTC()
	err = db.tx(ctx, func(tx *sql.Tx) error {
		var end time.Time
		err := tx.QueryRowContext(ctx, `SELECT holder, until FROM sync_lease WHERE id = 1`).
			Scan(&heldBy, scanTime(&end))
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err == nil && heldBy != holder && end.After(now) {
			return nil
		}
		ok, heldBy = true, holder
		_, err = tx.ExecContext(ctx, `INSERT INTO sync_lease (id, holder, until) VALUES (1, ?1, ?2)
ON CONFLICT (id) DO UPDATE SET holder = ?1, until = ?2`, holder, dbTime(until))
		return err
	})
	if err != nil {
		return false, "", fmt.Errorf("acquire the sync lease: %w", err)
	}
	return ok, heldBy, nil
}

// ReleaseSyncLease gives the lease up if holder has it.
func (db *DB) ReleaseSyncLease(ctx context.Context, holder string) error {
	if _, err := db.sql.ExecContext(ctx, `DELETE FROM sync_lease WHERE holder = ?`, holder); err != nil {
		return fmt.Errorf("release the sync lease: %w", translate(err))
	}
	return nil
}

// AddressBouncing tells whether a permanent bounce flagged email
// (case-insensitively), and with what.
func (db *DB) AddressBouncing(ctx context.Context, email string) (Bouncing, bool, error) {
	var b Bouncing
	err := db.sql.QueryRowContext(ctx, `SELECT address, status, diagnostic, at, coalesce(message_id, 0)
FROM bouncing_addresses WHERE address = ?`, strings.TrimSpace(email)).
		Scan(&b.Email, &b.Status, &b.Diagnostic, scanTime(&b.At), &b.MessageID)
	if errors.Is(err, sql.ErrNoRows) {
		return Bouncing{}, false, nil
	}
	if err != nil {
		return Bouncing{}, false, fmt.Errorf("is %q bouncing: %w", email, translate(err))
	}
	return b, true, nil
}

// ConfirmSent settles an uncertain send that the mailbox shows left (its
// copy is in Sent): it becomes sent at at (zero: now), and the timeline
// gets an email_sent event whose detail is note ("confirmed from your Sent
// folder"). A message not uncertain is ErrConflict; an unknown one
// ErrNotFound.
func (db *DB) ConfirmSent(ctx context.Context, messageID int64, at time.Time, note string) error {
	now := db.nowUTC()
	at = orNow(at, now).UTC()
	_, err := db.moveWithEvent(ctx, messageID, EventEmailSent, strings.TrimSpace(note), at, `
UPDATE messages SET status = 'sent', sent_at = ?, lease_until = NULL, retry_at = NULL,
    last_error = '', updated_at = ?
WHERE id = ? AND status = 'uncertain' RETURNING `+messageCols, dbTime(at), dbTime(now), messageID)
	if err != nil {
		return fmt.Errorf("confirm message %d sent: %w", messageID, err)
	}
	return nil
}

// NoteUncertain says why an uncertain send stays uncertain (its last
// error, as the Outbox shows it), for example that the mailbox had no copy
// of it; it adds no event. A message not uncertain is ErrConflict; an
// unknown one ErrNotFound.
func (db *DB) NoteUncertain(ctx context.Context, messageID int64, note string) error {
	now := db.nowUTC()
	err := db.tx(ctx, func(tx *sql.Tx) error {
		_, err := db.updateMessage(ctx, tx, messageID, false, `
UPDATE messages SET last_error = ?, updated_at = ? WHERE id = ? AND status = 'uncertain'
RETURNING `+messageCols, strings.TrimSpace(note), dbTime(now), messageID)
		return err
	})
	if err != nil {
		return fmt.Errorf("note on uncertain message %d: %w", messageID, err)
	}
	return nil
}

// PendingSentCopies returns up to limit sent messages, raw bytes included,
// oldest first, whose copy for the Sent folder is still to be decided or
// made (SentCopy "" or "retry", the retry time not after now), of the user
// userID (0: every user's): each user's copies go to their own mailbox, so
// one user's backlog never hides another's. It reads the messages_sent_copy
// partial index, whatever the size of the archive.
func (db *DB) PendingSentCopies(ctx context.Context, userID int64, now time.Time, limit int) ([]Message, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("pending sent copies: %w", invalid("limit %d", limit))
	}
	// INDEXED BY: without statistics the planner prefers messages_sent's
	// "status = ?", a scan of the whole archive.
	rows, err := db.sql.QueryContext(ctx, `SELECT `+messageCols+`, raw FROM messages INDEXED BY messages_sent_copy
WHERE status = 'sent' AND sent_copy IN ('', 'retry')
  AND (sent_copy_retry_at IS NULL OR sent_copy_retry_at <= ?) AND (? = 0 OR user_id = ?)
ORDER BY id LIMIT ?`, dbTime(orNow(now, db.nowUTC())), userID, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("pending sent copies: %w", translate(err))
	}
	ms, err := collect(rows, scanWithRaw)
	if err != nil {
		return nil, fmt.Errorf("pending sent copies: %w", translate(err))
	}
	return ms, nil
}

// sentCopyStates are the values of Message.SentCopy.
var sentCopyStates = map[string]bool{
	SentCopyUndecided: true, SentCopySaved: true, SentCopyFound: true, SentCopyProvider: true,
	SentCopyNever: true, SentCopyRetry: true, SentCopyFailed: true,
}

// SetSentCopy records where the Sent copy of a message stands: state (a
// SentCopy* value), errText (why the last APPEND failed, "" if none) and,
// for "retry", when to try again (zero: at once). An unknown state is
// ErrInvalid; an unknown message ErrNotFound.
func (db *DB) SetSentCopy(ctx context.Context, messageID int64, state, errText string, retryAt time.Time) error {
	if !sentCopyStates[state] {
		return fmt.Errorf("set the Sent copy of message %d: %w", messageID, invalid("unknown state %q", state))
	}
	if state != SentCopyRetry {
		retryAt = time.Time{}
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		return execOne(ctx, tx, `UPDATE messages SET sent_copy = ?, sent_copy_error = ?,
    sent_copy_retry_at = ? WHERE id = ?`, state, strings.TrimSpace(errText), dbTime(retryAt), messageID)
	})
	if err != nil {
		return fmt.Errorf("set the Sent copy of message %d: %w", messageID, err)
	}
	return nil
}
