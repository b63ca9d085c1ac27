package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// A permanent bounce flags an address (bouncing_addresses), and Quick Send
// to it asks first. The flag is about the address, not the contact: a
// contact whose email changes is simply no longer asked about. It is
// cleared only by proof that the address works again: mail received from
// it, dated after the bounce.

// EventBounceCleared is the Life of the Lead event of an address flagged
// bouncing that wrote after its bounce: the flag was dropped.
const EventBounceCleared EventKind = "bounce_cleared"

// clearBouncingSQL drops the flag of an address that wrote after its
// bounce, and says when it had bounced.
const clearBouncingSQL = `
DELETE FROM bouncing_addresses WHERE address = ?1 AND at < ?2 RETURNING at`

// clearBouncing drops the flag of each address the batch's incoming mail
// came from after its bounce, and gives each contact of that address a
// bounce_cleared event at the mail's date. Mail without a Date clears
// nothing: a rescan of old mail must not undo a newer bounce.
func (r *recorder) clearBouncing(ctx context.Context, rows []recordRow) error {
	for i := range rows {
		x := &rows[i]
		if x.Direction != ReceivedIn || x.Kind == ReceivedBounce || x.bounce != nil ||
			x.FromAddr == "" || x.Date.IsZero() {
			continue
		}
		at := x.Date.UTC()
		var bouncedAt string
		err := r.tx.QueryRowContext(ctx, clearBouncingSQL, x.FromAddr, dbTime(at)).Scan(&bouncedAt)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return fmt.Errorf("clear the bounce flag of %q: %w", x.FromAddr, translate(err))
		}
		ids, err := r.contactsOf(ctx, x.FromAddr)
		if err != nil {
			return err
		}
		for _, c := range ids {
			e := Event{ContactID: c, At: at, Kind: EventBounceCleared, Subject: x.Subject,
				Detail: "mail received from " + x.FromAddr + ": the address works again"}
			if err := r.event(ctx, &e); err != nil {
				return err
			}
		}
	}
	return nil
}

// contactsOf returns the contacts whose email is addr.
func (r *recorder) contactsOf(ctx context.Context, addr string) ([]int64, error) {
	rows, err := r.tx.QueryContext(ctx, `SELECT id FROM contacts WHERE email = ? ORDER BY id`,
		strings.TrimSpace(addr))
	if err != nil {
		return nil, fmt.Errorf("contacts of %q: %w", addr, translate(err))
	}
	ids, err := collect(rows, func(rs rowScanner) (int64, error) {
		var id int64
		err := rs.Scan(&id)
		return id, err
	})
	if err != nil {
		return nil, fmt.Errorf("contacts of %q: %w", addr, translate(err))
	}
	return ids, nil
}
