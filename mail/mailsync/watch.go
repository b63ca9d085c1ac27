package mailsync

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/emersion/go-imap/client"

	"github.com/leadmail/leadmail/mail/imapconn"
)

// Reconnect backoff of Watch.
const (
	watchBackoffMin = time.Second
	watchBackoffMax = 5 * time.Minute
	// watchLeaseRetry is how soon Watch tries again when another sync
	// held the lease or its run failed.
	watchLeaseRetry = 5 * time.Second
)

// watchFolder is where new mail arrives.
const watchFolder = "INBOX"

// Watch keeps the store in step with the mailbox until ctx is done: it
// waits on INBOX with IDLE (re-armed before the server's timeout; polling
// where the server has no IDLE), and on news runs an incremental Run of
// that folder (on Gmail, All Mail), then calls changed with its report.
// On connecting, and every Config.Sweep after, the Run covers every
// folder, so mail filed elsewhere arrives too.
// A lost connection is redialled after 1 s, doubling to 5 min; a refused
// login stops Watch with the error, so a wrong password never turns into
// a storm of attempts that locks the account. It returns nil when ctx is
// done.
func (s *Syncer) Watch(ctx context.Context, changed func(Report)) error {
	if changed == nil {
		changed = func(Report) {}
	}
	backoff := watchBackoffMin
	for {
		began := time.Now()
		err := s.watchOnce(ctx, changed)
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, imapconn.ErrAuth) {
			return err
		}
		if time.Since(began) > watchBackoffMax {
			backoff = watchBackoffMin // it worked for a while
		}
		s.log.Info("mail watch lost its connection", "err", err, "retry_in", backoff)
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		backoff = min(backoff*2, watchBackoffMax)
	}
}

// watchOnce runs one connection's worth of watching; it returns the
// reason the connection ended.
func (s *Syncer) watchOnce(ctx context.Context, changed func(Report)) error {
	cn, err := s.dial(ctx)
	if err != nil {
		return err
	}
	defer cn.close()
	fs, err := cn.list(ctx)
	if err != nil {
		return err
	}
	target := []string{watchFolder}
	if all, ok := allMail(fs); ok {
		target = []string{all}
	} else if len(s.cfg.Folders) > 0 && !containsFold(s.cfg.Folders, watchFolder) {
		target = s.cfg.Folders
	}

	// The reader goroutine of go-imap sends every unsolicited response to
	// Updates and blocks until it is read: drain it for the connection's
	// whole life, keeping only "something changed".
	updates := make(chan client.Update, 64)
	news := make(chan struct{}, 1)
	cn.c.Updates = updates
	go func() {
		for {
			select {
			case u := <-updates:
				if _, ok := u.(*client.MailboxUpdate); ok {
					select {
					case news <- struct{}{}:
					default:
					}
				}
			case <-cn.c.LoggedOut():
				return
			}
		}
	}()

	timeout := cn.c.Timeout
	// Catch up with what came while disconnected, in every folder.
	everyFolder := true
	sweep := time.NewTicker(s.cfg.Sweep)
	defer sweep.Stop()
	for {
		// EXAMINE before the run: whatever arrives after it is announced
		// once IDLE starts, so nothing falls between the run and IDLE.
		if _, err := cn.examine(ctx, watchFolder); err != nil {
			return err
		}
		select {
		case <-news: // what the EXAMINE itself announced
		default:
		}
		// Every pass runs a sync: the first catches up, later ones follow
		// IDLE's news or the sweep.
		{
			o := Options{Folders: target}
			if everyFolder {
				o = Options{}
			}
			rep, err := s.Run(ctx, o)
			if err == nil {
				everyFolder = false
			}
			switch {
			case ctx.Err() != nil:
				return nil
			case errors.Is(err, imapconn.ErrAuth):
				return err
			case err != nil:
				// Another sync is busy (a manual one), or this run failed:
				// look again soon rather than wait for the next mail.
				if !errors.Is(err, ErrLeaseHeld) {
					s.log.Warn("mail watch sync", "err", err)
				}
				go func() {
					t := time.NewTimer(watchLeaseRetry)
					defer t.Stop()
					select {
					case <-t.C:
						select {
						case news <- struct{}{}:
						default:
						}
					case <-ctx.Done():
					}
				}()
			case changedAnything(rep):
				changed(rep)
			}
		}
		stop := make(chan struct{})
		idleDone := make(chan error, 1)
		cn.c.Timeout = 0 // IDLE lasts; go-imap re-arms it before the server's timeout
		go func() {
			idleDone <- cn.c.Idle(stop, &client.IdleOptions{PollInterval: s.cfg.Poll})
		}()
		select {
		case <-ctx.Done():
			close(stop)
			<-idleDone //nolint:errcheck // shutting down: how IDLE ended no longer matters
			return nil
		case err := <-idleDone:
			if err == nil {
				err = errDropped
			}
			return err
		case <-news:
		case <-sweep.C:
			everyFolder = true
		}
		close(stop)
		if err := <-idleDone; err != nil {
			return err
		}
		cn.c.Timeout = timeout
	}
}

func changedAnything(r Report) bool {
	return r.Recorded+r.Bounces+r.Confirmed+r.SentCopies > 0
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
