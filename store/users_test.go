package store

import (
	"maps"
	"slices"
	"testing"
	"time"
)

func TestUpsertUser(t *testing.T) {
	db, clock := openTest(t, nil)
	ctx := t.Context()
	u, err := db.UpsertUser(ctx, User{Name: " Ada Lovelace ", Email: " Ada@Example.com ",
		Title: "CEO", Phone: "+44 1", Role: RoleAdministrator})
	if err != nil {
		t.Fatal(err)
	}
	if u.ID == 0 || u.Name != "Ada Lovelace" || u.Email != "Ada@Example.com" || !u.CreatedAt.Equal(clock.Now()) {
		t.Fatalf("created %+v", u)
	}
	clock.Advance(time.Hour)
	u2, err := db.UpsertUser(ctx, User{Name: "Ada King", Email: "ada@EXAMPLE.com",
		Title: "Countess", Role: RoleSalesManager})
	if err != nil {
		t.Fatal(err)
	}
	want := User{ID: u.ID, Name: "Ada King", Email: "Ada@Example.com", Title: "Countess",
		Role: RoleSalesManager, CreatedAt: u.CreatedAt, Active: true}
	if u2 != want {
		t.Errorf("updated = %+v, want %+v", u2, want)
	}
	if got, err := db.GetUser(ctx, u.ID); err != nil || got != want {
		t.Errorf("GetUser = %+v, %v", got, err)
	}
	if n := rowCount(t, db, "users"); n != 1 {
		t.Errorf("%d users, want 1", n)
	}
}

func TestUpsertUserRejectsBadInput(t *testing.T) {
	db, _ := openTest(t, nil)
	mustUser(t, db, "kept@example.com")
	for name, u := range map[string]User{
		"empty email":   {Name: "X", Role: RoleSalesperson},
		"blank email":   {Name: "X", Email: "   ", Role: RoleSalesperson},
		"not an email":  {Name: "X", Email: "nobody", Role: RoleSalesperson},
		"no role":       {Name: "X", Email: "x@example.com"},
		"unknown role":  {Name: "X", Email: "x@example.com", Role: "intern"},
		"existing, bad": {Name: "X", Email: "kept@example.com", Role: "boss"},
	} {
		t.Run(name, func(t *testing.T) {
			before := counts(t, db)
			_, err := db.UpsertUser(t.Context(), u)
			wantErr(t, err, ErrInvalid)
			if after := counts(t, db); !maps.Equal(before, after) {
				t.Errorf("rows changed: %v → %v", before, after)
			}
		})
	}
	u, err := db.UserByEmail(t.Context(), "kept@example.com")
	if err != nil || u.Role != RoleSalesperson {
		t.Errorf("kept user changed: %+v %v", u, err)
	}
}

func TestUserLookups(t *testing.T) {
	db, _ := openTest(t, nil)
	ctx := t.Context()
	for _, u := range []User{
		{Name: "zoe", Email: "zoe@example.com", Role: RoleJrSalesperson},
		{Name: "Bob", Email: "bob@example.com", Role: RoleSalesperson},
		{Name: "alice", Email: "alice@example.com", Role: RoleMarketingManager},
	} {
		if _, err := db.UpsertUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	us, err := db.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range us {
		names = append(names, u.Name)
	}
	if got, want := names, []string{"alice", "Bob", "zoe"}; !slices.Equal(got, want) {
		t.Errorf("ListUsers names = %v, want %v", got, want)
	}
	if u, err := db.UserByEmail(ctx, "BOB@example.COM"); err != nil || u.Name != "Bob" {
		t.Errorf("UserByEmail = %+v, %v", u, err)
	}
	_, err = db.UserByEmail(ctx, "carol@example.com")
	wantErr(t, err, ErrNotFound)
	_, err = db.GetUser(ctx, 999)
	wantErr(t, err, ErrNotFound)
	for email, want := range map[string]bool{
		"Alice@Example.com": true, " zoe@example.com ": true, "carol@example.com": false, "": false,
	} {
		got, err := db.IsUserEmail(ctx, email)
		if err != nil || got != want {
			t.Errorf("IsUserEmail(%q) = %v, %v; want %v", email, got, err, want)
		}
	}
}
