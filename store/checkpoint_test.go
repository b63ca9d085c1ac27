package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// openAt opens the database at path with opts and closes it when the test
// ends.
func openAt(t testing.TB, path string, opts Options) *DB {
	t.Helper()
	db, err := Open(t.Context(), path, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

func fileSize(t testing.TB, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// eventually waits until cond holds, failing the test after a generous
// deadline.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

// fillWAL commits n transactions of 500 contacts each.
func fillWAL(t *testing.T, db *DB, n int) {
	t.Helper()
	for range n {
		if err := db.InsertContacts(t.Context(), synthContacts(500, nil)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCommitsDoNotCheckpoint: with the checkpointer idle, many commits leave
// the database file untouched (SQLite's default would have checkpointed
// inside one of them past 1000 WAL pages); Close copies the WAL back.
func TestCommitsDoNotCheckpoint(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leadmail.db")
	db, err := Open(t.Context(), path, Options{CheckpointInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	before := fileSize(t, path)
	fillWAL(t, db, 20)
	if wal := fileSize(t, path+"-wal"); wal < 1000*int64(db.pageSize) {
		t.Fatalf("WAL is only %d bytes: too small to prove anything", wal)
	}
	if after := fileSize(t, path); after != before {
		t.Errorf("database file went from %d to %d bytes: a commit checkpointed", before, after)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-db.checkpointerDone:
	default:
		t.Error("checkpointer still running after Close")
	}
	if err := db.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if after := fileSize(t, path); after <= before {
		t.Errorf("database file still %d bytes after Close", after)
	}
	db = openAt(t, path, Options{})
	if n := rowCount(t, db, "contacts"); n != 20*500 {
		t.Errorf("%d contacts after reopening, want %d", n, 20*500)
	}
}

// TestCheckpointerCopiesInBackground: with nobody else on the file, the
// background checkpoints bring the database file up to date by themselves.
func TestCheckpointerCopiesInBackground(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leadmail.db")
	db := openAt(t, path, Options{CheckpointInterval: 5 * time.Millisecond})
	fillWAL(t, db, 5)
	// page_count is read each time: the background merge of the search
	// indexes (ftsmerge.go) may still be adding pages. The count is part of
	// the condition: the file fills during the PRAGMA, before it returns.
	eventually(t, "a counted checkpoint and the database file holding every page", func() bool {
		if db.checkpoints.Load() == 0 {
			return false
		}
		var pages int64
		if err := db.sql.QueryRowContext(t.Context(), `PRAGMA page_count`).Scan(&pages); err != nil {
			t.Fatal(err)
		}
		return fileSize(t, path) == pages*int64(db.pageSize)
	})
}

// TestCheckpointRestartsPinnedWAL: a reader holding an old snapshot stops a
// PASSIVE checkpoint half-way; past the size limit a RESTART waits for it,
// below the limit nothing waits.
func TestCheckpointRestartsPinnedWAL(t *testing.T) {
	ctx := t.Context()
	db := openAt(t, filepath.Join(t.TempDir(), "leadmail.db"), Options{CheckpointInterval: time.Hour})
	fillWAL(t, db, 1)
	if r, err := db.checkpoint(ctx); err != nil || !r.complete() {
		t.Fatalf("checkpoint with no reader = %+v, %v", r, err)
	}

	pin := func() *sql.Conn {
		t.Helper()
		conn, err := db.sql.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if _, err := conn.ExecContext(ctx, `BEGIN`); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM contacts`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return conn
	}
	unpin := func(conn *sql.Conn) {
		t.Helper()
		if _, err := conn.ExecContext(ctx, `COMMIT`); err != nil {
			t.Error(err)
		}
		if err := conn.Close(); err != nil {
			t.Error(err)
		}
	}
	restarts := 0
	db.afterPassive = func() { restarts++ }

	// Below the limit: the PASSIVE checkpoint stops at the reader, and that
	// is all.
	reader := pin()
	var unpinOnce sync.Once
	release := func() { unpinOnce.Do(func() { unpin(reader) }) }
	t.Cleanup(release) // before Close, even when the test fails early
	fillWAL(t, db, 1)
	r, err := db.checkpoint(ctx)
	if err != nil || r.complete() || restarts != 0 {
		t.Errorf("pinned WAL below the limit: %+v, %v, %d restarts", r, err, restarts)
	}

	// Past it: a RESTART; the reader finishes while it waits.
	db.walLimit = 0
	db.afterPassive = func() {
		restarts++
		release()
	}
	r, err = db.checkpoint(ctx)
	if err != nil || !r.complete() || restarts != 1 {
		t.Errorf("pinned WAL past the limit: %+v, %v, %d restarts", r, err, restarts)
	}
}

// enqueueAndClaim is one program on the shared file, the TUI and a cron
// runner in one: it enqueues n messages tagged tag while a runner claims due
// messages (claiming until nothing is due, then waiting for its next tick),
// and returns the ids it claimed once its own enqueues are done and nothing
// is due. Spinning on ClaimDue while messages keep coming would starve the
// enqueuer instead: SQLite's busy wait is not fair.
func enqueueAndClaim(db *DB, tag string, n int, user, contact int64) ([]int64, error) {
	ctx := context.Background()
	done := make(chan error, 1)
	go func() {
		for i := range n {
			m := Message{ContactID: contact, UserID: user, MessageID: fmt.Sprintf("<%s.%d@two>", tag, i),
				Recipients: []string{"a@x"}, Raw: []byte("x")}
			if err := db.EnqueueMessage(ctx, &m); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	var (
		claimed  []int64
		finished bool
	)
	for {
		// Look at done before claiming: an empty claim after the last
		// enqueue means this program's share is drained.
		if !finished {
			select {
			case err := <-done:
				if err != nil {
					return claimed, fmt.Errorf("%s: enqueue: %w", tag, err)
				}
				finished = true
			default:
			}
		}
		ms, err := db.ClaimDue(ctx, db.nowUTC().Add(time.Minute), 5, ClaimOptions{})
		if err != nil {
			return claimed, fmt.Errorf("%s: claim: %w", tag, err)
		}
		for _, m := range ms {
			claimed = append(claimed, m.ID)
		}
		if len(ms) == 0 {
			if finished {
				return claimed, nil
			}
			<-tick.C
		}
	}
}

// checkClaimedOnce checks that the runners together claimed every one of
// total messages exactly once, and that nothing was left behind.
func checkClaimedOnce(t *testing.T, db *DB, total int, claimed ...[]int64) {
	t.Helper()
	seen := map[int64]int{}
	for _, ids := range claimed {
		for _, id := range ids {
			seen[id]++
		}
	}
	if len(seen) != total {
		t.Errorf("claimed %d distinct messages, want %d", len(seen), total)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("message %d claimed %d times", id, n)
		}
	}
	if counts, err := db.MessageCounts(t.Context()); err != nil || counts[MessageSending] != total || len(counts) != 1 {
		t.Errorf("counts = %v, %v; want %d sending", counts, err, total)
	}
	var check string
	if err := db.sql.QueryRowContext(t.Context(), `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check = %q, %v", check, err)
	}
}

// TestTwoHandlesEnqueueAndClaim has two *DB on one file, as the TUI and a
// cron runner would be, each enqueueing and claiming at once while both
// checkpointers run: every write succeeds and every message is claimed
// exactly once.
func TestTwoHandlesEnqueueAndClaim(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leadmail.db")
	clock := newClock()
	opts := Options{Now: clock.Now, CheckpointInterval: 5 * time.Millisecond}
	dbs := []*DB{openAt(t, path, opts), openAt(t, path, opts)}
	u := mustUser(t, dbs[0], "u@example.com")
	c := mustContact(t, dbs[1], "Ada", "Lovelace", "ada@example.com")
	const perHandle = 150
	claimed := make([][]int64, len(dbs))
	var wg sync.WaitGroup
	for i, db := range dbs {
		wg.Go(func() {
			var err error
			if claimed[i], err = enqueueAndClaim(db, fmt.Sprint("h", i), perHandle, u.ID, c.ID); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	checkClaimedOnce(t, dbs[0], 2*perHandle, claimed...)
	for i, db := range dbs {
		eventually(t, fmt.Sprintf("handle %d to checkpoint", i), func() bool { return db.checkpoints.Load() > 0 })
	}
}

// helperEnv makes the test binary, started again by
// TestTwoProcessesEnqueueAndClaim, act as the second program.
const helperEnv = "LEADMAIL_STORE_TWO_PROCESSES"

// TestTwoProcessesEnqueueAndClaim is TestTwoHandlesEnqueueAndClaim with a
// real second process, so that the file locks and the shared WAL index are
// those two leadmail programs would use.
func TestTwoProcessesEnqueueAndClaim(t *testing.T) {
	const n = 150
	if spec := os.Getenv(helperEnv); spec != "" {
		var (
			path          string
			user, contact int64
		)
		if _, err := fmt.Sscanf(spec, "%d %d %s", &user, &contact, &path); err != nil {
			t.Fatal(err)
		}
		db := openAt(t, path, Options{CheckpointInterval: 5 * time.Millisecond})
		claimed, err := enqueueAndClaim(db, "child", n, user, contact)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.NewEncoder(os.Stdout).Encode(claimed); err != nil {
			t.Fatal(err)
		}
		return
	}
	if testing.Short() {
		t.Skip("starts a second process")
	}
	path := filepath.Join(t.TempDir(), "leadmail.db")
	db := openAt(t, path, Options{CheckpointInterval: 5 * time.Millisecond})
	u := mustUser(t, db, "u@example.com")
	c := mustContact(t, db, "Ada", "Lovelace", "ada@example.com")

	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestTwoProcessesEnqueueAndClaim$", "-test.count=1")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d %d %s", helperEnv, u.ID, c.ID, path))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Start once the child is writing, so that the two really overlap.
	eventually(t, "the second process to enqueue", func() bool {
		var started bool
		err := db.sql.QueryRowContext(t.Context(),
			`SELECT EXISTS (SELECT 1 FROM messages WHERE message_id LIKE '<child.%')`).Scan(&started)
		return err == nil && started
	})
	mine, err := enqueueAndClaim(db, "parent", n, u.ID, c.ID)
	if err != nil {
		t.Error(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("second process: %v\n%s%s", err, out.String(), errOut.String())
	}
	// The child's stdout is its JSON line, then the test runner's "PASS".
	line, _, _ := strings.Cut(out.String(), "\n")
	var theirs []int64
	if err := json.Unmarshal([]byte(line), &theirs); err != nil {
		t.Fatalf("second process said %q: %v", out.String(), err)
	}
	checkClaimedOnce(t, db, 2*n, mine, theirs)
}

// TestMigration0002KeepsTheOutbox opens a database left by a leadmail that
// knew only 0001, with a message waiting: it is upgraded in place and the
// message still leaves.
func TestMigration0002KeepsTheOutbox(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "leadmail.db")
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	old, err := sql.Open("sqlite", "file:"+path+"?"+dsnParams)
	if err != nil {
		t.Fatal(err)
	}
	const now = "2026-03-14 09:00:00.000000000+00:00"
	for _, q := range []string{
		`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
    applied_at TEXT NOT NULL) STRICT`,
		ms[0].sql,
		`INSERT INTO schema_migrations VALUES (1, '` + ms[0].name + `', '` + now + `')`,
		`INSERT INTO users (id, email, role, created_at, updated_at)
    VALUES (1, 'u@x', 'salesperson', '` + now + `', '` + now + `')`,
		`INSERT INTO contacts (id, kind, status, email, sort_key, created_at, updated_at)
    VALUES (1, 'lead', 'open', 'a@x', 'a@x', '` + now + `', '` + now + `')`,
		`INSERT INTO messages (id, contact_id, user_id, message_id, recipients, raw, status,
    send_at, created_at, updated_at)
    VALUES (7, 1, 1, '<old@x>', '["a@x"]', x'78', 'queued', '` + now + `', '` + now + `', '` + now + `')`,
	} {
		if _, err := old.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	db := openAt(t, path, Options{Now: newClock().Now})
	if n := rowCount(t, db, "schema_migrations"); n != len(ms) {
		t.Errorf("%d migrations recorded, want %d", n, len(ms))
	}
	got, err := db.ClaimDue(ctx, time.Now().Add(time.Hour), 10, ClaimOptions{})
	if err != nil || len(got) != 1 || got[0].ID != 7 || !got[0].RetryAt.IsZero() || string(got[0].Raw) != "x" {
		t.Errorf("ClaimDue after upgrade = %+v, %v", got, err)
	}
}
