package store

import (
	"context"
	"fmt"
	"time"
)

// Checkpoints off the hot path.
//
// In WAL mode a commit appends pages to the -wal file; a checkpoint copies
// them back into the database file and syncs it. SQLite's default runs one
// inside whichever commit pushes the WAL past 1000 pages, so every few
// hundred enqueues one of them paid several milliseconds. The connections
// turn that off (wal_autocheckpoint(0) in dsnParams) and a goroutine started
// by Open checkpoints instead, every CheckpointInterval, when this process
// committed something since the last complete checkpoint. A commit then costs
// a write to the WAL and nothing else (synchronous=NORMAL syncs only at
// checkpoints).
//
// The checkpoints are PASSIVE: they never wait for, nor block, readers or
// writers, in this process or another, so two processes on one file (the TUI
// and a cron runner) each checkpoint what they wrote. A PASSIVE checkpoint
// cannot copy frames a reader's snapshot still needs; if readers keep that
// up until the WAL holds more than walRestartBytes, a RESTART checkpoint
// waits for them (up to busy_timeout, holding back writers meanwhile) so that
// the next commit can start the WAL over. journal_size_limit then truncates
// the file back, so the WAL stays bounded after bulk imports too.
//
// Before checkpointing, the same goroutine merges the search indexes' new
// segments a bounded step at a time (ftsmerge.go), so that no edit pays for
// a merge.

// defaultCheckpointInterval is how often the checkpointer looks for work.
const defaultCheckpointInterval = 500 * time.Millisecond

// walRestartBytes is the WAL size past which a checkpoint that could not
// finish is retried as RESTART. It is also the journal_size_limit.
const walRestartBytes = 64 << 20

// checkpointResult is what PRAGMA wal_checkpoint answers.
type checkpointResult struct {
	busy   bool // the checkpoint could not run, or not to completion
	log    int  // frames in the WAL
	copied int  // frames of the WAL now in the database file
}

// complete reports whether every frame of the WAL is in the database file.
func (r checkpointResult) complete() bool { return !r.busy && r.copied >= r.log }

// startCheckpointer starts the background checkpointer; Close stops it.
func (db *DB) startCheckpointer(every time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	db.stopCheckpointer = cancel
	db.checkpointerDone = make(chan struct{})
	go func() {
		defer close(db.checkpointerDone)
		t := time.NewTicker(every)
		defer t.Stop()
		var (
			done    uint64 // db.writes at the last complete checkpoint
			merged  uint64 // db.writes when merging last found nothing to do
			merging bool   // a merge step did work, so more may remain
		)
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			w := db.writes.Load()
			if w != merged {
				merging, merged = true, w
			}
			worked := false
			if merging {
				// A failed step (busy, or the disk) is tried again on
				// the next tick.
				var err error
				worked, err = db.mergeSearch(ctx)
				merging = worked || err != nil
			}
			if w == done && !worked {
				continue
			}
			// Errors and incomplete checkpoints are retried on the next
			// tick; the WAL holds every commit meanwhile.
			if r, err := db.checkpoint(ctx); err == nil && r.complete() {
				done = w
			}
		}
	}()
}

// checkpoint copies what it can of the WAL into the database file without
// waiting for anyone, then, when that left a WAL bigger than walRestartBytes
// behind, waits for readers with a RESTART checkpoint. It returns the last
// checkpoint's answer.
func (db *DB) checkpoint(ctx context.Context) (checkpointResult, error) {
	r, err := db.walCheckpoint(ctx, "PASSIVE")
	if err != nil || r.complete() || r.log*db.pageSize <= db.walLimit {
		return r, err
	}
	if db.afterPassive != nil {
		db.afterPassive()
	}
	return db.walCheckpoint(ctx, "RESTART")
}

// walCheckpoint runs PRAGMA wal_checkpoint(mode) on a pooled connection.
func (db *DB) walCheckpoint(ctx context.Context, mode string) (checkpointResult, error) {
	var (
		r    checkpointResult
		busy int
	)
	if err := db.sql.QueryRowContext(ctx, `PRAGMA wal_checkpoint(`+mode+`)`).Scan(&busy, &r.log, &r.copied); err != nil {
		return r, fmt.Errorf("checkpoint (%s): %w", mode, translate(err))
	}
	r.busy = busy != 0
	db.checkpoints.Add(1)
	return r, nil
}
