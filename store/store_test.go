package store

import (
	"bufio"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/schema.golden")

// benchRoot holds the benchmark database, built once per process (b.TempDir
// is per benchmark) and removed when the tests end.
var benchRoot string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "leadmail-store-bench-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	benchRoot = dir
	code := m.Run()
	benchDB.close()
	paging.close()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// testClock is an injected clock that moves only when told to.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *testClock {
	return &testClock{t: time.Date(2026, 3, 14, 9, 26, 53, 589793238, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// openTest opens a fresh database in t.TempDir with clock c (nil: a new one).
func openTest(t testing.TB, c *testClock) (*DB, *testClock) {
	t.Helper()
	if c == nil {
		c = newClock()
	}
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "leadmail.db"), Options{Now: c.Now})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db, c
}

// rowCount counts the rows of table, to prove that a rejected call wrote
// nothing.
func rowCount(t testing.TB, db *DB, table string) int {
	t.Helper()
	var n int
	if err := db.sql.QueryRowContext(t.Context(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// counts snapshots the row counts of every table.
func counts(t testing.TB, db *DB) map[string]int {
	t.Helper()
	m := map[string]int{}
	for _, tb := range []string{"users", "contacts", "emails", "messages", "events"} {
		m[tb] = rowCount(t, db, tb)
	}
	return m
}

func mustUser(t testing.TB, db *DB, email string) User {
	t.Helper()
	u, err := db.UpsertUser(t.Context(), User{Name: "User " + email, Email: email, Role: RoleSalesperson})
	if err != nil {
		t.Fatalf("UpsertUser: %v", err)
	}
	return u
}

func mustContact(t testing.TB, db *DB, first, last, email string) Contact {
	t.Helper()
	c := Contact{Kind: KindLead, FirstName: first, LastName: last, Email: email}
	if err := db.CreateContact(t.Context(), &c); err != nil {
		t.Fatalf("CreateContact: %v", err)
	}
	return c
}

func wantErr(t testing.TB, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error = %v, want %v", err, want)
	}
}

func TestOpenMigratesOnceAndSetsPragmas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nested", "dir", "leadmail.db")
	for i := range 3 {
		db, err := Open(t.Context(), path, Options{})
		if err != nil {
			t.Fatalf("open #%d: %v", i, err)
		}
		var n, version int
		if err := db.sql.QueryRowContext(t.Context(),
			`SELECT count(*), max(version) FROM schema_migrations`).Scan(&n, &version); err != nil {
			t.Fatal(err)
		}
		ms, err := loadMigrations()
		if err != nil {
			t.Fatal(err)
		}
		if n != len(ms) || version != ms[len(ms)-1].version {
			t.Errorf("open #%d: %d migrations recorded up to %d, want %d up to %d",
				i, n, version, len(ms), ms[len(ms)-1].version)
		}
		pragmas := map[string]string{"journal_mode": "wal", "foreign_keys": "1",
			"synchronous": "1", "busy_timeout": "5000", "wal_autocheckpoint": "0",
			"journal_size_limit": fmt.Sprint(walRestartBytes)}
		for p, want := range pragmas {
			var got string
			if err := db.sql.QueryRowContext(t.Context(), `PRAGMA `+p).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("PRAGMA %s = %s, want %s", p, got, want)
			}
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leadmail.db")
	db, err := Open(t.Context(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.sql.ExecContext(t.Context(),
		`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', '')`); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if db, err := Open(t.Context(), path, Options{}); err == nil {
		_ = db.Close()
		t.Fatal("Open accepted a database from a newer program")
	}
}

func TestOpenPathWithURICharacters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a?b#c%d", "lead mail.db")
	db, err := Open(t.Context(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database not created at its path: %v", err)
	}
}

// TestSchema pins the schema: a migration that changes it shows up in review
// as a diff of testdata/schema.golden (go test ./store -run Schema -update).
// schemaText is every definition in sqlite_schema, by name.
func schemaText(t testing.TB, db *DB) string {
	t.Helper()
	rows, err := db.sql.QueryContext(t.Context(), `SELECT type, name, sql FROM sqlite_schema ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	var b strings.Builder
	for rows.Next() {
		var typ, name string
		var def sql.NullString
		if err := rows.Scan(&typ, &name, &def); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "-- %s %s\n%s\n\n", typ, name, def.String)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestSchema(t *testing.T) {
	db, _ := openTest(t, nil)
	got := schemaText(t, db)
	golden := filepath.Join("testdata", "schema.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./store -run Schema -update)", err)
	}
	if got != string(want) {
		t.Errorf("schema differs from %s; if intended, run go test ./store -run Schema -update\n%s",
			golden, firstDiff(got, string(want)))
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(got, want string) string {
	g, w := bufio.NewScanner(strings.NewReader(got)), bufio.NewScanner(strings.NewReader(want))
	for line := 1; ; line++ {
		gok, wok := g.Scan(), w.Scan()
		if !gok && !wok {
			return "(no line differs)"
		}
		if g.Text() != w.Text() || gok != wok {
			return fmt.Sprintf("line %d:\n got: %s\nwant: %s", line, g.Text(), w.Text())
		}
	}
}

func TestTimeLayoutSortsAndRoundTrips(t *testing.T) {
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var times []time.Time
	for _, d := range []time.Duration{0, 1, 10, 999, time.Microsecond, time.Millisecond,
		500 * time.Millisecond, time.Second, time.Second + 1, time.Hour, -1, -time.Second} {
		times = append(times, base.Add(d))
	}
	times = append(times, base.In(time.FixedZone("X", -5*3600)), base.In(time.FixedZone("Y", 9*3600)).Add(1))
	for _, a := range times {
		var back time.Time
		if err := scanTime(&back).Scan(dbTime(a)); err != nil || !back.Equal(a) || back.Location() != time.UTC {
			t.Errorf("round trip of %v gave %v (%v)", a, back, err)
		}
		for _, b := range times {
			sa, sb := dbTime(a).(string), dbTime(b).(string)
			if (sa < sb) != a.Before(b) {
				t.Errorf("string order of %s and %s disagrees with time order", sa, sb)
			}
		}
	}
	if dbTime(time.Time{}) != nil {
		t.Error("zero time is not stored as NULL")
	}
	var zero time.Time
	if err := scanTime(&zero).Scan(nil); err != nil || !zero.IsZero() {
		t.Errorf("NULL scanned as %v (%v)", zero, err)
	}
	if err := scanTime(&zero).Scan("2026-01-02 03:04:05"); err != nil || !zero.Equal(base) {
		t.Errorf("datetime() form scanned as %v (%v)", zero, err)
	}
	if err := scanTime(&zero).Scan("yesterday"); err == nil {
		t.Error("garbage time accepted")
	}
}

func TestLoadMigrationsAreOrdered(t *testing.T) {
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || ms[0].version != 1 {
		t.Fatalf("migrations = %v, want to start at 1", ms)
	}
	if !slices.IsSortedFunc(ms, func(a, b migration) int { return a.version - b.version }) {
		t.Error("migrations not in order")
	}
}
