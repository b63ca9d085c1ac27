package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// contactCols and contactFrom read a full Contact, with its owner's name.
const (
	contactCols = `c.id, c.kind, c.status, c.first_name, c.last_name, c.email,
    c.phone, c.company, c.title, c.city, c.country, coalesce(c.owner_id, 0),
    coalesce(u.name, ''), c.custom, c.sort_key, c.created_at, c.updated_at,
    c.last_activity_at, c.version, c.archived_at`
	contactFrom = `contacts c LEFT JOIN users u ON u.id = c.owner_id`
)

// sortKey is the listing order of a contact: "last first" in lower case, or
// the email when both names are empty. Binary order on it is the display
// order; the row id breaks ties.
func sortKey(first, last, email string) string {
	k := strings.TrimSpace(strings.TrimSpace(last) + " " + strings.TrimSpace(first))
	if k == "" {
		k = strings.TrimSpace(email)
	}
	return strings.ToLower(k)
}

// scanContact reads one row of contactCols and also returns its sort key,
// which pages need for their cursors.
func scanContact(r rowScanner) (Contact, string, error) {
	var (
		c      Contact
		custom string
		key    string
	)
	err := r.Scan(&c.ID, &c.Kind, &c.Status, &c.FirstName, &c.LastName, &c.Email,
		&c.Phone, &c.Company, &c.Title, &c.City, &c.Country, &c.OwnerID,
		&c.OwnerName, &custom, &key, scanTime(&c.CreatedAt), scanTime(&c.UpdatedAt),
		scanTime(&c.LastActivityAt), &c.Version, scanTime(&c.ArchivedAt))
	if err != nil {
		return Contact{}, "", err
	}
	if c.Custom, err = decodeCustom(custom); err != nil {
		return Contact{}, "", fmt.Errorf("contact %d: %w", c.ID, err)
	}
	return c, key, nil
}

// decodeCustom reads the custom-fields JSON object. Values written by
// leadmail are strings; anything else (from a hand-edited row) is kept as its
// JSON text rather than failing the whole read.
func decodeCustom(s string) (map[string]string, error) {
	if s == "" || s == "{}" {
		return nil, nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return nil, fmt.Errorf("custom fields: %w", err)
	}
	m := make(map[string]string, len(raw))
	for k, v := range raw {
		var str string
		if json.Unmarshal(v, &str) == nil {
			m[k] = str
		} else {
			m[k] = string(v)
		}
	}
	return m, nil
}

func encodeCustom(m map[string]string) (string, error) {
	if len(m) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("custom fields: %w", err)
	}
	return string(b), nil
}

// prepareContact trims and checks c before a write. An empty Status means
// StatusOpen.
func prepareContact(c *Contact) error {
	for _, f := range []*string{&c.FirstName, &c.LastName, &c.Email, &c.Phone,
		&c.Company, &c.Title, &c.City, &c.Country} {
		*f = strings.TrimSpace(*f)
	}
	if c.Status == "" {
		c.Status = StatusOpen
	}
	switch {
	case !c.Kind.Valid():
		return invalid("unknown kind %q", c.Kind)
	case !c.Status.Valid():
		return invalid("unknown status %q", c.Status)
	case c.FirstName == "" && c.LastName == "" && c.Email == "":
		return invalid("a contact needs a name or an email")
	case c.OwnerID < 0:
		return invalid("owner id %d", c.OwnerID)
	}
	return nil
}

// insertContactsSQL inserts n contacts (insertArgs each) and returns their
// ids.
func insertContactsSQL(n int) string {
	const row = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	return `INSERT INTO contacts (kind, status, first_name, last_name, email, phone,
    company, title, city, country, owner_id, custom, sort_key, created_at,
    updated_at, last_activity_at, name_key, company_key)
VALUES ` + strings.Repeat(row+`, `, n-1) + row + `
RETURNING id`
}

// insertArgs are the arguments of one row of insertContactsSQL for c.
func insertArgs(c *Contact, custom string, keys rowKeys) []any {
	var owner any
	if c.OwnerID != 0 {
		owner = c.OwnerID
	}
	return []any{c.Kind, c.Status, c.FirstName, c.LastName, c.Email, c.Phone,
		c.Company, c.Title, c.City, c.Country, owner, custom,
		sortKey(c.FirstName, c.LastName, c.Email), dbTime(c.CreatedAt),
		dbTime(c.UpdatedAt), dbTime(c.LastActivityAt), keys.name, keys.company}
}

// createContact adds c and its "Created" event in one transaction, then sets
// c.ID, its version and times. An unknown kind or status, no name and no
// email, a field validateContact refuses, or an owner that does not exist
// is ErrInvalid; an email another contact has is a *DuplicateEmailError
// unless opts allows it. Nothing is written then.
func (db *DB) createContact(ctx context.Context, c *Contact, opts ContactOptions) error {
	if err := validateContact(c); err != nil {
		return fmt.Errorf("create contact: %w", err)
	}
	if err := prepareContact(c); err != nil {
		return fmt.Errorf("create contact: %w", err)
	}
	custom, err := encodeCustom(c.Custom)
	if err != nil {
		return fmt.Errorf("create contact: %w", invalid("%v", err))
	}
	in := *c
	now := db.nowUTC()
	in.CreatedAt, in.UpdatedAt, in.LastActivityAt, in.Version = now, now, now, 1
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if !opts.AllowDuplicateEmail {
			if err := duplicateEmail(ctx, tx, in.Email, 0); err != nil {
				return err
			}
		}
		keys, err := txKeys(ctx, tx, &in)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, insertContactsSQL(1), insertArgs(&in, custom, keys)...).Scan(&in.ID); err != nil {
			return err
		}
		return db.insertEvent(ctx, tx, &Event{ContactID: in.ID, At: now, Kind: EventCreated, Subject: "Created"})
	})
	if err != nil {
		return fmt.Errorf("create contact %s: %w", c.Name(), err)
	}
	*c = in
	return nil
}

func orNow(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t
}

// GetContact returns the contact with this id, with its owner's name and its
// custom fields, or ErrNotFound.
func (db *DB) GetContact(ctx context.Context, id int64) (Contact, error) {
	c, _, err := scanContact(db.sql.QueryRowContext(ctx,
		`SELECT `+contactCols+` FROM `+contactFrom+` WHERE c.id = ?`, id))
	if err != nil {
		return Contact{}, fmt.Errorf("get contact %d: %w", id, translate(err))
	}
	return c, nil
}

// ContactByEmail returns the contact with this email, compared
// case-insensitively; the newest one when imports brought several. An empty
// email is ErrInvalid, an unknown one ErrNotFound.
func (db *DB) ContactByEmail(ctx context.Context, email string) (Contact, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return Contact{}, fmt.Errorf("contact by email: %w", invalid("empty email"))
	}
	c, _, err := scanContact(db.sql.QueryRowContext(ctx,
		`SELECT `+contactCols+` FROM `+contactFrom+`
WHERE c.email = ? ORDER BY c.id DESC LIMIT 1`, email))
	if err != nil {
		return Contact{}, fmt.Errorf("contact by email %s: %w", email, translate(err))
	}
	return c, nil
}

func whereClause(where []string) string {
	if len(where) == 0 {
		return ""
	}
	return "\nWHERE " + strings.Join(where, " AND ")
}
