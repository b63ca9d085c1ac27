package store

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// segments counts the segments of search index fts: one first leaf each.
func segments(t testing.TB, db *DB, fts string) int {
	t.Helper()
	var n int
	if err := db.sql.QueryRowContext(t.Context(), `SELECT count(*) FROM `+fts+`_data
WHERE id > 10 AND (id >> 37) > 0 AND ((id >> 31) & 63) = 0 AND (id & 2147483647) = 1`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// editTimes saves n edits of contact c, each its own transaction, so each
// writes one new segment per search index.
func editTimes(t *testing.T, db *DB, c Contact, n int) Contact {
	t.Helper()
	for i := range n {
		var err error
		if c, err = db.UpdateContact(t.Context(), c.ID, c.Version, ContactChanges{Company: ptr(fmt.Sprintf("Merge Works %d", i))}); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// TestEditsDoNotMerge: an edit leaves its segment for the background merge
// (no edit pays for one), and mergeSearch, step by step, brings the
// segments down, keeps the indexes whole and the search right.
func TestEditsDoNotMerge(t *testing.T) {
	ctx := t.Context()
	db := openAt(t, filepath.Join(t.TempDir(), "leadmail.db"), Options{CheckpointInterval: time.Hour})
	c := Contact{Kind: KindLead, FirstName: "Mira", LastName: "Segment", Email: "mira@segment.example"}
	if err := db.CreateContact(ctx, &c); err != nil {
		t.Fatal(err)
	}
	before := map[string]int{}
	for _, fts := range searchTables {
		before[fts] = segments(t, db, fts)
	}
	c = editTimes(t, db, c, 12)
	for _, fts := range searchTables {
		if got := segments(t, db, fts); got != before[fts]+12 {
			t.Errorf("%s: %d segments after 12 edits, want %d: an edit merged", fts, got, before[fts]+12)
		}
	}
	steps := 0
	for ; steps < 100; steps++ {
		worked, err := db.mergeSearch(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !worked {
			break
		}
	}
	if steps == 0 || steps == 100 {
		t.Fatalf("%d merge steps: want some, then none left", steps)
	}
	for _, fts := range searchTables {
		if got := segments(t, db, fts); got >= 4 {
			t.Errorf("%s: %d segments after merging, want fewer than usermerge (4)", fts, got)
		}
		if _, err := db.sql.ExecContext(ctx, `INSERT INTO `+fts+` (`+fts+`) VALUES ('integrity-check')`); err != nil {
			t.Errorf("%s: %v", fts, err)
		}
	}
	for search, want := range map[string]int{"Merge Works 11": 1, "erge": 1, "Merge Works 10": 0, "segm": 1} {
		if n, err := db.CountContacts(ctx, ContactFilter{Search: search}); err != nil || n != want {
			t.Errorf("search %q: %d, %v; want %d", search, n, err, want)
		}
	}
}

// TestCheckpointerMerges: left alone, the checkpointer merges what edits
// left behind.
func TestCheckpointerMerges(t *testing.T) {
	db := openAt(t, filepath.Join(t.TempDir(), "leadmail.db"), Options{CheckpointInterval: 5 * time.Millisecond})
	c := Contact{Kind: KindLead, FirstName: "Otto", LastName: "Background", Email: "otto@background.example"}
	if err := db.CreateContact(t.Context(), &c); err != nil {
		t.Fatal(err)
	}
	editTimes(t, db, c, 12)
	// The step is counted just after its merge commits: wait for both.
	eventually(t, "the background merge to leave fewer than 4 segments per index, and be counted", func() bool {
		return segments(t, db, "contacts_fts") < 4 && segments(t, db, "contacts_trigram") < 4 && db.merges.Load() > 0
	})
}
