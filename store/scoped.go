package store

import (
	"context"
	"fmt"
	"strings"
)

// The queries in this file serve the scoped store (package store/scope),
// which applies the roles of S16 on top of *DB: they answer "whose is
// this?" in one indexed lookup, and list what a Jr. Salesperson may see
// with the owner in the same SQL. The policy itself lives in store/scope.

// ContactOwner returns the owner of contact id (0: nobody), or ErrNotFound.
// Archived contacts are found too.
func (db *DB) ContactOwner(ctx context.Context, id int64) (int64, error) {
	var owner int64
	err := db.sql.QueryRowContext(ctx, `SELECT coalesce(owner_id, 0) FROM contacts WHERE id = ?`, id).Scan(&owner)
	if err != nil {
		return 0, fmt.Errorf("contact %d: %w", id, translate(err))
	}
	return owner, nil
}

// MessageOwner returns the owner of the contact message id was sent to
// (0: nobody), or ErrNotFound for an unknown message.
func (db *DB) MessageOwner(ctx context.Context, id int64) (int64, error) {
	var owner int64
	err := db.sql.QueryRowContext(ctx, `
SELECT coalesce(c.owner_id, 0) FROM messages m LEFT JOIN contacts c ON c.id = m.contact_id
WHERE m.id = ?`, id).Scan(&owner)
	if err != nil {
		return 0, fmt.Errorf("message %d: %w", id, translate(err))
	}
	return owner, nil
}

// ReceivedVisibleTo reports whether the received message id came into or
// out of user's own mailbox, or involves a contact user owns; an unknown
// id is ErrNotFound.
func (db *DB) ReceivedVisibleTo(ctx context.Context, id, user int64) (bool, error) {
	var mailbox int64
	var owned bool
	err := db.sql.QueryRowContext(ctx, `
SELECT r.user_id, EXISTS (SELECT 1 FROM received_contacts rc JOIN contacts c ON c.id = rc.contact_id
                          WHERE rc.received_id = r.id AND c.owner_id = ?)
FROM received r WHERE r.id = ?`, user, id).Scan(&mailbox, &owned)
	if err != nil {
		return false, fmt.Errorf("received %d: %w", id, translate(err))
	}
	return mailbox == user || owned, nil
}

// ListMessagesOwnedBy is ListMessages kept to the messages sent to the
// contacts owner owns, in the same query.
func (db *DB) ListMessagesOwnedBy(ctx context.Context, f MessageFilter, owner int64) ([]Message, error) {
	var (
		where = []string{`contact_id IN (SELECT id FROM contacts WHERE owner_id = ?)`}
		args  = []any{owner}
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
	limit := -1
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

// MessageCountsOwnedBy is MessageCounts over the messages sent to the
// contacts owner owns.
func (db *DB) MessageCountsOwnedBy(ctx context.Context, owner int64) (map[MessageStatus]int, error) {
	rows, err := db.sql.QueryContext(ctx, `
SELECT status, count(*) FROM messages
WHERE contact_id IN (SELECT id FROM contacts WHERE owner_id = ?) GROUP BY status`, owner)
	if err != nil {
		return nil, fmt.Errorf("count messages: %w", translate(err))
	}
	out := map[MessageStatus]int{}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var s MessageStatus
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("count messages: %w", translate(err))
		}
		out[s] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count messages: %w", translate(err))
	}
	return out, nil
}
