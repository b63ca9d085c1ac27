package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// Count is how many contacts a filter matches, for a header such as
// "1–50 of 12,431": exact, or an estimate from a sample (shown "≈").
type Count struct {
	N     int
	Exact bool
}

// String is N with thousands separators, after "≈" when estimated.
func (c Count) String() string {
	s := strconv.Itoa(c.N)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if !c.Exact {
		s = "≈" + s
	}
	return s
}

// CountContacts counts the contacts matching f exactly. Without a search
// it walks an index or the table (about 10 ms per million rows and more
// with several filters): call it on demand, not per keystroke;
// EstimateContacts answers at once.
func (db *DB) CountContacts(ctx context.Context, f ContactFilter) (int, error) {
	if err := checkFilter(f); err != nil {
		return 0, fmt.Errorf("count contacts: %w", err)
	}
	tri, err := db.trigramTier(ctx, f.Search)
	if err != nil {
		return 0, fmt.Errorf("count contacts: %w", err)
	}
	q, args := db.countQuery(f, tri, 0, 0)
	var n int
	if err := db.sql.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count contacts: %w", translate(err))
	}
	return n, nil
}

// filterWhere appends the conditions of f but its search.
func (db *DB) filterWhere(f ContactFilter, where []string, args []any) ([]string, []any) {
	if f.Archived {
		where = append(where, `c.archived_at IS NOT NULL`)
	} else {
		where = append(where, `c.archived_at IS NULL`)
	}
	if f.Kind != "" {
		where, args = append(where, `c.kind = ?`), append(args, f.Kind)
	}
	if f.OwnerID != 0 {
		where, args = append(where, `c.owner_id = ?`), append(args, f.OwnerID)
	}
	if f.Status != "" {
		where, args = append(where, `c.status = ?`), append(args, f.Status)
	}
	if f.Overdue {
		// next_due_at is the due time of the earliest open task (0008).
		where = append(where, `c.next_due_at IS NOT NULL`, `c.next_due_at < ?`)
		args = append(args, dbTime(db.nowUTC()))
	}
	if f.StaleDays > 0 {
		where, args = append(where, `c.activity_key < ?`), append(args, db.staleCutoff(f.StaleDays))
	}
	return where, args
}

// staleCutoff is the activity_key below which a contact has had no
// activity for days days.
func (db *DB) staleCutoff(days int) string {
	return db.nowUTC().AddDate(0, 0, -days).Format(timeLayout)
}

// Sampling for EstimateContacts: estimateWindows slices of
// estimateWindowIDs ids each, spread over the table.
const (
	estimateExactBelow = 50_000 // ids: count a table this small exactly
	estimateWindows    = 16
	estimateWindowIDs  = 1000
	estimateFewer      = 2000 // below this estimate, count exactly
)

// EstimateContacts says about how many contacts f matches, in a few
// milliseconds at a million contacts: a table of up to 50,000 rows, or a
// filter matching fewer than about 2,000, is counted exactly; otherwise
// 16 slices of 1,000 ids spread over the table are counted and the count
// scaled up (Exact is false). CountContacts counts exactly, slowly.
func (db *DB) EstimateContacts(ctx context.Context, f ContactFilter) (Count, error) {
	if err := checkFilter(f); err != nil {
		return Count{}, fmt.Errorf("estimate contacts: %w", err)
	}
	var top int64
	if err := db.sql.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM contacts`).Scan(&top); err != nil {
		return Count{}, fmt.Errorf("estimate contacts: %w", translate(err))
	}
	tri, err := db.trigramTier(ctx, f.Search)
	if err != nil {
		return Count{}, fmt.Errorf("estimate contacts: %w", err)
	}
	if top > estimateExactBelow {
		seen, step := 0, top/estimateWindows
		for i := range int64(estimateWindows) {
			lo := 1 + i*step
			q, args := db.countQuery(f, tri, lo, lo+estimateWindowIDs-1)
			var n int
			if err := db.sql.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
				return Count{}, fmt.Errorf("estimate contacts: %w", translate(err))
			}
			seen += n
		}
		est := int(float64(seen) * float64(top) / float64(estimateWindows*estimateWindowIDs))
		if est >= estimateFewer {
			return Count{N: roundEstimate(est)}, nil
		}
	}
	n, err := db.CountContacts(ctx, f)
	if err != nil {
		return Count{}, fmt.Errorf("estimate contacts: %w", err)
	}
	return Count{N: n, Exact: true}, nil
}

// roundEstimate keeps the three leading digits of n: an estimate should
// not look exact.
func roundEstimate(n int) int {
	unit := 1
	for n/unit >= 1000 {
		unit *= 10
	}
	return (n + unit/2) / unit * unit
}

// trigramTier is the in-word part of a search for s, planned (see
// DB.planTier), for countQuery; its match is "" when s has none.
func (db *DB) trigramTier(ctx context.Context, s string) (searchTier, error) {
	tiers := searchTiers(s)
	if len(tiers) == 0 || tiers[len(tiers)-1].table != "contacts_trigram" {
		return searchTier{}, nil
	}
	return db.planTier(ctx, tiers[len(tiers)-1])
}

// countQuery counts the contacts matching f, those with ids lo to hi only
// when hi > 0. With a search it counts the hits of the word-prefix index
// and those of tri, the in-word part of the search (DB.trigramTier), each
// once: a UNION of rowids costs about a microsecond a row, a NOT EXISTS
// probe of the FTS index ten.
func (db *DB) countQuery(f ContactFilter, tri searchTier, lo, hi int64) (string, []any) {
	prefix := searchQuery(f.Search)
	if prefix == "" {
		from := `contacts c`
		var (
			where []string
			args  []any
		)
		if hi > 0 {
			// NOT INDEXED: a rowid range, whatever equality index the
			// planner would rather walk whole.
			from = `contacts c NOT INDEXED`
			where, args = append(where, `c.id BETWEEN ? AND ?`), append(args, lo, hi)
		}
		where, args = db.filterWhere(f, where, args)
		return `SELECT count(*) FROM ` + from + whereClause(where), args
	}
	var (
		parts []string
		args  []any
	)
	for _, t := range []searchTier{{table: "contacts_fts", match: prefix}, tri} {
		if t.match == "" {
			continue
		}
		q := `SELECT f.rowid FROM ` + t.table + ` f`
		if t.verify != "" {
			q += ` JOIN contacts v ON v.id = f.rowid`
		}
		q, args = q+` WHERE f.`+t.table+` MATCH ?`, append(args, t.match)
		if hi > 0 {
			q, args = q+` AND f.rowid BETWEEN ? AND ?`, append(args, lo, hi)
		}
		if t.verify != "" {
			q = q + ` AND ` + verifyFuncName + `(?, v.first_name, v.last_name, v.email, v.company)`
			args = append(args, t.verify)
		}
		parts = append(parts, q)
	}
	where, args := db.filterWhere(f, []string{`c.id IN (` + strings.Join(parts, "\nUNION ") + `)`}, args)
	return `SELECT count(*) FROM contacts c` + whereClause(where), args
}
