package store

import (
	"bytes"
	"slices"
	"testing"
	"unicode/utf8"
)

// TestNoCompanyKeySortsLast: no collation key reaches noCompanyKey, for
// any code point at the start of a company name, in the root collation
// and in locales with tailorings of their own (every code point for the
// root, a spread of them elsewhere, to keep -race quick).
func TestNoCompanyKeySortsLast(t *testing.T) {
	for _, tc := range []struct {
		locale string
		step   rune
	}{{"und", 1}, {"sv", 37}, {"de", 37}, {"ja", 37}, {"zh", 37}, {"tr", 37}} {
		k := getCollator(tc.locale)
		for r := rune(0); r <= utf8.MaxRune; r += tc.step {
			if !utf8.ValidRune(r) {
				continue
			}
			if key := k.key(nil, string(r)+"Co"); bytes.Compare(key, noCompanyKey) >= 0 {
				t.Fatalf("%s: the key of %U… is % x, not before % x", tc.locale, r, key, noCompanyKey)
			}
		}
		for _, s := range []string{"\uffff", "\U0010fffd", "ｚ", "Ω", "龘"} {
			if key := k.key(nil, s); bytes.Compare(key, noCompanyKey) >= 0 {
				t.Errorf("%s: the key of %q is % x, not before % x", tc.locale, s, key, noCompanyKey)
			}
		}
		putCollator(tc.locale, k)
	}
}

// companyOrder is the last names of the contacts in company order.
func companyOrder(t *testing.T, db *DB, desc bool) []string {
	t.Helper()
	p, err := db.ListContacts(t.Context(), PageRequest{Sort: SortCompany, Desc: desc, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return lastNames(p)
}

// Contacts without a company come after every company in company order
// (they came first), however they got there: created, imported in bulk,
// edited to no company, or keyed before migration 0012; descending too.
func TestNoCompanyComesLastInCompanyOrder(t *testing.T) {
	lowBulk(t, 50)
	db, _ := openTest(t, nil)
	for _, c := range []Contact{
		{FirstName: "Ann", LastName: "Zeta", Company: "Zeta Werke", Email: "ann@zeta.example"},
		{FirstName: "Bo", LastName: "Nobody", Email: "bo@none.example"},
		{FirstName: "Cy", LastName: "Acme", Company: "Acme", Email: "cy@acme.example"},
		{FirstName: "Di", LastName: "Ångström", Company: "Ångström Optics", Email: "di@optics.example"},
	} {
		c.Kind = KindLead
		if err := db.CreateContact(t.Context(), &c); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"Acme", "Ångström", "Zeta", "Nobody"} // Å is an A in the root collation
	if got := companyOrder(t, db, false); !slices.Equal(got, want) {
		t.Errorf("company order: %q, want %q", got, want)
	}
	if got := companyOrder(t, db, true); !slices.Equal(got, []string{"Zeta", "Ångström", "Acme", "Nobody"}) {
		t.Errorf("company order descending: %q", got)
	}

	// Edited to no company: among themselves, those without one are in
	// id order.
	acme, err := db.ContactByEmail(t.Context(), "cy@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateContact(t.Context(), acme.ID, acme.Version, ContactChanges{Company: ptr("")}); err != nil {
		t.Fatal(err)
	}
	if got := companyOrder(t, db, false); !slices.Equal(got, []string{"Ångström", "Zeta", "Nobody", "Acme"}) {
		t.Errorf("after Acme lost its company: %q", got)
	}

	// A bulk load, and a key stored before 0012, which a reopen remakes.
	cs := bulkSet(60)
	for i := range cs {
		cs[i].Company = ""
	}
	cs[0].LastName, cs[0].Company = "Bulkco", "Bulk Company"
	cs[1].LastName, cs[1].Company = "Acmeco", "Acme Again"
	if _, err := db.ImportContacts(t.Context(), cs, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	got := companyOrder(t, db, false)
	if !slices.Equal(got[:3], []string{"Acmeco", "Ångström", "Bulkco"}) || len(got) != 64 {
		t.Errorf("after a bulk import: %q…", got[:min(5, len(got))])
	}
	if _, err := db.sql.ExecContext(t.Context(), `UPDATE contacts SET company_key = leadmail_name_key('', '', '', '') WHERE last_name = 'Nobody'`); err != nil {
		t.Fatal(err)
	}
	if got := companyOrder(t, db, false); got[0] != "Nobody" {
		t.Fatalf("a key of before 0012 did not come first: %q", got[:3])
	}
	if _, err := db.sql.ExecContext(t.Context(), `DELETE FROM schema_migrations WHERE version = 12`); err != nil {
		t.Fatal(err)
	}
	path := db.path
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openAt(t, path, Options{})
	if got := companyOrder(t, db, false); !slices.Equal(got[:3], []string{"Acmeco", "Ångström", "Bulkco"}) {
		t.Errorf("after migration 0012: %q…", got[:3])
	}
}
