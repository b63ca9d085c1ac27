package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leadmail/leadmail/store"
)

// writeCSV writes content to name in a new temp dir.
func writeCSV(t *testing.T, name, content string) string {
	t.Helper()
	return writeTemp(t, t.TempDir(), name, content)
}

func contactCount(t *testing.T, e cliEnv) int {
	t.Helper()
	if _, err := os.Stat(e.db); err != nil {
		return 0
	}
	db := openEnvDB(t, e)
	n, err := db.CountContacts(t.Context(), store.ContactFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

const rejectsCSV = "First Name,Last Name,Email\nAnn,Lee,ann@x.example\n=HYPERLINK(\"http://evil\"),Bad,not-an-email\n"

// When the rejected rows cannot be written, the import fails and writes
// nothing: the file is written before the commit.
func TestTrust06RejectedFileFailureWritesNothing(t *testing.T) {
	e := emptyEnv(t)
	// A name so long that NAME.rejected.csv is longer than a file name may be.
	p := writeCSV(t, strings.Repeat("a", 245)+".csv", rejectsCSV)
	_, err := e.run(t, "import", p)
	if err == nil || !strings.Contains(err.Error(), "nothing written") || !strings.Contains(err.Error(), "rejected rows") {
		t.Fatalf("err = %v, want a failure that says nothing was written", err)
	}
	if n := contactCount(t, e); n != 0 {
		t.Fatalf("a failed import wrote %d contacts", n)
	}
}

// An existing rejected-rows file, or a symlink in its place, is left as it
// is: the rows go to FILE.rejected-2.csv, mode 0600, and the report says so.
func TestTrust06RejectedFileNeverOverwritten(t *testing.T) {
	e := emptyEnv(t)
	p := writeCSV(t, "leads.csv", rejectsCSV)
	first := p + ".rejected.csv"
	target := filepath.Join(t.TempDir(), "target")
	if err := os.WriteFile(target, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, first); err != nil {
		t.Fatal(err)
	}
	out, err := e.run(t, "import", p)
	if err != nil {
		t.Fatal(err)
	}
	second := p + ".rejected-2.csv"
	if !strings.Contains(out, "Rejected rows written to "+second+" ("+first+" already exists and was left as it was)") {
		t.Errorf("report does not say where the rows went:\n%s", out)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep" {
		t.Errorf("written through the symlink: %q", b)
	}
	fi, err := os.Stat(second)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("second file %v %v, want mode 0600", fi, err)
	}
	r := runImportJSON(t, e, p)
	if r.RejectedFile != p+".rejected-3.csv" {
		t.Errorf("third import wrote %s", r.RejectedFile)
	}
}

// Spreadsheet formulas are escaped in exports and rejected-rows files,
// unless --raw; exports are 0600 and never written through a symlink; the
// import reads the escaped cells back as they were.
func TestTrust08ExportEscapesFormulas(t *testing.T) {
	e := emptyEnv(t)
	if _, err := e.run(t, "import", writeCSV(t, "x.csv", "Name,Email\nSeed,seed@x.example\n")); err != nil {
		t.Fatal(err)
	}
	db := openEnvDB(t, e)
	evil := store.Contact{Kind: store.KindLead, FirstName: "=cmd|' /C calc'!A0", LastName: "+Plus", Email: "evil@x.example",
		Phone: "+1 555", Company: "@SUM(1)", Title: "-2+3", Custom: map[string]string{"note": "\tTab", "cr": "\rCR"}}
	// As an import brings it: a person typing a bare CR is refused.
	if err := db.InsertContacts(t.Context(), []store.Contact{evil}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cells := func(args ...string) map[string]string {
		t.Helper()
		file := filepath.Join(dir, "out.csv")
		_ = os.Remove(file)
		if _, err := e.run(t, append([]string{"export"}, append(args, file)...)...); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(file)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("export %v %v, want mode 0600", fi, err)
		}
		f, _ := os.Open(file)
		defer func() { _ = f.Close() }()
		recs, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs[1:] {
			if slices.Contains(rec, "evil@x.example") {
				m := map[string]string{}
				for i, h := range recs[0] {
					m[h] = rec[i]
				}
				return m
			}
		}
		t.Fatal("evil not exported")
		return nil
	}
	got := cells()
	for col, want := range map[string]string{"first_name": "'=cmd|' /C calc'!A0", "last_name": "'+Plus", "phone": "'+1 555",
		"company": "'@SUM(1)", "title": "'-2+3", "custom.note": "'\tTab", "custom.cr": "'\rCR", "email": "evil@x.example"} {
		if got[col] != want {
			t.Errorf("%s = %q, want %q", col, got[col], want)
		}
	}
	if raw := cells("--raw"); raw["first_name"] != evil.FirstName || raw["company"] != "@SUM(1)" {
		t.Errorf("--raw wrote %q %q", raw["first_name"], raw["company"])
	}
	help, _ := e.run(t, "export", "--help")
	if !strings.Contains(help, "OWASP") || !strings.Contains(help, "--raw") {
		t.Errorf("export --help does not tell of the escaping:\n%s", help)
	}

	// Back in: the ' is dropped again.
	file := filepath.Join(dir, "back.csv")
	if _, err := e.run(t, "export", file); err != nil {
		t.Fatal(err)
	}
	dst := emptyEnv(t)
	if r := runImportJSON(t, dst, file); r.Created != 2 {
		t.Fatalf("reimport %+v", r)
	}
	back, err := openEnvDB(t, dst).ContactByEmail(t.Context(), "evil@x.example")
	if err != nil || back.FirstName != evil.FirstName || back.Company != "@SUM(1)" || back.Phone != "+1 555" {
		t.Errorf("reimported %+v %v", back, err)
	}

	// A symlink in the export's place is refused, its target untouched.
	target := filepath.Join(dir, "target")
	if err := os.WriteFile(target, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.csv")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if _, err := e.run(t, "export", link); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("export through a symlink: %v", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep" {
		t.Errorf("written through the symlink: %q", b)
	}
}

// The rejected-rows file escapes formulas too.
func TestTrust08RejectedFileEscapesFormulas(t *testing.T) {
	e := emptyEnv(t)
	p := writeCSV(t, "leads.csv", rejectsCSV)
	r := runImportJSON(t, e, p)
	b, err := os.ReadFile(r.RejectedFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"'=HYPERLINK(""http://evil"")",Bad,not-an-email`) {
		t.Errorf("rejected file:\n%s", b)
	}
}

// Malformed files: binary is refused with a sentence and writes nothing;
// skipped duplicates are listed by line; columns that import as one field
// are named; a re-import does not duplicate people without email.
func TestTrust07ImportReport(t *testing.T) {
	e := emptyEnv(t)
	zip := writeTemp(t, t.TempDir(), "contacts.csv", "PK\x03\x04\x14\x00\x00\x00binary")
	if _, err := e.run(t, "import", zip); err == nil || !strings.Contains(err.Error(), "zip archive") {
		t.Fatalf("zip: %v", err)
	}
	if n := contactCount(t, e); n != 0 {
		t.Fatalf("a refused file wrote %d contacts", n)
	}
	p := writeCSV(t, "people.csv", "Name,Company,Email,Work Email\n"+
		"Ann Lee,Acme,ann@x.example,\n"+
		"Bo Nomail,Solo,,\n"+
		"Ann Again,Acme,,ANN@x.example\n")
	r := runImportJSON(t, e, p)
	if r.Created != 2 || r.SkippedDuplicates != 1 || len(r.Warnings) != 1 ||
		!strings.Contains(r.Warnings[0], `"Email" and "Work Email" both import as email`) ||
		!slices.Equal(r.Skipped, []rejectedRow{{4, "duplicate of line 2"}}) {
		t.Fatalf("first import %+v", r)
	}
	out, err := e.run(t, "import", p)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"created            0", "skipped duplicates 3",
		"line 2: its email is already known", "line 3: same name and company as a contact already known, no email",
		"line 4: duplicate of line 2", `note: columns "Email" and "Work Email" both import as email`} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if n := contactCount(t, e); n != 2 {
		t.Errorf("%d contacts after the re-import, want 2", n)
	}
}

// Item 15: the progress counts records, not lines: a 7-row file whose
// values span lines, with blank lines, says "of 7".
func TestTrust15ProgressCountsRecords(t *testing.T) {
	var b strings.Builder
	b.WriteString("Name,Email,Address\n")
	for i := range 7 {
		b.WriteString("P" + string(rune('a'+i)) + " Lee,p" + string(rune('a'+i)) + "@x.example,\"1 Main St\r\nSpringfield\"\r\n\r\n")
	}
	p := writeCSV(t, "seven.csv", b.String())
	db := streamDB(t)
	var first *store.ImportProgress
	rep, err := streamImport(t.Context(), t, db, p, importOptions{onDup: store.DuplicateSkip}, func(pr store.ImportProgress) {
		if first == nil {
			first = &pr
		}
	})
	if err != nil || rep.Created != 7 {
		t.Fatalf("import %+v %v", rep, err)
	}
	if first == nil || first.Total != 7 {
		t.Errorf("first progress %+v, want a total of 7", first)
	}
	// The count that ends the stage is printed, however soon it comes.
	var out strings.Builder
	show := importProgress(&out)
	show(store.ImportProgress{Stage: store.StageInsert, Done: 0, Total: 7})
	show(store.ImportProgress{Stage: store.StageInsert, Done: 7, Total: 7})
	if !strings.Contains(out.String(), "inserting 7 of 7 contacts") {
		t.Errorf("progress printed %q", out.String())
	}
}

// The TUI's preview says who "you" are, so the owner starts on you: the
// user given, else the only user there is.
func TestTrust07TUIPreviewKnowsYou(t *testing.T) {
	e := emptyEnv(t)
	db := openEnvDB(t, e)
	sam, err := db.UpsertUser(t.Context(), store.User{Name: "Sam Sales", Email: "sam@example.com", Role: store.RoleSalesperson})
	if err != nil {
		t.Fatal(err)
	}
	path := writeCSV(t, "x.csv", "Name,Email,Mail\nAnn Lee,ann@x.example,\n")
	p, err := tuiImporter{db: db}.Preview(t.Context(), path)
	if err != nil || p.Me != sam.ID || len(p.Warnings) != 1 {
		t.Fatalf("preview Me %d, warnings %q, %v; want %d and one warning", p.Me, p.Warnings, err, sam.ID)
	}
	kim, err := db.UpsertUser(t.Context(), store.User{Name: "Kim", Email: "kim@example.com", Role: store.RoleSalesperson})
	if err != nil {
		t.Fatal(err)
	}
	if p, err = (tuiImporter{db: db, me: kim.ID}).Preview(t.Context(), path); err != nil || p.Me != kim.ID {
		t.Errorf("preview Me %d, %v; want %d", p.Me, err, kim.ID)
	}
	if p, err = (tuiImporter{db: db}).Preview(t.Context(), path); err != nil || p.Me != 0 {
		t.Errorf("two users, none given: Me %d, %v", p.Me, err)
	}
}
