package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leadmail/leadmail/store"
)

// streamCSV writes a CSV of n people, more than one batch of the store's
// import, with duplicates near and far, a known email and invalid rows.
func streamCSV(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("First Name,Last Name,Email,Company,Contact owner\n")
	for i := range n {
		email := fmt.Sprintf("p%d@stream.example", i)
		company, owner := "", ""
		switch i {
		case 7:
			email = "known@stream.example" // in the database already
		case 10, 20:
			email = "bad-email" // invalid
		case 15:
			email = "P3@Stream.example" // a duplicate of line 5, in its batch
			company = "Near"
		case n - 5:
			email = "p4@stream.example" // a duplicate of line 6, written long ago
			company, owner = "Far", "Nobody Here"
		}
		fmt.Fprintf(&b, "Pat%d,Stream,%s,%s,%s\n", i, email, company, owner)
	}
	path := filepath.Join(t.TempDir(), "stream.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func streamDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "crm.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeDB(t, db) })
	if err := db.CreateContact(t.Context(), &store.Contact{Kind: store.KindLead, FirstName: "Known",
		Email: "known@stream.example"}); err != nil {
		t.Fatal(err)
	}
	return db
}

func streamImport(ctx context.Context, t *testing.T, db *store.DB, path string, o importOptions,
	progress func(store.ImportProgress)) (importReport, error) {
	t.Helper()
	in, err := openImportFile(ctx, path, o)
	if err != nil {
		t.Fatal(err)
	}
	defer in.close()
	return applyImport(ctx, db, in, o, progress)
}

func TestImportStreamsLargeFiles(t *testing.T) {
	const n = 2500
	path := streamCSV(t, n)
	for _, tc := range []struct {
		onDup                            store.OnDuplicate
		created, updated, skipped        int
		p3Company, p4Company, knownFirst string
	}{
		{store.DuplicateSkip, n - 5, 0, 3, "", "", "Known"},
		{store.DuplicateUpdate, n - 5, 3, 0, "Near", "Far", "Pat7"},
	} {
		t.Run(string(tc.onDup), func(t *testing.T) {
			db := streamDB(t)
			// Each run's rejected rows go to a new file beside the first.
			if err := os.Remove(path + ".rejected.csv"); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			var last store.ImportProgress
			rep, err := streamImport(t.Context(), t, db, path, importOptions{onDup: tc.onDup},
				func(p store.ImportProgress) {
					if p.Stage == store.StageInsert {
						last = p
					}
				})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Read != n || rep.Created != tc.created || rep.Updated != tc.updated ||
				rep.SkippedDuplicates != tc.skipped || len(rep.Invalid) != 2 || rep.Invalid[0].Line != 12 ||
				rep.RejectedFile != path+".rejected.csv" {
				t.Errorf("report %+v", rep)
			}
			if tc.onDup == store.DuplicateUpdate && rep.UnknownOwners["Nobody Here"] != 1 {
				t.Errorf("unknown owners %v", rep.UnknownOwners)
			}
			if last.Done != n-2 || last.Total != n-2 {
				t.Errorf("last progress %+v", last)
			}
			for email, want := range map[string]string{"p3@stream.example": tc.p3Company,
				"p4@stream.example": tc.p4Company} {
				c, err := db.ContactByEmail(t.Context(), email)
				if err != nil || c.Company != want {
					t.Errorf("%s: company %q, want %q (%v)", email, c.Company, want, err)
				}
			}
			if c, err := db.ContactByEmail(t.Context(), "known@stream.example"); err != nil || c.FirstName != tc.knownFirst {
				t.Errorf("known contact %+v %v", c, err)
			}
			if got := countContacts(t, db); got != 1+tc.created {
				t.Errorf("%d contacts", got)
			}
		})
	}
}

func TestImportStreamCancelledWritesNothing(t *testing.T) {
	path := streamCSV(t, 2500)
	db := streamDB(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	_, err := streamImport(ctx, t, db, path, importOptions{onDup: store.DuplicateUpdate},
		func(p store.ImportProgress) {
			if p.Done >= 1500 {
				cancel() // after a batch or so was written
			}
		})
	if err == nil || !strings.Contains(err.Error(), "nothing written") {
		t.Fatalf("err %v", err)
	}
	if got := countContacts(t, db); got != 1 {
		t.Errorf("%d contacts after a cancelled import", got)
	}
	if _, err := os.Stat(path + ".rejected.csv"); !os.IsNotExist(err) {
		t.Errorf("rejected file written: %v", err)
	}
}

func countContacts(t *testing.T, db *store.DB) int {
	t.Helper()
	n, err := db.CountContacts(t.Context(), store.ContactFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
