package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	sqlite "modernc.org/sqlite"
)

// Collation. Names and companies are listed in the order people read them
// (Unicode collation, golang.org/x/text/collate, for the locale of
// Options.Locale), not by bytes: the collation key of each is stored as a
// BLOB (name_key, company_key), so that keyset pages stay index range
// scans. Keys are built in Go: on insert by the writer (import builds them
// beside the parsing), and on edits by the contacts_keys triggers, which
// call the SQL function leadmail_key that Open registers. The locale the
// keys were built for is in collation_locale; Open rebuilds them all when
// it differs from the one asked for.

// DefaultLocale is the collation of a database opened without
// Options.Locale: Unicode's root collation, right for most languages.
const DefaultLocale = "und"

// keyFuncName is the SQL function the triggers of 0007 call:
// leadmail_key(locale, company) is the company key of a contact (see
// companyKey).
const keyFuncName = "leadmail_key"

// collator builds collation keys for one locale. It is not safe for
// concurrent use: take one from collatorFor per goroutine.
type collator struct {
	c   *collate.Collator
	buf collate.Buffer
}

// collators pools collators by locale tag: a Collator keeps iteration state
// and may not be shared between goroutines.
var collators sync.Map // string → *sync.Pool

// ParseLocale checks a locale name such as "sv" or "de-DE" and returns its
// canonical form; "" is DefaultLocale. An unknown or malformed one is
// ErrInvalid.
func ParseLocale(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return DefaultLocale, nil
	}
	t, err := language.Parse(s)
	if err != nil {
		return "", invalid("locale %q: %v", s, err)
	}
	return t.String(), nil
}

// getCollator returns a collator for locale (canonical, see ParseLocale);
// give it back with putCollator.
func getCollator(locale string) *collator {
	p, ok := collators.Load(locale)
	if !ok {
		tag := language.Make(locale)
		p, _ = collators.LoadOrStore(locale, &sync.Pool{New: func() any {
			return &collator{c: collate.New(tag)}
		}})
	}
	return p.(*sync.Pool).Get().(*collator)
}

func putCollator(locale string, k *collator) {
	if p, ok := collators.Load(locale); ok {
		p.(*sync.Pool).Put(k)
	}
}

// key appends the collation key of s to dst.
func (k *collator) key(dst []byte, s string) []byte {
	k.buf.Reset()
	return append(dst, k.c.KeyFromString(&k.buf, s)...)
}

// noCompanyKey is the company key of a contact without a company. Every
// collation key starts with a byte of at most 0x96, whatever the code
// point and the locale (TestNoCompanyKeySortsLast tries them all), so
// those contacts come after every company, not before the first (the
// collation key of "" is the smallest).
var noCompanyKey = []byte{0xff, 0xff}

// companyKey appends the company order key of a contact to dst: the
// collation key of company, or noCompanyKey when it is blank.
func (k *collator) companyKey(dst []byte, company string) []byte {
	if strings.TrimSpace(company) == "" {
		return append(dst, noCompanyKey...)
	}
	return k.key(dst, company)
}

// nameKey is the listing key of a contact: last name, then first name (a
// last name that is a prefix of another sorts first: Li before Lin); the
// one name there is when the other is empty (Ingrid among the I's), or
// the email when both are, as sortKey chooses.
func (k *collator) nameKey(dst []byte, first, last, email string) []byte {
	first, last = strings.TrimSpace(first), strings.TrimSpace(last)
	switch {
	case first == "" && last == "":
		return k.key(dst, strings.TrimSpace(email))
	case last == "":
		return k.key(dst, first)
	case first == "":
		return k.key(dst, last)
	}
	dst = k.key(dst, last)
	return k.key(dst, first)
}

// nameKeyFuncName is the other SQL function of the triggers:
// leadmail_name_key(locale, first, last, email) is the name key of a
// contact (SQL's || would turn two BLOB keys into TEXT).
const nameKeyFuncName = "leadmail_name_key"

// registerKeyFunc registers leadmail_key and leadmail_name_key with the
// driver, once per process: connections opened afterwards have them.
var registerKeyFunc = sync.OnceValue(func() error {
	err := sqlite.RegisterDeterministicScalarFunction(keyFuncName, 2,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			locale := argLocale(args[0])
			k := getCollator(locale)
			defer putCollator(locale, k)
			return k.companyKey(nil, argText(args[1])), nil
		})
	if err != nil {
		return err
	}
	return sqlite.RegisterDeterministicScalarFunction(nameKeyFuncName, 4,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			locale := argLocale(args[0])
			k := getCollator(locale)
			defer putCollator(locale, k)
			return k.nameKey(nil, argText(args[1]), argText(args[2]), argText(args[3])), nil
		})
})

// argText is an SQL function's argument as text; NULL is "".
func argText(v driver.Value) string {
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	}
	return ""
}

// argLocale is the locale argument of the key functions.
func argLocale(v driver.Value) string {
	if l := argText(v); l != "" {
		return l
	}
	return DefaultLocale
}

// Locale returns the locale the collation keys are built for.
func (db *DB) Locale(ctx context.Context) (string, error) {
	var l string
	if err := db.sql.QueryRowContext(ctx, `SELECT locale FROM collation_locale WHERE id = 1`).Scan(&l); err != nil {
		return "", fmt.Errorf("read locale: %w", translate(err))
	}
	return l, nil
}

// txLocale is the locale of the keys, read inside a write transaction so
// that a rebuild by another process cannot slip between.
func txLocale(ctx context.Context, tx *sql.Tx) (string, error) {
	var l string
	if err := tx.QueryRowContext(ctx, `SELECT locale FROM collation_locale WHERE id = 1`).Scan(&l); err != nil {
		return "", fmt.Errorf("read locale: %w", err)
	}
	if l == "" {
		l = DefaultLocale
	}
	return l, nil
}

// rowKeys are the collation keys of one contact (see collation.go).
type rowKeys struct{ name, company []byte }

// keysOf builds the collation keys of c with k.
func (k *collator) keysOf(c *Contact) rowKeys {
	return rowKeys{name: k.nameKey(nil, c.FirstName, c.LastName, c.Email), company: k.companyKey(nil, c.Company)}
}

// txKeys builds the keys of c for the locale of the database, inside tx.
func txKeys(ctx context.Context, tx *sql.Tx, c *Contact) (rowKeys, error) {
	locale, err := txLocale(ctx, tx)
	if err != nil {
		return rowKeys{}, err
	}
	k := getCollator(locale)
	defer putCollator(locale, k)
	return k.keysOf(c), nil
}

// rekeyBatch is how many contacts RebuildSortKeys reads and writes at a
// time.
const rekeyBatch = 2000

// RebuildSortKeys builds every contact's collation keys for locale (see
// ParseLocale) and records it, in one transaction: a failure or a
// cancelled ctx leaves the keys of the locale before. progress, if set, is
// called every few thousand contacts with how many are done of about how
// many. The list indexes are dropped during the rebuild and created again
// after, as a bulk load does.
func (db *DB) RebuildSortKeys(ctx context.Context, locale string, progress func(done, total int)) error {
	locale, err := ParseLocale(locale)
	if err != nil {
		return fmt.Errorf("rebuild sort keys: %w", err)
	}
	err = db.withWriteConn(ctx, bulkCacheKiB, func(tx *sql.Tx) error {
		total, err := contactCount(ctx, tx)
		if err != nil {
			return err
		}
		var ddl []string
		if total >= bulkMinRows {
			var drops []string
			if ddl, drops, err = keyIndexDDL(ctx, tx); err != nil {
				return err
			}
			for _, q := range drops {
				if _, err := tx.ExecContext(ctx, q); err != nil {
					return err
				}
			}
		}
		if err := rekey(ctx, tx, locale, int(total), progress); err != nil {
			return err
		}
		for _, q := range ddl {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE collation_locale SET locale = ? WHERE id = 1`, locale)
		return err
	})
	if err != nil {
		return fmt.Errorf("rebuild sort keys for %s: %w", locale, translate(err))
	}
	return nil
}

// keyIndexDDL returns the CREATE and DROP statements of the indexes on
// name_key or company_key.
func keyIndexDDL(ctx context.Context, tx *sql.Tx) (ddl, drops []string, err error) {
	rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema
WHERE type = 'index' AND tbl_name = 'contacts' AND sql IS NOT NULL
  AND (sql LIKE '%name_key%' OR sql LIKE '%company_key%') ORDER BY rowid`)
	if err != nil {
		return nil, nil, err
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return nil, nil, err
		}
		ddl, drops = append(ddl, def), append(drops, `DROP INDEX "`+name+`"`)
	}
	return ddl, drops, rows.Err()
}

// rekey rewrites the keys of every contact in id order, rekeyBatch at a
// time: the keys of one batch are built while nothing else waits on them.
func rekey(ctx context.Context, tx *sql.Tx, locale string, total int, progress func(done, total int)) error {
	read, err := tx.PrepareContext(ctx, `SELECT id, first_name, last_name, email, company
FROM contacts WHERE id > ? ORDER BY id LIMIT ?`)
	if err != nil {
		return err
	}
	defer func() { _ = read.Close() }()
	write, err := tx.PrepareContext(ctx, `UPDATE contacts SET name_key = ?, company_key = ? WHERE id = ?`)
	if err != nil {
		return err
	}
	defer func() { _ = write.Close() }()
	k := getCollator(locale)
	defer putCollator(locale, k)
	type row struct {
		id                          int64
		first, last, email, company string
	}
	batch := make([]row, 0, rekeyBatch)
	var after int64
	done := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		// Read the whole batch, rows closed, before writing any of it.
		err := func() (err error) {
			batch = batch[:0]
			rows, err := read.QueryContext(ctx, after, rekeyBatch)
			if err != nil {
				return err
			}
			defer func() {
				if cerr := rows.Close(); err == nil {
					err = cerr
				}
			}()
			for rows.Next() {
				var r row
				if err := rows.Scan(&r.id, &r.first, &r.last, &r.email, &r.company); err != nil {
					return err
				}
				batch = append(batch, r)
			}
			return rows.Err()
		}()
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		var nk, ck []byte
		for _, r := range batch {
			nk = k.nameKey(nk[:0], r.first, r.last, r.email)
			ck = k.key(ck[:0], r.company)
			if _, err := write.ExecContext(ctx, nk, ck, r.id); err != nil {
				return err
			}
		}
		after = batch[len(batch)-1].id
		done += len(batch)
		if progress != nil {
			progress(done, max(total, done))
		}
	}
}

// ensureLocale rebuilds the collation keys when they were built for
// another locale than want (or never, as after migration 0007).
func (db *DB) ensureLocale(ctx context.Context, want string, progress func(done, total int)) error {
	have, err := db.Locale(ctx)
	if err != nil {
		return err
	}
	if have == want {
		return nil
	}
	return db.RebuildSortKeys(ctx, want, progress)
}

// NameCursor is a position in the listing by name just before the first
// contact whose name (last name first) sorts at or after prefix: hand it to
// PageRequest.After to jump to a letter.
func (db *DB) NameCursor(ctx context.Context, prefix string) (Cursor, error) {
	locale, err := db.Locale(ctx)
	if err != nil {
		return Cursor{}, err
	}
	// Only the primary weights: the full key of the bare prefix would sort
	// after the keys of the longer names that start with it.
	loose := collate.New(language.Make(locale), collate.Loose)
	var buf collate.Buffer
	key := loose.KeyFromString(&buf, strings.TrimSpace(prefix))
	return Cursor{SortKey: string(key), ID: 0}, nil
}
