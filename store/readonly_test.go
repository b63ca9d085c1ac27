package store

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestTrust13ReadOnlyOption(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leadmail.db")
	db, err := Open(t.Context(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustUser(t, db, "sam@example.com")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	ro, err := Open(t.Context(), path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("Open read-only: %v", err)
	}
	t.Cleanup(func() { _ = ro.Close() })
	if !ro.ReadOnly() {
		t.Error("ReadOnly() = false")
	}
	if us, err := ro.ListUsers(t.Context()); err != nil || len(us) != 1 {
		t.Fatalf("ListUsers = %d, %v; want the one user", len(us), err)
	}
	_, err = ro.UpsertUser(t.Context(), User{Name: "Eve", Email: "eve@example.com", Role: RoleSalesperson})
	wantErr(t, err, ErrReadOnly)
	if n := rowCount(t, ro, "users"); n != 1 {
		t.Fatalf("%d users after a refused write, want 1", n)
	}

	t.Run("no file", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "none", "x.db")
		if db, err := Open(t.Context(), missing, Options{ReadOnly: true}); err == nil {
			_ = db.Close()
			t.Fatal("Open read-only created a database")
		}
		if _, err := os.Stat(filepath.Dir(missing)); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("Open read-only created the folder: %v", err)
		}
	})

	t.Run("old schema", func(t *testing.T) {
		old := filepath.Join(t.TempDir(), "old.db")
		db, err := Open(t.Context(), old, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.sql.ExecContext(t.Context(), `DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)`); err != nil {
			t.Fatal(err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		_, err = Open(t.Context(), old, Options{ReadOnly: true})
		wantErr(t, err, ErrReadOnly)
		if !strings.Contains(err.Error(), "needs upgrading") {
			t.Fatalf("error %q does not say the schema needs upgrading", err)
		}
	})
}

func TestTrust13DiskFullIsOneSentence(t *testing.T) {
	db, _ := openTest(t, nil)
	// A first contact prepares the cached statements a write uses, which
	// the one connection below could not while its transaction holds it.
	mustContact(t, db, "Warm", "Up", "warm@example.com")
	// One connection, limited to the pages the file has: the next page it
	// needs is refused with SQLITE_FULL, as on a full disk.
	db.sql.SetMaxOpenConns(1)
	var pages int
	if err := db.sql.QueryRowContext(t.Context(), `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.sql.ExecContext(t.Context(), `PRAGMA max_page_count = `+strconv.Itoa(pages)); err != nil {
		t.Fatal(err)
	}
	before := rowCount(t, db, "contacts")
	var err error
	created := 0
	for ; created < 200; created++ {
		c := Contact{Kind: KindLead, FirstName: "x", Email: "a" + strconv.Itoa(created) + "@example.com",
			Custom: map[string]string{"a": strings.Repeat("x", 1500), "b": strings.Repeat("x", 1500)}}
		if err = db.CreateContact(t.Context(), &c); err != nil {
			break
		}
	}
	wantErr(t, err, ErrDiskFull)
	var df *DiskFullError
	if !errors.As(err, &df) || df.Path != db.path {
		t.Fatalf("error %v is not a DiskFullError naming %s", err, db.path)
	}
	if want := "the disk holding " + db.path + " is full; nothing was changed"; df.Error() != want {
		t.Fatalf("sentence %q, want %q", df.Error(), want)
	}
	if n := rowCount(t, db, "contacts"); n != before+created {
		t.Fatalf("%d contacts after %d created and one refused, want %d", n, created, before+created)
	}
}
