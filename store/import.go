package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"
)

// OnDuplicate says what an import does with a contact whose email is already
// in the database.
type OnDuplicate string

// What ImportContacts does with a duplicate.
const (
	// DuplicateSkip leaves the existing contact as it is (the default).
	DuplicateSkip OnDuplicate = "skip"
	// DuplicateUpdate copies the imported contact's non-empty fields and
	// custom fields onto the existing one.
	DuplicateUpdate OnDuplicate = "update"
)

// Valid reports whether d is a known policy; "" means DuplicateSkip.
func (d OnDuplicate) Valid() bool { return d == "" || d == DuplicateSkip || d == DuplicateUpdate }

// ImportOptions tunes ImportContacts. The zero value skips duplicates.
type ImportOptions struct {
	OnDuplicate OnDuplicate
	// Source names the file in each created contact's first event.
	Source string
	// DryRun does everything but commit, so the report is exact and the
	// database unchanged.
	DryRun bool
	// Progress, if set, is called from inside ImportContacts as it goes:
	// every ProgressEvery contacts checked or inserted, and as each stage
	// begins. It must be quick and must not block.
	Progress func(ImportProgress)
}

// ProgressEvery is how many contacts ImportContacts checks or inserts
// between two calls of ImportOptions.Progress.
const ProgressEvery = 250

// ImportStage is a stage of ImportContacts, in the order they come.
type ImportStage string

// The stages of an import.
const (
	// StageCheck looks for each email in the file and in the database.
	StageCheck ImportStage = "checking"
	// StageInsert writes the new contacts.
	StageInsert ImportStage = "inserting"
	// StageIndex builds the search and list indexes of a large import
	// (see bulk.go) and writes the "created" events.
	StageIndex ImportStage = "indexing"
	// StageSave commits.
	StageSave ImportStage = "saving"
)

// ImportProgress is how far ImportContacts is: in the check and insert
// stages, Done of Total contacts; the other stages have no count.
type ImportProgress struct {
	Stage       ImportStage
	Done, Total int
}

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("dry run")

// ImportReport counts what ImportContacts did.
type ImportReport struct {
	Created, Updated, Skipped int
}

// ImportContacts adds cs in one transaction: each contact whose email is
// already in the database (case-insensitively) is skipped or updated as
// opts.OnDuplicate says, every other one is created with an EventCreated
// "Created — imported from SOURCE" event. Created contacts get their ID set.
// An email repeated within cs counts as a duplicate of its first occurrence
// (merged into it under DuplicateUpdate); like InsertContacts it trims cs in
// place. Every contact is checked first; one bad contact is ErrInvalid. Any
// error, including a cancelled ctx, leaves the database as it was. With
// opts.DryRun everything runs but the commit, so the report is exact.
func (db *DB) ImportContacts(ctx context.Context, cs []Contact, opts ImportOptions) (ImportReport, error) {
	if !opts.OnDuplicate.Valid() {
		return ImportReport{}, fmt.Errorf("import contacts: %w", invalid("on duplicate %q", opts.OnDuplicate))
	}
	customs, err := prepareContacts(cs, 0)
	if err != nil {
		return ImportReport{}, fmt.Errorf("import contacts: %w", err)
	}
	subject := "Created — imported"
	if opts.Source != "" {
		subject += " from " + opts.Source
	}
	now := db.nowUTC()
	var (
		rep     ImportReport
		created []int // indexes into cs
	)
	cache := 0
	if int64(len(cs)) >= bulkMinRows {
		cache = bulkCacheKiB
	}
	report := func(p ImportProgress) {
		if opts.Progress != nil {
			opts.Progress(p)
		}
	}
	err = db.withWriteConn(ctx, cache, func(tx *sql.Tx) error {
		rep, created = ImportReport{}, created[:0]
		pending := make(map[string]int, len(cs)) // lower-case email -> index in cs
		existing, err := contactCount(ctx, tx)
		if err != nil {
			return err
		}
		find, err := tx.PrepareContext(ctx, `SELECT id FROM contacts WHERE email = ? ORDER BY id DESC LIMIT 1`)
		if err != nil {
			return err
		}
		defer func() { _ = find.Close() }()
		for i := range cs {
			if err := ctx.Err(); err != nil {
				return err
			}
			if i%ProgressEvery == 0 {
				report(ImportProgress{Stage: StageCheck, Done: i, Total: len(cs)})
			}
			if cs[i].Email == "" {
				created = append(created, i)
				continue
			}
			key := strings.ToLower(cs[i].Email)
			if first, ok := pending[key]; ok {
				// The same email twice in cs: the first one is being created.
				if opts.OnDuplicate == DuplicateUpdate {
					mergeContact(&cs[first], cs[i])
					if customs[first], err = encodeCustom(cs[first].Custom); err != nil {
						return invalid("%v", err)
					}
					rep.Updated++
				} else {
					rep.Skipped++
				}
				continue
			}
			var oldID int64
			err := sql.ErrNoRows
			if existing > 0 {
				err = find.QueryRowContext(ctx, cs[i].Email).Scan(&oldID)
			}
			if errors.Is(err, sql.ErrNoRows) {
				pending[key] = i
				created = append(created, i)
				continue
			}
			if err != nil {
				return fmt.Errorf("find %s: %w", cs[i].Email, err)
			}
			if opts.OnDuplicate != DuplicateUpdate {
				rep.Skipped++
				continue
			}
			old, _, err := scanContact(tx.QueryRowContext(ctx,
				`SELECT `+contactCols+` FROM `+contactFrom+` WHERE c.id = ?`, oldID))
			if err != nil {
				return fmt.Errorf("read contact %d: %w", oldID, err)
			}
			if err := db.updateImported(ctx, tx, old, cs[i], now); err != nil {
				return err
			}
			rep.Updated++
		}
		var bulk *bulkLoad
		if useBulk(int64(len(created)), existing) {
			if bulk, err = beginBulk(ctx, tx); err != nil {
				return err
			}
		}
		for _, i := range created {
			cs[i].CreatedAt, cs[i].UpdatedAt, cs[i].LastActivityAt = now, now, now
		}
		ins := contactInserter{tx: tx, now: now, progress: func(done int) {
			report(ImportProgress{Stage: StageInsert, Done: done, Total: len(created)})
		}}
		defer ins.close()
		report(ImportProgress{Stage: StageInsert, Total: len(created)})
		if err := ins.insertAt(ctx, cs, created, customs); err != nil {
			return err
		}
		report(ImportProgress{Stage: StageIndex})
		if bulk != nil {
			if err := bulk.finish(ctx, tx); err != nil {
				return err
			}
		}
		if err := insertImportEvents(ctx, tx, cs, created, subject, now); err != nil {
			return err
		}
		report(ImportProgress{Stage: StageSave})
		if opts.DryRun {
			return errDryRun
		}
		return nil
	})
	if err != nil {
		for _, i := range created {
			cs[i].ID = 0 // rolled back
		}
	}
	if opts.DryRun && errors.Is(err, errDryRun) {
		rep.Created = len(created)
		return rep, nil
	}
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			// database/sql closes the statements of a cancelled transaction,
			// so the error met may be "statement is closed": say what
			// happened. Nothing was written either way.
			return ImportReport{}, fmt.Errorf("import contacts: %w", cerr)
		}
		return ImportReport{}, fmt.Errorf("import contacts: %w", err)
	}
	rep.Created = len(created)
	return rep, nil
}

// updateImported copies the non-empty fields of in onto old.
func (db *DB) updateImported(ctx context.Context, tx *sql.Tx, old, in Contact, now time.Time) error {
	mergeContact(&old, in)
	custom, err := encodeCustom(old.Custom)
	if err != nil {
		return invalid("%v", err)
	}
	var owner any
	if old.OwnerID != 0 {
		owner = old.OwnerID
	}
	_, err = tx.ExecContext(ctx, `UPDATE contacts SET first_name = ?, last_name = ?,
    phone = ?, company = ?, title = ?, city = ?, country = ?, owner_id = ?,
    custom = ?, sort_key = ?, updated_at = ?
WHERE id = ?`, old.FirstName, old.LastName, old.Phone, old.Company, old.Title,
		old.City, old.Country, owner, custom,
		sortKey(old.FirstName, old.LastName, old.Email), dbTime(now), old.ID)
	if err != nil {
		return fmt.Errorf("update contact %d: %w", old.ID, translate(err))
	}
	return nil
}

// mergeContact copies the non-empty fields, the owner and the custom fields
// of in onto old; kind, status and email are kept.
func mergeContact(old *Contact, in Contact) {
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&old.FirstName, in.FirstName)
	set(&old.LastName, in.LastName)
	set(&old.Phone, in.Phone)
	set(&old.Company, in.Company)
	set(&old.Title, in.Title)
	set(&old.City, in.City)
	set(&old.Country, in.Country)
	if in.OwnerID != 0 {
		old.OwnerID = in.OwnerID
	}
	if len(in.Custom) > 0 {
		if old.Custom == nil {
			old.Custom = map[string]string{}
		}
		maps.Copy(old.Custom, in.Custom)
	}
}

// insertImportEvents writes one EventCreated for each contact cs[i], i in
// created, in one INSERT ... SELECT: their ids are consecutive, the rows of
// one transaction. The contacts were inserted with last_activity_at at now.
func insertImportEvents(ctx context.Context, tx *sql.Tx, cs []Contact, created []int, subject string, now time.Time) error {
	if len(created) == 0 {
		return nil
	}
	first, last := cs[created[0]].ID, cs[created[len(created)-1]].ID
	if n := int64(len(created)); last-first != n-1 {
		return fmt.Errorf("insert events: ids %d..%d of %d new contacts are not consecutive", first, last, n)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO events (contact_id, at, kind, subject)
SELECT id, ?, ?, ? FROM contacts WHERE id BETWEEN ? AND ? ORDER BY id`,
		dbTime(now), EventCreated, subject, first, last)
	if err != nil {
		return fmt.Errorf("insert events: %w", translate(err))
	}
	return nil
}
