package store

import (
	"fmt"
	"slices"
	"testing"
)

// TestLongInWordSearchVerifiesItsCover: a fragment of five letters or more
// is asked of the trigram index as a few of its trigrams (coverTerms); a
// contact holding those trigrams apart ("mar.ria.anne") is not a hit, one
// holding the word is, however it is cased or accented, and a page, the
// count and a backward page agree.
func TestLongInWordSearchVerifiesItsCover(t *testing.T) {
	db, _ := openTest(t, nil)
	ctx := t.Context()
	for _, c := range []Contact{
		{FirstName: "Ines", LastName: "Vautrin", Email: "mar.ria.anne@cover.example"},
		{FirstName: "Zoé", LastName: "Bellefontaine", Email: "zb@source.example"},
		{FirstName: "Paul", LastName: "Arnaud", Company: "GRANDE BELLEFONTAINE SA", Email: "pa@grande.example"},
		{FirstName: "Léa", LastName: "Roux", Email: "lea@bellefontaïne.example"},
		{FirstName: "Omar", LastName: "Diallo", Email: "omar.iannelli@mail.example"},
	} {
		c.Kind = KindLead
		if err := db.CreateContact(ctx, &c); err != nil {
			t.Fatal(err)
		}
	}
	if m, long, ok := trigramCover("lefontai gran"); !ok || m != `"gran"` || !slices.Equal(long, []string{"lefontai"}) {
		t.Fatalf("cover of lefontai gran: %s, %q, %v", m, long, ok)
	}
	if m, long, ok := trigramCover("ller gma"); !ok || len(long) > 0 || m != `"ller" "gma"` {
		t.Fatalf("short words: %s, %q, %v", m, long, ok)
	}
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"marianne", nil},
		{"ria.anne", []string{"Vautrin"}},
		{"lefontai", []string{"Bellefontaine", "Arnaud", "Roux"}},
		{"LEFONTAÏ", []string{"Bellefontaine", "Arnaud", "Roux"}},
		{"lefontai grande", []string{"Arnaud"}},
		{"mar.iannell", []string{"Diallo"}},
	} {
		p, err := db.ListContacts(ctx, PageRequest{Filter: ContactFilter{Search: tc.q}})
		if err != nil {
			t.Fatal(err)
		}
		if got := lastNames(p); !slices.Equal(got, tc.want) {
			t.Errorf("search %q: %q, want %q", tc.q, got, tc.want)
		}
		n, err := db.CountContacts(ctx, ContactFilter{Search: tc.q})
		if err != nil || n != len(tc.want) {
			t.Errorf("count %q: %d, %v; want %d", tc.q, n, err, len(tc.want))
		}
		p, err = db.ListContacts(ctx, PageRequest{Filter: ContactFilter{Search: tc.q}, Last: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := lastNames(p); !slices.Equal(got, tc.want) {
			t.Errorf("last page of %q: %q, want %q", tc.q, got, tc.want)
		}
	}
}

// TestCoverTermsTakeRareTrigramsApart: a long word is asked by its rarest
// trigrams that do not overlap by two letters, a common one is left out,
// and what the estimates say never changes the hits, only how fast they
// come: estimates turned upside down find the same contacts.
func TestCoverTermsTakeRareTrigramsApart(t *testing.T) {
	db, _ := openTest(t, nil)
	ctx := t.Context()
	var cs []Contact
	for i := range 120 { // "mar" is in every row, "ann" in one in three
		c := Contact{Kind: KindLead, FirstName: "Omar", LastName: fmt.Sprintf("Marsh%03d", i)}
		if i%3 == 0 {
			c.Company = "Annex"
		}
		cs = append(cs, c)
	}
	cs = append(cs, Contact{Kind: KindLead, FirstName: "Lea", LastName: "Roux", Email: "lea.marianne@mail.example"},
		Contact{Kind: KindLead, FirstName: "Ian", LastName: "Nemar", Email: "ian@mar-anne.example"})
	if err := db.InsertContacts(ctx, cs); err != nil {
		t.Fatal(err)
	}
	terms, err := db.coverTerms(ctx, "marianne", int64(len(cs)))
	if err != nil {
		t.Fatal(err)
	}
	if len(terms) < 2 || len(terms) > 3 || slices.Contains(terms, `"mar"`) {
		t.Fatalf("cover of marianne: %q, want two or three rare trigrams, not mar", terms)
	}
	search := func() []string {
		p, err := db.ListContacts(ctx, PageRequest{Filter: ContactFilter{Search: "marianne"}})
		if err != nil {
			t.Fatal(err)
		}
		return lastNames(p)
	}
	want := search()
	if !slices.Equal(want, []string{"Roux"}) {
		t.Fatalf("marianne: %q, want Roux", want)
	}
	db.trigrams.mu.Lock()
	for tri, docs := range db.trigrams.docs {
		db.trigrams.docs[tri] = 1e6 - docs
	}
	db.trigrams.mu.Unlock()
	if got := search(); !slices.Equal(got, want) {
		t.Errorf("with the estimates upside down: %q, want %q", got, want)
	}
}
