package store

import (
	"context"
	"fmt"
	"slices"
)

// Page sizes.
const (
	defaultPageLimit = 50
	maxPageLimit     = 1000
)

// pageMode is which end of the listing a PageRequest anchors to.
type pageMode int

const (
	pageFirst pageMode = iota
	pageAfter
	pageBefore
	pageLast
)

// ListContacts returns one page of contacts matching req.Filter, without
// ever using OFFSET, so every page costs the same wherever it is.
//
// Without a search the order is (sort_key, id): last name, first name, id;
// pages are index range scans from the cursor. With a search the hits of
// the FTS5 index are paged in id order (Cursor.ID carries the position and
// Cursor.SortKey is empty): ranking short prefixes costs 100+ ms at a
// million rows, id order stays under a millisecond.
//
// HasNext and HasPrev come from fetching one row more than asked, on the
// side the page moves towards; a page reached with After always has a
// previous page and one reached with Before a next one. First and Last are
// zero when the page is empty. Limit 0 means 50 (at most 1000); setting
// more than one of After, Before and Last, a negative limit or an unknown
// kind is ErrInvalid.
func (db *DB) ListContacts(ctx context.Context, req PageRequest) (ContactPage, error) {
	mode, err := req.mode()
	if err != nil {
		return ContactPage{}, fmt.Errorf("list contacts: %w", err)
	}
	limit := req.Limit
	switch {
	case limit < 0:
		return ContactPage{}, fmt.Errorf("list contacts: %w", invalid("negative limit %d", limit))
	case limit == 0:
		limit = defaultPageLimit
	case limit > maxPageLimit:
		limit = maxPageLimit
	}
	if k := req.Filter.Kind; k != "" && !k.Valid() {
		return ContactPage{}, fmt.Errorf("list contacts: %w", invalid("unknown kind %q", k))
	}
	match := searchQuery(req.Filter.Search)
	q, args := listQuery(req, mode, match, limit+1)
	backward := mode == pageBefore || mode == pageLast
	scan := scanFull
	if req.Brief {
		scan = briefScanner()
	}
	cs, keys, err := db.queryContacts(ctx, limit+1, scan, q, args...)
	if err != nil {
		return ContactPage{}, fmt.Errorf("list contacts: %w", err)
	}
	more := len(cs) > limit
	if more {
		cs, keys = cs[:limit], keys[:limit]
	}
	if backward {
		slices.Reverse(cs)
		slices.Reverse(keys)
	}
	p := ContactPage{Contacts: cs}
	switch mode {
	case pageFirst:
		p.HasNext = more
	case pageAfter:
		p.HasPrev, p.HasNext = true, more
	case pageBefore:
		p.HasPrev, p.HasNext = more, true
	case pageLast:
		p.HasPrev = more
	}
	if len(cs) > 0 {
		p.First = Cursor{ID: cs[0].ID}
		p.Last = Cursor{ID: cs[len(cs)-1].ID}
		if match == "" {
			p.First.SortKey, p.Last.SortKey = keys[0], keys[len(keys)-1]
		}
	}
	return p, nil
}

// listQuery builds the SELECT for one page: fetch rows (limit+1) from the
// anchor of mode, in display order or, going backward, in reverse. match is
// the FTS5 expression, "" for none.
func listQuery(req PageRequest, mode pageMode, match string, fetch int) (string, []any) {
	var (
		where []string
		args  []any
		from  = contactFrom
		order = `c.sort_key, c.id`
		desc  = `c.sort_key DESC, c.id DESC`
		at    = req.After
		cmp   = ">"
	)
	if mode == pageBefore {
		at, cmp = req.Before, "<"
	}
	if match == "" {
		if at != nil {
			where = append(where, `(c.sort_key, c.id) `+cmp+` (?, ?)`)
			args = append(args, at.SortKey, at.ID)
		}
	} else {
		// CROSS JOIN pins the FTS table as the outer loop, so the hits
		// are walked in rowid order and the contacts looked up by key;
		// the planner must never scan contacts and probe the index.
		from = `contacts_fts f CROSS JOIN contacts c ON c.id = f.rowid
    LEFT JOIN users u ON u.id = c.owner_id`
		order, desc = `f.rowid`, `f.rowid DESC`
		where, args = append(where, `contacts_fts MATCH ?`), append(args, match)
		if at != nil {
			where, args = append(where, `f.rowid `+cmp+` ?`), append(args, at.ID)
		}
	}
	where, args = filterWhere(req.Filter, where, args)
	if mode == pageBefore || mode == pageLast {
		order = desc
	}
	cols := contactCols
	if req.Brief {
		cols = briefCols
	}
	q := `SELECT ` + cols + ` FROM ` + from + whereClause(where) +
		"\nORDER BY " + order + ` LIMIT ?`
	return q, append(args, fetch)
}

// mode checks that at most one anchor is set and says which.
func (r PageRequest) mode() (pageMode, error) {
	n, m := 0, pageFirst
	if r.After != nil {
		n, m = n+1, pageAfter
	}
	if r.Before != nil {
		n, m = n+1, pageBefore
	}
	if r.Last {
		n, m = n+1, pageLast
	}
	if n > 1 {
		return 0, invalid("set at most one of After, Before and Last")
	}
	return m, nil
}

// briefCols is what briefScanner reads: the columns of a table row
// (PageRequest.Brief) and the sort key. Leaving out the custom-fields JSON
// and its decoding, four more strings and two times per row roughly halves
// what a page allocates (every text value is two allocations in the
// driver).
const briefCols = `c.id, c.kind, c.status, c.first_name, c.last_name, c.email,
    c.company, coalesce(c.owner_id, 0), coalesce(u.name, ''), c.sort_key,
    c.last_activity_at`

// rowScan reads one row into place: a contact and its sort key.
type rowScan func(r rowScanner, c *Contact, key *string) error

// scanFull reads one row of contactCols.
func scanFull(r rowScanner, c *Contact, key *string) (err error) {
	*c, *key, err = scanContact(r)
	return err
}

// briefScanner returns a rowScan of briefCols for one query. It reuses one
// destination list row after row and scans kind and status as plain
// strings, so a row costs little beyond the strings the driver hands over.
func briefScanner() rowScan {
	var kind, status string
	dest := make([]any, 11)
	return func(r rowScanner, c *Contact, key *string) error {
		dest[0], dest[1], dest[2], dest[3], dest[4], dest[5] = &c.ID, &kind, &status, &c.FirstName, &c.LastName, &c.Email
		dest[6], dest[7], dest[8], dest[9], dest[10] = &c.Company, &c.OwnerID, &c.OwnerName, key, scanTime(&c.LastActivityAt)
		if err := r.Scan(dest...); err != nil {
			return err
		}
		c.Kind, c.Status = Kind(kind), Status(status)
		return nil
	}
}

// queryContacts runs a query selecting the columns scan reads (at most n
// rows) and returns the rows with their sort keys.
func (db *DB) queryContacts(ctx context.Context, n int, scan rowScan, q string, args ...any) ([]Contact, []string, error) {
	st, err := db.prepared(ctx, q) //nolint:sqlclosecheck // cached, closed by DB.Close
	if err != nil {
		return nil, nil, err
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return nil, nil, translate(err)
	}
	defer func() { _ = rows.Close() }()
	// The hot path: one loop, two slices, each row scanned in place.
	cs, keys := make([]Contact, 0, n), make([]string, 0, n)
	for rows.Next() {
		cs, keys = append(cs, Contact{}), append(keys, "")
		if err := scan(rows, &cs[len(cs)-1], &keys[len(keys)-1]); err != nil {
			return nil, nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, translate(err)
	}
	return cs, keys, nil
}
