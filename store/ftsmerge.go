package store

import (
	"context"
	"fmt"
)

// Search index merging off the hot path (SQLite-specific: FTS5).
//
// FTS5 writes each transaction's new terms as a small segment and, with its
// default automerge of 4, merges segments as they pile up inside the write
// that tips a level over. Most of those merges are small, but one in 64
// edits merges a level into the one large segment a bulk import leaves, and
// that edit took 70–630 ms at a million contacts instead of one. So automerge
// is off on both search indexes (migration 0011, and the bulk load leaves it
// off) and the checkpointer does the merging between writes, a bounded step
// at a time: an edit never waits for more than one step's few milliseconds.
// crisismerge (16 segments in a level) stays as the backstop for processes
// that exit before their checkpointer ran, such as a loop of CLI edits.

// ftsMergePages bounds one background merge step: about this many pages of
// merged segment written, a few milliseconds holding the write lock.
const ftsMergePages = 32

// mergeSearch runs one bounded merge step on each search index and reports
// whether any of them did work (so that more may remain). FTS5's 'merge'
// with a positive page count merges only levels holding at least usermerge
// (4) segments; it did nothing when it changed fewer than two rows.
func (db *DB) mergeSearch(ctx context.Context) (worked bool, err error) {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("merge search index: %w", translate(err))
	}
	defer func() { _ = conn.Close() }()
	for _, fts := range searchTables {
		var before, after int64
		if err := conn.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&before); err != nil {
			return worked, fmt.Errorf("merge %s: %w", fts, translate(err))
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO `+fts+` (`+fts+`, rank) VALUES ('merge', ?)`, ftsMergePages); err != nil {
			return worked, fmt.Errorf("merge %s: %w", fts, translate(err))
		}
		if err := conn.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&after); err != nil {
			return worked, fmt.Errorf("merge %s: %w", fts, translate(err))
		}
		worked = worked || after-before >= 2
	}
	if worked {
		db.merges.Add(1)
	}
	return worked, nil
}
