//go:build unix

package outbox

import (
	"fmt"
	"os"
	"syscall"
)

// runnerLock is a runner's proof of life: an exclusive flock on its own
// file, held as long as the process lives and let go by the kernel when it
// dies, however it dies.
type runnerLock struct {
	f *os.File
}

// lockFile takes the lock at path, creating the file. The lock is taken on
// the file that is still at path afterwards, not on one a successor has
// just removed as a dead runner's.
func lockFile(path string) (*runnerLock, error) {
	for range 3 {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
		if err != nil {
			return nil, fmt.Errorf("open runner lock: %w", err)
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		held, herr := f.Stat()
		now, nerr := os.Stat(path)
		if herr == nil && nerr == nil && os.SameFile(held, now) {
			return &runnerLock{f: f}, nil
		}
		_ = f.Close()
	}
	return nil, fmt.Errorf("lock %s: the file keeps being replaced", path)
}

// tryDead reports whether the runner whose lock file is path is dead: its
// lock is free. A dead runner's file is then removed, and its lock is
// returned to be released once its claims are settled.
func tryDead(path string) (*runnerLock, bool) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, false
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		return nil, false // alive, or not provably dead
	}
	return &runnerLock{f: f}, true
}

// release lets the lock go and, with remove, deletes its file first.
func (l *runnerLock) release(remove bool) {
	if l == nil {
		return
	}
	if remove {
		// An orphan file is harmless: the next runner finds it free.
		_ = os.Remove(l.f.Name())
	}
	_ = l.f.Close()
}
