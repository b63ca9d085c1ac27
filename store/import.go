package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
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
	// Skipped, if set, is called from inside the add of ImportContactsFrom
	// when the contact just given is skipped as a duplicate, with why: so
	// the caller can list the skipped rows by line.
	Skipped func(reason string)
}

// ProgressEvery is how many contacts ImportContacts handles between two
// calls of ImportOptions.Progress.
const ProgressEvery = 250

// ImportStage is a stage of ImportContacts, in the order they come.
type ImportStage string

// The stages of an import.
const (
	// StageInsert looks for each email in the database and writes the
	// contacts, new or updated.
	StageInsert ImportStage = "inserting"
	// StageIndex builds the search and list indexes of a large import
	// (see bulk.go) and writes the "created" events.
	StageIndex ImportStage = "indexing"
	// StageSave commits.
	StageSave ImportStage = "saving"
)

// ImportProgress is how far ImportContacts is: in the insert stage, Done of
// about Total contacts; the other stages have no count.
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
// place. One bad contact is ErrInvalid. Any error, including a cancelled
// ctx, leaves the database as it was. With opts.DryRun everything runs but
// the commit, so the report is exact.
func (db *DB) ImportContacts(ctx context.Context, cs []Contact, opts ImportOptions) (ImportReport, error) {
	ids := make([]int64, len(cs))
	for i := range cs {
		ids[i] = cs[i].ID
	}
	rep, err := db.ImportContactsFrom(ctx, len(cs), opts, func(add func(c *Contact, dup bool) error) error {
		seen := make(map[string]bool, len(cs)) // lower-case email
		for i := range cs {
			dup := false
			if key := strings.ToLower(strings.TrimSpace(cs[i].Email)); key != "" {
				dup = seen[key]
				seen[key] = true
			}
			if err := add(&cs[i], dup); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || opts.DryRun {
		for i := range cs {
			cs[i].ID = ids[i] // rolled back
		}
	}
	return rep, err
}

// ImportContactsFrom is ImportContacts for more contacts than should be held
// in memory at once: fill calls add with one contact after another, all in
// one transaction, so that an error from fill or add, or a cancelled ctx,
// writes nothing. dup says that an earlier contact of the import has c's
// email (the caller tells them apart, which spares a second set of emails
// here): c is then skipped, or merged into that one under DuplicateUpdate.
// add keeps c until its batch is written and sets its ID then; c must not
// change meanwhile. expected is about how many contacts fill will add: the
// Total of the progress, and when it is large next to the table, the
// contacts' list and search indexes are built once at the end (see
// bulk.go).
func (db *DB) ImportContactsFrom(ctx context.Context, expected int, opts ImportOptions,
	fill func(add func(c *Contact, dup bool) error) error) (ImportReport, error) {
	if !opts.OnDuplicate.Valid() {
		return ImportReport{}, fmt.Errorf("import contacts: %w", invalid("on duplicate %q", opts.OnDuplicate))
	}
	subject := "Created — imported"
	if opts.Source != "" {
		subject += " from " + opts.Source
	}
	cache := 0
	if int64(expected) >= bulkMinRows {
		cache = importCacheKiB
	}
	var run *importRun
	err := db.withWriteConn(ctx, cache, func(tx *sql.Tx) error {
		run = &importRun{db: db, ctx: ctx, tx: tx, opts: opts, now: db.nowUTC(), expected: expected,
			pending: map[string]int{}}
		defer run.close()
		if err := run.begin(); err != nil {
			return err
		}
		if err := fill(run.add); err != nil {
			return err
		}
		if err := run.finish(subject); err != nil {
			return err
		}
		if opts.DryRun {
			return errDryRun
		}
		return nil
	})
	if opts.DryRun && errors.Is(err, errDryRun) {
		return run.rep, nil
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
	return run.rep, nil
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

// insertImportEvents writes one EventCreated for each contact of ids first
// to last, n of them, in one INSERT ... SELECT: their ids are consecutive,
// the rows of one transaction. The contacts were inserted with
// last_activity_at at now.
func insertImportEvents(ctx context.Context, tx *sql.Tx, first, last int64, n int, subject string, now time.Time) error {
	if n == 0 {
		return nil
	}
	if last-first != int64(n)-1 {
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

// NameKey is how an import knows again a person who has no email: first
// name, last name and company, compared without case, accents or extra
// spaces: "Renée Dupont" at "ACME" is "renee  dupont" at "Acme". It is "" for a
// contact with an email or no name, which it does not apply to.
func NameKey(c *Contact) string {
	if c.Email != "" || (c.FirstName == "" && c.LastName == "") {
		return ""
	}
	return foldKey(c.FirstName) + "\x00" + foldKey(c.LastName) + "\x00" + foldKey(c.Company)
}

// foldKey lower-cases s, drops its accents and collapses its spaces.
func foldKey(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		var b strings.Builder
		for _, r := range norm.NFD.String(s) {
			if !unicode.Is(unicode.Mn, r) {
				b.WriteRune(r)
			}
		}
		s = b.String()
	}
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}
