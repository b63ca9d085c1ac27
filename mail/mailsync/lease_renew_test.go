package mailsync_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail/localimap"
	"github.com/leadmail/leadmail/mail/mailsync"
)

// slowWorld is a contact with 120 messages, read in batches of 50: a
// Progress callback that takes its time makes the sync outlast a short
// lease.
func slowWorld(t *testing.T) *world {
	w := newWorld(t, localimap.Config{})
	w.contact("lead@cust.example")
	for i := range 120 {
		w.deliver("INBOX", msg{From: "lead@cust.example", To: repAddr,
			Subject: fmt.Sprintf("Note %d", i), ID: fmt.Sprintf("n%d@cust.example", i)})
	}
	return w
}

// A sync longer than its lease keeps renewing it: no other sync gets it
// while the run lasts, the run is not cut, and it is given back at the end.
func TestLeaseRenewedDuringALongSync(t *testing.T) {
	w := slowWorld(t)
	// Long enough that a busy test machine never stalls a renewal (every
	// third of it) past its end.
	const lease = time.Second
	began := time.Now()
	refused, batches := 0, 0
	s := w.syncer(func(c *mailsync.Config) { c.Lease = lease })
	rep, err := s.Run(t.Context(), mailsync.Options{Progress: func(mailsync.Progress) {
		if batches++; batches > 1 {
			return
		}
		// The first batch lasts three leases, another sync trying meanwhile.
		for time.Since(began) < 3*lease {
			ok, _, err := w.db.AcquireSyncLease(t.Context(), "cron@host", time.Now().Add(time.Minute))
			if err != nil || ok {
				t.Errorf("another sync got the lease %v into a run holding it (%v)", time.Since(began), err)
				return
			}
			refused++
			time.Sleep(lease / 4)
		}
	}})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if rep.Recorded != 120 || refused < 3 {
		t.Fatalf("recorded %d (want 120); the other sync was refused %d times (want 3 or more)", rep.Recorded, refused)
	}
	if ok, _, err := w.db.AcquireSyncLease(t.Context(), "cron@host", time.Now().Add(time.Minute)); err != nil || !ok {
		t.Fatalf("the lease was not given back after the run: %v %v", ok, err)
	}
}

// A run that lost its lease (another sync took it over) stops at its next
// renewal with ErrLeaseHeld instead of recording beside the other.
func TestLeaseLostStopsTheRun(t *testing.T) {
	w := slowWorld(t)
	const lease = time.Second
	s := w.syncer(func(c *mailsync.Config) { c.Lease = lease })
	batches := 0
	rep, err := s.Run(t.Context(), mailsync.Options{Progress: func(mailsync.Progress) {
		if batches++; batches > 1 {
			return
		}
		if err := w.db.ReleaseSyncLease(t.Context(), w.config().Holder); err != nil {
			t.Error(err)
		}
		if ok, _, err := w.db.AcquireSyncLease(t.Context(), "cron@host", time.Now().Add(time.Minute)); err != nil || !ok {
			t.Error("could not take the lease:", ok, err)
		}
		time.Sleep(lease) // the run's next renewal finds it taken
	}})
	if !errors.Is(err, mailsync.ErrLeaseHeld) || !strings.Contains(err.Error(), "cron@host") {
		t.Fatalf("err = %v, want ErrLeaseHeld naming cron@host", err)
	}
	if rep.Scanned >= 120 {
		t.Errorf("scanned %d: the run went on after losing its lease", rep.Scanned)
	}
}
