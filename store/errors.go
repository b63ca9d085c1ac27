package store

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrDiskFull is a write refused because the disk holding the database is
// full (SQLITE_FULL); the transaction was rolled back. Writes return it as
// a *DiskFullError naming the file.
var ErrDiskFull = errors.New("the disk is full")

// ErrDenied is an action the current user's role does not allow (S16):
// a Jr. Salesperson reaching for a contact they do not own, anyone but an
// administrator changing users. Scoped stores return it wrapped in a
// sentence for the user; nothing was changed.
var ErrDenied = errors.New("not allowed for your role")

// ErrReadOnly is a write to a database that is open read-only, or whose
// file or folder cannot be written to (SQLITE_READONLY).
var ErrReadOnly = errors.New("the database is read-only")

// DiskFullError is a write that failed because the disk holding Path is
// full. Its message is the whole sentence for the user.
type DiskFullError struct {
	Path string
	Err  error // the driver's error, for the logs
}

func (e *DiskFullError) Error() string {
	return fmt.Sprintf("the disk holding %s is full; nothing was changed", e.Path)
}

// Unwrap makes errors.Is(err, ErrDiskFull) true.
func (e *DiskFullError) Unwrap() error { return e.Err }

// translate maps driver errors to the store's errors at the edge, keeping the
// driver's message for the logs: no rows → ErrNotFound; a UNIQUE or PRIMARY
// KEY violation → ErrConflict; a FOREIGN KEY, CHECK or NOT NULL violation
// (a reference to a row that does not exist, a value outside its set) →
// ErrInvalid; a full disk → ErrDiskFull; a read-only file → ErrReadOnly.
// Anything else, and errors already translated, pass unchanged.
func translate(err error) error {
	if err == nil {
		return nil
	}
	for _, known := range []error{ErrNotFound, ErrConflict, ErrInvalid, ErrDiskFull, ErrReadOnly} {
		if errors.Is(err, known) {
			return err
		}
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return fmt.Errorf("%w: %w", ErrConflict, err)
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY, sqlite3.SQLITE_CONSTRAINT_CHECK,
		sqlite3.SQLITE_CONSTRAINT_NOTNULL, sqlite3.SQLITE_CONSTRAINT_DATATYPE:
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	switch se.Code() & 0xff { // the primary code, whatever the extended one
	case sqlite3.SQLITE_FULL:
		return fmt.Errorf("%w: %w", ErrDiskFull, err)
	case sqlite3.SQLITE_READONLY:
		return fmt.Errorf("%w: %w", ErrReadOnly, err)
	}
	return err
}

// openError says in one sentence why the file at path cannot be opened as
// a database, when the reason is one the user can act on; else it wraps
// err with the operation.
func openError(path string, err error) error {
	if fi, serr := os.Stat(path); serr == nil && fi.IsDir() {
		return fmt.Errorf("%s is a folder, not a database file: %w", path, ErrInvalid)
	}
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_NOTADB {
		return fmt.Errorf("%s is not a leadmail database (it is some other kind of file): %w", path, ErrInvalid)
	}
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CANTOPEN {
		if _, serr := os.Stat(filepath.Dir(path)); serr != nil {
			return fmt.Errorf("cannot open the database %s: its folder %s cannot be reached", path, filepath.Dir(path))
		}
		return fmt.Errorf("cannot open the database %s: the file or its folder cannot be read or written by you", path)
	}
	if errors.Is(translate(err), ErrDiskFull) {
		return &DiskFullError{Path: path, Err: translate(err)}
	}
	return fmt.Errorf("open database %s: %w", path, translate(err))
}

// invalid returns an ErrInvalid carrying a reason for the user.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}
