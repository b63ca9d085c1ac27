package store

import (
	"errors"
	"slices"
	"strconv"
	"testing"
)

// A template is found by its whole name, its id, or the start of exactly
// one name; a start shared by several, or nothing, says so and finds none.
func TestTrust23FindEmailByPrefixOrID(t *testing.T) {
	db, _ := openTest(t, nil)
	ctx := t.Context()
	ids := map[string]int64{}
	for _, name := range []string{"Checking in — quick hello", "Follow-up — after our call",
		"Follow-up — after the demo", "Über uns", "2026"} {
		e := Email{Name: name, Subject: "S"}
		if err := db.CreateEmail(ctx, &e); err != nil {
			t.Fatal(err)
		}
		ids[name] = e.ID
	}
	old := Email{Name: "Checking out", Subject: "S"}
	if err := db.CreateEmail(ctx, &old); err != nil {
		t.Fatal(err)
	}
	if _, err := db.sql.ExecContext(ctx, `UPDATE emails SET archived = 1 WHERE id = ?`, old.ID); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct{ ref, want string }{
		{"Checking in — quick hello", "Checking in — quick hello"},
		{"checking IN", "Checking in — quick hello"},
		{"  Checking in  ", "Checking in — quick hello"},
		{"Checking", "Checking in — quick hello"}, // the archived one does not count
		{"über", "Über uns"},
		{"Follow-up — after the", "Follow-up — after the demo"},
		{strconv.FormatInt(ids["Über uns"], 10), "Über uns"},
		{"#" + strconv.FormatInt(ids["Über uns"], 10), "Über uns"},
		{"2026", "2026"}, // a name wins over an id
	} {
		got, err := db.FindEmail(ctx, tc.ref)
		if err != nil || got.Name != tc.want {
			t.Errorf("FindEmail(%q) = %q, %v; want %q", tc.ref, got.Name, err, tc.want)
		}
	}

	_, err := db.FindEmail(ctx, "follow")
	var amb *AmbiguousEmailError
	if !errors.As(err, &amb) || !slices.Equal(amb.Names, []string{"Follow-up — after our call", "Follow-up — after the demo"}) {
		t.Errorf("FindEmail(follow) = %v, want both follow-ups named", err)
	}
	for _, ref := range []string{"Nothing like it", "99999", "Checking out"} {
		if _, err := db.FindEmail(ctx, ref); ref != "Checking out" {
			wantErr(t, err, ErrNotFound)
		} else if err != nil {
			t.Errorf("an archived email is still found by its whole name: %v", err)
		}
	}
	_, err = db.FindEmail(ctx, "  ")
	wantErr(t, err, ErrInvalid)
}
