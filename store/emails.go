package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

const emailCols = `id, name, subject, body, tags, smart_mail, from_name,
    from_email, reply_to, archived, created_at, updated_at`

func scanEmail(r rowScanner) (Email, error) {
	var (
		e    Email
		tags string
	)
	err := r.Scan(&e.ID, &e.Name, &e.Subject, &e.Body, &tags, &e.SmartMail, &e.FromName,
		&e.FromEmail, &e.ReplyTo, &e.Archived, scanTime(&e.CreatedAt), scanTime(&e.UpdatedAt))
	if err != nil {
		return Email{}, err
	}
	if err := json.Unmarshal([]byte(tags), &e.Tags); err != nil {
		return Email{}, fmt.Errorf("email %d: tags: %w", e.ID, err)
	}
	if len(e.Tags) == 0 {
		e.Tags = nil
	}
	return e, nil
}

// prepareEmail trims e, drops empty and repeated tags (compared
// case-insensitively, first spelling kept) and returns the tags as JSON.
// A missing name or subject is ErrInvalid.
func prepareEmail(e *Email) (string, error) {
	e.Name, e.Subject = strings.TrimSpace(e.Name), strings.TrimSpace(e.Subject)
	e.FromName, e.FromEmail = strings.TrimSpace(e.FromName), strings.TrimSpace(e.FromEmail)
	e.ReplyTo = strings.TrimSpace(e.ReplyTo)
	if e.Name == "" {
		return "", invalid("an email needs a name")
	}
	if e.Subject == "" {
		return "", invalid("email %q needs a subject", e.Name)
	}
	var tags []string
	seen := map[string]bool{}
	for _, t := range e.Tags {
		t = strings.TrimSpace(t)
		if k := strings.ToLower(t); t != "" && !seen[k] {
			seen[k] = true
			tags = append(tags, t)
		}
	}
	e.Tags = tags
	b, err := json.Marshal(tags)
	if err != nil {
		return "", fmt.Errorf("tags: %w", err)
	}
	if tags == nil {
		b = []byte("[]")
	}
	return string(b), nil
}

// CreateEmail stores a new template and sets e.ID and its times. A missing
// name or subject is ErrInvalid; a name already used (case-insensitively) is
// ErrConflict.
func (db *DB) CreateEmail(ctx context.Context, e *Email) error {
	in := *e
	tags, err := prepareEmail(&in)
	if err != nil {
		return fmt.Errorf("create email: %w", err)
	}
	now := db.nowUTC()
	in.CreatedAt, in.UpdatedAt = now, now
	err = db.tx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `
INSERT INTO emails (name, subject, body, tags, smart_mail, from_name, from_email,
    reply_to, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			in.Name, in.Subject, in.Body, tags, in.SmartMail, in.FromName, in.FromEmail,
			in.ReplyTo, dbTime(now), dbTime(now)).Scan(&in.ID)
	})
	if err != nil {
		return fmt.Errorf("create email %q: %w", in.Name, err)
	}
	*e = in
	return nil
}

// UpdateEmail replaces every field of the template e.ID but its creation
// time. The checks of CreateEmail apply; an unknown id is ErrNotFound.
func (db *DB) UpdateEmail(ctx context.Context, e Email) error {
	tags, err := prepareEmail(&e)
	if err != nil {
		return fmt.Errorf("update email %d: %w", e.ID, err)
	}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		return execOne(ctx, tx, `
UPDATE emails SET name = ?, subject = ?, body = ?, tags = ?, smart_mail = ?,
    from_name = ?, from_email = ?, reply_to = ?, updated_at = ?
WHERE id = ?`,
			e.Name, e.Subject, e.Body, tags, e.SmartMail, e.FromName, e.FromEmail,
			e.ReplyTo, dbTime(db.nowUTC()), e.ID)
	})
	if err != nil {
		return fmt.Errorf("update email %d: %w", e.ID, err)
	}
	return nil
}

// GetEmail returns the template with this id, or ErrNotFound.
func (db *DB) GetEmail(ctx context.Context, id int64) (Email, error) {
	e, err := scanEmail(db.sql.QueryRowContext(ctx, `SELECT `+emailCols+` FROM emails WHERE id = ?`, id))
	if err != nil {
		return Email{}, fmt.Errorf("get email %d: %w", id, translate(err))
	}
	return e, nil
}

// EmailByName returns the template with this name (case-insensitive), or
// ErrNotFound.
func (db *DB) EmailByName(ctx context.Context, name string) (Email, error) {
	name = strings.TrimSpace(name)
	e, err := scanEmail(db.sql.QueryRowContext(ctx, `SELECT `+emailCols+` FROM emails WHERE name = ?`, name))
	if err != nil {
		return Email{}, fmt.Errorf("email by name %q: %w", name, translate(err))
	}
	return e, nil
}

// AmbiguousEmailError is a template reference that is the start of more
// than one template's name. Its message is the whole sentence for the user.
type AmbiguousEmailError struct {
	Ref   string
	Names []string // the templates it could mean, by name
}

func (e *AmbiguousEmailError) Error() string {
	return fmt.Sprintf("%q could be any of %d emails (%s): give more of the name, or its id",
		e.Ref, len(e.Names), strings.Join(e.Names, "; "))
}

// FindEmail resolves what a person typed to name a template: its whole
// name (case-insensitive), its id ("12" or "#12"), or the start of exactly
// one template's name (case-insensitive, archived ones left out). No match
// is ErrNotFound; a start shared by several is an *AmbiguousEmailError.
func (db *DB) FindEmail(ctx context.Context, ref string) (Email, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return Email{}, invalid("name an email: its name, the start of its name, or its id")
	}
	e, err := db.EmailByName(ctx, ref)
	if !errors.Is(err, ErrNotFound) {
		return e, err
	}
	if id, perr := strconv.ParseInt(strings.TrimPrefix(ref, "#"), 10, 64); perr == nil && id > 0 {
		if e, err := db.GetEmail(ctx, id); !errors.Is(err, ErrNotFound) {
			return e, err
		}
	}
	es, err := db.ListEmails(ctx, EmailFilter{})
	if err != nil {
		return Email{}, fmt.Errorf("find email %q: %w", ref, err)
	}
	var hits []Email
	for _, e := range es {
		if hasPrefixFold(e.Name, ref) {
			hits = append(hits, e)
		}
	}
	switch len(hits) {
	case 0:
		return Email{}, fmt.Errorf("find email %q: %w", ref, ErrNotFound)
	case 1:
		return hits[0], nil
	}
	amb := &AmbiguousEmailError{Ref: ref}
	for _, e := range hits {
		amb.Names = append(amb.Names, e.Name)
	}
	return Email{}, amb
}

// hasPrefixFold reports whether s starts with prefix under Unicode case
// folding ("checking" starts "Checking in", "über" starts "Über uns").
func hasPrefixFold(s, prefix string) bool {
	for _, p := range prefix {
		r, size := utf8.DecodeRuneInString(s)
		if size == 0 || !equalFoldRune(r, p) {
			return false
		}
		s = s[size:]
	}
	return true
}

func equalFoldRune(a, b rune) bool {
	if a == b {
		return true
	}
	for f := unicode.SimpleFold(a); f != a; f = unicode.SimpleFold(f) {
		if f == b {
			return true
		}
	}
	return false
}

// ListEmails returns the templates matching f ordered by name
// (case-insensitive). f.Tag matches one whole tag, case-insensitively.
// Archived templates are left out unless f.IncludeArchived.
func (db *DB) ListEmails(ctx context.Context, f EmailFilter) ([]Email, error) {
	var (
		where []string
		args  []any
	)
	if f.SmartMailOnly {
		where = append(where, `smart_mail = 1`)
	}
	if !f.IncludeArchived {
		where = append(where, `archived = 0`)
	}
	if tag := strings.TrimSpace(f.Tag); tag != "" {
		where = append(where, `EXISTS (SELECT 1 FROM json_each(emails.tags) t
    WHERE t.value = ? COLLATE NOCASE)`)
		args = append(args, tag)
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT `+emailCols+` FROM emails`+
		whereClause(where)+"\nORDER BY name, id", args...)
	if err != nil {
		return nil, fmt.Errorf("list emails: %w", translate(err))
	}
	es, err := collect(rows, scanEmail)
	if err != nil {
		return nil, fmt.Errorf("list emails: %w", translate(err))
	}
	return es, nil
}

// ReceivedEmails maps each template the contact was sent (messages with
// status sent) to the last time it was sent, for the picker's marker (S17).
func (db *DB) ReceivedEmails(ctx context.Context, contactID int64) (map[int64]time.Time, error) {
	rows, err := db.sql.QueryContext(ctx, `
SELECT email_id, max(sent_at) FROM messages
WHERE contact_id = ? AND status = 'sent' AND email_id IS NOT NULL
GROUP BY email_id`, contactID)
	if err != nil {
		return nil, fmt.Errorf("received emails of contact %d: %w", contactID, translate(err))
	}
	type received struct {
		id int64
		at time.Time
	}
	rs, err := collect(rows, func(r rowScanner) (received, error) {
		var x received
		err := r.Scan(&x.id, scanTime(&x.at))
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("received emails of contact %d: %w", contactID, translate(err))
	}
	got := make(map[int64]time.Time, len(rs))
	for _, x := range rs {
		got[x.id] = x.at
	}
	return got, nil
}
