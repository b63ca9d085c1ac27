package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// The search indexes of a bulk load into an empty table, built beside it
// (SQLite-specific: FTS5's shadow tables).
//
// Indexing a million contacts for search costs as much as building their
// list indexes, and inside the load's transaction the two run one after
// the other on one core: a database has one writer. The search indexes of
// an empty table need not be written in it, though. An ftsSide keeps the
// indexed columns of the rows in a scratch database of its own as the
// load inserts them (a plain table: cheap), and when the last row is in
// it builds both search indexes from them on another core, one INSERT ...
// SELECT each (FTS5 writes a segment per statement, so a statement per
// batch would leave thousands to merge), and merges each into one
// segment, while the load builds the list indexes. The load then copies
// the finished shadow tables (the segments, their term index and the
// per-row sizes) over the empty ones of its database, inside its
// transaction, where nothing else has touched the search indexes. The
// index so copied is the one the load would have built itself: the same
// definition and tokenizer over the same rows, which the tests check with
// FTS5's integrity-check against the contacts table. A million-row import
// took 66-68 s this way against 91 s.
//
// A load that must change a row it already inserted (an import merging a
// duplicate into a contact it created) abandons the side build and
// indexes in its transaction as before: the side would hold the row's old
// words.

// sideHashBytes is how much the side's FTS5 holds in memory before writing
// a segment (FTS5's default is 1 MB): a few dozen segments at a million
// rows, merged once at the end. 64 MB was no faster and took 150 MB more.
const sideHashBytes = 16 << 20

// sideCacheKiB is the side connection's page cache.
const sideCacheKiB = 16 << 10

// sideQueue is how many batches may wait for the side build.
const sideQueue = 4

// failSideBuilds makes every build beside fail as it starts (tests: the
// load then indexes for search itself).
var failSideBuilds = false

// ftsRow is one contact's indexed columns.
type ftsRow struct {
	id                          int64
	first, last, email, company string
}

// ftsSide is a search index build beside a bulk load.
type ftsSide struct {
	dir  string
	db   *sql.DB
	rows chan []ftsRow
	done chan error // the build's result, once the rows are closed
	stop context.CancelFunc

	closeOnce sync.Once
	ended     bool  // done was read
	err       error // what done said
}

// startFTSSide creates the scratch database beside path (the load's
// database), with the search tables of tx's schema, and starts the build.
func startFTSSide(ctx context.Context, tx *sql.Tx, path string) (*ftsSide, error) {
	var ddl []string
	for _, fts := range searchTables {
		var q string
		if err := tx.QueryRowContext(ctx, `SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?`, fts).Scan(&q); err != nil {
			return nil, fmt.Errorf("search index %s: %w", fts, err)
		}
		ddl = append(ddl, q)
	}
	// A new directory of our own (0700): the scratch file is never
	// reached through a link, and goes with the directory.
	prefix := scratchPrefix(path)
	removeStaleScratch(prefix)
	dir, err := os.MkdirTemp(filepath.Dir(path), filepath.Base(prefix))
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	// A file: URI, as Open builds: the folder's name may hold a '?'.
	sdb, err := sql.Open("sqlite", "file:"+uriEscaper.Replace(filepath.ToSlash(filepath.Join(dir, "search.db")))+
		fmt.Sprintf("?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)&_pragma=cache_size(-%d)", sideCacheKiB))
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("search index: %w", err)
	}
	sdb.SetMaxOpenConns(1)
	s := &ftsSide{dir: dir, db: sdb, rows: make(chan []ftsRow, sideQueue), done: make(chan error, 1)}
	var bctx context.Context
	bctx, s.stop = context.WithCancel(ctx)
	go func() { s.done <- s.build(bctx, ddl) }()
	return s, nil
}

// scratchPrefix is the path prefix of the scratch directories of loads
// into the database at path.
func scratchPrefix(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+"-index-")
}

// removeStaleScratch removes the scratch directories a load killed before
// its end left behind. Its caller holds the database's write lock, so no
// other load of it is running: every one found is stale. Only directories
// are removed, a link never followed.
func removeStaleScratch(prefix string) {
	found, _ := filepath.Glob(prefix + "*") // the only error is a bad pattern
	for _, p := range found {
		if fi, err := os.Lstat(p); err == nil && fi.IsDir() {
			_ = os.RemoveAll(p)
		}
	}
}

// add queues the indexed columns of cs, inserted with their ids set. A
// build that failed takes no more rows, and the load indexes them itself
// (see bulkLoad.finish); only ctx ending is an error.
func (s *ftsSide) add(ctx context.Context, cs []*Contact) error {
	if s.ended {
		return nil
	}
	rows := make([]ftsRow, len(cs))
	for i, c := range cs {
		rows[i] = ftsRow{c.ID, c.FirstName, c.LastName, c.Email, c.Company}
	}
	select {
	case s.rows <- rows:
		return nil
	case err := <-s.done: // failed before its rows were all in
		if err == nil {
			err = errors.New("search index build ended early")
		}
		s.ended, s.err = true, err
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// build is the side goroutine: the search tables and the staging table,
// the rows as they come and, once they are all in, the search indexes,
// one segment each. It stops with the load's ctx or at stop.
func (s *ftsSide) build(ctx context.Context, ddl []string) (err error) {
	defer func() {
		if err != nil { // let add return, whatever it waits for
			go func() {
				for range s.rows {
				}
			}()
		}
	}()
	if failSideBuilds {
		return errors.New("failed for a test")
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	ddl = append(ddl, `CREATE TABLE staged (id INTEGER PRIMARY KEY, first_name, last_name, email, company)`)
	for _, q := range ddl {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	for _, fts := range searchTables {
		for _, q := range []string{
			`INSERT INTO ` + fts + ` (` + fts + `, rank) VALUES ('automerge', 0)`,
			`INSERT INTO ` + fts + ` (` + fts + `, rank) VALUES ('crisismerge', 64)`,
			fmt.Sprintf(`INSERT INTO %s (%s, rank) VALUES ('hashsize', %d)`, fts, fts, sideHashBytes),
		} {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return err
			}
		}
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }() // after Commit, a no-op
	stmts := make(map[int]*sql.Stmt)
	args := make([]any, 0, 5*insertBatch)
	for rows := range s.rows {
		for start := 0; start < len(rows); start += insertBatch {
			part := rows[start:min(start+insertBatch, len(rows))]
			args = args[:0]
			for _, r := range part {
				args = append(args, r.id, r.first, r.last, r.email, r.company)
			}
			if err := stage(ctx, tx, stmts, len(part), args); err != nil {
				return err
			}
		}
	}
	for _, fts := range searchTables {
		for _, q := range []string{
			`INSERT INTO ` + fts + ` (rowid, first_name, last_name, email, company)
SELECT id, first_name, last_name, email, company FROM staged ORDER BY id`,
			`INSERT INTO ` + fts + ` (` + fts + `) VALUES ('optimize')`,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}

// stage inserts n rows of args into the staging table, through a
// statement prepared once for each row count met.
func stage(ctx context.Context, tx *sql.Tx, stmts map[int]*sql.Stmt, n int, args []any) error {
	st, ok := stmts[n]
	if !ok {
		q := `INSERT INTO staged (id, first_name, last_name, email, company) VALUES ` +
			strings.TrimSuffix(strings.Repeat(`(?, ?, ?, ?, ?), `, n), `, `)
		var err error
		if st, err = tx.PrepareContext(ctx, q); err != nil { //nolint:sqlclosecheck // closed with the transaction
			return err
		}
		stmts[n] = st
	}
	_, err := st.ExecContext(ctx, args...)
	return err
}

// endRows says that every row is in: the build indexes them.
func (s *ftsSide) endRows() { s.closeOnce.Do(func() { close(s.rows) }) }

// wait ends the rows and waits for the build to end.
func (s *ftsSide) wait() error {
	s.endRows()
	if !s.ended {
		s.ended, s.err = true, <-s.done
	}
	return s.err
}

// copyInto replaces the search tables' shadow tables in tx (the load's,
// where the search tables are empty and untouched) with the side's.
func (s *ftsSide) copyInto(ctx context.Context, tx *sql.Tx) error {
	if err := s.wait(); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	for _, fts := range searchTables {
		// The driver reads an empty BLOB (the term of a segment's first
		// page) as NULL: terms travel in hex.
		for _, shadow := range []struct{ name, cols, sel, row, order string }{
			{"_data", "id, block", "id, block", "(?, ?)", "id"},
			{"_idx", "segid, term, pgno", "segid, hex(term), pgno", "(?, unhex(?), ?)", "segid, term"},
			{"_docsize", "id, sz", "id, sz", "(?, ?)", "id"},
		} {
			table := fts + shadow.name
			if err := copyTable(ctx, s.db, tx, table, shadow.cols, shadow.sel, shadow.row, shadow.order); err != nil {
				return fmt.Errorf("search index: copy %s: %w", table, err)
			}
		}
	}
	return nil
}

// copyRows is how many rows one INSERT of copyTable carries.
const copyRows = 256

// copyTable replaces the rows of table in tx with those of the same table
// in from, in order: the columns cols, read as sel and written as row.
func copyTable(ctx context.Context, from *sql.DB, tx *sql.Tx, table, cols, sel, one, order string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM `+table); err != nil {
		return translate(err)
	}
	n := strings.Count(cols, ",") + 1
	rows, err := from.QueryContext(ctx, `SELECT `+sel+` FROM `+table+` ORDER BY `+order)
	if err != nil {
		return err
	}
	defer func() { _ = rows.Close() }()
	insert := func(k int, args []any) error {
		q := `INSERT INTO ` + table + ` (` + cols + `) VALUES ` + strings.TrimSuffix(strings.Repeat(one+`, `, k), `, `)
		_, err := tx.ExecContext(ctx, q, args...)
		return translate(err)
	}
	var (
		full *sql.Stmt
		args = make([]any, 0, n*copyRows)
		k    int
	)
	defer func() {
		if full != nil {
			_ = full.Close()
		}
	}()
	vals, ptrs := make([]any, n), make([]any, n)
	for i := range ptrs {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		args, k = append(args, vals...), k+1
		if k < copyRows {
			continue
		}
		if full == nil {
			q := `INSERT INTO ` + table + ` (` + cols + `) VALUES ` + strings.TrimSuffix(strings.Repeat(one+`, `, copyRows), `, `)
			if full, err = tx.PrepareContext(ctx, q); err != nil {
				return translate(err)
			}
		}
		if _, err := full.ExecContext(ctx, args...); err != nil {
			return translate(err)
		}
		args, k = args[:0], 0
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if k > 0 {
		return insert(k, args)
	}
	return nil
}

// close ends the build if it still runs and removes the scratch database.
func (s *ftsSide) close() {
	s.stop()
	_ = s.wait()
	_ = s.db.Close()
	_ = os.RemoveAll(s.dir)
}
