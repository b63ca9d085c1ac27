package importer

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/leadmail/leadmail/store"
)

func readFixture(t *testing.T, name string, opts Options) *Result {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	res, err := Read(f, opts)
	if err != nil {
		t.Fatalf("Read %s: %v", name, err)
	}
	return res
}

// want is the part of a contact a fixture test checks; empty fields must be
// empty.
type want struct {
	first, last, email, phone, company, title, city, country string
	custom                                                   map[string]string
	owner                                                    string // Row.Owner
}

func checkContact(t *testing.T, got store.Contact, w want) {
	t.Helper()
	g := [8]string{got.FirstName, got.LastName, got.Email, got.Phone, got.Company, got.Title, got.City, got.Country}
	w2 := [8]string{w.first, w.last, w.email, w.phone, w.company, w.title, w.city, w.country}
	if g != w2 {
		t.Errorf("contact\n got %q\nwant %q", g, w2)
	}
	for k, v := range w.custom {
		if got.Custom[k] != v {
			t.Errorf("custom %s = %q, want %q (all: %v)", k, got.Custom[k], v, got.Custom)
		}
	}
}

func TestFormats(t *testing.T) {
	tests := []struct {
		file       string
		format     Format
		source     string
		read, dups int
		invalid    []int // lines
		first      want
	}{
		{"hubspot.csv", FormatCSV, "hubspot", 4, 1, []int{4},
			want{first: "José", last: "García", email: "jose@acme.es", phone: "+34 600 000 001",
				company: "Acme SL", title: "CEO", city: "Madrid", country: "Spain",
				custom: map[string]string{"record_id": "101", "lifecycle_stage": "lead"}, owner: "owner@x.com"}},
		{"salesforce.csv", FormatCSV, "salesforce", 2, 0, nil,
			want{first: "Marie", last: "Curie", email: "marie@radium.fr", phone: "+33 1",
				company: "Radium Institute", title: "Physicist", city: "Paris", country: "France",
				owner: "Jane Doe"}},
		{"salesforce_leads.csv", FormatCSV, "salesforce", 1, 0, nil,
			want{first: "Émile", last: "Zola", email: "emile@zola.fr", company: "Éditions Charpentier",
				title: "Writer", city: "Paris", country: "France",
				custom: map[string]string{"lead_status": "Open - Not Contacted"}, owner: "Jane Doe"}},
		{"google.csv", FormatCSV, "google", 1, 0, nil,
			want{first: "Ada", last: "Lovelace", email: "ada@engines.co.uk", phone: "+44 20 0000",
				company: "Analytical Engines", title: "Countess", city: "London", country: "UK",
				custom: map[string]string{"labels": "* myContacts"}}},
		{"google_legacy.csv", FormatCSV, "google-legacy", 1, 0, nil,
			want{first: "Alan", last: "Turing", email: "alan@bletchley.uk", phone: "+44 1908",
				company: "Bletchley Park", title: "Cryptanalyst"}},
		{"outlook.csv", FormatCSV, "outlook", 1, 0, nil,
			want{first: "Grace", last: "Hopper", email: "grace@navy.mil", phone: "+1 555 0100",
				company: "US Navy", title: "Rear Admiral", city: "Arlington", country: "United States",
				custom: map[string]string{"honorific": "Dr."}}},
		{"pipedrive.csv", FormatCSV, "pipedrive", 1, 0, nil,
			want{first: "Linus", last: "Torvalds", email: "linus@linux.example", phone: "+1 503",
				company: "Linux Foundation", custom: map[string]string{"person_label": "Hot lead"},
				owner: "Sales Rep"}},
		{"thunderbird.csv", FormatCSV, "thunderbird", 1, 0, nil,
			want{first: "Tim", last: "Berners-Lee", email: "tim@w3.example", phone: "+44 1",
				company: "W3C", title: "Director", city: "Geneva", country: "Switzerland",
				custom: map[string]string{"nickname": "timbl"}}},
		{"utf16.csv", FormatCSV, "generic", 2, 0, nil,
			want{first: "Łukasz", last: "Żółć", email: "lukasz@example.pl"}},
		{"cp1252.csv", FormatCSV, "generic", 1, 0, nil,
			want{first: "François", last: "Dupré", email: "francois@example.fr", company: "Société Générale"}},
		{"contacts21.vcf", FormatVCard, "vcard", 1, 0, nil,
			want{first: "Jürgen", last: "Müller", email: "juergen@example.de", phone: "+49 170",
				company: "Müller AG", title: "Leiter", city: "München", country: "Deutschland"}},
		{"contacts3.vcf", FormatVCard, "vcard", 3, 0, nil,
			want{first: "Edsger Wybe", last: "Dijkstra", email: "edsger@tue.example",
				company: "TU Eindhoven, Faculty", title: "Professor",
				custom: map[string]string{"note": "Goto considered harmful; really."}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res := readFixture(t, tt.file, Options{})
			if res.Format != tt.format || res.Source != tt.source {
				t.Errorf("format %s source %s, want %s %s", res.Format, res.Source, tt.format, tt.source)
			}
			if res.Read != tt.read || len(res.Duplicates) != tt.dups || len(res.Invalid) != len(tt.invalid) {
				t.Fatalf("read %d dups %d invalid %v, want %d %d %v", res.Read, len(res.Duplicates),
					res.Invalid, tt.read, tt.dups, tt.invalid)
			}
			for i, line := range tt.invalid {
				if res.Invalid[i].Line != line || res.Invalid[i].Reason == "" {
					t.Errorf("invalid %d: line %d %q, want line %d", i, res.Invalid[i].Line, res.Invalid[i].Reason, line)
				}
			}
			checkContact(t, res.Contacts[0].Contact, tt.first)
			if got := res.Contacts[0].Owner; got != tt.first.owner {
				t.Errorf("owner %q, want %q", got, tt.first.owner)
			}
		})
	}
}

func TestSecondRows(t *testing.T) {
	res := readFixture(t, "utf16.csv", Options{})
	checkContact(t, res.Contacts[1].Contact, want{first: "田中", last: "太郎", email: "taro@example.jp"})
	res = readFixture(t, "contacts3.vcf", Options{})
	checkContact(t, res.Contacts[1].Contact, want{first: "Barbara", last: "Liskov", email: "barbara@mit.example",
		phone: "+1-617-000", city: "Cambridge", country: "USA"})
	if res.Contacts[2].Line != 20 || !res.Contacts[2].NoEmail || res.Contacts[2].Contact.FirstName != "No" {
		t.Errorf("third card %+v", res.Contacts[2])
	}
	res = readFixture(t, "hubspot.csv", Options{})
	if c := res.Contacts[1].Contact; c.Email != "ANNA@beta.de" || res.Duplicates[0].Line != 5 ||
		res.Duplicates[0].Reason != "duplicate of line 3" {
		t.Errorf("anna %+v dup %+v", c, res.Duplicates[0])
	}
}

// TestTricky covers NFD names, a quoted newline, blank rows, rows without
// email, a case-insensitive duplicate and an invalid email in one CRLF file.
func TestTricky(t *testing.T) {
	res := readFixture(t, "tricky.csv", Options{})
	if res.Read != 5 || len(res.Contacts) != 2 || len(res.Duplicates) != 1 || len(res.Invalid) != 2 {
		t.Fatalf("read %d contacts %d dups %d invalid %d", res.Read, len(res.Contacts), len(res.Duplicates), len(res.Invalid))
	}
	r := res.Contacts[0]
	if r.Line != 2 || r.Contact.FirstName != "Renée" || !norm.NFC.IsNormalString(r.Contact.FirstName) ||
		r.Contact.LastName != "Zoë" || r.Contact.Company != "Acme, Inc." ||
		r.Contact.Custom["notes"] != "line one\nline two" {
		t.Errorf("first %+v", r)
	}
	if r := res.Contacts[1]; r.Line != 6 || !r.NoEmail || r.Contact.Company != "Solo Ltd" {
		t.Errorf("no email %+v", r)
	}
	if d := res.Duplicates[0]; d.Line != 7 || d.Reason != "duplicate of line 2" {
		t.Errorf("dup %+v", d)
	}
	if i := res.Invalid[0]; i.Line != 8 || i.Reason != "no name and no email" {
		t.Errorf("invalid %+v", i)
	}
	if i := res.Invalid[1]; i.Line != 9 || i.Reason != `invalid email "not-an-email"` {
		t.Errorf("invalid %+v", i)
	}
}

func TestMergeDuplicates(t *testing.T) {
	res := readFixture(t, "tricky.csv", Options{MergeDuplicates: true})
	if c := res.Contacts[0].Contact; c.FirstName != "Dup" || c.Company != "Other" || c.Email != "renee@example.com" {
		t.Errorf("merged %+v", c)
	}
}

func TestMapOverride(t *testing.T) {
	in := "Who,Mail,Team\nKim Park,kim@example.com,Blue\n"
	res, err := Read(strings.NewReader(in), Options{Map: map[string]string{"who": "name", "MAIL": "email", "Team": "custom.squad"}})
	if err != nil {
		t.Fatal(err)
	}
	checkContact(t, res.Contacts[0].Contact, want{first: "Kim", last: "Park", email: "kim@example.com",
		custom: map[string]string{"squad": "Blue"}})
	if _, err := Read(strings.NewReader(in), Options{Map: map[string]string{"Who": "nope"}}); err == nil {
		t.Error("unknown field accepted")
	}
}

func TestVCardSoftBreakAndCharset(t *testing.T) {
	in := "BEGIN:VCARD\r\nVERSION:2.1\r\nN;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:M=FC=\r\nller;J=FCrgen\r\n" +
		"EMAIL;PREF;INTERNET:j@x.de\r\nitem1.ORG:A\\;B;Dept\r\nEND:VCARD\r\n"
	res, err := Read(strings.NewReader(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkContact(t, res.Contacts[0].Contact, want{first: "Jürgen", last: "Müller", email: "j@x.de", company: "A;B"})
}

func TestBadInput(t *testing.T) {
	for _, in := range []string{"", "BEGIN:VCARD\nFN:x\n", "BEGIN:VCARD\nEND:VCARD\nEND:VCARD\n"} {
		if _, err := Read(strings.NewReader(in), Options{}); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

// FuzzRead checks that Read never panics and that what it returns is valid
// UTF-8 with consistent counts. Seeds are in testdata/fuzz/FuzzRead and the
// fixtures.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.*"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		res, err := Read(bytes.NewReader(b), Options{})
		if err != nil {
			return
		}
		if n := len(res.Contacts) + len(res.Duplicates) + len(res.Invalid); n != res.Read {
			t.Fatalf("%d rows sorted, %d read", n, res.Read)
		}
		// The preview counts what the import reads.
		p, err := Peek(bytes.NewReader(b), Options{})
		if err != nil {
			t.Fatalf("Peek fails where Read does not: %v", err)
		}
		if p.Rows != res.Read {
			t.Fatalf("Peek: %d rows, Read: %d", p.Rows, res.Read)
		}
		for _, r := range res.Contacts {
			c := r.Contact
			if !utf8.ValidString(c.FirstName + c.LastName + c.Email + c.Company) {
				t.Fatalf("invalid UTF-8 in %+v", c)
			}
			if r.NoEmail != (c.Email == "") {
				t.Fatalf("NoEmail flag wrong: %+v", r)
			}
			// Nothing from the file reaches a terminal raw.
			if hasControl(c.FirstName + c.LastName + c.Email + c.Company + c.Phone + c.Title) {
				t.Fatalf("control character in %+v", c)
			}
		}
	})
}

func TestGoogleMultiValues(t *testing.T) {
	in := "First Name,Last Name,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value\n" +
		"Charles,Babbage,* myContacts ::: Clients,* Work,charles@engines.example ::: cb@engines.example,Mobile,+44 1 ::: +44 2\n"
	res, err := Read(strings.NewReader(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Source != "google" || len(res.Contacts) != 1 || len(res.Invalid) != 0 {
		t.Fatalf("source %s, contacts %+v, invalid %+v", res.Source, res.Contacts, res.Invalid)
	}
	c := res.Contacts[0].Contact
	if c.Email != "charles@engines.example" || c.Phone != "+44 1" || c.Custom["labels"] != "* myContacts ::: Clients" {
		t.Errorf("contact %+v", c)
	}
	// The per-value labels ("* Work", "Mobile") are dropped, not kept as
	// custom fields.
	if len(c.Custom) != 1 {
		t.Errorf("custom fields %v, want only labels", c.Custom)
	}
}

func TestEmailDomainLowerCased(t *testing.T) {
	res, err := Read(strings.NewReader("Name,Email\nAnn Lee,<mailto:Ann.Lee@Example.COM>\n"), Options{})
	if err != nil || len(res.Contacts) != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	if got := res.Contacts[0].Contact.Email; got != "Ann.Lee@example.com" {
		t.Errorf("email %q, want the local part as written and the domain in lower case", got)
	}
}
