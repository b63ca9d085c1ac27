package store

import (
	"slices"
	"strings"
	"testing"
)

// Importing the same people again does not duplicate those without email:
// they are known by name and company, case and accents aside, skipped
// with a reason, or updated under DuplicateUpdate; within one import too.
func TestTrust07ReimportMatchesPeopleWithoutEmail(t *testing.T) {
	db, _ := openTest(t, nil)
	ctx := t.Context()
	people := func() []Contact {
		return []Contact{
			{Kind: KindLead, FirstName: "Renée", LastName: "Dupont", Company: "ACME"},
			{Kind: KindLead, FirstName: "Bob", LastName: "Ray", Email: "bob@x.example"},
			{Kind: KindLead, FirstName: "Solo", LastName: "Nomail"},
		}
	}
	rep, err := db.ImportContacts(ctx, people(), ImportOptions{})
	if err != nil || rep.Created != 3 {
		t.Fatalf("first import %+v %v", rep, err)
	}
	var reasons []string
	again := append(people(),
		Contact{Kind: KindLead, FirstName: "renee", LastName: "DUPONT", Company: " Acme"}, // the same, again
		Contact{Kind: KindLead, FirstName: "Renée", LastName: "Dupont", Company: "Other"}, // someone else
		Contact{Kind: KindLead, FirstName: "New", LastName: "Person"},
		Contact{Kind: KindLead, FirstName: "new", LastName: "person"})
	rep, err = db.ImportContacts(ctx, again, ImportOptions{Skipped: func(r string) { reasons = append(reasons, r) }})
	if err != nil || rep.Created != 2 || rep.Skipped != 5 {
		t.Fatalf("second import %+v %v", rep, err)
	}
	want := []string{"same name and company as a contact already known, no email", "its email is already known",
		"same name and company as a contact already known, no email", "same name and company as a contact already known, no email",
		"same name and company as an earlier row, no email"}
	if !slices.Equal(reasons, want) {
		t.Errorf("reasons\n got %q\nwant %q", reasons, want)
	}
	if n, _ := db.CountContacts(ctx, ContactFilter{}); n != 5 {
		t.Errorf("%d contacts, want 5", n)
	}

	rep, err = db.ImportContacts(ctx, []Contact{{Kind: KindLead, FirstName: "RENEE", LastName: "dupont", Company: "acme", Title: "CEO"}},
		ImportOptions{OnDuplicate: DuplicateUpdate})
	if err != nil || rep.Updated != 1 || rep.Created != 0 {
		t.Fatalf("update import %+v %v", rep, err)
	}
	page, err := db.ListContacts(ctx, PageRequest{Filter: ContactFilter{Search: "Dupont"}, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	titles := map[string]string{}
	for _, c := range page.Contacts {
		titles[strings.ToLower(c.Company)] = c.Title // merged: the new spelling wins
	}
	if titles["acme"] != "CEO" || titles["other"] != "" || len(titles) != 2 {
		t.Errorf("after update: %v", titles)
	}
}
