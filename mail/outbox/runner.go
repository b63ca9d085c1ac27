package outbox

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/leadmail/leadmail/store"
)

// dateLayout is RFC 5322's date-time, as the composer writes it.
const dateLayout = "Mon, 02 Jan 2006 15:04:05 -0700"

// newRunnerID names one Service: the session its undo windows are held for
// and the runner recorded with its claims.
func newRunnerID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}

// withDate returns raw with its Date header set to at: a message is dated
// when it is handed to the server, not when it was written (a scheduled
// message would otherwise arrive dated the evening before). Only the Date
// line changes, so the Message-ID and the body stay byte for byte; bytes
// without a header section or without a Date header are returned as they
// are.
func withDate(raw []byte, at time.Time) []byte {
	nl := []byte("\r\n")
	if !bytes.Contains(raw, nl) {
		nl = []byte("\n")
	}
	end := bytes.Index(raw, append(append([]byte{}, nl...), nl...))
	if end < 0 {
		return raw
	}
	head := raw[:end+len(nl)]
	for start := 0; start < len(head); {
		stop := bytes.Index(head[start:], nl) + start + len(nl)
		if !isDateField(head[start:stop]) {
			start = stop
			continue
		}
		// The field goes on over folded lines, which start with blanks.
		for stop < len(head) && (head[stop] == ' ' || head[stop] == '\t') {
			stop += bytes.Index(head[stop:], nl) + len(nl)
		}
		out := make([]byte, 0, len(raw)+8)
		out = append(out, raw[:start]...)
		out = append(out, "Date: "+at.Format(dateLayout)...)
		out = append(out, nl...)
		return append(out, raw[stop:]...)
	}
	return raw
}

func isDateField(line []byte) bool {
	name, _, ok := bytes.Cut(line, []byte(":"))
	return ok && bytes.EqualFold(bytes.TrimRight(name, " \t"), []byte("Date"))
}

// heartbeat renews the leases of messages ids while one of them is on the
// wire, every s.beat, until the returned stop is called; a send slower than
// the lease is then never taken for a dead runner's, nor are the sends
// accepted before it and not recorded yet. stop returns once no renewal is
// in progress, and none starts after it. A send faster than s.beat costs a
// timer and no goroutine, and nothing to wait for when it ends.
func (s *Service) heartbeat(ctx context.Context, ids []int64) (stop func()) {
	var (
		mu      sync.Mutex // held by a renewal, and by stop
		stopped bool
		t       *time.Timer
	)
	mu.Lock() // the first renewal waits until t is set
	defer mu.Unlock()
	t = time.AfterFunc(s.beat, func() {
		mu.Lock()
		defer mu.Unlock()
		if stopped || ctx.Err() != nil {
			return
		}
		for _, id := range ids {
			err := s.runner.RenewLease(ctx, id, s.now().Add(s.cfg.Lease))
			if err != nil {
				// The lease was lost (another runner settled it) or
				// the database is unreachable: the outcome is
				// recorded as usual when the send ends.
				s.log.Warn("renew lease", "message", id, "err", err)
			}
			if s.onBeat != nil {
				s.onBeat(id, err)
			}
		}
		t.Reset(s.beat)
	})
	return func() {
		mu.Lock()
		defer mu.Unlock()
		stopped = true
		t.Stop()
	}
}

// runnerOf builds the store runner of a Service: it sends the Sender's
// messages only, through the Sender's mailbox (everyone's without one).
func (s *Service) runnerOf(db *store.DB) *store.Runner {
	return db.Runner(newRunnerID(), func(raw []byte, _ time.Time) []byte { return withDate(raw, s.now()) }).As(s.sender.ID)
}

// lockDir is where the runners of the database at dbPath keep their lock
// files, one per live runner.
func lockDir(dbPath string) string { return dbPath + ".runners" }

// findLocks learns, once, where the runners of this database keep their
// locks; "" for a database in memory.
func (s *Service) findLocks(ctx context.Context) {
	s.dirOnce.Do(func() {
		if path, err := s.db.Path(ctx); err == nil && path != "" {
			s.lockDir = lockDir(path)
		}
	})
}

// holdLock takes this runner's lock once, before its first claim, so that
// a successor can tell whether it is still alive. Without a lock (a
// database in memory, a read-only folder) a dead runner's claims wait for
// their lease, as before.
func (s *Service) holdLock(ctx context.Context) {
	s.findLocks(ctx)
	s.lockOnce.Do(func() {
		if s.lockDir == "" {
			return
		}
		if err := os.MkdirAll(s.lockDir, 0o700); err != nil {
			s.log.Warn("runner lock", "err", err)
			return
		}
		var err error
		if s.lock, err = lockFile(filepath.Join(s.lockDir, s.runner.ID()+".lock")); err != nil {
			s.log.Warn("runner lock", "err", err)
		}
	})
}

// recoverDead surfaces as uncertain, at once, the claims of every runner
// whose lock is free: it died (kill -9, a closed terminal) while sending,
// and waiting out its lease would only delay the user's decision.
func (s *Service) recoverDead(ctx context.Context) []store.Message {
	var out []store.Message
	s.eachLock(func(id, path string) {
		if ctx.Err() != nil {
			return
		}
		l, dead := tryDead(path)
		if !dead {
			return
		}
		ms, err := s.db.RecoverClaims(ctx, id)
		if err != nil {
			s.log.Error("recover a dead runner's claims", "runner", id, "err", err)
			l.release(false)
			return
		}
		l.release(true)
		out = append(out, ms...)
	})
	return out
}

// liveRunners lists the other runners whose lock is taken: a TUI still
// running owns the sends of its undo windows, which are not held.
func (s *Service) liveRunners() []string {
	var live []string
	s.eachLock(func(id, path string) {
		if l, dead := tryDead(path); dead {
			l.release(false) // recoverDead settles and removes it
			return
		}
		live = append(live, id)
	})
	return live
}

// eachLock calls fn with the ID and file of every other runner's lock.
func (s *Service) eachLock(fn func(id, path string)) {
	if s.lockDir == "" {
		return
	}
	entries, err := os.ReadDir(s.lockDir)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) { // no runner has claimed yet
			s.log.Warn("list runner locks", "err", err)
		}
		return
	}
	for _, e := range entries {
		if id, ok := strings.CutSuffix(e.Name(), ".lock"); ok && id != s.runner.ID() {
			fn(id, filepath.Join(s.lockDir, e.Name()))
		}
	}
}

// Close lets go of the runner's lock. A Service not closed lets go when its
// process ends.
func (s *Service) Close() error {
	s.lockOnce.Do(func() {}) // no lock is taken after Close
	s.lock.release(true)
	return nil
}
