package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui"
	importscreen "github.com/leadmail/leadmail/tui/screens/importer"
)

func TestTUIImportRemaps(t *testing.T) {
	e := emptyEnv(t)
	db := openEnvDB(t, e)
	owner, err := db.UpsertUser(t.Context(), store.User{Name: "Sam Sales", Email: "sam@example.com",
		Role: store.RoleSalesperson})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "messe.csv")
	csv := "E-Post;Full name;Firma;Handy\n" +
		"anna@example.de;Anna Berg;Berg GmbH;+49 170 1234567\n" +
		"ben@example.de;Ben Kurz;;+49 171 7654321\n"
	if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	imp := tuiImporter{db: db}

	p, err := imp.Preview(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if p.Format != "csv" || p.Source != "generic" || p.Rows != 2 || len(p.Columns) != 4 {
		t.Fatalf("preview %+v", p)
	}
	var got []string
	for _, c := range p.Columns {
		got = append(got, c.Name+"="+c.Field+"|"+c.Custom+"|"+c.Sample)
	}
	want := []string{"E-Post=custom.e_post|custom.e_post|anna@example.de", "Full name=name|custom.full_name|Anna Berg",
		"Firma=custom.firma|custom.firma|Berg GmbH", "Handy=custom.handy|custom.handy|+49 170 1234567"}
	if !slices.Equal(got, want) {
		t.Errorf("columns\n got %q\nwant %q", got, want)
	}
	if !slices.ContainsFunc(p.Users, func(u tui.ImportPreviewUser) bool { return u.ID == owner.ID && u.Email == owner.Email }) {
		t.Errorf("users %+v lack the owner", p.Users)
	}

	opts := tui.ImportOptions{Map: map[string]string{"E-Post": "email", "Handy": "phone", "Firma": "company"},
		Kind: "contact", OwnerID: owner.ID, OnDuplicate: "skip"}
	dry := opts
	dry.DryRun = true
	rep, err := imp.Import(t.Context(), path, dry, nil)
	if err != nil || !rep.DryRun || rep.Created != 2 {
		t.Fatalf("dry run %+v %v", rep, err)
	}
	if n, _ := db.CountContacts(t.Context(), store.ContactFilter{}); n != 0 {
		t.Fatalf("the dry run wrote %d contacts", n)
	}

	rep, err = imp.Import(t.Context(), path, opts, func(importscreen.Progress) {})
	if err != nil || rep.Created != 2 || rep.NoEmail != 0 || len(rep.Invalid) != 0 {
		t.Fatalf("import %+v %v", rep, err)
	}
	c, err := db.ContactByEmail(t.Context(), "anna@example.de")
	if err != nil {
		t.Fatal(err)
	}
	if c.Phone != "+49 170 1234567" || c.Company != "Berg GmbH" || c.Kind != store.KindContact ||
		c.OwnerID != owner.ID || c.FirstName != "Anna" || c.LastName != "Berg" || len(c.Custom) != 0 {
		t.Errorf("imported %+v", c)
	}

	for _, bad := range []tui.ImportOptions{{Kind: "boss"}, {OnDuplicate: "merge"},
		{Map: map[string]string{"Handy": "mobile"}}} {
		if _, err := imp.Import(t.Context(), path, bad, nil); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
