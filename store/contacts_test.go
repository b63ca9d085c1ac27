package store

import (
	"maps"
	"testing"
	"time"
)

func TestSortKey(t *testing.T) {
	for _, tc := range []struct{ first, last, email, want string }{
		{"Ada", "Lovelace", "ada@x.io", "lovelace ada"},
		{" Ada ", " Lovelace ", "", "lovelace ada"},
		{"", "Lovelace", "", "lovelace"},
		{"Ada", "", "", "ada"},
		{"", "", " Ada@X.io ", "ada@x.io"},
		{"Jürgen", "MÜLLER", "", "müller jürgen"},
		{"", "", "", ""},
	} {
		if got := sortKey(tc.first, tc.last, tc.email); got != tc.want {
			t.Errorf("sortKey(%q, %q, %q) = %q, want %q", tc.first, tc.last, tc.email, got, tc.want)
		}
	}
}

func TestCreateAndGetContact(t *testing.T) {
	db, clock := openTest(t, nil)
	ctx := t.Context()
	owner := mustUser(t, db, "owner@example.com")
	c := Contact{Kind: KindContact, Status: StatusQualified, FirstName: " Ada ", LastName: "Lovelace",
		Email: "Ada@Example.com", Phone: "1", Company: "Analytical", Title: "Countess", City: "London",
		Country: "UK", OwnerID: owner.ID, Custom: map[string]string{"industry": "engines", "tier": "1"}}
	if err := db.CreateContact(ctx, &c); err != nil {
		t.Fatal(err)
	}
	now := clock.Now()
	if c.ID == 0 || c.FirstName != "Ada" || !c.CreatedAt.Equal(now) || !c.UpdatedAt.Equal(now) ||
		!c.LastActivityAt.Equal(now) {
		t.Fatalf("after create: %+v", c)
	}
	got, err := db.GetContact(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.OwnerName != owner.Name || !maps.Equal(got.Custom, c.Custom) || got.Email != c.Email ||
		got.Status != StatusQualified || got.Kind != KindContact || got.Country != "UK" ||
		!got.CreatedAt.Equal(now) || !got.LastActivityAt.Equal(now) {
		t.Errorf("GetContact = %+v", got)
	}
	evs, err := db.Timeline(ctx, c.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].Kind != EventCreated || evs[0].Subject != "Created" || !evs[0].At.Equal(now) {
		t.Errorf("timeline after create = %+v", evs)
	}
	_, err = db.GetContact(ctx, c.ID+100)
	wantErr(t, err, ErrNotFound)

	// Defaults: status open, no owner, no custom fields.
	d := Contact{Kind: KindLead, Email: "solo@example.com"}
	if err := db.CreateContact(ctx, &d); err != nil {
		t.Fatal(err)
	}
	if got, err := db.GetContact(ctx, d.ID); err != nil || got.Status != StatusOpen ||
		got.OwnerID != 0 || got.OwnerName != "" || got.Custom != nil || got.Name() != "solo@example.com" {
		t.Errorf("defaults: %+v, %v", got, err)
	}
}

func TestCreateContactRejectsBadInput(t *testing.T) {
	db, _ := openTest(t, nil)
	for name, c := range map[string]Contact{
		"no kind":        {FirstName: "A"},
		"unknown kind":   {Kind: "customer", FirstName: "A"},
		"unknown status": {Kind: KindLead, Status: "hot", FirstName: "A"},
		"no name":        {Kind: KindLead, Phone: "123"},
		"blank name":     {Kind: KindLead, FirstName: "  ", LastName: "\t"},
		"missing owner":  {Kind: KindLead, FirstName: "A", OwnerID: 42},
		"negative owner": {Kind: KindLead, FirstName: "A", OwnerID: -1},
	} {
		t.Run(name, func(t *testing.T) {
			before := counts(t, db)
			wantErr(t, db.CreateContact(t.Context(), &c), ErrInvalid)
			if after := counts(t, db); !maps.Equal(before, after) {
				t.Errorf("rows changed: %v → %v", before, after)
			}
			if c.ID != 0 {
				t.Errorf("ID set to %d on failure", c.ID)
			}
		})
	}
}

func TestInsertContacts(t *testing.T) {
	db, clock := openTest(t, nil)
	ctx := t.Context()
	old := time.Date(2020, 5, 1, 12, 0, 0, 0, time.UTC)
	cs := []Contact{
		{Kind: KindLead, FirstName: "A", LastName: "One", Email: "a@example.com", CreatedAt: old},
		{Kind: KindContact, Status: StatusContact, FirstName: "B", LastName: "Two",
			Custom: map[string]string{"k": "v"}, LastActivityAt: old},
	}
	if err := db.InsertContacts(ctx, cs); err != nil {
		t.Fatal(err)
	}
	if cs[0].ID == 0 || cs[1].ID <= cs[0].ID || !cs[0].CreatedAt.Equal(old) || !cs[1].CreatedAt.Equal(clock.Now()) {
		t.Fatalf("after insert: %+v", cs)
	}
	got, err := db.GetContact(ctx, cs[1].ID)
	if err != nil || got.Custom["k"] != "v" || !got.LastActivityAt.Equal(old) || got.Status != StatusContact {
		t.Errorf("GetContact = %+v, %v", got, err)
	}
	if n := rowCount(t, db, "events"); n != 0 {
		t.Errorf("InsertContacts wrote %d events", n)
	}

	before := counts(t, db)
	bad := []Contact{{Kind: KindLead, FirstName: "OK"}, {Kind: "bogus", FirstName: "Bad"}}
	wantErr(t, db.InsertContacts(ctx, bad), ErrInvalid)
	fk := []Contact{{Kind: KindLead, FirstName: "OK"}, {Kind: KindLead, FirstName: "Orphan", OwnerID: 7}}
	wantErr(t, db.InsertContacts(ctx, fk), ErrInvalid)
	if after := counts(t, db); !maps.Equal(before, after) {
		t.Errorf("a rejected batch wrote rows: %v → %v", before, after)
	}
	if fk[0].ID != 0 {
		t.Errorf("ID set on a rolled-back batch: %d", fk[0].ID)
	}
	if err := db.InsertContacts(ctx, nil); err != nil {
		t.Errorf("empty batch: %v", err)
	}
}

func TestContactByEmail(t *testing.T) {
	db, _ := openTest(t, nil)
	ctx := t.Context()
	mustContact(t, db, "Old", "Dup", "dup@example.com")
	newer := mustDuplicate(t, db, "New", "Dup", "DUP@Example.com")
	mustContact(t, db, "Other", "One", "other@example.com")
	got, err := db.ContactByEmail(ctx, " Dup@example.COM ")
	if err != nil || got.ID != newer.ID {
		t.Errorf("ContactByEmail = %+v, %v; want id %d", got, err, newer.ID)
	}
	_, err = db.ContactByEmail(ctx, "nobody@example.com")
	wantErr(t, err, ErrNotFound)
	_, err = db.ContactByEmail(ctx, " ")
	wantErr(t, err, ErrInvalid)
}

func TestCountContacts(t *testing.T) {
	db, _ := openTest(t, nil)
	ctx := t.Context()
	u := mustUser(t, db, "u@example.com")
	cs := []Contact{
		{Kind: KindLead, FirstName: "Ada", LastName: "Lovelace", OwnerID: u.ID},
		{Kind: KindLead, FirstName: "Alan", LastName: "Turing"},
		{Kind: KindContact, FirstName: "Grace", LastName: "Hopper", Company: "Navy", OwnerID: u.ID},
	}
	if err := db.InsertContacts(ctx, cs); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		f    ContactFilter
		want int
	}{
		{ContactFilter{}, 3},
		{ContactFilter{Kind: KindLead}, 2},
		{ContactFilter{OwnerID: u.ID}, 2},
		{ContactFilter{Kind: KindLead, OwnerID: u.ID}, 1},
		{ContactFilter{Search: "a"}, 2},
		{ContactFilter{Search: "nav"}, 1},
		{ContactFilter{Search: "tur al"}, 1},
		{ContactFilter{Search: "al", Kind: KindContact}, 0},
		{ContactFilter{Search: `"(`}, 3}, // nothing searchable: no search
	} {
		got, err := db.CountContacts(ctx, tc.f)
		if err != nil || got != tc.want {
			t.Errorf("CountContacts(%+v) = %d, %v; want %d", tc.f, got, err, tc.want)
		}
	}
	_, err := db.CountContacts(ctx, ContactFilter{Kind: "x"})
	wantErr(t, err, ErrInvalid)
}
