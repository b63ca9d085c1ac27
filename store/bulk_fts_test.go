package store

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// checkCopied fails t unless copies loads of db had their search indexes
// built beside them, then checks the indexes (checkSearchIndexes).
func checkCopied(t *testing.T, db *DB, copies uint64) {
	t.Helper()
	if n := db.searchCopies.Load(); n != copies {
		t.Fatalf("%d search indexes copied in, want %d", n, copies)
	}
	checkSearchIndexes(t, db)
}

// checkSearchIndexes fails t unless both search indexes hold exactly the
// contacts table's words (FTS5's integrity-check with rank 1 compares
// them row by row) and no scratch database of a build beside is left
// next to the database.
func checkSearchIndexes(t *testing.T, db *DB) {
	t.Helper()
	for _, fts := range searchTables {
		if _, err := db.sql.ExecContext(t.Context(),
			`INSERT INTO `+fts+` (`+fts+`, rank) VALUES ('integrity-check', 1)`); err != nil {
			t.Errorf("%s out of step with contacts: %v", fts, err)
		}
	}
	left, err := filepath.Glob(scratchPrefix(db.path) + "*")
	if err != nil || len(left) > 0 {
		t.Errorf("scratch left behind: %q %v", left, err)
	}
}

// searchNames is the first names a search finds.
func searchNames(t *testing.T, db *DB, s string) []string {
	t.Helper()
	p, err := db.ListContacts(t.Context(), PageRequest{Filter: ContactFilter{Search: s}, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range p.Contacts {
		out = append(out, c.FirstName)
	}
	return out
}

// An import or a load into an empty table builds its search indexes
// beside it and copies them in: the same indexes, word for word, found
// by word start and inside words, one segment each, and the contacts
// created afterwards are indexed as usual.
func TestBulkLoadBuildsSearchBeside(t *testing.T) {
	lowBulk(t, 50)
	t.Run("import", func(t *testing.T) {
		db, _ := openTest(t, nil)
		cs := bulkSet(2*importBatch + 3)
		if _, err := db.ImportContacts(t.Context(), cs, ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		checkCopied(t, db, 1)
		if got := searchNames(t, db, "bulk104"); len(got) != 11 || got[0] != "Bulk104" || got[10] != "Bulk1049" {
			t.Errorf("bulk104: %q, want Bulk104 then Bulk1040 to Bulk1049", got)
		}
		if got := searchNames(t, db, "lk2002@exam"); !slices.Equal(got, []string{"Bulk2002"}) {
			t.Errorf("in-word lk2002@exam: %q", got)
		}
		for _, fts := range searchTables {
			if n := segments(t, db, fts); n != 1 {
				t.Errorf("%s: %d segments, want 1", fts, n)
			}
		}
		late := mustContact(t, db, "Latecomer", "Quokka", "late@example.com")
		if got := searchNames(t, db, "uokk"); !slices.Equal(got, []string{late.FirstName}) {
			t.Errorf("a contact created after the import: %q", got)
		}
		checkSearchIndexes(t, db)
	})
	t.Run("load", func(t *testing.T) {
		// A folder name that would end a file: URI's path.
		dir := filepath.Join(t.TempDir(), "a?b#c%d")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		db := openAt(t, filepath.Join(dir, "leadmail.db"), Options{})
		if err := db.InsertContacts(t.Context(), bulkSet(300)); err != nil {
			t.Fatal(err)
		}
		checkCopied(t, db, 1)
		if got := searchNames(t, db, "ulk29"); len(got) != 11 {
			t.Errorf("ulk29: %q", got)
		}
	})
}

// When the build beside fails, the load indexes for search itself and
// nothing of the failure shows.
func TestBulkLoadIndexesItselfWhenTheSideFails(t *testing.T) {
	lowBulk(t, 50)
	failSideBuilds = true
	t.Cleanup(func() { failSideBuilds = false })
	db, _ := openTest(t, nil)
	cs := bulkSet(2*importBatch + 3)
	rep, err := db.ImportContacts(t.Context(), cs, ImportOptions{})
	if err != nil || rep.Created != len(cs) {
		t.Fatalf("import: %+v %v", rep, err)
	}
	checkCopied(t, db, 0) // the build failed
	if got := searchNames(t, db, "lk2002@exam"); !slices.Equal(got, []string{"Bulk2002"}) {
		t.Errorf("in-word lk2002@exam: %q", got)
	}
}

// An import that merges a later row into a contact it already wrote
// gives up the build beside, which holds the old words, and the index
// has the new ones.
func TestBulkLoadGivesUpTheSideForAnUpdate(t *testing.T) {
	lowBulk(t, 50)
	db, _ := openTest(t, nil)
	n := 3*importBatch + 10
	cs := bulkSet(n)
	late := Contact{Kind: KindLead, FirstName: "Renamed", LastName: "Wombat", Email: "BULK1@example.com"}
	rep, err := db.ImportContactsFrom(t.Context(), n+1, ImportOptions{OnDuplicate: DuplicateUpdate},
		func(add func(*Contact, bool) error) error {
			for i := range cs {
				if err := add(&cs[i], false); err != nil {
					return err
				}
			}
			return add(&late, true)
		})
	if err != nil || rep != (ImportReport{Created: n, Updated: 1}) {
		t.Fatalf("import: %+v %v", rep, err)
	}
	checkCopied(t, db, 0) // a written row changed
	if got := searchNames(t, db, "ombat"); !slices.Equal(got, []string{"Renamed"}) {
		t.Errorf("the merged contact's new name: %q", got)
	}
	if got := searchNames(t, db, "Bulk1 zanzib"); slices.Contains(got, "Bulk1") {
		t.Errorf("the merged contact's old name still found: %q", got)
	}
}

// A scratch directory that a load killed mid-way left behind is removed
// by the next load of the database; a link of such a name is neither
// followed nor removed.
func TestBulkLoadRemovesStaleScratch(t *testing.T) {
	lowBulk(t, 50)
	db, _ := openTest(t, nil)
	stale := scratchPrefix(db.path) + "1234"
	if err := os.MkdirAll(stale, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stale, "search.db"), []byte("half-built"), 0o600); err != nil {
		t.Fatal(err)
	}
	keep := filepath.Join(t.TempDir(), "keep")
	if err := os.WriteFile(keep, []byte("not ours"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := scratchPrefix(db.path) + "link"
	if err := os.Symlink(filepath.Dir(keep), link); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportContacts(t.Context(), bulkSet(300), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale scratch still there: %v", err)
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("a file behind a link was touched: %v", err)
	}
	_ = os.Remove(link)
	checkSearchIndexes(t, db)
}

// A table emptied by forgetting everyone is empty: the search indexes,
// which held only the forgotten people's deletions, are replaced whole by
// those built beside, and nobody forgotten is found again.
func TestBulkLoadIntoATableEmptiedByForget(t *testing.T) {
	lowBulk(t, 50)
	db, _ := openTest(t, nil)
	gone := mustContact(t, db, "Vanished", "Quetzal", "vanished@example.com")
	if _, err := db.Forget(t.Context(), gone.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportContacts(t.Context(), bulkSet(300), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	checkCopied(t, db, 1)
	if got := searchNames(t, db, "uetza"); len(got) != 0 {
		t.Errorf("a forgotten person found: %q", got)
	}
	if got := searchNames(t, db, "bulk299"); !slices.Equal(got, []string{"Bulk299"}) {
		t.Errorf("bulk299: %q", got)
	}
}
