package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// DeleteEmail deletes the template id when no message references it, and
// otherwise archives it (archived is true), so the sent archive keeps its
// template; an archived template is hidden from ListEmails. An unknown id is
// ErrNotFound and changes nothing.
func (db *DB) DeleteEmail(ctx context.Context, id int64) (archived bool, err error) {
	err = db.tx(ctx, func(tx *sql.Tx) error {
		var exists, used bool
		if err := tx.QueryRowContext(ctx, `
SELECT EXISTS (SELECT 1 FROM emails WHERE id = ?1),
       EXISTS (SELECT 1 FROM messages WHERE email_id = ?1)`, id).Scan(&exists, &used); err != nil {
			return err
		}
		if !exists {
			return ErrNotFound
		}
		if used {
			archived = true
			_, err := tx.ExecContext(ctx, `UPDATE emails SET archived = 1, smart_mail = 0, updated_at = ? WHERE id = ?`,
				dbTime(db.nowUTC()), id)
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM emails WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("delete email %d: %w", id, err)
	}
	return archived, nil
}

// DuplicateEmail copies the template id under newName, with Smart Mail off
// (a copy must be designated on purpose, S2) and not archived. A name
// already used is ErrConflict; an unknown id ErrNotFound.
func (db *DB) DuplicateEmail(ctx context.Context, id int64, newName string) (Email, error) {
	src, err := db.GetEmail(ctx, id)
	if err != nil {
		return Email{}, fmt.Errorf("duplicate email %d: %w", id, err)
	}
	cp := src
	cp.ID, cp.Name, cp.SmartMail, cp.Archived = 0, strings.TrimSpace(newName), false, false
	cp.Tags = append([]string(nil), src.Tags...)
	if err := db.CreateEmail(ctx, &cp); err != nil {
		return Email{}, fmt.Errorf("duplicate email %d: %w", id, err)
	}
	return cp, nil
}

// ImportEmails creates or updates templates by name (case-insensitive) in
// one transaction: all of them are written, or none. An existing template
// gets the subject, body, tags and Smart Mail flag of the imported one (its
// From and Reply-To are kept) and is un-archived. The checks of CreateEmail
// apply to each.
func (db *DB) ImportEmails(ctx context.Context, es []Email) (created, updated int, err error) {
	ins := make([]Email, len(es))
	tags := make([]string, len(es))
	for i, e := range es {
		ins[i] = e
		if tags[i], err = prepareEmail(&ins[i]); err != nil {
			return 0, 0, fmt.Errorf("import emails: %w", err)
		}
	}
	now := dbTime(db.nowUTC())
	err = db.tx(ctx, func(tx *sql.Tx) error {
		created, updated = 0, 0
		for i, e := range ins {
			res, err := tx.ExecContext(ctx, `
UPDATE emails SET subject = ?, body = ?, tags = ?, smart_mail = ?, archived = 0, updated_at = ?
WHERE name = ?`, e.Subject, e.Body, tags[i], e.SmartMail, now, e.Name)
			if err != nil {
				return fmt.Errorf("%q: %w", e.Name, err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n > 0 {
				updated++
				continue
			}
			if _, err := tx.ExecContext(ctx, `
INSERT INTO emails (name, subject, body, tags, smart_mail, from_name, from_email,
    reply_to, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				e.Name, e.Subject, e.Body, tags[i], e.SmartMail, e.FromName, e.FromEmail,
				e.ReplyTo, now, now); err != nil {
				return fmt.Errorf("%q: %w", e.Name, err)
			}
			created++
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("import emails: %w", err)
	}
	return created, updated, nil
}
