package store

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkRecordSync records batches of 2,000 synced messages, each
// involving one of 10,000 contacts, as a historical sync does; rows/s is
// the rate Mail Sync can store at (the issue asks for 10,000 messages/s
// scanned, of which only the matching ones are recorded).
func BenchmarkRecordSync(b *testing.B) {
	db, u, batch := benchSyncDB(b)
	var elapsed time.Duration
	rows := 0
	for b.Loop() {
		b.StopTimer()
		bt := batch()
		b.StartTimer()
		start := time.Now()
		res, err := db.RecordSync(b.Context(), u.ID, bt)
		elapsed += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if res.Recorded != len(bt.Received) || res.Events != len(bt.Received) {
			b.Fatalf("result %+v", res)
		}
		rows += len(bt.Received)
	}
	b.ReportMetric(float64(rows)/elapsed.Seconds(), "rows/s")
}

// BenchmarkRecordSyncAgain records batches already recorded, as a
// --rescan or a rerun after kill -9 does: nothing is added.
func BenchmarkRecordSyncAgain(b *testing.B) {
	db, u, batch := benchSyncDB(b)
	var bts []SyncBatch
	for range 5 {
		bt := batch()
		if _, err := db.RecordSync(b.Context(), u.ID, bt); err != nil {
			b.Fatal(err)
		}
		bts = append(bts, bt)
	}
	var elapsed time.Duration
	rows := 0
	for i := 0; b.Loop(); i++ {
		bt := bts[i%len(bts)]
		start := time.Now()
		res, err := db.RecordSync(b.Context(), u.ID, bt)
		elapsed += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if res.Duplicates != len(bt.Received) || res.Events != 0 {
			b.Fatalf("result %+v", res)
		}
		rows += len(bt.Received)
	}
	b.ReportMetric(float64(rows)/elapsed.Seconds(), "rows/s")
}

// benchSyncDB is a database of 10,000 contacts and a maker of batches of
// 2,000 new synced messages, each involving one of them.
func benchSyncDB(b *testing.B) (*DB, User, func() SyncBatch) {
	b.Helper()
	const batchSize, contacts = 2000, 10_000
	ctx := b.Context()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "sync.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	u, err := db.UpsertUser(ctx, User{Name: "Rep", Email: "rep@example.com", Role: RoleSalesperson})
	if err != nil {
		b.Fatal(err)
	}
	if err := db.InsertContacts(ctx, synthContacts(contacts, nil)); err != nil {
		b.Fatal(err)
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT id FROM contacts ORDER BY id`)
	if err != nil {
		b.Fatal(err)
	}
	ids, err := collect(rows, scanID) // checks rows.Err and closes rows
	if err != nil || len(ids) != contacts {
		b.Fatalf("%d contacts, %v", len(ids), err)
	}
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	n := 0
	return db, u, func() SyncBatch {
		rs := make([]Received, batchSize)
		for i := range rs {
			n++
			rs[i] = Received{MessageID: fmt.Sprintf("%d.bench@mail.example", n), Direction: ReceivedIn,
				From: "Someone <someone@example.org>", FromAddr: "someone@example.org",
				To: []string{"rep@example.com"}, Subject: fmt.Sprintf("Message %d", n),
				Date: base.Add(time.Duration(n) * time.Minute), Text: "Hello,\n\nthanks for your note.\n",
				References: []string{"a@x", "b@x"}, Folder: "INBOX", UID: uint32(n), UIDValidity: 1,
				ContactIDs: []int64{ids[n%contacts]}}
		}
		return SyncBatch{Folder: SyncFolder{Name: "INBOX", UIDValidity: 1, LastUID: uint32(n)}, Received: rs}
	}
}
