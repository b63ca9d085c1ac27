package store

import (
	"slices"
	"testing"
)

// TestLongInWordSearchVerifiesItsCover: a fragment of eight letters or more
// is asked of the trigram index as every other trigram (trigramCover); a
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
	if m, cover := trigramCover("marianne"); !cover || m != `"mar" "ria" "ann" "nne"` {
		t.Fatalf("cover of marianne: %s, %v", m, cover)
	}
	if m, cover := trigramCover("ller gmail"); cover || m != `"ller" "gmail"` {
		t.Fatalf("short words: %s, %v", m, cover)
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
