package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

const signatureCols = `id, user_id, name, body, is_default, created_at, updated_at`

func scanSignature(r rowScanner) (Signature, error) {
	var s Signature
	err := r.Scan(&s.ID, &s.UserID, &s.Name, &s.Body, &s.IsDefault, scanTime(&s.CreatedAt), scanTime(&s.UpdatedAt))
	return s, err
}

func prepareSignature(s *Signature) error {
	s.Name = strings.TrimSpace(s.Name)
	switch {
	case s.UserID <= 0:
		return invalid("a signature needs a user")
	case s.Name == "":
		return invalid("a signature needs a name")
	}
	return nil
}

// unsetDefault clears the user's default signature, but for keep.
func unsetDefault(ctx context.Context, tx *sql.Tx, userID, keep int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE signatures SET is_default = 0
WHERE user_id = ? AND id <> ? AND is_default = 1`, userID, keep)
	return err
}

// CreateSignature stores a new signature and sets s.ID and its times. A
// missing name or user is ErrInvalid; a name the user already has
// (case-insensitively) is ErrConflict. A default signature takes over from
// the user's previous default.
func (db *DB) CreateSignature(ctx context.Context, s *Signature) error {
	in := *s
	if err := prepareSignature(&in); err != nil {
		return fmt.Errorf("create signature: %w", err)
	}
	now := db.nowUTC()
	in.CreatedAt, in.UpdatedAt = now, now
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if in.IsDefault {
			if err := unsetDefault(ctx, tx, in.UserID, 0); err != nil {
				return err
			}
		} else {
			// A user's first signature is their default: having one and
			// getting none in Personalize would surprise.
			var has bool
			if err := tx.QueryRowContext(ctx,
				`SELECT EXISTS (SELECT 1 FROM signatures WHERE user_id = ? AND is_default)`, in.UserID).Scan(&has); err != nil {
				return err
			}
			in.IsDefault = !has
		}
		return tx.QueryRowContext(ctx, `
INSERT INTO signatures (user_id, name, body, is_default, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			in.UserID, in.Name, in.Body, in.IsDefault, dbTime(now), dbTime(now)).Scan(&in.ID)
	})
	if err != nil {
		return fmt.Errorf("create signature %q: %w", in.Name, err)
	}
	*s = in
	return nil
}

// UpdateSignature replaces the name, body and default flag of signature
// s.ID (its user does not change). The checks of CreateSignature apply; an
// unknown id is ErrNotFound.
func (db *DB) UpdateSignature(ctx context.Context, s Signature) error {
	s.Name = strings.TrimSpace(s.Name)
	if s.Name == "" {
		return fmt.Errorf("update signature %d: %w", s.ID, invalid("a signature needs a name"))
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var userID int64
		if err := tx.QueryRowContext(ctx, `SELECT user_id FROM signatures WHERE id = ?`, s.ID).Scan(&userID); err != nil {
			return err
		}
		if s.IsDefault {
			if err := unsetDefault(ctx, tx, userID, s.ID); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE signatures SET name = ?, body = ?, is_default = ?, updated_at = ?
WHERE id = ?`, s.Name, s.Body, s.IsDefault, dbTime(db.nowUTC()), s.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("update signature %d: %w", s.ID, err)
	}
	return nil
}

// DeleteSignature deletes the signature id; an unknown id is ErrNotFound.
// Drafts that picked it keep their composed bytes.
func (db *DB) DeleteSignature(ctx context.Context, id int64) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		return execOne(ctx, tx, `DELETE FROM signatures WHERE id = ?`, id)
	})
	if err != nil {
		return fmt.Errorf("delete signature %d: %w", id, err)
	}
	return nil
}

// GetSignature returns the signature with this id, or ErrNotFound.
func (db *DB) GetSignature(ctx context.Context, id int64) (Signature, error) {
	s, err := scanSignature(db.sql.QueryRowContext(ctx, `SELECT `+signatureCols+` FROM signatures WHERE id = ?`, id))
	if err != nil {
		return Signature{}, fmt.Errorf("get signature %d: %w", id, translate(err))
	}
	return s, nil
}

// ListSignatures returns the user's signatures, the default first, then by
// name (case-insensitive).
func (db *DB) ListSignatures(ctx context.Context, userID int64) ([]Signature, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+signatureCols+` FROM signatures
WHERE user_id = ? ORDER BY is_default DESC, name, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list signatures of user %d: %w", userID, translate(err))
	}
	ss, err := collect(rows, scanSignature)
	if err != nil {
		return nil, fmt.Errorf("list signatures of user %d: %w", userID, translate(err))
	}
	return ss, nil
}
