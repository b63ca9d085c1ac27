package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/leadmail/leadmail/store"
)

// fileSum is the SHA-256 of the file at path.
func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// runArgs runs leadmail with exactly args, its output discarded.
func runArgs(t *testing.T, args ...string) error {
	t.Helper()
	cmd := newRootCmd()
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	cmd.SetArgs(args)
	return cmd.ExecuteContext(t.Context())
}

// configureSender sets the configured user to the demo's sender.
func configureSender(t *testing.T) {
	t.Helper()
	t.Setenv("LEADMAIL_USER_EMAIL", demoSender.Email)
	t.Setenv("LEADMAIL_USER_NAME", demoSender.Name)
	t.Setenv("LEADMAIL_USER_TITLE", demoSender.Title)
	t.Setenv("LEADMAIL_USER_PHONE", demoSender.Phone)
	t.Setenv("LEADMAIL_USER_ROLE", string(demoSender.Role))
}

func TestTrust12DBPathMustExistUnlessTheCommandCreatesOne(t *testing.T) {
	e := emptyEnv(t)
	missing := filepath.Join(filepath.Dir(e.db), "typo", "crm.db")
	for _, args := range [][]string{
		{"contacts"}, {"timeline", "a@example.com"}, {"emails"}, {"outbox", "list"}, {"export", "-"},
		{"signatures", "list"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			err := runArgs(t, append(args, "--db", missing)...)
			want := fmt.Sprintf("no database at %s; `leadmail init --db %s` creates one", missing, missing)
			if err == nil || err.Error() != want {
				t.Fatalf("err = %v\nwant %s", err, want)
			}
			if _, err := os.Stat(filepath.Dir(missing)); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("the refusal created the folder %s (%v)", filepath.Dir(missing), err)
			}
		})
	}

	t.Run(":memory:", func(t *testing.T) {
		err := runArgs(t, "contacts", "--db", ":memory:")
		if err == nil || err.Error() != "--db :memory: would keep nothing: give the path of a database file" {
			t.Fatalf("err = %v, want the :memory: refusal", err)
		}
		if _, err := store.Open(t.Context(), ":memory:", store.Options{}); !errors.Is(err, store.ErrInvalid) {
			t.Fatalf("store.Open(:memory:) = %v, want ErrInvalid", err)
		}
	})

	t.Run("seed creates one", func(t *testing.T) {
		if err := runArgs(t, "seed", "--contacts", "3", "--db", missing); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(missing); err != nil {
			t.Fatalf("seed did not create %s: %v", missing, err)
		}
	})

	t.Run("openAppWith CreateDB", func(t *testing.T) {
		path := filepath.Join(filepath.Dir(e.db), "init", "new.db")
		a, err := openAppWith(t.Context(), &globals{dbPath: path}, openOptions{CreateDB: true})
		if err != nil {
			t.Fatal(err)
		}
		a.Close()
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("CreateDB did not create %s: %v", path, err)
		}
	})

	t.Run("the default database is created on first run", func(t *testing.T) {
		var out, errOut bytes.Buffer
		if code := run(t.Context(), []string{"contacts"}, &out, &errOut); code != 0 {
			t.Fatalf("exit %d: %s", code, errOut.String())
		}
		if _, err := os.Stat(filepath.Join(dataDir(), "leadmail.db")); err != nil {
			t.Fatalf("no default database: %v", err)
		}
	})
}

func TestTrust13StartingWritesNothingWhenNothingChanged(t *testing.T) {
	e := newCLIEnv(t)
	configureSender(t)
	if _, err := e.run(t, "contacts"); err != nil { // may record the user
		t.Fatal(err)
	}
	before := fileSum(t, e.db)
	for _, args := range [][]string{{"contacts"}, {"emails"}, {"outbox", "list"}, {"export", "-"}} {
		if _, err := e.run(t, args...); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if fileSum(t, e.db) != before {
			t.Fatalf("%v changed the database file", args)
		}
	}

	t.Setenv("LEADMAIL_USER_TITLE", "Head of Sales")
	if _, err := e.run(t, "contacts"); err != nil {
		t.Fatal(err)
	}
	db := openEnvDB(t, e)
	u, err := db.UserByEmail(t.Context(), demoSender.Email)
	if err != nil || u.Title != "Head of Sales" {
		t.Fatalf("a changed user.title is not recorded: %+v %v", u, err)
	}
}

func TestTrust13ReadCommandsWorkOnAReadOnlyDatabase(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes whatever the file modes say; store's TestTrust13ReadOnlyOption covers read-only opening")
	}
	e := newCLIEnv(t)
	configureSender(t)
	t.Setenv("LEADMAIL_USER_TITLE", "changed, but cannot be recorded")
	email := firstEmail(t, e)
	dir := filepath.Dir(e.db)
	if err := os.Chmod(e.db, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })
	before := fileSum(t, e.db)
	for _, args := range [][]string{
		{"contacts"}, {"timeline", email}, {"emails"}, {"outbox", "list"}, {"export", "-"},
	} {
		if out, err := e.run(t, args...); err != nil || out == "" {
			t.Fatalf("%v on a read-only database: %v (output %q)", args, err, out)
		}
	}
	if fileSum(t, e.db) != before {
		t.Fatal("the read commands changed the database file")
	}
}

func TestTrust13DiskFullIsOneSentence(t *testing.T) {
	full := &store.DiskFullError{Path: "/data/crm.db", Err: store.ErrDiskFull}
	err := fmt.Errorf("import: %w", fmt.Errorf("insert contacts: %w", full))
	want := "the disk holding /data/crm.db is full; nothing was changed"
	if got := errorSentence(err); got != want {
		t.Fatalf("errorSentence = %q, want %q", got, want)
	}
	if got := errorSentence(errors.New("other")); got != "other" {
		t.Fatalf("errorSentence(other) = %q", got)
	}
}

func TestTrust05MissingUserNameRefusesSending(t *testing.T) {
	e := newCLIEnv(t)
	configureSender(t)
	t.Setenv("LEADMAIL_USER_NAME", "")
	t.Setenv("LEADMAIL_SMTP_HOST", "127.0.0.1")
	_, err := e.run(t, "send", "--to", firstEmail(t, e), "--email", firstSmartMail(t, e))
	if err == nil || !strings.Contains(err.Error(), "sending is not set up: set user.name in ") {
		t.Fatalf("err = %v, want the user.name refusal", err)
	}
	db := openEnvDB(t, e)
	u, err := db.UserByEmail(t.Context(), demoSender.Email)
	if err != nil || u.Name != demoSender.Name {
		t.Fatalf("stored user %+v (%v): the name must stay %q", u, err, demoSender.Name)
	}
}

func TestTrust15DatabaseErrorsAreOneSentence(t *testing.T) {
	e := emptyEnv(t)
	dir := filepath.Dir(e.db)
	notDB := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notDB, bytes.Repeat([]byte("not a database\n"), 100), 0o600); err != nil {
		t.Fatal(err)
	}
	future := filepath.Join(dir, "future.db")
	db, err := store.Open(t.Context(), future, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	futureSchema(t, future)
	for _, tc := range []struct {
		name, db, want string
	}{
		{"a folder", dir, dir + " is a folder, not a database file: give the path of a file"},
		{"a newer schema", future, "open database " + future + ": migrate: database is at version 9999, newer than this program's " + strconv.Itoa(latestSchema(t))},
		{"not a database", notDB, notDB + " is not a leadmail database (it is some other kind of file): invalid input"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), []string{"contacts", "--db", tc.db}, &out, &errOut)
			if code == 0 || strings.TrimSpace(errOut.String()) != "leadmail: "+tc.want {
				t.Fatalf("exit %d, stderr %q\nwant leadmail: %s", code, errOut.String(), tc.want)
			}
		})
	}
}

// futureSchema marks the database at path as migrated by a newer leadmail.
func futureSchema(t *testing.T, path string) {
	t.Helper()
	sdb, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = sdb.Close() }()
	if _, err := sdb.ExecContext(t.Context(),
		`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', '')`); err != nil {
		t.Fatal(err)
	}
}

// latestSchema is the newest migration this program knows.
func latestSchema(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join("..", "..", "store", "migrations"))
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(strings.SplitN(ents[len(ents)-1].Name(), "_", 2)[0])
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestTrust15VerifiedDomainsListedOnce(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Sending.VerifiedDomains = []string{"example.com", "Example.COM", "other.example"}
	cfg.SMTP.Username = "sam@EXAMPLE.com"
	got := strings.Join(cfg.verifiedDomains(), " ")
	if got != "example.com other.example" {
		t.Fatalf("verifiedDomains = %q, want each domain once", got)
	}
}
