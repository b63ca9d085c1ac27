package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

const userCols = `id, name, email, title, phone, role, created_at, active`

// rowScanner is what *sql.Row and *sql.Rows have in common.
type rowScanner interface{ Scan(dest ...any) error }

func scanUser(r rowScanner) (User, error) {
	var u User
	err := r.Scan(&u.ID, &u.Name, &u.Email, &u.Title, &u.Phone, &u.Role, scanTime(&u.CreatedAt), &u.Active)
	return u, err
}

// UpsertUser creates the user with u.Email, or updates that user's name,
// title, phone and role; emails match case-insensitively and the stored
// spelling is kept. It returns the user as stored. An empty or malformed
// email or an unknown role is ErrInvalid. It is for seeding and tests: the
// app records who runs it with AddFirstUser and UpdateProfile, and roles
// change only through SetRole (users_admin.go).
func (db *DB) UpsertUser(ctx context.Context, u User) (User, error) {
	u.Email = strings.TrimSpace(u.Email)
	u.Name = strings.TrimSpace(u.Name)
	if u.Email == "" || !strings.Contains(u.Email, "@") {
		return User{}, fmt.Errorf("upsert user: %w", invalid("email %q is not an address", u.Email))
	}
	if !u.Role.Valid() {
		return User{}, fmt.Errorf("upsert user %s: %w", u.Email, invalid("unknown role %q", u.Role))
	}
	now := dbTime(db.nowUTC())
	var out User
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = scanUser(tx.QueryRowContext(ctx, `
INSERT INTO users (name, email, title, phone, role, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (email) DO UPDATE SET
    name = excluded.name, title = excluded.title, phone = excluded.phone,
    role = excluded.role, updated_at = excluded.updated_at
RETURNING `+userCols, u.Name, u.Email, u.Title, u.Phone, u.Role, now, now))
		return err
	})
	if err != nil {
		return User{}, fmt.Errorf("upsert user %s: %w", u.Email, err)
	}
	return out, nil
}

// GetUser returns the user with this id, or ErrNotFound.
func (db *DB) GetUser(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(db.sql.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	if err != nil {
		return User{}, fmt.Errorf("get user %d: %w", id, translate(err))
	}
	return u, nil
}

// UserByEmail returns the user with this email (case-insensitive), or
// ErrNotFound.
func (db *DB) UserByEmail(ctx context.Context, email string) (User, error) {
	email = strings.TrimSpace(email)
	u, err := scanUser(db.sql.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE email = ?`, email))
	if err != nil {
		return User{}, fmt.Errorf("user by email %s: %w", email, translate(err))
	}
	return u, nil
}

// ListUsers returns every user ordered by name (case-insensitive).
func (db *DB) ListUsers(ctx context.Context) ([]User, error) {
	rows, err := db.sql.QueryContext(ctx,
		`SELECT `+userCols+` FROM users ORDER BY name COLLATE NOCASE, id`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", translate(err))
	}
	us, err := collect(rows, scanUser)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", translate(err))
	}
	return us, nil
}

// IsUserEmail reports whether email (case-insensitive) belongs to a CRM user;
// seed rule S9 keeps users out of CC and BCC.
func (db *DB) IsUserEmail(ctx context.Context, email string) (bool, error) {
	var ok bool
	err := db.sql.QueryRowContext(ctx,
		`SELECT EXISTS (SELECT 1 FROM users WHERE email = ?)`, strings.TrimSpace(email)).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("is user email %s: %w", email, translate(err))
	}
	return ok, nil
}
