package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// importBatch is how many new contacts an import holds before writing them:
// a few INSERT statements' worth (see insertBatch), so that a later row
// with the same email is usually merged in memory.
const importBatch = 5 * insertBatch

// importRun is one ImportContactsFrom inside its transaction.
type importRun struct {
	db       *DB
	ctx      context.Context
	tx       *sql.Tx
	opts     ImportOptions
	now      time.Time
	expected int

	rep      ImportReport
	existing int64     // rows in contacts before the import
	find     *sql.Stmt // the newest contact with an email
	bulk     *bulkLoad // nil unless the indexes were dropped
	ins      contactInserter
	n        int // contacts added
	// batch holds the new contacts not written yet, customs their encoded
	// custom fields, keys their collation keys, pending the index in batch
	// of each lower-case email.
	batch   []*Contact
	customs []string
	keys    []rowKeys
	pending map[string]int
	coll    *collator // builds keys on the caller's goroutine
	// The writer goroutine (import_pipe.go) and the batch it holds.
	jobs, done chan *importJob
	inflight   *importJob
	// names holds, by NameKey, the contacts without email the import may
	// meet again: those in the database before it (loaded at the first
	// such row) and those it created; pendingNames those still in batch.
	names        map[string]int64
	pendingNames map[string]int
	// firstID and lastID are the ids of the contacts created so far.
	firstID, lastID int64
}

func (r *importRun) begin() error {
	var err error
	if r.existing, err = contactCount(r.ctx, r.tx); err != nil {
		return err
	}
	if r.find, err = r.tx.PrepareContext(r.ctx, `SELECT id FROM contacts WHERE email = ? ORDER BY id DESC LIMIT 1`); err != nil {
		return err
	}
	if useBulk(int64(r.expected), r.existing) {
		// The email index stays if duplicates are to be looked up as the
		// rows come: in the table, and among the import's own rows to
		// update them.
		var keep []string
		if r.existing > 0 || r.opts.OnDuplicate == DuplicateUpdate {
			keep = append(keep, "contacts_email")
		}
		if r.bulk, err = beginBulk(r.ctx, r.tx, keep...); err != nil {
			return err
		}
	}
	locale, err := txLocale(r.ctx, r.tx)
	if err != nil {
		return err
	}
	r.ins = contactInserter{tx: r.tx, now: r.now, locale: locale}
	if r.bulk != nil {
		if err := r.bulk.buildBeside(r.ctx, r.tx, r.db, &r.ins); err != nil {
			return err
		}
	}
	r.coll = getCollator(locale)
	r.startWriter()
	return nil
}

func (r *importRun) close() {
	r.stopWriter()
	r.bulk.dropSide(&r.ins)
	if r.coll != nil {
		putCollator(r.ins.locale, r.coll)
	}
	r.ins.close()
	if r.find != nil {
		_ = r.find.Close()
	}
}

func (r *importRun) progress(p ImportProgress) {
	if r.opts.Progress != nil {
		p.Total = max(p.Total, p.Done)
		r.opts.Progress(p)
	}
}

// add checks c and creates, skips or updates it; see ImportContactsFrom.
func (r *importRun) add(c *Contact, dup bool) error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	if r.n%ProgressEvery == 0 {
		r.progress(ImportProgress{Stage: StageInsert, Done: r.n, Total: r.expected})
	}
	row := r.n
	r.n++
	if err := prepareContact(c); err != nil {
		return fmt.Errorf("row %d: %w", row, err)
	}
	custom, err := encodeCustom(c.Custom)
	if err != nil {
		return fmt.Errorf("row %d: %w", row, invalid("%v", err))
	}
	if c.Email == "" {
		return r.addNoEmail(c, custom, dup)
	}
	key := strings.ToLower(c.Email)
	if dup {
		if r.opts.OnDuplicate != DuplicateUpdate {
			r.skip("its email is on an earlier row")
			return nil
		}
		r.rep.Updated++
		if i, ok := r.pending[key]; ok {
			// The first one is still to be created: merged in memory.
			mergeContact(r.batch[i], *c)
			r.keys[i] = r.coll.keysOf(r.batch[i])
			if r.customs[i], err = encodeCustom(r.batch[i].Custom); err != nil {
				return fmt.Errorf("row %d: %w", row, invalid("%v", err))
			}
			return nil
		}
		return r.update(c)
	}
	if r.existing > 0 {
		if err := r.sync(); err != nil {
			return err
		}
		var id int64
		err := r.find.QueryRowContext(r.ctx, c.Email).Scan(&id)
		switch {
		case err == nil:
			if r.opts.OnDuplicate != DuplicateUpdate {
				r.skip("its email is already known")
				return nil
			}
			r.rep.Updated++
			return r.updateID(id, c)
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("find %s: %w", c.Email, err)
		}
	}
	r.pending[key] = len(r.batch)
	return r.queue(c, custom)
}

// addNoEmail adds c, which has no email: a person already in the
// database or met earlier in the import, by NameKey, is skipped or
// updated as an email duplicate would be; dup says the caller found c
// earlier in the import.
func (r *importRun) addNoEmail(c *Contact, custom string, dup bool) error {
	if err := r.loadNames(); err != nil {
		return err
	}
	key := NameKey(c)
	if r.inFlight(key) {
		if err := r.sync(); err != nil {
			return err
		}
	}
	i, pending := r.pendingNames[key]
	id, known := r.names[key]
	switch {
	case !pending && !known:
		r.pendingNames[key] = len(r.batch)
		return r.queue(c, custom)
	case r.opts.OnDuplicate != DuplicateUpdate && (dup || pending):
		r.skip("same name and company as an earlier row, no email")
		return nil
	case r.opts.OnDuplicate != DuplicateUpdate:
		r.skip("same name and company as a contact already known, no email")
		return nil
	case pending:
		r.rep.Updated++
		mergeContact(r.batch[i], *c)
		r.keys[i] = r.coll.keysOf(r.batch[i])
		var err error
		if r.customs[i], err = encodeCustom(r.batch[i].Custom); err != nil {
			return invalid("%v", err)
		}
		return nil
	}
	r.rep.Updated++
	return r.updateID(id, c)
}

// loadNames reads, once, the NameKey of each contact without email that
// was there before the import, the newest one of a key kept.
func (r *importRun) loadNames() error {
	if r.names != nil {
		return nil
	}
	if err := r.sync(); err != nil {
		return err
	}
	r.names, r.pendingNames = map[string]int64{}, map[string]int{}
	if r.existing == 0 {
		return nil
	}
	rows, err := r.tx.QueryContext(r.ctx, `SELECT id, first_name, last_name, company FROM contacts
WHERE email = '' ORDER BY id`)
	if err != nil {
		return fmt.Errorf("read contacts without email: %w", err)
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var (
			id int64
			c  Contact
		)
		if err := rows.Scan(&id, &c.FirstName, &c.LastName, &c.Company); err != nil {
			return fmt.Errorf("read contacts without email: %w", err)
		}
		if key := NameKey(&c); key != "" {
			r.names[key] = id
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read contacts without email: %w", err)
	}
	return nil
}

// skip counts the contact just added as a skipped duplicate, and tells
// ImportOptions.Skipped why.
func (r *importRun) skip(reason string) {
	r.rep.Skipped++
	if r.opts.Skipped != nil {
		r.opts.Skipped(reason)
	}
}

// update copies c onto the newest contact with its email: one from before
// the import or, for a duplicate within it, one it created.
func (r *importRun) update(c *Contact) error {
	if err := r.sync(); err != nil {
		return err
	}
	var id int64
	if err := r.find.QueryRowContext(r.ctx, c.Email).Scan(&id); err != nil {
		return fmt.Errorf("find %s: %w", c.Email, err)
	}
	return r.updateID(id, c)
}

// updateID copies c onto the contact id.
func (r *importRun) updateID(id int64, c *Contact) error {
	if err := r.sync(); err != nil {
		return err
	}
	old, _, err := scanContact(r.tx.QueryRowContext(r.ctx,
		`SELECT `+contactCols+` FROM `+contactFrom+` WHERE c.id = ?`, id))
	if err != nil {
		return fmt.Errorf("read contact %d: %w", id, err)
	}
	if r.bulk == nil || id < r.bulk.firstID {
		return r.db.updateImported(r.ctx, r.tx, old, *c, r.now)
	}
	// The search index built beside would keep the row's old words.
	r.bulk.dropSide(&r.ins)
	// A contact of this bulk load is not in the search index yet, which
	// the update trigger's delete expects: index it for the update, and
	// take it out again for bulkLoad.finish.
	for _, fts := range searchTables {
		if _, err := r.tx.ExecContext(r.ctx, `INSERT INTO `+fts+` (rowid, first_name, last_name, email, company)
SELECT id, first_name, last_name, email, company FROM contacts WHERE id = ?`, id); err != nil {
			return fmt.Errorf("update contact %d: %w", id, translate(err))
		}
	}
	if err := r.db.updateImported(r.ctx, r.tx, old, *c, r.now); err != nil {
		return err
	}
	for _, fts := range searchTables {
		if _, err := r.tx.ExecContext(r.ctx, `INSERT INTO `+fts+` (`+fts+`, rowid, first_name, last_name, email, company)
SELECT 'delete', id, first_name, last_name, email, company FROM contacts WHERE id = ?`, id); err != nil {
			return fmt.Errorf("update contact %d: %w", id, translate(err))
		}
	}
	return nil
}

// queue adds c, new, to the batch and writes the batch when full.
func (r *importRun) queue(c *Contact, custom string) error {
	c.CreatedAt, c.UpdatedAt, c.LastActivityAt = r.now, r.now, r.now
	r.batch = append(r.batch, c)
	r.customs = append(r.customs, custom)
	r.keys = append(r.keys, r.coll.keysOf(c))
	if len(r.batch) < importBatch {
		return nil
	}
	return r.flush()
}

// flush hands the batch to the writer, once the one before is written.
func (r *importRun) flush() error {
	if len(r.batch) == 0 {
		return nil
	}
	if err := r.sync(); err != nil {
		return err
	}
	r.send()
	return nil
}

// finish writes the last batch, the indexes of a bulk load and the events.
func (r *importRun) finish(subject string) error {
	if err := r.flush(); err != nil {
		return err
	}
	if err := r.sync(); err != nil {
		return err
	}
	r.progress(ImportProgress{Stage: StageInsert, Done: r.n, Total: r.n})
	r.progress(ImportProgress{Stage: StageIndex})
	if r.bulk != nil {
		if err := r.bulk.finish(r.ctx, r.tx, r.db); err != nil {
			return err
		}
	}
	if err := insertImportEvents(r.ctx, r.tx, r.firstID, r.lastID, r.rep.Created, subject, r.now); err != nil {
		return err
	}
	r.progress(ImportProgress{Stage: StageSave})
	return nil
}
