package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
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
// Without a search the order is req.Sort (name by default), ascending or,
// with req.Desc, descending, ties broken by id; each page is a range scan
// of the index made for that order (and for the owner, kind or status
// filter when one is set; the other filters are checked on the rows the
// scan meets). With a search the hits come best first, in rank groups
// (see searchTiers): the name starting with the words, then another field
// starting with them, then the words anywhere inside; within a group in id
// order, so no page ever sorts the whole candidate set.
//
// HasNext and HasPrev come from fetching one row more than asked, on the
// side the page moves towards; a page reached with After always has a
// previous page and one reached with Before a next one. First and Last are
// zero when the page is empty. Limit 0 means 50 (at most 1000); setting
// more than one of After, Before and Last, a negative limit, an unknown
// kind, status or sort, or a negative StaleDays is ErrInvalid.
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
	if err := checkFilter(req.Filter); err != nil {
		return ContactPage{}, fmt.Errorf("list contacts: %w", err)
	}
	if !req.Sort.Valid() {
		return ContactPage{}, fmt.Errorf("list contacts: %w", invalid("unknown sort %q", req.Sort))
	}
	scan := scanFull
	if req.Brief {
		scan = briefScanner()
	}
	var p ContactPage
	if tiers := searchTiers(req.Filter.Search); tiers != nil {
		p, err = db.listSearch(ctx, req, mode, tiers, limit, scan)
	} else {
		p, err = db.listSorted(ctx, req, mode, limit, scan)
	}
	if err != nil {
		return ContactPage{}, fmt.Errorf("list contacts: %w", err)
	}
	return p, nil
}

// checkFilter refuses unknown values in f.
func checkFilter(f ContactFilter) error {
	switch {
	case f.Kind != "" && !f.Kind.Valid():
		return invalid("unknown kind %q", f.Kind)
	case f.Status != "" && !f.Status.Valid():
		return invalid("unknown status %q", f.Status)
	case f.StaleDays < 0:
		return invalid("negative stale days %d", f.StaleDays)
	}
	return nil
}

// listSorted is ListContacts without a search.
func (db *DB) listSorted(ctx context.Context, req PageRequest, mode pageMode, limit int, scan rowScan) (ContactPage, error) {
	cs, keys, err := db.readSorted(ctx, req, mode, limit+1, scan)
	if err != nil {
		return ContactPage{}, err
	}
	more := len(cs) > limit
	if more {
		cs, keys = cs[:limit], keys[:limit]
	}
	backward := mode == pageBefore || mode == pageLast
	if backward {
		slices.Reverse(cs)
		slices.Reverse(keys)
	}
	p := pageFlags(mode, more)
	p.Contacts = cs
	if len(cs) > 0 {
		p.First = Cursor{SortKey: keys[0], ID: cs[0].ID}
		p.Last = Cursor{SortKey: keys[len(keys)-1], ID: cs[len(cs)-1].ID}
	}
	return p, nil
}

// pageFlags sets HasPrev and HasNext for a page fetched in mode; more says
// that a row beyond the page was found.
func pageFlags(mode pageMode, more bool) ContactPage {
	var p ContactPage
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
	return p
}

// Company order puts the contacts without a company after every company
// both ways, as a spreadsheet puts blank cells last: in ascending order
// the index has them there (noCompanyKey sorts after every key), and in
// descending order the listing is two segments of the index read one
// after the other, the named companies from Z to A, then the contacts
// without one, newest first.
var (
	namedCompany = fmt.Sprintf(`c.company_key < X'%X'`, noCompanyKey)
	noCompany    = fmt.Sprintf(`c.company_key = X'%X'`, noCompanyKey)
)

// readSorted reads up to fetch rows from the anchor of mode, in display
// order or, going backward, in reverse, with their sort keys. Only
// descending company order has segments (see namedCompany): a page that
// runs off the end of one goes on from the start of the next, by a second
// query.
func (db *DB) readSorted(ctx context.Context, req PageRequest, mode pageMode, fetch int, scan rowScan) ([]Contact, []string, error) {
	if req.Sort != SortCompany || !req.Desc {
		q, args := db.listQuery(req, mode, fetch, "")
		return db.queryContacts(ctx, fetch, scan, q, args...)
	}
	segments, next := []string{namedCompany, noCompany}, pageFirst
	at := req.After
	if mode == pageBefore || mode == pageLast {
		segments[0], segments[1], next = noCompany, namedCompany, pageLast
		at = req.Before
	}
	if at != nil && (at.SortKey == string(noCompanyKey)) != (segments[0] == noCompany) {
		segments = segments[1:] // the cursor is in the second segment
	}
	var cs []Contact
	var keys []string
	for i, seg := range segments {
		r, m := req, mode
		if i > 0 {
			r.After, r.Before, r.Last, m = nil, nil, next == pageLast, next
		}
		if m == pageAfter && seg == namedCompany {
			// Down from a named company: every key below the cursor's is
			// named, and SQLite would seek on only one of two upper
			// bounds, perhaps the wrong one.
			seg = ""
		}
		q, args := db.listQuery(r, m, fetch-len(cs), seg)
		more, moreKeys, err := db.queryContacts(ctx, fetch-len(cs), scan, q, args...)
		if err != nil {
			return nil, nil, err
		}
		if cs == nil {
			cs, keys = more, moreKeys
		} else {
			cs, keys = append(cs, more...), append(keys, moreKeys...)
		}
		if len(cs) == fetch {
			break
		}
	}
	return cs, keys, nil
}

// sortSpec is how one sort order is read and paged: the expression of its
// key (as an index has it), whether the key is a BLOB, and the suffix of
// its indexes (migration 0008): contacts_<suffix> for the order alone and
// contacts_owner_ and _status_<suffix> behind those filters, all of them
// holding the contacts not archived, contacts_due_<suffix> those with an
// open task and contacts_archived_<suffix> the archived ones.
type sortSpec struct {
	expr   string
	blob   bool
	suffix string
}

var sortSpecs = map[SortOrder]sortSpec{
	SortName:     {expr: `c.name_key`, blob: true, suffix: "name"},
	SortCompany:  {expr: `c.company_key`, blob: true, suffix: "company"},
	SortActivity: {expr: `c.activity_key`, suffix: "activity"},
	SortCreated:  {expr: `c.created_at`, suffix: "created"},
}

// indexFor is the index a page of f in this order walks: the planner is
// told (INDEXED BY), because without statistics it would rather take an
// equality filter's index and sort half a million rows. The archived
// contacts and those with an open task (for the overdue filter) have
// indexes of their own; otherwise the owner leads (mine is the list a
// salesperson lives in), then the status. The filters an index does not
// lead with (kind always) are checked on its entries, the stale filter on
// the rows the scan meets.
func (s sortSpec) indexFor(f ContactFilter) string {
	switch {
	case f.Archived:
		return "contacts_archived_" + s.suffix
	case f.Overdue:
		return "contacts_due_" + s.suffix
	case f.OwnerID != 0:
		return "contacts_owner_" + s.suffix
	case f.Status != "":
		return "contacts_status_" + s.suffix
	}
	return "contacts_" + s.suffix
}

// keyArg is a cursor's key as the column holds it.
func (s sortSpec) keyArg(key string) any {
	if s.blob {
		return []byte(key)
	}
	return key
}

// listQuery builds the SELECT for one page without a search: fetch rows
// (limit+1) from the anchor of mode, in display order or, going backward,
// in reverse; segment, when set, is a condition on the sort key that
// bounds the range read (see readSorted).
//
// From a cursor the page is two ranges of the index, merged in order
// (MERGE (UNION ALL), stopping at the limit): the rows that tie with the
// cursor's key and come after its id, then the rows whose key comes
// after. SQLite seeks a row-value range such as (key, id) > (?, ?) on its
// first column only, so a cursor among many equal keys (contacts with no
// activity yet, or no company: a fifth to half of a table) would walk the
// whole run of ties before the page, some 40 ms at a million contacts;
// each range of the two seeks on both of its columns.
func (db *DB) listQuery(req PageRequest, mode pageMode, fetch int, segment string) (string, []any) {
	if req.Sort == "" {
		req.Sort = SortName
	}
	spec := sortSpecs[req.Sort]
	at, cmp, dir := req.After, ">", ""
	backward := mode == pageBefore || mode == pageLast
	if mode == pageBefore {
		at = req.Before
	}
	if backward != req.Desc {
		cmp, dir = "<", " DESC"
	}
	cols := contactCols
	if req.Brief {
		cols = briefCols
	}
	cols = strings.Replace(cols, `c.sort_key`, spec.expr+` AS sort_key`, 1)
	from := `
FROM contacts c INDEXED BY ` + spec.indexFor(req.Filter) + `
    LEFT JOIN users u ON u.id = c.owner_id`
	if at != nil && cmp == "<" && req.Sort == SortActivity && req.Filter.StaleDays > 0 &&
		at.SortKey >= db.staleCutoff(req.Filter.StaleDays) {
		// Walking down the activity index from a cursor that is not
		// stale: every stale contact lies beyond it, and the page starts
		// at the cutoff. SQLite takes one of two upper bounds on a
		// column, and it could walk the recent ones from the cursor.
		at = nil
	}
	var bound []string
	if segment != "" {
		bound = []string{segment}
	}
	if at == nil {
		where, args := db.filterWhere(req.Filter, bound, nil)
		q := `SELECT ` + cols + from + whereClause(where) +
			"\nORDER BY " + spec.expr + dir + `, c.id` + dir + ` LIMIT ?`
		return q, append(args, fetch)
	}
	key := spec.keyArg(at.SortKey)
	ties, args := db.filterWhere(req.Filter, append([]string{spec.expr + ` = ?`, `c.id ` + cmp + ` ?`}, bound...), []any{key, at.ID})
	later, args := db.filterWhere(req.Filter, append([]string{spec.expr + ` ` + cmp + ` ?`}, bound...), append(args, key))
	q := `SELECT ` + cols + from + whereClause(ties) + `
UNION ALL
SELECT ` + cols + from + whereClause(later) +
		"\nORDER BY sort_key" + dir + `, c.id` + dir + ` LIMIT ?`
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
