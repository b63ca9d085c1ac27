package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leadmail/leadmail/store"
)

func TestSeedCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", filepath.Join(dir, "data"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("LEADMAIL_USER_EMAIL", "")
	path := filepath.Join(dir, "big.db")
	run := func(args ...string) (string, error) {
		cmd := newRootCmd()
		var errOut bytes.Buffer
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&errOut)
		cmd.SetArgs(append(args, "--db", path))
		err := cmd.ExecuteContext(context.Background())
		return errOut.String(), err
	}
	for _, n := range []string{"0", "-3", "10000001"} {
		if _, err := run("seed", "--contacts", n); err == nil || !strings.Contains(err.Error(), "between 1 and") {
			t.Errorf("seed --contacts %s: err = %v, want a refusal", n, err)
		}
	}
	out, err := run("seed", "--contacts", "250")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "rows/s") || !strings.Contains(out, "Added 250 contacts") {
		t.Errorf("stderr %q lacks the progress line or the total", out)
	}
	if _, err := run("seed", "--contacts", "50"); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(t.Context(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB(t, db)
	if n, err := db.CountContacts(t.Context(), store.ContactFilter{}); err != nil || n != 300 {
		t.Errorf("CountContacts = %d, %v; want 300", n, err)
	}
	users, err := db.ListUsers(t.Context())
	if err != nil || len(users) != len(seedTeam) {
		t.Fatalf("users %d (%v), want the %d of the seed team once", len(users), err, len(seedTeam))
	}
	owned := 0
	for _, u := range users {
		n, err := db.CountContacts(t.Context(), store.ContactFilter{OwnerID: u.ID})
		if err != nil {
			t.Fatal(err)
		}
		owned += n
	}
	if owned != 300 {
		t.Errorf("%d of 300 contacts have an owner of the team", owned)
	}
}

func TestDemoExtraContactsOnce(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", filepath.Join(dir, "data"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	count := func(extra int) int {
		t.Helper()
		d, err := openDemo(t.Context(), false, extra)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		n, err := d.app.db.CountContacts(t.Context(), store.ContactFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	base := count(0)
	if got := count(40); got != base+40 {
		t.Errorf("demo --contacts 40: %d contacts, want %d", got, base+40)
	}
	if got := count(40); got != base+40 {
		t.Errorf("second demo --contacts 40: %d contacts, want still %d", got, base+40)
	}
}
