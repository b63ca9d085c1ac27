package store

import (
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSyncFolderState(t *testing.T) {
	w := newSyncWorld(t)
	ctx := t.Context()
	for _, f := range []SyncFolder{{Name: "INBOX", UIDValidity: 1, LastUID: 10}, {Name: "Archive", UIDValidity: 2, LastUID: 3}} {
		if _, err := w.db.RecordSync(ctx, w.user.ID, SyncBatch{Folder: f}); err != nil {
			t.Fatal(err)
		}
	}
	at := w.clock.Advance(time.Minute)
	if err := w.db.SetSyncError(ctx, "INBOX", "the connection was lost during FETCH", at); err != nil {
		t.Fatal(err)
	}
	// A folder never synced gets a state holding only its error.
	if err := w.db.SetSyncError(ctx, "Sent", "no such folder", at); err != nil {
		t.Fatal(err)
	}
	fs := must(w.db.SyncFolders(ctx))
	if len(fs) != 3 || fs[0].Name != "Archive" || fs[1].Name != "INBOX" || fs[1].LastUID != 10 ||
		fs[1].LastError != "the connection was lost during FETCH" || !fs[1].LastRun.Equal(at) ||
		fs[2].Name != "Sent" || fs[2].LastUID != 0 || fs[2].LastError != "no such folder" {
		t.Errorf("folders = %+v", fs)
	}
	// The next batch of the folder clears its error.
	if _, err := w.db.RecordSync(ctx, w.user.ID, SyncBatch{Folder: SyncFolder{Name: "INBOX", UIDValidity: 1, LastUID: 12}}); err != nil {
		t.Fatal(err)
	}
	if fs := must(w.db.SyncFolders(ctx)); fs[1].LastError != "" || fs[1].LastUID != 12 {
		t.Errorf("INBOX after a good batch = %+v", fs[1])
	}
	if err := w.db.ForgetSyncFolder(ctx, "Archive"); err != nil {
		t.Fatal(err)
	}
	if err := w.db.ForgetSyncFolder(ctx, "never there"); err != nil {
		t.Fatal(err)
	}
	if fs := must(w.db.SyncFolders(ctx)); len(fs) != 2 || fs[0].Name != "INBOX" {
		t.Errorf("after forgetting Archive: %+v", fs)
	}
	if err := w.db.ResetSyncFolders(ctx); err != nil {
		t.Fatal(err)
	}
	if fs := must(w.db.SyncFolders(ctx)); len(fs) != 0 {
		t.Errorf("after reset: %+v", fs)
	}
	wantErr(t, w.db.SetSyncError(ctx, "", "x", at), ErrInvalid)
}

func TestSetSyncErrorWithoutMailboxUser(t *testing.T) {
	db, _ := openTest(t, nil)
	wantErr(t, db.SetSyncError(t.Context(), "INBOX", "down", time.Time{}), ErrInvalid)
	mustUser(t, db, "only@example.com")
	if err := db.SetSyncError(t.Context(), "INBOX", "down", time.Time{}); err != nil {
		t.Fatal(err)
	}
}

func TestPendingHistory(t *testing.T) {
	w := newSyncWorld(t)
	ctx := t.Context()
	mustContact(t, w.db, "No", "Email", "")
	list, total, err := w.db.PendingHistory(ctx, 1)
	if err != nil || total != 2 || len(list) != 1 || list[0] != (PendingAddress{w.ada.ID, "ada@example.com"}) {
		t.Fatalf("PendingHistory = %+v, %d, %v", list, total, err)
	}
	// A full sync that started now covers everyone created before it.
	start := w.clock.Now()
	w.clock.Advance(time.Second)
	late := mustContact(t, w.db, "Late", "Comer", "late@example.com")
	if err := w.db.MarkAllHistorySynced(ctx, start, time.Time{}); err != nil {
		t.Fatal(err)
	}
	list, total, err = w.db.PendingHistory(ctx, 10)
	if err != nil || total != 1 || !slices.Equal(list, []PendingAddress{{late.ID, "late@example.com"}}) {
		t.Fatalf("after the full sync: %+v, %d, %v", list, total, err)
	}
	if err := w.db.MarkHistorySynced(ctx, []int64{late.ID, 9999}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := w.db.PendingHistory(ctx, 10); total != 0 {
		t.Errorf("%d pending after the backfill", total)
	}
	// A new address wants its history; a change of case does not. (No
	// edit of a contact's email exists yet: the trigger is tested by hand.)
	setEmail := func(email string) {
		if _, err := w.db.sql.ExecContext(ctx, `UPDATE contacts SET email = ? WHERE id = ?`, email, w.bo.ID); err != nil {
			t.Fatal(err)
		}
	}
	setEmail("BO@example.com")
	if _, total, _ := w.db.PendingHistory(ctx, 10); total != 0 {
		t.Errorf("a change of case made %d pending", total)
	}
	setEmail("bo@elsewhere.example")
	if list, _, _ := w.db.PendingHistory(ctx, 10); !slices.Equal(list, []PendingAddress{{w.bo.ID, "bo@elsewhere.example"}}) {
		t.Errorf("after a new address: %+v", list)
	}
	_, _, err = w.db.PendingHistory(ctx, 0)
	wantErr(t, err, ErrInvalid)
	wantErr(t, w.db.MarkAllHistorySynced(ctx, time.Time{}, time.Time{}), ErrInvalid)
	for _, q := range []string{`SELECT count(*) FROM contacts WHERE history_synced_at IS NULL AND email <> ''`,
		`SELECT id, lower(email) FROM contacts WHERE history_synced_at IS NULL AND email <> '' ORDER BY id LIMIT 5`} {
		if plan := explain(t, w.db, q); !strings.Contains(plan, "contacts_history_pending") {
			t.Errorf("plan of %s:\n%s", q, plan)
		}
	}
}

func TestSyncLease(t *testing.T) {
	db, clock := openTest(t, nil)
	ctx := t.Context()
	now := clock.Now()
	if ok, by, err := db.AcquireSyncLease(ctx, "tui@host", now.Add(time.Minute)); !ok || by != "tui@host" || err != nil {
		t.Fatalf("first acquire: %v %q %v", ok, by, err)
	}
	if ok, by, err := db.AcquireSyncLease(ctx, "cron@host", now.Add(time.Minute)); ok || by != "tui@host" || err != nil {
		t.Errorf("second holder: %v %q %v", ok, by, err)
	}
	if ok, _, err := db.AcquireSyncLease(ctx, "tui@host", now.Add(2*time.Minute)); !ok || err != nil {
		t.Errorf("renew: %v %v", ok, err)
	}
	clock.Advance(3 * time.Minute) // the TUI was killed: its lease ends
	if ok, by, err := db.AcquireSyncLease(ctx, "cron@host", clock.Now().Add(time.Minute)); !ok || by != "cron@host" || err != nil {
		t.Errorf("take over an ended lease: %v %q %v", ok, by, err)
	}
	if err := db.ReleaseSyncLease(ctx, "tui@host"); err != nil { // not its lease: nothing happens
		t.Fatal(err)
	}
	if ok, _, _ := db.AcquireSyncLease(ctx, "tui@host", clock.Now().Add(time.Minute)); ok {
		t.Error("a release by another holder freed the lease")
	}
	if err := db.ReleaseSyncLease(ctx, "cron@host"); err != nil {
		t.Fatal(err)
	}
	if ok, _, _ := db.AcquireSyncLease(ctx, "tui@host", clock.Now().Add(time.Minute)); !ok {
		t.Error("a released lease was not free")
	}
	_, _, err := db.AcquireSyncLease(ctx, "", clock.Now())
	wantErr(t, err, ErrInvalid)
}

func TestConfirmSentAndNoteUncertain(t *testing.T) {
	w := newSyncWorld(t)
	ctx := t.Context()
	m := queue(t, w.db, w.user.ID, w.ada.ID, 0)
	mustClaim(t, w.db, m.ID)
	wantErr(t, w.db.ConfirmSent(ctx, m.ID, time.Time{}, "x"), ErrConflict) // still sending
	if err := w.db.MarkUncertain(ctx, m.ID, "connection lost"); err != nil {
		t.Fatal(err)
	}
	if err := w.db.NoteUncertain(ctx, m.ID, "not in your Sent folder after 10 minutes"); err != nil {
		t.Fatal(err)
	}
	if got := must(w.db.GetMessage(ctx, m.ID)); got.Status != MessageUncertain || got.LastError != "not in your Sent folder after 10 minutes" {
		t.Errorf("noted = %+v", got)
	}
	at := w.clock.Now().Add(-30 * time.Minute)
	if err := w.db.ConfirmSent(ctx, m.ID, at, "confirmed from your Sent folder"); err != nil {
		t.Fatal(err)
	}
	got := must(w.db.GetMessage(ctx, m.ID))
	if got.Status != MessageSent || !got.SentAt.Equal(at) || got.LastError != "" || got.SentCopy != SentCopyUndecided {
		t.Errorf("confirmed = %+v", got)
	}
	es := must(w.db.Timeline(ctx, w.ada.ID, 0))
	if !slices.ContainsFunc(es, func(e Event) bool {
		return e.Kind == EventEmailSent && e.MessageID == m.ID && e.At.Equal(at) && e.Detail == "confirmed from your Sent folder"
	}) {
		t.Errorf("no confirmation event in %+v", es)
	}
	wantErr(t, w.db.ConfirmSent(ctx, m.ID, at, "again"), ErrConflict)
	wantErr(t, w.db.NoteUncertain(ctx, m.ID, "x"), ErrConflict)
	wantErr(t, w.db.ConfirmSent(ctx, 9999, at, "x"), ErrNotFound)
	wantErr(t, w.db.NoteUncertain(ctx, 9999, "x"), ErrNotFound)
}

func TestSentCopies(t *testing.T) {
	w := newSyncWorld(t)
	ctx := t.Context()
	other := sendTo(t, w.db, w.user.ID, w.bo.ID)
	queue(t, w.db, w.user.ID, w.bo.ID, 0) // not sent yet: not pending
	now := w.clock.Now()
	ids := func() []int64 {
		var out []int64
		for _, m := range must(w.db.PendingSentCopies(ctx, 0, now, 10)) {
			if len(m.Raw) == 0 {
				t.Errorf("message %d without its bytes", m.ID)
			}
			out = append(out, m.ID)
		}
		return out
	}
	if got := ids(); !slices.Equal(got, []int64{w.send.ID, other.ID}) {
		t.Fatalf("pending = %v", got)
	}
	if err := w.db.SetSentCopy(ctx, w.send.ID, SentCopySaved, "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := w.db.SetSentCopy(ctx, other.ID, SentCopyRetry, "APPEND: NO [OVERQUOTA]", now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got := ids(); len(got) != 0 {
		t.Errorf("pending before the retry time = %v", got)
	}
	now = now.Add(time.Minute)
	if got := ids(); !slices.Equal(got, []int64{other.ID}) {
		t.Errorf("pending at the retry time = %v", got)
	}
	if got := must(w.db.GetMessage(ctx, w.send.ID)); got.SentCopy != SentCopySaved {
		t.Errorf("SentCopy = %q", got.SentCopy)
	}
	wantErr(t, w.db.SetSentCopy(ctx, other.ID, "lost", "", time.Time{}), ErrInvalid)
	wantErr(t, w.db.SetSentCopy(ctx, 9999, SentCopySaved, "", time.Time{}), ErrNotFound)
	_, err := w.db.PendingSentCopies(ctx, 0, now, 0)
	wantErr(t, err, ErrInvalid)
	q := `SELECT id FROM messages INDEXED BY messages_sent_copy WHERE status = 'sent' AND sent_copy IN ('', 'retry')
  AND (sent_copy_retry_at IS NULL OR sent_copy_retry_at <= ?) ORDER BY id LIMIT 10`
	if plan := explain(t, w.db, q, ""); !strings.Contains(plan, "messages_sent_copy") {
		t.Errorf("plan:\n%s", plan)
	}
}

// TestMigrationFromVersion4 upgrades a database of the previous schema:
// sends of the past are never copied to Sent, and email_replied events
// become replied.
func TestMigrationFromVersion4(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	stmts := []string{`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
    applied_at TEXT NOT NULL) STRICT`}
	for _, m := range ms[:4] {
		stmts = append(stmts, m.sql, `INSERT INTO schema_migrations VALUES (`+strings.TrimLeft(m.name[:4], "0")+`, '`+m.name+`', '')`)
	}
	const ts = "'2025-01-01 00:00:00.000000000+00:00'"
	stmts = append(stmts,
		`INSERT INTO users (id, email, role, created_at, updated_at) VALUES (1, 'u@x', 'salesperson', `+ts+`, `+ts+`)`,
		`INSERT INTO contacts (id, kind, status, email, sort_key, created_at, updated_at) VALUES (1, 'lead', 'open', 'a@x', 'a', `+ts+`, `+ts+`)`,
		`INSERT INTO messages (id, contact_id, user_id, message_id, recipients, raw, status, send_at, created_at, updated_at, sent_at)
VALUES (1, 1, 1, '<1@x>', '["a@x"]', x'00', 'sent', `+ts+`, `+ts+`, `+ts+`, `+ts+`),
       (2, 1, 1, '<2@x>', '["a@x"]', x'00', 'queued', `+ts+`, `+ts+`, `+ts+`, NULL)`,
		`INSERT INTO events (contact_id, at, kind, message_id) VALUES (1, `+ts+`, 'email_replied', 1), (1, `+ts+`, 'email_sent', 1)`)
	for _, s := range stmts {
		if _, err := raw.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	if m := must(db.GetMessage(ctx, 1)); m.SentCopy != SentCopyNever {
		t.Errorf("an old send's copy is %q, want never", m.SentCopy)
	}
	if m := must(db.GetMessage(ctx, 2)); m.SentCopy != SentCopyUndecided {
		t.Errorf("a queued message's copy is %q, want undecided", m.SentCopy)
	}
	var got []EventKind
	for _, e := range must(db.Timeline(ctx, 1, 0)) {
		got = append(got, e.Kind)
	}
	slices.Sort(got)
	if !slices.Equal(got, []EventKind{EventEmailSent, EventReplied}) {
		t.Errorf("kinds after the migration: %v", got)
	}
	if _, total, _ := db.PendingHistory(ctx, 10); total != 1 {
		t.Errorf("%d contacts pending history, want the old one", total)
	}
}

// Each user's Sent copies go to their own mailbox: a listing for one user
// holds none of another's, however many of theirs wait.
func TestSentCopiesOfOneUser(t *testing.T) {
	w := newSyncWorld(t)
	ctx := t.Context()
	colleague := must(w.db.UpsertUser(ctx, User{Name: "Kim Colleague", Email: "kim@brightwave.example", Role: RoleSalesperson}))
	var theirs []int64
	for range 3 {
		theirs = append(theirs, sendTo(t, w.db, colleague.ID, w.bo.ID).ID)
	}
	ids := func(user int64) []int64 {
		var out []int64
		for _, m := range must(w.db.PendingSentCopies(ctx, user, w.clock.Now(), 2)) {
			out = append(out, m.ID)
		}
		return out
	}
	if got := ids(w.user.ID); !slices.Equal(got, []int64{w.send.ID}) {
		t.Errorf("pending of the user = %v, want only their send %d", got, w.send.ID)
	}
	if got := ids(colleague.ID); !slices.Equal(got, theirs[:2]) {
		t.Errorf("pending of the colleague = %v, want %v", got, theirs[:2])
	}
	if got := ids(0); len(got) != 2 || got[0] != w.send.ID {
		t.Errorf("pending of everyone = %v", got)
	}
}
