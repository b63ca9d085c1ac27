package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leadmail/leadmail/store"
)

// fixture copies a store/importer test file into a temp dir, so the
// rejected-rows file lands there.
func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "store", "importer", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// emptyEnv is an isolated home with a database that has no contacts.
func emptyEnv(t *testing.T) cliEnv {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", filepath.Join(dir, "data"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	for _, k := range []string{"LEADMAIL_SMTP_HOST", "LEADMAIL_USER_EMAIL", "LEADMAIL_SMTP_PASSWORD"} {
		t.Setenv(k, "")
	}
	return cliEnv{db: filepath.Join(dir, "crm.db")}
}

func runImportJSON(t *testing.T, e cliEnv, args ...string) importReport {
	t.Helper()
	out, err := e.run(t, append([]string{"import", "--json"}, args...)...)
	if err != nil {
		t.Fatalf("import %v: %v", args, err)
	}
	var r importReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return r
}

func openEnvDB(t *testing.T, e cliEnv) *store.DB {
	t.Helper()
	db, err := store.Open(t.Context(), e.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeDB(t, db) })
	return db
}

func TestImportTricky(t *testing.T) {
	e := emptyEnv(t)
	p := fixture(t, "tricky.csv")

	dry := runImportJSON(t, e, p, "--dry-run")
	if !dry.DryRun || dry.Created != 2 || dry.RejectedFile != "" {
		t.Fatalf("dry run %+v", dry)
	}
	if _, err := os.Stat(p + ".rejected.csv"); !os.IsNotExist(err) {
		t.Errorf("dry run wrote the rejected file: %v", err)
	}
	if _, err := os.Stat(e.db); err == nil {
		db := openEnvDB(t, e)
		if n, _ := db.CountContacts(t.Context(), store.ContactFilter{}); n != 0 {
			t.Fatalf("dry run wrote %d contacts", n)
		}
	}

	r := runImportJSON(t, e, p, "--kind", "contact")
	want := importReport{File: p, Format: "csv", Source: "generic", Read: 5, Created: 2,
		SkippedDuplicates: 1, NoEmail: 1, RejectedFile: p + ".rejected.csv",
		Invalid: []rejectedRow{{8, "no name and no email"}, {9, `invalid email "not-an-email"`}}}
	if r.File != want.File || r.Read != want.Read || r.Created != want.Created ||
		r.SkippedDuplicates != want.SkippedDuplicates || r.NoEmail != want.NoEmail ||
		r.RejectedFile != want.RejectedFile || !slices.Equal(r.Invalid, want.Invalid) {
		t.Fatalf("report\n got %+v\nwant %+v", r, want)
	}
	rej, err := os.ReadFile(r.RejectedFile)
	if err != nil {
		t.Fatal(err)
	}
	wantRej := "line,reason,Given Name,Family Name,Work Email,Organization 1 - Name,Notes\n" +
		"8,no name and no email,,,,Only Company,\n" +
		"9,\"invalid email \"\"not-an-email\"\"\",Bad,Mail,not-an-email,,\n"
	if string(rej) != wantRej {
		t.Errorf("rejected file\n%s\nwant\n%s", rej, wantRej)
	}

	db := openEnvDB(t, e)
	c, err := db.ContactByEmail(t.Context(), "RENEE@example.com")
	if err != nil || c.FirstName != "Renée" || c.Kind != store.KindContact || c.Custom["notes"] != "line one\nline two" {
		t.Fatalf("imported %+v %v", c, err)
	}
	ev, err := db.Timeline(t.Context(), c.ID, 0)
	if err != nil || len(ev) != 1 || ev[0].Subject != "Created — imported from tricky.csv" {
		t.Errorf("timeline %+v %v", ev, err)
	}

	// Again, against the database: everyone is a duplicate, the person
	// without email known by name and company.
	r = runImportJSON(t, e, p)
	if r.Created != 0 || r.SkippedDuplicates != 3 || r.Updated != 0 {
		t.Errorf("second import %+v", r)
	}
	r = runImportJSON(t, e, p, "--on-duplicate", "update")
	if r.Created != 0 || r.Updated != 3 || r.SkippedDuplicates != 0 {
		t.Errorf("update import %+v", r)
	}
	c, err = db.ContactByEmail(t.Context(), "renee@example.com")
	if err != nil || c.FirstName != "Dup" || c.Company != "Other" {
		t.Errorf("updated %+v %v", c, err)
	}
}

func TestImportFormatsCLI(t *testing.T) {
	e := emptyEnv(t)
	for _, tt := range []struct {
		file, source string
		created      int
	}{
		{"hubspot.csv", "hubspot", 2},
		{"salesforce.csv", "salesforce", 2},
		{"google.csv", "google", 1},
		{"google_legacy.csv", "google-legacy", 1},
		{"outlook.csv", "outlook", 1},
		{"pipedrive.csv", "pipedrive", 1},
		{"thunderbird.csv", "thunderbird", 1},
		{"utf16.csv", "generic", 2},
		{"cp1252.csv", "generic", 1},
		{"contacts21.vcf", "vcard", 1},
		{"contacts3.vcf", "vcard", 3},
	} {
		r := runImportJSON(t, e, fixture(t, tt.file))
		if r.Source != tt.source || r.Created != tt.created {
			t.Errorf("%s: source %s created %d, want %s %d", tt.file, r.Source, r.Created, tt.source, tt.created)
		}
	}
	db := openEnvDB(t, e)
	if n, _ := db.CountContacts(t.Context(), store.ContactFilter{}); n != 16 {
		t.Errorf("%d contacts, want 16", n)
	}
	c, err := db.ContactByEmail(t.Context(), "francois@example.fr")
	if err != nil || c.LastName != "Dupré" || c.Company != "Société Générale" || c.Kind != store.KindLead {
		t.Errorf("cp1252 %+v %v", c, err)
	}
}

func TestImportFlagsRefused(t *testing.T) {
	e := emptyEnv(t)
	p := fixture(t, "google.csv")
	for _, args := range [][]string{
		{"import", p, "--kind", "boss"},
		{"import", p, "--on-duplicate", "merge"},
		{"import", p, "--format", "xls"},
		{"import", p, "--map", "Email"},
		{"import", p, "--map", "Email=mail"},
		{"import", p, "--owner", "nobody@example.com"},
		{"import", filepath.Join(t.TempDir(), "missing.csv")},
		{"export", "-", "--format", "xls"},
	} {
		if _, err := e.run(t, args...); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

// TestExportRoundTrip exports the demo database, imports the file into an
// empty one and compares every contact.
func TestExportRoundTrip(t *testing.T) {
	for _, format := range []string{"csv", "vcard"} {
		t.Run(format, func(t *testing.T) {
			src := newCLIEnv(t)
			srcDB := openEnvDB(t, src)
			// Custom fields, a contact without email and awkward text.
			for _, c := range []store.Contact{
				{Kind: store.KindContact, Status: store.StatusQualified, FirstName: "Zoë", LastName: "O'Brien, Jr.",
					Email: "zoe@example.ie", Company: "Acme; \"Intl\"", City: "Dún Laoghaire", Country: "Ireland",
					Custom: map[string]string{"tier": "gold", "note": "two\nlines, with comma"}},
				{Kind: store.KindLead, FirstName: "Solo", LastName: "Nomail", Phone: "+1 555"},
			} {
				if err := srcDB.CreateContact(t.Context(), &c); err != nil {
					t.Fatal(err)
				}
			}
			file := filepath.Join(t.TempDir(), "all."+format)
			if _, err := src.run(t, "export", "--format", format, file); err != nil {
				t.Fatal(err)
			}
			want := allContacts(t, srcDB)
			if len(want) < 10 {
				t.Fatalf("only %d contacts to compare", len(want))
			}
			users, err := srcDB.ListUsers(t.Context())
			if err != nil {
				t.Fatal(err)
			}

			dst := emptyEnv(t)
			t.Setenv("LEADMAIL_USER_EMAIL", demoSender.Email) // the team came along: say who imports
			dstDB := openEnvDB(t, dst)
			for _, u := range users {
				if _, err := dstDB.UpsertUser(t.Context(), u); err != nil {
					t.Fatal(err)
				}
			}
			r := runImportJSON(t, dst, file)
			if r.Created != len(want) || len(r.Invalid) != 0 || r.SkippedDuplicates != 0 {
				t.Fatalf("report %+v, want %d created", r, len(want))
			}
			got := allContacts(t, dstDB)
			if len(got) != len(want) {
				t.Fatalf("%d contacts, want %d", len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("contact %d\n got %s\nwant %s", i, got[i], want[i])
				}
			}
		})
	}
}

// allContacts lists every contact as comparable text, without ids and
// times, in display order.
func allContacts(t *testing.T, db *store.DB) []string {
	t.Helper()
	var out []string
	err := eachContact(t.Context(), db, store.ContactFilter{}, func(c store.Contact) error {
		custom, _ := json.Marshal(c.Custom)
		out = append(out, strings.Join([]string{string(c.Kind), string(c.Status), c.FirstName,
			c.LastName, c.Email, c.Phone, c.Company, c.Title, c.City, c.Country, c.OwnerName,
			string(custom)}, "|"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestImportResolvesOwnersByNameOrEmail(t *testing.T) {
	e := newCLIEnv(t) // Sam Rivera and the demo team
	path := filepath.Join(t.TempDir(), "hubspot.csv")
	csv := "\ufeffRecord ID,First Name,Last Name,Email,Contact owner\r\n" +
		"1,Ann,Ash,ann@owners.example,Sam Rivera\r\n" +
		"2,Bo,Birch,bo@owners.example,SAM.RIVERA@brightwave.example\r\n" +
		"3,Cy,Cedar,cy@owners.example,Jane Doe\r\n" +
		"4,Di,Dogwood,di@owners.example,Jane Doe\r\n"
	if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runImportJSON(t, e, "--db", e.db, path)
	if r.Created != 4 || r.UnknownOwners["Jane Doe"] != 2 || len(r.UnknownOwners) != 1 {
		t.Fatalf("report %+v", r)
	}
	db := openEnvDB(t, e)
	for email, owner := range map[string]string{"ann@owners.example": "Sam Rivera",
		"bo@owners.example": "Sam Rivera", "cy@owners.example": ""} {
		c, err := db.ContactByEmail(t.Context(), email)
		if err != nil {
			t.Fatal(err)
		}
		if c.OwnerName != owner {
			t.Errorf("%s: owner %q, want %q", email, c.OwnerName, owner)
		}
		if owner == "" && c.Custom["owner"] != "Jane Doe" {
			t.Errorf("%s: unknown owner not kept: %v", email, c.Custom)
		}
	}
	out, err := e.run(t, "import", "--db", e.db, "--dry-run", path)
	if err != nil || !strings.Contains(out, `owner "Jane Doe" is no user here: 2 rows left unassigned`) {
		t.Errorf("report:\n%s %v", out, err)
	}
}
