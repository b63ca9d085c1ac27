//go:build unix

package localimap

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockDir takes an exclusive advisory lock on dir/server.lock, so that two
// servers never keep one mailbox directory: each would write its own state
// over the other's. The returned func releases it. A lock held by another
// process is ErrDirInUse.
func lockDir(dir string) (func(), error) {
	p := filepath.Join(dir, "server.lock")
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock the mailbox directory: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: %s", ErrDirInUse, dir)
		}
		return nil, fmt.Errorf("lock the mailbox directory: %w", err)
	}
	return func() { _ = f.Close() }, nil
}
