package store

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"
)

// lowBulk makes loads of n rows or more take the bulk path for one test.
func lowBulk(t *testing.T, n int64) {
	old := bulkMinRows
	bulkMinRows = n
	t.Cleanup(func() { bulkMinRows = old })
}

func bulkSet(n int) []Contact {
	cs := make([]Contact, n)
	for i := range cs {
		cs[i] = Contact{Kind: KindLead, FirstName: fmt.Sprintf("Bulk%d", i), LastName: "Zanzibar",
			Email: fmt.Sprintf("bulk%d@example.com", i), Company: "Loadco",
			Custom: map[string]string{"row": fmt.Sprint(i)}}
	}
	return cs
}

func TestImportContactsBulk(t *testing.T) {
	lowBulk(t, 50)
	db, _ := openTest(t, nil)
	for i := range 10 {
		mustContact(t, db, "Old", fmt.Sprintf("Timer%d", i), fmt.Sprintf("old%d@example.com", i))
	}
	schema := schemaText(t, db)
	cs := bulkSet(300)
	cs[7].Email = "OLD3@example.com"              // already in the database
	cs[8].Email = cs[9].Email                     // twice in the file
	cs[10].Email, cs[10].FirstName = "", "Nomail" // kept without an email
	rep, err := db.ImportContacts(t.Context(), cs, ImportOptions{Source: "big.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if rep != (ImportReport{Created: 298, Skipped: 2}) {
		t.Fatalf("report %+v", rep)
	}
	if got := schemaText(t, db); got != schema {
		t.Errorf("schema after a bulk import differs:\n%s", firstDiff(got, schema))
	}
	var check string
	if err := db.sql.QueryRowContext(t.Context(), `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q %v", check, err)
	}
	// rank = 1 compares the index with the content table, row by row.
	if _, err := db.sql.ExecContext(t.Context(),
		`INSERT INTO contacts_fts (contacts_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Fatalf("FTS index out of step with contacts: %v", err)
	}
	if n := rowCount(t, db, "contacts"); n != 10+298 {
		t.Errorf("%d contacts", n)
	}
	var imported int
	if err := db.sql.QueryRowContext(t.Context(), `SELECT count(*) FROM events
WHERE subject = 'Created — imported from big.csv' AND contact_id > ?`, cs[0].ID-1).Scan(&imported); err != nil || imported != 298 {
		t.Errorf("%d import events (%v), want one per created contact", imported, err)
	}
	page, err := db.ListContacts(t.Context(), PageRequest{Filter: ContactFilter{Search: "zanzi bulk29"}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range page.Contacts {
		names = append(names, c.FirstName)
	}
	if strings.Join(names, ",") != "Bulk29,Bulk290,Bulk291,Bulk292,Bulk293,Bulk294,Bulk295,Bulk296,Bulk297,Bulk298,Bulk299" {
		t.Errorf("search found %v", names)
	}
	got, err := db.GetContact(t.Context(), cs[299].ID)
	if err != nil || got.Custom["row"] != "299" || got.Email != "bulk299@example.com" {
		t.Errorf("contact %+v %v", got, err)
	}
	ev, err := db.Timeline(t.Context(), cs[299].ID, 0)
	if err != nil || len(ev) != 1 || ev[0].Subject != "Created — imported from big.csv" {
		t.Errorf("timeline %+v %v", ev, err)
	}
	// The triggers are back: a contact created afterwards is searchable.
	late := mustContact(t, db, "Latecomer", "Quokka", "late@example.com")
	page, err = db.ListContacts(t.Context(), PageRequest{Filter: ContactFilter{Search: "quokk"}})
	if err != nil || len(page.Contacts) != 1 || page.Contacts[0].ID != late.ID {
		t.Errorf("search after the bulk import: %+v %v", page.Contacts, err)
	}
}

func TestImportContactsBulkCancelledChangesNothing(t *testing.T) {
	lowBulk(t, 50)
	db, _ := openTest(t, nil)
	mustContact(t, db, "Old", "Timer", "old@example.com")
	schema, before := schemaText(t, db), counts(t, db)
	cs := bulkSet(3 * insertBatch)
	ctx := &cancelAfter{Context: t.Context()}
	ctx.n.Store(int64(len(cs)) + 2) // past the duplicate checks, into the inserts
	_, err := db.ImportContacts(ctx, cs, ImportOptions{})
	wantErr(t, err, context.Canceled)
	if got := schemaText(t, db); got != schema {
		t.Errorf("schema after a cancelled bulk import differs:\n%s", firstDiff(got, schema))
	}
	if after := counts(t, db); !maps.Equal(before, after) {
		t.Errorf("cancelled import wrote: %v -> %v", before, after)
	}
	// Indexes and triggers work as before.
	c := mustContact(t, db, "Still", "Searchable", "still@example.com")
	page, err := db.ListContacts(t.Context(), PageRequest{Filter: ContactFilter{Search: "searcha"}})
	if err != nil || len(page.Contacts) != 1 || page.Contacts[0].ID != c.ID {
		t.Errorf("search after a cancelled bulk import: %+v %v", page.Contacts, err)
	}
}

func TestUseBulk(t *testing.T) {
	for _, tc := range []struct {
		n, existing int64
		want        bool
	}{
		{0, 0, false},
		{bulkMinRows - 1, 0, false},
		{bulkMinRows, 0, true},
		{bulkMinRows, 2 * bulkMinRows, true},
		{bulkMinRows, 2*bulkMinRows + 1, false},
		{1_000_000, 1_500_000, true},
	} {
		if got := useBulk(tc.n, tc.existing); got != tc.want {
			t.Errorf("useBulk(%d, %d) = %v", tc.n, tc.existing, got)
		}
	}
}

// A duplicate within the file whose first row was written batches ago is
// merged into it in the database, the search index kept in step whether or
// not the indexes were dropped.
func TestImportContactsFromMergesWrittenDuplicates(t *testing.T) {
	for _, bulk := range []bool{false, true} {
		t.Run(fmt.Sprintf("bulk=%v", bulk), func(t *testing.T) {
			if bulk {
				lowBulk(t, 50)
			}
			db, _ := openTest(t, nil)
			mustContact(t, db, "Old", "Timer", "old@example.com")
			n := 3*importBatch + 10
			cs := bulkSet(n)
			cs[5].Email = "old@example.com" // in the database
			late := Contact{Kind: KindLead, FirstName: "Renamed", Email: "BULK1@example.com",
				Custom: map[string]string{"late": "yes"}}
			again := Contact{Kind: KindLead, Company: "Newco", Email: "old@example.com"}
			rep, err := db.ImportContactsFrom(t.Context(), n+2, ImportOptions{OnDuplicate: DuplicateUpdate},
				func(add func(*Contact, bool) error) error {
					for i := range cs {
						if err := add(&cs[i], false); err != nil {
							return err
						}
					}
					if err := add(&late, true); err != nil {
						return err
					}
					return add(&again, true)
				})
			if err != nil {
				t.Fatal(err)
			}
			if rep != (ImportReport{Created: n - 1, Updated: 3}) {
				t.Fatalf("report %+v", rep)
			}
			if _, err := db.sql.ExecContext(t.Context(),
				`INSERT INTO contacts_fts (contacts_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
				t.Fatalf("FTS index out of step with contacts: %v", err)
			}
			c, err := db.ContactByEmail(t.Context(), "bulk1@example.com")
			if err != nil {
				t.Fatal(err)
			}
			if c.FirstName != "Renamed" || c.Custom["late"] != "yes" || c.Custom["row"] != "1" || c.ID != cs[1].ID {
				t.Errorf("merged contact %+v", c)
			}
			var hits int
			if err := db.sql.QueryRowContext(t.Context(),
				`SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH 'Renamed'`).Scan(&hits); err != nil || hits != 1 {
				t.Errorf("search for the new name: %d hits, %v", hits, err)
			}
			if old, err := db.ContactByEmail(t.Context(), "old@example.com"); err != nil || old.Company != "Newco" {
				t.Errorf("contact in the database: %+v %v", old, err)
			}
		})
	}
}

// Into an empty table, skipping duplicates, an import looks nothing up and
// drops the email index too; all of it comes back.
func TestImportContactsBulkIntoEmptyTable(t *testing.T) {
	lowBulk(t, 50)
	db, _ := openTest(t, nil)
	schema := schemaText(t, db)
	cs := bulkSet(2*importBatch + 3)
	cs[importBatch+5].Email = strings.ToUpper(cs[2].Email) // a duplicate written long before
	rep, err := db.ImportContacts(t.Context(), cs, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep != (ImportReport{Created: len(cs) - 1, Skipped: 1}) {
		t.Fatalf("report %+v", rep)
	}
	if got := schemaText(t, db); got != schema {
		t.Errorf("schema after a bulk import differs:\n%s", firstDiff(got, schema))
	}
	if _, err := db.sql.ExecContext(t.Context(),
		`INSERT INTO contacts_fts (contacts_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Fatalf("FTS index out of step with contacts: %v", err)
	}
	if c, err := db.ContactByEmail(t.Context(), cs[2].Email); err != nil || c.ID != cs[2].ID {
		t.Errorf("lookup by email after the load: %+v %v", c, err)
	}
}
