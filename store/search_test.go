package store

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSearchQuery(t *testing.T) {
	long := strings.Repeat("é", 100)
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"   \t\n", ""},
		{"jo", `"jo"*`},
		{"  jo   acme ", `"jo"* "acme"*`},
		{`o"brien`, `"o""brien"*`},
		{`"jo"`, `"""jo"""*`},
		{"AND( OR ) NOT", `"AND("* "OR"* "NOT"*`},
		{"NEAR(a b, 2)", `"NEAR(a"* "b,"* "2)"*`},
		{"* - ^ : + ( )", ""},
		{"-jo last:smith ^x", `"-jo"* "last:smith"* "^x"*`},
		{"jo@acme.com", `"jo@acme.com"*`},
		{"😀 🎉 jo😀", `"jo😀"*`},
		{"a\x00b", `"a"* "b"*`},
		{"bad\xffutf8", `"bad"* "utf8"*`},
		{"1 2 3 4 5 6 7 8 9 10", `"1"* "2"* "3"* "4"* "5"* "6"* "7"* "8"*`},
		{long, `"` + strings.Repeat("é", maxTokenRunes) + `"*`},
		{strings.Repeat("!", 70) + "a", ""}, // the letter is past the cut
		{"Müller Jürgen", `"Müller"* "Jürgen"*`},
	} {
		if got := searchQuery(tc.in); got != tc.want {
			t.Errorf("searchQuery(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// hostileSearches are inputs that must never reach SQLite as syntax.
var hostileSearches = []string{
	`"`, `""`, `"""`, `" OR 1=1 --`, `'; DROP TABLE contacts; --`, `AND(`, `a AND`, `OR b`,
	`NOT`, `NEAR`, `NEAR(a b)`, `NEAR/2`, `*`, `a*b*`, `-`, `-a`, `a-`, `+a`, `^a`,
	`first_name:a`, `{first_name last_name}:a`, `(`, `)`, `((a)`, `a))`, `[a]`, `:`, `\`,
	`😀`, `👨‍👩‍👧`, "\x00", "a\x00", "\xff\xfe", "\u200b", "\u0301a", "ǅ", "Ａ", "٣",
	strings.Repeat("a", 10_000), strings.Repeat(`"(* `, 3000), strings.Repeat("ab ", 4000),
	strings.Repeat("é", 5000),
}

func TestHostileSearches(t *testing.T) {
	db, _, _ := pagingDB(t)
	ctx := t.Context()
	for _, s := range hostileSearches {
		f := ContactFilter{Search: s}
		p, err := db.ListContacts(ctx, PageRequest{Filter: f})
		if err != nil {
			t.Errorf("ListContacts(%.40q): %v", s, err)
			continue
		}
		if p.HasNext {
			last := p.Last
			if _, err := db.ListContacts(ctx, PageRequest{Filter: f, After: &last}); err != nil {
				t.Errorf("ListContacts(%.40q) page 2: %v", s, err)
			}
		}
		if _, err := db.ListContacts(ctx, PageRequest{Filter: f, Last: true}); err != nil {
			t.Errorf("ListContacts(%.40q) last: %v", s, err)
		}
		if _, err := db.CountContacts(ctx, f); err != nil {
			t.Errorf("CountContacts(%.40q): %v", s, err)
		}
	}
	if n := rowCount(t, db, "contacts"); n < 3000 {
		t.Fatalf("contacts lost: %d left", n)
	}
}

func TestSearchMatchesPrefixesAndDiacritics(t *testing.T) {
	db, _, _ := pagingDB(t)
	ctx := t.Context()
	for _, tc := range []struct{ q, want string }{
		{"mull", "Müller"},
		{"jurg mü", "Müller"},
		{"Emil", "Zola"},
		{"ca va", "Zola"},
		{"only07@mail", ""}, // email-only: LastName empty
		{"zo sa", "Zola"},
	} {
		p, err := db.ListContacts(ctx, PageRequest{Filter: ContactFilter{Search: tc.q}})
		if err != nil {
			t.Fatal(err)
		}
		// The word-start match first; in-word matches ("Femilo") after.
		if len(p.Contacts) == 0 || p.Contacts[0].LastName != tc.want {
			t.Errorf("search %q: %d hits %+v, want %q first", tc.q, len(p.Contacts), p.Contacts, tc.want)
		}
	}
}

// FuzzSearchQuery checks the builder's promises on any input, and that
// SQLite accepts every expression it builds. Seeds: testdata/fuzz.
func FuzzSearchQuery(f *testing.F) {
	for _, s := range hostileSearches {
		f.Add(s)
	}
	f.Add("jo acme")
	db, _ := openTest(f, nil)
	for _, c := range []Contact{
		{Kind: KindLead, FirstName: "Jo", LastName: "O'Brien", Email: "jo@acme.com", Company: "Acme"},
		{Kind: KindContact, FirstName: "Jürgen", LastName: "Müller"},
	} {
		if err := db.CreateContact(f.Context(), &c); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := searchQuery(s)
		if !utf8.ValidString(q) || strings.ContainsRune(q, 0) {
			t.Fatalf("searchQuery(%q) = %q: invalid UTF-8 or NUL", s, q)
		}
		if n := strings.Count(q, `"*`); n > maxSearchTokens {
			t.Fatalf("searchQuery(%q) has %d terms", s, n)
		}
		if strings.TrimSpace(s) != "" && q == "" && strings.ContainsFunc(s, isLetterOrDigit) &&
			utf8.ValidString(s) && !strings.ContainsFunc(s, isSearchSeparator) && utf8.RuneCountInString(s) <= maxTokenRunes {
			t.Fatalf("searchQuery(%q) dropped a searchable word", s)
		}
		var n int
		if err := db.sql.QueryRowContext(t.Context(),
			`SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH ?`, q).Scan(&n); q != "" && err != nil {
			t.Fatalf("MATCH %q (from %q): %v", q, s, err)
		}
		if _, err := db.ListContacts(t.Context(), PageRequest{Filter: ContactFilter{Search: s}, Limit: 5}); err != nil {
			t.Fatalf("ListContacts(%q): %v", s, err)
		}
	})
}
