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
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// dsnParams opens every pooled connection the same way: WAL so readers never
// wait for the writer, a busy timeout so writers queue instead of failing,
// foreign keys on, NORMAL sync (a commit survives a crash of the process; a
// power cut may lose the last commits but never corrupts the file), and
// BEGIN IMMEDIATE so a transaction takes the write lock up front instead of
// failing with SQLITE_BUSY half-way through. Commits never checkpoint
// (wal_autocheckpoint(0)): a goroutine does, see checkpoint.go, and
// journal_size_limit trims the WAL file after it was reset.
const dsnParams = "_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)" +
	"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)" +
	"&_pragma=wal_autocheckpoint(0)&_pragma=journal_size_limit(67108864)" +
	"&_txlock=immediate&_time_format=sqlite"

// dsnParamsReadOnly opens a database that must not be written (see
// Options.ReadOnly): SQLite's read-only mode, and nothing that would write,
// not even the journal mode; transactions begin DEFERRED, as readers.
const dsnParamsReadOnly = "mode=ro&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)" +
	"&_txlock=deferred&_time_format=sqlite"

// timeLayout is how every time column is stored: TEXT in the driver's
// _time_format=sqlite layout, always in UTC and always with nine fractional
// digits. Fixed width and a fixed offset make string order equal time order
// (indexes, ORDER BY and comparisons on these columns are correct), values
// round-trip to the nanosecond, and SQLite's date functions still read them.
// A zero time.Time is stored as NULL.
const timeLayout = "2006-01-02 15:04:05.000000000-07:00"

// uriEscaper escapes the characters that would end or corrupt the path part
// of a file: URI.
var uriEscaper = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")

// Options tunes a DB. The zero value is ready to use.
type Options struct {
	// Now is the clock used for created_at, updated_at, event times and
	// "due" decisions in the outbox. Nil means time.Now.
	Now func() time.Time
	// CheckpointInterval is how often a background goroutine copies what
	// this process committed from the WAL into the database file, so that
	// commits never do it (see checkpoint.go). Zero means 500 ms.
	CheckpointInterval time.Duration
	// ReadOnly opens an existing database for reading only, as when its
	// file or folder is not writable: nothing is created, migrated or
	// checkpointed, and every write is ErrReadOnly. The schema must be
	// current.
	ReadOnly bool
	// Locale is the collation names are listed in ("sv", "de"; see
	// ParseLocale); "" is DefaultLocale. When the database's keys were
	// built for another one, Open rebuilds them (RebuildSortKeys), which
	// takes a few seconds per million contacts; a read-only DB keeps
	// the order it has.
	Locale string
	// RekeyProgress, if set, is told how far that rebuild is.
	RekeyProgress func(done, total int)
}

// DB is the leadmail database. It is safe for concurrent use, including by
// several processes opening the same file.
type DB struct {
	sql      *sql.DB
	now      func() time.Time
	path     string // as given to Open, for error sentences
	readOnly bool

	mu    sync.Mutex
	stmts map[string]*sql.Stmt // see prepared

	trigrams trigramEstimates // how common search trigrams are (search_rare.go)

	// The checkpointer (checkpoint.go).
	writes           atomic.Uint64 // committed write transactions
	checkpoints      atomic.Uint64 // wal_checkpoint calls that answered
	merges           atomic.Uint64 // search index merge steps that did work (ftsmerge.go)
	searchCopies     atomic.Uint64 // bulk loads whose search indexes were built beside (bulk_fts.go)
	pageSize         int
	walLimit         int // walRestartBytes; lowered by tests
	stopCheckpointer context.CancelFunc
	checkpointerDone chan struct{}
	afterPassive     func() // test hook: between PASSIVE and RESTART
	closeOnce        sync.Once
	closeErr         error
}

// Open opens (creating it if needed) the database file at path, checks that
// it answers and brings its schema up to date. With opts.ReadOnly it only
// opens an existing file, and checks that its schema is current. ":memory:"
// is refused: it would keep nothing.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	if path == "" {
		return nil, fmt.Errorf("open database: %w: empty path", ErrInvalid)
	}
	if path == ":memory:" {
		return nil, fmt.Errorf("open database: %w: :memory: would keep nothing, give a file", ErrInvalid)
	}
	params := dsnParams
	if opts.ReadOnly {
		params = dsnParamsReadOnly
	} else if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("open database %s: %w", path, err)
		}
	}
	db, err := open(ctx, path, params, opts)
	if err != nil && opts.ReadOnly && errors.Is(err, ErrReadOnly) && !exists(path+"-wal") {
		// A WAL database in a folder nobody may write to: SQLite cannot
		// create the -shm file readers share, so it is read as immutable.
		// With no -wal file there is no writer that could change it.
		db, err = open(ctx, path, params+"&immutable=1", opts)
	}
	return db, err
}

// exists reports whether a file is at path.
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// open is Open once the parameters are chosen.
func open(ctx context.Context, path, params string, opts Options) (*DB, error) {
	// A file: URI, so that the query string is never mistaken for part of
	// the name; SQLite decodes the %XX escapes in the path.
	dsn := "file:" + uriEscaper.Replace(filepath.ToSlash(path)) + "?" + params
	locale, err := ParseLocale(opts.Locale)
	if err != nil {
		return nil, openError(path, err)
	}
	if err := registerKeyFunc(); err != nil {
		return nil, openError(path, err)
	}
	if err := registerVerifyFunc(); err != nil {
		return nil, openError(path, err)
	}
	sdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, openError(path, err)
	}
	// Each new connection re-runs the pragmas; keep a few idle ones around
	// so that bursts of reads do not pay for that.
	sdb.SetMaxIdleConns(4)
	db := &DB{sql: sdb, now: opts.Now, walLimit: walRestartBytes, path: path, readOnly: opts.ReadOnly}
	if db.now == nil {
		db.now = time.Now
	}
	if err := sdb.PingContext(ctx); err != nil {
		_ = sdb.Close()
		return nil, openError(path, err)
	}
	check := db.migrate
	if opts.ReadOnly {
		check = db.checkSchema
	}
	if err := check(ctx); err != nil {
		_ = sdb.Close()
		return nil, openError(path, err)
	}
	if !opts.ReadOnly {
		if err := db.ensureLocale(ctx, locale, opts.RekeyProgress); err != nil {
			_ = sdb.Close()
			return nil, openError(path, err)
		}
	}
	if err := sdb.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&db.pageSize); err != nil {
		_ = sdb.Close()
		return nil, openError(path, fmt.Errorf("page size: %w", err))
	}
	if !opts.ReadOnly {
		every := opts.CheckpointInterval
		if every <= 0 {
			every = defaultCheckpointInterval
		}
		db.startCheckpointer(every)
	}
	return db, nil
}

// ReadOnly reports whether the database was opened read-only.
func (db *DB) ReadOnly() bool { return db.readOnly }

// Close stops the checkpointer, copies what it can of the WAL into the
// database file without waiting for other processes, and closes the database. Queries in flight finish first.
// Closing again does nothing.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		if db.stopCheckpointer != nil {
			db.stopCheckpointer()
			<-db.checkpointerDone
			// Best effort and never waiting: whatever stays in the WAL is as
			// durable, and is checkpointed by the next process or by SQLite
			// when the last connection to the file closes.
			_, _ = db.walCheckpoint(context.Background(), "PASSIVE")
		}
		db.mu.Lock()
		for _, st := range db.stmts {
			_ = st.Close()
		}
		db.stmts = nil
		db.mu.Unlock()
		if err := db.sql.Close(); err != nil {
			db.closeErr = fmt.Errorf("close database: %w", err)
		}
	})
	return db.closeErr
}

// tx runs fn in one IMMEDIATE transaction, committing when fn returns nil
// and rolling back otherwise. Errors come back translated.
func (db *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	return db.runTx(ctx, db.sql.BeginTx, fn)
}

// runTx runs fn in a transaction begun by begin (a *sql.DB's or a
// *sql.Conn's BeginTx): committed if fn returns nil, rolled back otherwise.
func (db *DB) runTx(ctx context.Context, begin func(context.Context, *sql.TxOptions) (*sql.Tx, error), fn func(*sql.Tx) error) error {
	t, err := begin(ctx, nil)
	if err != nil {
		return db.txError(err)
	}
	if err := fn(t); err != nil {
		_ = t.Rollback()
		return db.txError(err)
	}
	if err := t.Commit(); err != nil {
		return db.txError(err)
	}
	db.writes.Add(1)
	return nil
}

// txError translates the error of a rolled-back transaction; a full disk
// becomes a *DiskFullError naming the file.
func (db *DB) txError(err error) error {
	err = translate(err)
	if errors.Is(err, ErrDiskFull) {
		var df *DiskFullError
		if errors.As(err, &df) {
			return err
		}
		return &DiskFullError{Path: db.path, Err: err}
	}
	return err
}

// execOne runs q in tx and makes "no row changed" ErrNotFound: an update
// or delete of one row by its key.
func execOne(ctx context.Context, tx *sql.Tx, q string, args ...any) error {
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// prepared returns a statement for q prepared once per DB (database/sql
// re-prepares it per pooled connection as needed). Parsing and planning is
// about a fifth of a contact page's cost, and as much of an outbox
// transition's, so the hot paths use it (in a transaction through txStmt).
// q must come from a small fixed set of shapes, never from user text: the
// cache is not bounded.
func (db *DB) prepared(ctx context.Context, q string) (*sql.Stmt, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if st, ok := db.stmts[q]; ok {
		return st, nil
	}
	st, err := db.sql.PrepareContext(ctx, q) //nolint:sqlclosecheck // cached, closed by DB.Close
	if err != nil {
		return nil, translate(err)
	}
	if db.stmts == nil {
		db.stmts = map[string]*sql.Stmt{}
	}
	db.stmts[q] = st
	return st, nil
}

// txStmt returns the cached statement for q (see prepared) bound to tx. It
// reuses what the transaction's connection already prepared, so only the
// first use on each pooled connection parses q; tx closes it when it ends.
func (db *DB) txStmt(ctx context.Context, tx *sql.Tx, q string) (*sql.Stmt, error) {
	st, err := db.prepared(ctx, q) //nolint:sqlclosecheck // cached, closed by DB.Close
	if err != nil {
		return nil, err
	}
	return tx.StmtContext(ctx, st), nil
}

// nowUTC is the injected clock, in UTC.
func (db *DB) nowUTC() time.Time { return db.now().UTC() }

// dbTime converts t for binding: NULL for the zero time, else timeLayout.
func dbTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(timeLayout)
}

// scanTime returns a sql.Scanner that stores a time column into *t: NULL
// gives the zero time. The driver hands back TEXT as a string, or as a
// time.Time when the column is declared DATETIME; both are accepted.
func scanTime(t *time.Time) sql.Scanner { return timeScanner{t} }

type timeScanner struct{ t *time.Time }

func (s timeScanner) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*s.t = time.Time{}
	case time.Time:
		*s.t = v.UTC()
	case string:
		return s.parse(v)
	case []byte:
		return s.parse(string(v))
	default:
		return fmt.Errorf("scan time: unexpected %T", src)
	}
	return nil
}

// parseLayouts are accepted when reading: timeLayout with any number of
// fractional digits (what the driver writes for a bound time.Time), and
// SQLite's own datetime() form (UTC by definition) for rows written by hand.
var parseLayouts = []string{"2006-01-02 15:04:05.999999999-07:00", time.DateTime}

func (s timeScanner) parse(v string) error {
	if t, ok := parseStored(v); ok {
		*s.t = t
		return nil
	}
	for _, l := range parseLayouts {
		if t, err := time.Parse(l, v); err == nil {
			*s.t = t.UTC()
			return nil
		}
	}
	return fmt.Errorf("scan time: unexpected format %q", v)
}

// parseStored reads exactly what dbTime writes, "2006-01-02
// 15:04:05.000000000+00:00", five times faster than time.Parse; a page of
// contacts holds 150 of them. Anything else reports false.
func parseStored(v string) (time.Time, bool) {
	if len(v) != len(timeLayout) || v[4] != '-' || v[7] != '-' || v[10] != ' ' ||
		v[13] != ':' || v[16] != ':' || v[19] != '.' || v[29:] != "+00:00" {
		return time.Time{}, false
	}
	ok := true
	num := func(a, b int) int {
		n := 0
		for _, c := range []byte(v[a:b]) {
			if c < '0' || c > '9' {
				ok = false
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	year, month, day := num(0, 4), num(5, 7), num(8, 10)
	hour, minute, sec, nsec := num(11, 13), num(14, 16), num(17, 19), num(20, 29)
	if !ok || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day { // 31 February and the like
		return time.Time{}, false
	}
	return t, true
}

// collect scans every row of rows with scan and closes rows, returning the
// first error met (rows.Err included).
func collect[T any](rows *sql.Rows, scan func(rowScanner) (T, error)) ([]T, error) {
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			_ = rows.Close()
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		_ = rows.Close()
		return nil, err
	}
	return out, rows.Close()
}
