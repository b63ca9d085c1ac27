//go:build unix

package mailsync_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail/localimap"
	"github.com/leadmail/leadmail/mail/mailsync"
)

// A sync killed with -9 leaves its lease behind; the next run on this
// machine sees that its process is gone and takes the lease over at
// once, while a live holder's lease is respected.
func TestLeaseOfAKilledSync(t *testing.T) {
	host, err := os.Hostname()
	if err != nil {
		t.Skip("no host name:", err)
	}
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip("cannot run true:", err)
	}
	for _, tc := range []struct {
		holder   string
		takeOver bool
	}{
		{fmt.Sprintf("%d@%s", dead.Process.Pid, host), true},
		{fmt.Sprintf("demo %d@%s", dead.Process.Pid, host), true},
		{fmt.Sprintf("%d@%s", os.Getpid(), host), false},               // alive
		{fmt.Sprintf("%d@elsewhere.example", dead.Process.Pid), false}, // another machine: cannot tell
		{"cron@host", false},
	} {
		t.Run(tc.holder, func(t *testing.T) {
			w := newWorld(t, localimap.Config{})
			if ok, _, err := w.db.AcquireSyncLease(t.Context(), tc.holder, time.Now().Add(time.Hour)); err != nil || !ok {
				t.Fatal(ok, err)
			}
			_, err := w.syncer().Run(t.Context(), mailsync.Options{})
			if tc.takeOver && err != nil {
				t.Errorf("Run = %v, want the dead holder's lease taken over", err)
			}
			if !tc.takeOver && !errors.Is(err, mailsync.ErrLeaseHeld) {
				t.Errorf("Run = %v, want ErrLeaseHeld", err)
			}
		})
	}
}
