package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// checkNewUser validates the email, name and role of a user about to be
// added.
func checkNewUser(u *User) error {
	u.Email = strings.TrimSpace(u.Email)
	u.Name = strings.TrimSpace(u.Name)
	if u.Email == "" || !strings.Contains(u.Email, "@") || strings.ContainsAny(u.Email, " \t\r\n") {
		return invalid("%q is not an email address", u.Email)
	}
	if u.Name == "" {
		return invalid("a user needs a name: the name their recipients see")
	}
	if !u.Role.Valid() {
		return invalid("%q is not a role; the roles are %s", u.Role, roleWords())
	}
	return nil
}

// roleWords lists the roles for a sentence.
func roleWords() string {
	rs := Roles()
	ss := make([]string, len(rs))
	for i, r := range rs {
		ss[i] = string(r)
	}
	return strings.Join(ss, ", ")
}

// HasAdministrator reports whether the database has an active
// administrator: whether someone has claimed it (see AddFirstUser).
func (db *DB) HasAdministrator(ctx context.Context) (bool, error) {
	var ok bool
	err := db.sql.QueryRowContext(ctx,
		`SELECT EXISTS (SELECT 1 FROM users WHERE role = 'administrator' AND active = 1)`).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("has administrator: %w", translate(err))
	}
	return ok, nil
}

// AddFirstUser records u as the database's Administrator, whatever u.Role
// says, when it has no active administrator yet: a new database, or one
// that was seeded or filled by the demo without one. Once a database has
// an administrator it is ErrConflict and nothing is written: later users
// are added by an administrator (AddUser). An email that is already a
// user's is ErrConflict too.
func (db *DB) AddFirstUser(ctx context.Context, u User) (User, error) {
	u.Role = RoleAdministrator
	if err := checkNewUser(&u); err != nil {
		return User{}, fmt.Errorf("add first user: %w", err)
	}
	var out User
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var claimed bool
		if err := tx.QueryRowContext(ctx,
			`SELECT EXISTS (SELECT 1 FROM users WHERE role = 'administrator' AND active = 1)`).Scan(&claimed); err != nil {
			return err
		}
		if claimed {
			return fmt.Errorf("%w: the database already has an administrator", ErrConflict)
		}
		return insertUser(ctx, tx, db, u, &out)
	})
	if err != nil {
		return User{}, fmt.Errorf("add first user %s: %w", u.Email, translate(err))
	}
	return out, nil
}

// AddUser adds a user with u's name, email, title, phone and role, active.
// A malformed email, an empty name or an unknown role is ErrInvalid; an
// email that is already a user's is ErrConflict. Who may add users is the
// scoped store's question (store/scope).
func (db *DB) AddUser(ctx context.Context, u User) (User, error) {
	if err := checkNewUser(&u); err != nil {
		return User{}, fmt.Errorf("add user: %w", err)
	}
	var out User
	err := db.tx(ctx, func(tx *sql.Tx) error { return insertUser(ctx, tx, db, u, &out) })
	if err != nil {
		return User{}, fmt.Errorf("add user %s: %w", u.Email, translate(err))
	}
	return out, nil
}

// insertUser inserts u and scans the stored row into out.
func insertUser(ctx context.Context, tx *sql.Tx, db *DB, u User, out *User) error {
	now := dbTime(db.nowUTC())
	var err error
	*out, err = scanUser(tx.QueryRowContext(ctx, `
INSERT INTO users (name, email, title, phone, role, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
RETURNING `+userCols, u.Name, u.Email, u.Title, u.Phone, u.Role, now, now))
	return err
}

// UpdateProfile sets the name, title and phone of user id, as the user's
// own configuration says them; the role and whether they are active are
// not touched. An empty name is ErrInvalid, an unknown id ErrNotFound.
func (db *DB) UpdateProfile(ctx context.Context, id int64, name, title, phone string) (User, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return User{}, fmt.Errorf("update user %d: %w", id, invalid("a user needs a name"))
	}
	var out User
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = scanUser(tx.QueryRowContext(ctx, `
UPDATE users SET name = ?, title = ?, phone = ?, updated_at = ? WHERE id = ?
RETURNING `+userCols, name, title, phone, dbTime(db.nowUTC()), id))
		return err
	})
	if err != nil {
		return User{}, fmt.Errorf("update user %d: %w", id, translate(err))
	}
	return out, nil
}

// SetRole gives user id the role r. Demoting the last active
// administrator is ErrInvalid with a sentence (a database always keeps
// one who can manage users); an unknown role ErrInvalid; an unknown id
// ErrNotFound. Setting the role a user has already writes nothing.
func (db *DB) SetRole(ctx context.Context, id int64, r Role) (User, error) {
	if !r.Valid() {
		return User{}, fmt.Errorf("set role: %w", invalid("%q is not a role; the roles are %s", r, roleWords()))
	}
	return db.changeUser(ctx, id, func(tx *sql.Tx, u User) (string, []any, error) {
		if u.Role == r {
			return "", nil, nil
		}
		if u.Role == RoleAdministrator && u.Active {
			if err := lastAdmin(ctx, tx, id, "make "+u.Email+" a "+string(r)); err != nil {
				return "", nil, err
			}
		}
		return `role = ?`, []any{r}, nil
	})
}

// Deactivate makes user id inactive: they keep owning their contacts and
// can no longer start leadmail. Deactivating the last active
// administrator is ErrInvalid with a sentence; an unknown id ErrNotFound.
// A user already inactive is returned as is.
func (db *DB) Deactivate(ctx context.Context, id int64) (User, error) {
	return db.changeUser(ctx, id, func(tx *sql.Tx, u User) (string, []any, error) {
		if !u.Active {
			return "", nil, nil
		}
		if u.Role == RoleAdministrator {
			if err := lastAdmin(ctx, tx, id, "deactivate "+u.Email); err != nil {
				return "", nil, err
			}
		}
		return `active = 0`, nil, nil
	})
}

// lastAdmin refuses when no active administrator but user id would be
// left; what names the refused action.
func lastAdmin(ctx context.Context, tx *sql.Tx, id int64, what string) error {
	var others int
	if err := tx.QueryRowContext(ctx, `
SELECT count(*) FROM users WHERE role = 'administrator' AND active = 1 AND id <> ?`, id).Scan(&others); err != nil {
		return err
	}
	if others == 0 {
		return invalid("cannot %s: they are the last administrator, and a database keeps one who can manage users (make someone else an administrator first)", what)
	}
	return nil
}

// changeUser reads user id, asks change for a SET clause (none: nothing
// to do) and applies it, in one transaction.
func (db *DB) changeUser(ctx context.Context, id int64, change func(*sql.Tx, User) (string, []any, error)) (User, error) {
	var out User
	err := db.tx(ctx, func(tx *sql.Tx) error {
		u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
		if err != nil {
			return err
		}
		set, args, err := change(tx, u)
		if err != nil || set == "" {
			out = u
			return err
		}
		args = append(args, dbTime(db.nowUTC()), id)
		out, err = scanUser(tx.QueryRowContext(ctx,
			`UPDATE users SET `+set+`, updated_at = ? WHERE id = ? RETURNING `+userCols, args...))
		return err
	})
	if err != nil {
		return User{}, fmt.Errorf("change user %d: %w", id, translate(err))
	}
	return out, nil
}
