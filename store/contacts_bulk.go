package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
)

// insertBatch is how many contacts one INSERT statement carries (16
// parameters each). Row-at-a-time was 3-4× slower (6k rows/s), not because
// of the statements themselves: every statement that fires the FTS trigger
// opens a statement savepoint, and FTS5 flushes its pending terms to disk at
// each savepoint, writing a tiny segment per row and merging them over and
// over. One statement per batch flushes once per batch.
const insertBatch = 200

// InsertContacts adds many contacts in one transaction through prepared
// multi-row statements, for imports, seeding and benchmarks: no events are
// written and the given times are kept (zero CreatedAt or UpdatedAt means
// now). Like CreateContact it trims fields and defaults Status in cs, and it
// sets each ID. Every contact is checked first; one bad contact is
// ErrInvalid and nothing is written.
func (db *DB) InsertContacts(ctx context.Context, cs []Contact) error {
	err := db.LoadContacts(ctx, len(cs), func(add func([]Contact) error) error { return add(cs) })
	if err != nil {
		for i := range cs {
			cs[i].ID = 0 // rolled back
		}
	}
	return err
}

// LoadContacts is InsertContacts for more contacts than should be held in
// memory at once: fill calls add with one batch after another, all in one
// transaction, so that an error from fill or add, or a cancelled ctx,
// writes nothing. expected is how many contacts fill will add in all; when
// that is large next to the table, the contacts' indexes and search index
// are built once at the end instead of row by row (see bulk.go). add checks
// its batch first (one bad contact is ErrInvalid) and sets the IDs.
func (db *DB) LoadContacts(ctx context.Context, expected int, fill func(add func([]Contact) error) error) error {
	now := db.nowUTC()
	cache := 0
	if int64(expected) >= bulkMinRows {
		cache = bulkCacheKiB
	}
	err := db.withWriteConn(ctx, cache, func(tx *sql.Tx) error {
		existing, err := contactCount(ctx, tx)
		if err != nil {
			return err
		}
		locale, err := txLocale(ctx, tx)
		if err != nil {
			return err
		}
		ins := contactInserter{tx: tx, now: now, locale: locale}
		defer ins.close()
		var bulk *bulkLoad
		if useBulk(int64(expected), existing) {
			if bulk, err = beginBulk(ctx, tx); err != nil {
				return err
			}
			defer bulk.dropSide(&ins)
			if err := bulk.buildBeside(ctx, tx, db, &ins); err != nil {
				return err
			}
		}
		if err := fill(func(cs []Contact) error { return ins.add(ctx, cs) }); err != nil {
			return err
		}
		if bulk != nil {
			return bulk.finish(ctx, tx, db)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("insert contacts: %w", err)
	}
	return nil
}

// contactInserter adds batches of contacts within one transaction.
type contactInserter struct {
	tx     *sql.Tx
	now    time.Time
	locale string    // of the collation keys
	coll   *collator // for locale, taken at the first row
	full   *sql.Stmt // the insertBatch-row statement, prepared once
	args   []any
	done   int      // contacts added so far, for error messages
	side   *ftsSide // a search index build to hand the rows to, or nil
}

// add checks and inserts cs, then sets their IDs and times.
func (ins *contactInserter) add(ctx context.Context, cs []Contact) error {
	customs, err := prepareContacts(cs, ins.done)
	if err != nil {
		return err
	}
	return ins.insert(ctx, cs, customs)
}

// prepareContacts checks and trims cs and encodes their custom fields;
// errors name rows from first on.
func prepareContacts(cs []Contact, first int) ([]string, error) {
	customs := make([]string, len(cs))
	for i := range cs {
		if err := prepareContact(&cs[i]); err != nil {
			return nil, fmt.Errorf("row %d: %w", first+i, err)
		}
		var err error
		if customs[i], err = encodeCustom(cs[i].Custom); err != nil {
			return nil, fmt.Errorf("row %d: %w", first+i, invalid("%v", err))
		}
	}
	return customs, nil
}

// insert inserts cs, prepared, with their encoded custom fields, then sets
// their IDs and times.
func (ins *contactInserter) insert(ctx context.Context, cs []Contact, customs []string) error {
	ptrs := make([]*Contact, len(cs))
	for i := range cs {
		ptrs[i] = &cs[i]
	}
	return ins.insertAt(ctx, ptrs, customs, nil)
}

// insertAt is insert for contacts held by pointer, so that none is copied,
// which matters at a million rows; customs[k] is cs[k]'s, and so is
// keys[k], built by the caller, or here when keys is nil.
func (ins *contactInserter) insertAt(ctx context.Context, cs []*Contact, customs []string, keys []rowKeys) error {
	n := len(cs)
	next := 0 // the next contact, by position in the insert order, to get its id
	for start := 0; start < n; start += insertBatch {
		if err := ctx.Err(); err != nil {
			return err
		}
		size := min(insertBatch, n-start)
		ins.args = ins.args[:0]
		for k := start; k < start+size; k++ {
			c := cs[k]
			c.CreatedAt = orNow(c.CreatedAt, ins.now).UTC()
			c.UpdatedAt = orNow(c.UpdatedAt, ins.now).UTC()
			var kk rowKeys
			if keys != nil {
				kk = keys[k]
			} else {
				if ins.coll == nil {
					ins.coll = getCollator(ins.locale)
				}
				kk = ins.coll.keysOf(c)
			}
			ins.args = append(ins.args, insertArgs(c, customs[k], kk)...)
		}
		first, last := ins.done+start, ins.done+start+size-1
		var (
			rows *sql.Rows
			err  error
		)
		if size == insertBatch {
			if ins.full == nil {
				if ins.full, err = ins.tx.PrepareContext(ctx, insertContactsSQL(insertBatch)); err != nil {
					return err
				}
			}
			rows, err = ins.full.QueryContext(ctx, ins.args...)
		} else {
			rows, err = ins.tx.QueryContext(ctx, insertContactsSQL(size), ins.args...)
		}
		if err != nil {
			return fmt.Errorf("rows %d-%d: %w", first, last, translate(err))
		}
		got, err := collect(rows, scanID)
		if err != nil {
			return fmt.Errorf("rows %d-%d: %w", first, last, translate(err))
		}
		if len(got) != size {
			return fmt.Errorf("rows %d-%d: %d ids returned", first, last, len(got))
		}
		// RETURNING has no defined order, but rows of one VALUES list are
		// inserted in order and each gets max(id)+1, so ascending ids
		// follow the list.
		slices.Sort(got)
		for _, id := range got {
			cs[next].ID = id
			next++
		}
	}
	ins.done += n
	if ins.side != nil {
		return ins.side.add(ctx, cs)
	}
	return nil
}

func (ins *contactInserter) close() {
	if ins.coll != nil {
		putCollator(ins.locale, ins.coll)
		ins.coll = nil
	}
	if ins.full != nil {
		_ = ins.full.Close()
	}
}

func scanID(r rowScanner) (int64, error) {
	var id int64
	err := r.Scan(&id)
	return id, err
}
