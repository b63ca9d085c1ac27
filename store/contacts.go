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
    c.last_activity_at`
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
		scanTime(&c.LastActivityAt))
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

const insertContactSQL = `
INSERT INTO contacts (kind, status, first_name, last_name, email, phone, company,
    title, city, country, owner_id, custom, sort_key, created_at, updated_at,
    last_activity_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
RETURNING id`

// insertArgs are the arguments of insertContactSQL for c.
func insertArgs(c *Contact, custom string) []any {
	var owner any
	if c.OwnerID != 0 {
		owner = c.OwnerID
	}
	return []any{c.Kind, c.Status, c.FirstName, c.LastName, c.Email, c.Phone,
		c.Company, c.Title, c.City, c.Country, owner, custom,
		sortKey(c.FirstName, c.LastName, c.Email), dbTime(c.CreatedAt),
		dbTime(c.UpdatedAt), dbTime(c.LastActivityAt)}
}

// CreateContact adds c and its "Created" event in one transaction, then sets
// c.ID and its times. An unknown kind or status, no name and no email, or an
// owner that does not exist is ErrInvalid; nothing is written then.
func (db *DB) CreateContact(ctx context.Context, c *Contact) error {
	if err := prepareContact(c); err != nil {
		return fmt.Errorf("create contact: %w", err)
	}
	custom, err := encodeCustom(c.Custom)
	if err != nil {
		return fmt.Errorf("create contact: %w", invalid("%v", err))
	}
	in := *c
	now := db.nowUTC()
	in.CreatedAt, in.UpdatedAt, in.LastActivityAt = now, now, now
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, insertContactSQL, insertArgs(&in, custom)...).Scan(&in.ID); err != nil {
			return err
		}
		return insertEvent(ctx, tx, &Event{ContactID: in.ID, At: now, Kind: EventCreated, Subject: "Created"})
	})
	if err != nil {
		return fmt.Errorf("create contact %s: %w", c.Name(), err)
	}
	*c = in
	return nil
}

// InsertContacts adds many contacts in one transaction through one prepared
// statement, for imports, seeding and benchmarks: no events are written and
// the given times are kept (zero CreatedAt or UpdatedAt means now). It sets
// each ID. Every contact is checked first; one bad contact is ErrInvalid and
// nothing is written.
func (db *DB) InsertContacts(ctx context.Context, cs []Contact) error {
	customs := make([]string, len(cs))
	for i := range cs {
		if err := prepareContact(&cs[i]); err != nil {
			return fmt.Errorf("insert contacts: row %d: %w", i, err)
		}
		var err error
		if customs[i], err = encodeCustom(cs[i].Custom); err != nil {
			return fmt.Errorf("insert contacts: row %d: %w", i, invalid("%v", err))
		}
	}
	now := db.nowUTC()
	ids := make([]int64, len(cs))
	err := db.tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, insertContactSQL)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i := range cs {
			c := cs[i]
			c.CreatedAt = orNow(c.CreatedAt, now)
			c.UpdatedAt = orNow(c.UpdatedAt, now)
			if err := stmt.QueryRowContext(ctx, insertArgs(&c, customs[i])...).Scan(&ids[i]); err != nil {
				return fmt.Errorf("row %d: %w", i, translate(err))
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("insert contacts: %w", err)
	}
	for i := range cs {
		cs[i].ID = ids[i]
		cs[i].CreatedAt = orNow(cs[i].CreatedAt, now).UTC()
		cs[i].UpdatedAt = orNow(cs[i].UpdatedAt, now).UTC()
	}
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

// CountContacts counts the contacts matching f. Without a search it walks an
// index (about 10 ms per million rows): call it on demand, not per keystroke.
func (db *DB) CountContacts(ctx context.Context, f ContactFilter) (int, error) {
	if f.Kind != "" && !f.Kind.Valid() {
		return 0, fmt.Errorf("count contacts: %w", invalid("unknown kind %q", f.Kind))
	}
	from := `contacts c`
	var where []string
	var args []any
	if m := searchQuery(f.Search); m != "" {
		from = `contacts_fts f CROSS JOIN contacts c ON c.id = f.rowid`
		where, args = append(where, `contacts_fts MATCH ?`), append(args, m)
	}
	where, args = filterWhere(f, where, args)
	var n int
	err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM `+from+whereClause(where), args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count contacts: %w", translate(err))
	}
	return n, nil
}

// filterWhere appends the kind and owner conditions of f.
func filterWhere(f ContactFilter, where []string, args []any) ([]string, []any) {
	if f.Kind != "" {
		where, args = append(where, `c.kind = ?`), append(args, f.Kind)
	}
	if f.OwnerID != 0 {
		where, args = append(where, `c.owner_id = ?`), append(args, f.OwnerID)
	}
	return where, args
}

func whereClause(where []string) string {
	if len(where) == 0 {
		return ""
	}
	return "\nWHERE " + strings.Join(where, " AND ")
}
