package store

import (
	"strings"
	"testing"
)

// usersRow is every user as one comparable text, to prove a refusal
// changed nothing.
func usersRow(t *testing.T, db *DB) string {
	t.Helper()
	us, err := db.ListUsers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, u := range us {
		b.WriteString(u.Email + " " + string(u.Role) + " ")
		if u.Active {
			b.WriteString("active\n")
		} else {
			b.WriteString("inactive\n")
		}
	}
	return b.String()
}

func TestAddFirstUserIsAdministratorOnce(t *testing.T) {
	db, _ := openTest(t, nil)
	ctx := t.Context()
	u, err := db.AddFirstUser(ctx, User{Name: "Ada", Email: "ada@example.com", Role: RoleJrSalesperson})
	if err != nil {
		t.Fatal(err)
	}
	if u.Role != RoleAdministrator || !u.Active || u.ID == 0 {
		t.Fatalf("first user = %+v, want an active administrator", u)
	}
	before := usersRow(t, db)
	_, err = db.AddFirstUser(ctx, User{Name: "Bob", Email: "bob@example.com"})
	wantErr(t, err, ErrConflict)
	if after := usersRow(t, db); after != before {
		t.Errorf("a second first user changed the users:\n%s→\n%s", before, after)
	}
}

func TestAddUserRefusals(t *testing.T) {
	db, _ := openTest(t, nil)
	ctx := t.Context()
	if _, err := db.AddFirstUser(ctx, User{Name: "Ada", Email: "ada@example.com"}); err != nil {
		t.Fatal(err)
	}
	for name, tt := range map[string]struct {
		u    User
		want error
	}{
		"no name":      {User{Email: "x@example.com", Role: RoleSalesperson}, ErrInvalid},
		"bad email":    {User{Name: "X", Email: "x", Role: RoleSalesperson}, ErrInvalid},
		"unknown role": {User{Name: "X", Email: "x@example.com", Role: "boss"}, ErrInvalid},
		"taken email":  {User{Name: "X", Email: "ADA@example.com", Role: RoleSalesperson}, ErrConflict},
	} {
		t.Run(name, func(t *testing.T) {
			before := usersRow(t, db)
			_, err := db.AddUser(ctx, tt.u)
			wantErr(t, err, tt.want)
			if after := usersRow(t, db); after != before {
				t.Errorf("users changed:\n%s→\n%s", before, after)
			}
		})
	}
	u, err := db.AddUser(ctx, User{Name: "Lena", Email: "lena@example.com", Role: RoleJrSalesperson})
	if err != nil || u.Role != RoleJrSalesperson || !u.Active {
		t.Fatalf("AddUser = %+v, %v", u, err)
	}
}

func TestLastAdministratorStays(t *testing.T) {
	db, _ := openTest(t, nil)
	ctx := t.Context()
	admin, err := db.AddFirstUser(ctx, User{Name: "Ada", Email: "ada@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	before := usersRow(t, db)
	_, err = db.SetRole(ctx, admin.ID, RoleSalesperson)
	wantErr(t, err, ErrInvalid)
	if !strings.Contains(err.Error(), "last administrator") {
		t.Errorf("refusal %q does not say why", err)
	}
	_, err = db.Deactivate(ctx, admin.ID)
	wantErr(t, err, ErrInvalid)
	if after := usersRow(t, db); after != before {
		t.Errorf("refusals changed the users:\n%s→\n%s", before, after)
	}
	_, err = db.SetRole(ctx, admin.ID, "boss")
	wantErr(t, err, ErrInvalid)
	_, err = db.SetRole(ctx, 999, RoleSalesperson)
	wantErr(t, err, ErrNotFound)

	bob, err := db.AddUser(ctx, User{Name: "Bob", Email: "bob@example.com", Role: RoleSalesperson})
	if err != nil {
		t.Fatal(err)
	}
	if bob, err = db.SetRole(ctx, bob.ID, RoleAdministrator); err != nil || bob.Role != RoleAdministrator {
		t.Fatalf("SetRole = %+v, %v", bob, err)
	}
	if admin, err = db.SetRole(ctx, admin.ID, RoleSalesManager); err != nil || admin.Role != RoleSalesManager {
		t.Fatalf("demote with another administrator = %+v, %v", admin, err)
	}
	if bob, err = db.Deactivate(ctx, bob.ID); err == nil {
		t.Fatalf("deactivated the last administrator: %+v", bob)
	}
	if admin, err = db.Deactivate(ctx, admin.ID); err != nil || admin.Active {
		t.Fatalf("Deactivate = %+v, %v", admin, err)
	}
	if got, err := db.GetUser(ctx, admin.ID); err != nil || got.Active || got.Role != RoleSalesManager {
		t.Errorf("stored = %+v, %v; want inactive sales manager", got, err)
	}
}

func TestUpdateProfileKeepsRole(t *testing.T) {
	db, _ := openTest(t, nil)
	ctx := t.Context()
	u, err := db.AddFirstUser(ctx, User{Name: "Ada", Email: "ada@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.UpdateProfile(ctx, u.ID, "Ada King", "CEO", "+44 1")
	if err != nil || got.Name != "Ada King" || got.Title != "CEO" || got.Role != RoleAdministrator {
		t.Fatalf("UpdateProfile = %+v, %v", got, err)
	}
	_, err = db.UpdateProfile(ctx, u.ID, " ", "", "")
	wantErr(t, err, ErrInvalid)
}
