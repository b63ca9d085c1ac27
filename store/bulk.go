package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"
)

// Bulk loads. Keeping four secondary indexes and the FTS index up to date
// row by row costs about 80% of a large import: every index page is touched
// in random order and the FTS index is flushed and merged over and over.
// For a load that is large next to what the table holds, the contacts'
// secondary indexes and the FTS insert trigger are dropped inside the
// load's transaction, the rows go into the bare table, and then the indexes
// are created again from their own stored DDL and the new rows are indexed
// for search in one INSERT ... SELECT. Everything happens in the one
// transaction: a failure or a cancelled context rolls the DDL back with the
// rows, and other connections, reading their WAL snapshot, never see the
// table without its indexes.

// bulkMinRows is the smallest load worth dropping the indexes for (a
// variable so that tests can take the bulk path with a few rows).
var bulkMinRows int64 = 20_000

const (
	// bulkCacheKiB is the page cache of a bulk load's connection (SQLite's
	// default is 2 MB). At a million rows 64 MB loads within 5% of the time
	// 256 MB takes, at less than half the peak memory.
	bulkCacheKiB = 64 << 10
	// importCacheKiB is bulkCacheKiB for an import, which may keep the
	// email index up to date as it goes (see importRun.begin): at a million
	// rows, that index kept, 48 MB imports as fast as 64 MB with 85 MB less
	// peak memory (the allocator rounds each page up), and 32 MB is 4%
	// slower.
	importCacheKiB = 48 << 10
)

// useBulk says whether loading n new contacts into a table of existing
// rows should drop and rebuild the indexes: rebuilding costs about as much
// per existing row as keeping the index costs per new row, so only when the
// load is at least as large as half the table.
func useBulk(n, existing int64) bool {
	return n > 0 && n >= bulkMinRows && n*2 >= existing
}

// searchTables are the FTS5 indexes of contacts, both kept by the
// contacts_fts_* triggers: word prefixes and trigrams.
var searchTables = []string{"contacts_fts", "contacts_trigram"}

// bulkLoad is an open bulk load: what was dropped, to be created again.
type bulkLoad struct {
	ddl     []string // CREATE INDEX / CREATE TRIGGER, in sqlite_schema order
	firstID int64    // the first id the new rows get
	side    *ftsSide // the search indexes built beside, or nil (bulk_fts.go)
}

// buildBeside starts building the search indexes beside the load when the
// table is empty (see bulk_fts.go); ins then hands it every row inserted.
// When the scratch database cannot be made, finish indexes in the load.
func (b *bulkLoad) buildBeside(ctx context.Context, tx *sql.Tx, db *DB, ins *contactInserter) error {
	if b.firstID != 1 {
		var n int64
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM contacts LIMIT 1)`).Scan(&n); err != nil || n > 0 {
			return err
		}
	}
	side, err := startFTSSide(ctx, tx, db.path)
	if err != nil { // built in the load's transaction, as when not empty
		return nil //nolint:nilerr // the build beside only saves time
	}
	b.side, ins.side = side, side
	return nil
}

// dropSide gives up the build beside, if any: finish indexes for search in
// the load's transaction.
func (b *bulkLoad) dropSide(ins *contactInserter) {
	if b != nil && b.side != nil {
		b.side.close()
		b.side, ins.side = nil, nil
	}
}

// withWriteConn runs fn in a write transaction on a connection of its own
// whose page cache is cacheKiB for the duration (0 keeps the default).
func (db *DB) withWriteConn(ctx context.Context, cacheKiB int, fn func(*sql.Tx) error) error {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return translate(err)
	}
	defer func() { _ = conn.Close() }()
	if cacheKiB > 0 {
		if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, cacheKiB)); err != nil {
			return translate(err)
		}
		// Give the memory back whatever happens: the connection is closed
		// rather than returned to the pool, which frees its page cache
		// (lowering cache_size again would keep the allocator's pages).
		defer func() {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}()
	}
	return db.runTx(ctx, conn.BeginTx, fn)
}

// contactCount is the number of rows in contacts; max(id) is read instead
// of count(*), which scans: a close enough measure of the table's size for
// useBulk, and exact for a table that never lost rows.
func contactCount(ctx context.Context, tx *sql.Tx) (int64, error) {
	var n int64
	err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM contacts`).Scan(&n)
	return n, err
}

// beginBulk drops the contacts' secondary indexes, but those named in keep,
// and FTS insert trigger in tx and remembers how to create them again.
func beginBulk(ctx context.Context, tx *sql.Tx, keep ...string) (*bulkLoad, error) {
	b := &bulkLoad{}
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM contacts`).Scan(&b.firstID); err != nil {
		return nil, fmt.Errorf("bulk load: %w", err)
	}
	var (
		drops []string
		err   error
	)
	if b.ddl, drops, err = bulkDDL(ctx, tx, keep); err != nil {
		return nil, fmt.Errorf("bulk load: %w", err)
	}
	for _, q := range drops {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("bulk load: %s: %w", q, err)
		}
	}
	return b, nil
}

// bulkDDL returns the CREATE statements of the contacts' secondary indexes
// and FTS insert trigger, but those named in keep, and the DROP statements
// that undo them.
func bulkDDL(ctx context.Context, tx *sql.Tx, keep []string) (ddl, drops []string, err error) {
	rows, err := tx.QueryContext(ctx, `SELECT type, name, sql FROM sqlite_schema
WHERE tbl_name = 'contacts' AND sql IS NOT NULL
  AND (type = 'index' OR (type = 'trigger' AND name = 'contacts_fts_insert'))
ORDER BY rowid`)
	if err != nil {
		return nil, nil, err
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var typ, name, def string
		if err := rows.Scan(&typ, &name, &def); err != nil {
			return nil, nil, err
		}
		if slices.Contains(keep, name) || neverLoaded(def) {
			continue
		}
		ddl = append(ddl, def)
		drops = append(drops, `DROP `+strings.ToUpper(typ)+` "`+name+`"`)
	}
	return ddl, drops, rows.Err()
}

// neverLoaded reports whether the index defined by def holds only rows a
// load never adds: the archived contacts and those with an open task
// (0008). A new contact is neither, so such an index is kept through the
// load at no cost per row, instead of being built again from a full pass
// over the table.
func neverLoaded(def string) bool {
	return strings.Contains(def, "WHERE archived_at IS NOT NULL") ||
		strings.Contains(def, "WHERE next_due_at IS NOT NULL")
}

// finish indexes the rows added since beginBulk for search and creates the
// dropped indexes and trigger again. With a build beside (bulk_fts.go) the
// search indexes are built there while the list indexes are built here,
// then copied in; if that build failed, they are built here after all.
func (b *bulkLoad) finish(ctx context.Context, tx *sql.Tx, db *DB) error {
	if b.side != nil {
		b.side.endRows()
	} else if err := b.indexForSearch(ctx, tx); err != nil {
		return err
	}
	// The parsing is over: the other core sorts for the CREATE INDEXes
	// (SQLite's sorter runs its merges in a worker thread), about a
	// third less wall time per index. The connection closes with the load.
	if _, err := tx.ExecContext(ctx, `PRAGMA threads = 2`); err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	for _, q := range b.ddl {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("bulk load: %w", err)
		}
	}
	if b.side == nil {
		return nil
	}
	if err := b.side.wait(); err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		b.side.close()
		b.side = nil
		return b.indexForSearch(ctx, tx)
	}
	if err := b.side.copyInto(ctx, tx); err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	db.searchCopies.Add(1)
	return nil
}

// indexForSearch indexes the rows added since beginBulk for search in tx.
//
// FTS5 writes its pending terms out as a new segment every megabyte or
// so and, by default, merges segments four at a time as they pile up,
// so that a million rows are written about four times and leave a dozen
// segments that every search term then looks up one by one. A bulk load
// turns the incremental merging off, lets the segments pile up (merged
// sixty-four at a time when they must be), and merges them all into one
// at the end ('optimize'): about the same work for the load, and the
// in-word search reads one doclist per trigram instead of a dozen, two
// to five times faster on long rare words at a million contacts.
func (b *bulkLoad) indexForSearch(ctx context.Context, tx *sql.Tx) error {
	for _, fts := range searchTables {
		steps := []string{
			`INSERT INTO ` + fts + ` (` + fts + `, rank) VALUES ('automerge', 0)`,
			`INSERT INTO ` + fts + ` (` + fts + `, rank) VALUES ('crisismerge', 64)`,
			`INSERT INTO ` + fts + ` (rowid, first_name, last_name, email, company)
SELECT id, first_name, last_name, email, company FROM contacts WHERE id >= ?`,
			`INSERT INTO ` + fts + ` (` + fts + `) VALUES ('optimize')`,
			// For the edits that follow: merged in the background
			// (ftsmerge.go), with FTS5's crisis merge as the backstop.
			`INSERT INTO ` + fts + ` (` + fts + `, rank) VALUES ('crisismerge', 16)`,
		}
		for _, q := range steps {
			var args []any
			if strings.Contains(q, "?") {
				args = append(args, b.firstID)
			}
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return fmt.Errorf("bulk load: search index %s: %w", fts, err)
			}
		}
	}
	return nil
}
