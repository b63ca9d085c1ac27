package mailsync

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/leadmail/leadmail/mail/imapconn"
	"github.com/leadmail/leadmail/store"
)

// Syncer reads the user's mailbox into the store. One Syncer may serve
// Run, Watch and FetchOriginal from several goroutines; two runs on one
// database (a TUI and cron) never overlap, because each holds the sync
// lease.
type Syncer struct {
	cfg Config
	st  Store
	me  map[string]bool
	log *slog.Logger
}

// New returns a Syncer for the account in c, recording into st.
func New(c Config, st Store) *Syncer {
	c = c.withDefaults()
	me := make(map[string]bool, len(c.Me))
	for _, a := range c.Me {
		if a = strings.ToLower(strings.TrimSpace(a)); a != "" {
			me[a] = true
		}
	}
	return &Syncer{cfg: c, st: st, me: me, log: c.Logger}
}

func (s *Syncer) now() time.Time { return s.cfg.Now() }

// run is the state of one Run.
type run struct {
	s          *Syncer
	o          Options
	cn         *conn
	rep        Report
	start      time.Time
	reconnects int
	// states mirrors what is committed for each folder.
	states map[string]store.SyncFolder
	// folders as listed at the start of the run.
	folders []imapconn.Folder
	// met holds the dedupe keys of the messages this run matched, hashed
	// with metSeed, so the Report counts each message once.
	met     map[uint64]struct{}
	metSeed maphash.Seed
}

// maxReconnects bounds how often one Run reconnects after a dropped
// connection before it gives up with the error.
const maxReconnects = 3

// Run makes one pass: it takes the sync lease, reads every chosen folder
// from where the last run stopped, backfills the history of contacts
// added since, resolves uncertain sends and saves Sent copies. Each batch
// is committed with the folder's position, so a cancelled or killed run
// loses nothing and a rerun duplicates nothing.
func (s *Syncer) Run(ctx context.Context, o Options) (Report, error) {
	if !o.DryRun {
		lctx, release, err := s.holdLease(ctx)
		if err != nil {
			return Report{}, err
		}
		defer release()
		ctx = lctx
		if o.Rescan {
			if err := s.forgetPositions(ctx, o.Folders); err != nil {
				return Report{}, err
			}
		}
	}
	r := &run{s: s, o: o, start: s.now(), met: map[uint64]struct{}{}, metSeed: maphash.MakeSeed()}
	defer func() { r.cn.close() }()
	err := r.do(ctx)
	if err != nil && ctx.Err() != nil {
		if cause := context.Cause(ctx); cause != nil {
			err = cause
		}
	}
	return r.rep, err
}

// forgetPositions makes the named folders (all when none is named) be
// read again from their first message.
func (s *Syncer) forgetPositions(ctx context.Context, folders []string) error {
	if len(folders) == 0 {
		if err := s.st.ResetSyncFolders(ctx); err != nil {
			return fmt.Errorf("forget the folder positions for a rescan: %w", err)
		}
		return nil
	}
	for _, f := range folders {
		if err := s.st.ForgetSyncFolder(ctx, f); err != nil {
			return fmt.Errorf("forget the position in folder %q for a rescan: %w", clean(f), err)
		}
	}
	return nil
}

// holdLease takes the sync lease and renews it until release is called;
// losing it to another process cancels the returned context.
func (s *Syncer) holdLease(ctx context.Context) (context.Context, func(), error) {
	holder, lease := s.cfg.Holder, s.cfg.Lease
	ok, heldBy, err := s.st.AcquireSyncLease(ctx, holder, s.now().Add(lease))
	if err == nil && !ok && holderGone(heldBy) {
		// Killed without giving the lease back: take it over rather than
		// make the rerun wait for it to run out.
		s.log.Info("taking over the sync lease of a process that is gone", "holder", heldBy)
		if err = s.st.ReleaseSyncLease(ctx, heldBy); err == nil {
			ok, heldBy, err = s.st.AcquireSyncLease(ctx, holder, s.now().Add(lease))
		}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("take the sync lease: %w", err)
	}
	if !ok {
		return nil, nil, fmt.Errorf("%w (%s)", ErrLeaseHeld, clean(heldBy))
	}
	lctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(lease / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-lctx.Done():
				return
			case <-t.C:
				ok, heldBy, err := s.st.AcquireSyncLease(lctx, holder, s.now().Add(lease))
				switch {
				case err != nil && lctx.Err() == nil:
					s.log.Warn("renew the sync lease", "err", err)
				case err == nil && !ok:
					cancel(fmt.Errorf("%w (%s)", ErrLeaseHeld, clean(heldBy)))
					return
				}
			}
		}
	})
	release := func() {
		close(done)
		wg.Wait()
		cancel(nil)
		if err := s.st.ReleaseSyncLease(context.WithoutCancel(ctx), holder); err != nil {
			s.log.Warn("release the sync lease", "err", err)
		}
	}
	return lctx, release, nil
}

// connect dials (again); a dropped connection is replaced.
func (r *run) connect(ctx context.Context) error {
	if r.cn != nil {
		r.cn.close()
		r.cn = nil
	}
	cn, err := r.s.dial(ctx)
	if err != nil {
		return err
	}
	r.cn = cn
	return nil
}

func (r *run) do(ctx context.Context) error {
	if err := r.connect(ctx); err != nil {
		return err
	}
	fs, err := r.cn.list(ctx)
	if err != nil {
		return err
	}
	r.folders = fs
	chosen, missing := chooseFolders(fs, r.s.cfg, r.o.Folders)
	for _, name := range missing {
		r.rep.Folders = append(r.rep.Folders, FolderReport{Name: clean(name),
			Err: fmt.Sprintf("there is no folder %q on the server", clean(name))})
	}
	stored, err := r.s.st.SyncFolders(ctx)
	if err != nil {
		return fmt.Errorf("read the folder positions: %w", err)
	}
	r.states = make(map[string]store.SyncFolder, len(stored))
	onServer := make(map[string]bool, len(fs))
	for _, f := range fs {
		onServer[f.Name] = true
	}
	coverStart := r.start
	midScan := false
	for _, st := range stored {
		if r.o.DryRun && r.o.Rescan && (len(r.o.Folders) == 0 || slices.Contains(r.o.Folders, st.Name)) {
			continue // a dry rescan reads from the start without forgetting
		}
		if !onServer[st.Name] {
			// Gone or renamed: a renamed folder is scanned anew under its
			// new name, and dedupe keeps its events single.
			if !r.o.DryRun {
				if err := r.s.st.ForgetSyncFolder(ctx, st.Name); err != nil {
					return fmt.Errorf("forget folder %q: %w", clean(st.Name), err)
				}
			}
			continue
		}
		r.states[st.Name] = st
		if !slices.Contains(chosen, st.Name) {
			continue
		}
		// A scan from the start cut off (a killed first sync) resumes; it
		// covers the contacts that existed when it began, about the time
		// of the earliest commit still standing.
		if st.LastUID > 0 && st.UIDNext == 0 {
			midScan = true
		}
		if !st.LastRun.IsZero() && st.LastRun.Before(coverStart) {
			coverStart = st.LastRun
		}
	}

	// Many contacts without history (the first sync, a big import): read
	// every folder from the start, unless a scan was cut off and resumes.
	_, pending, err := r.s.st.PendingHistory(ctx, 1)
	if err != nil {
		return fmt.Errorf("count the contacts waiting for their history: %w", err)
	}
	rescanAll := pending > fewAddresses && !midScan && len(r.o.Folders) == 0

	complete := len(r.o.Folders) == 0 && len(missing) == 0
	// fromStart: every folder read from its first message, in this run or
	// in a cut-off one this run resumes.
	fromStart := true
	for _, name := range chosen {
		st := r.states[name]
		if rescanAll {
			st = store.SyncFolder{Name: name} // read again: matched anew
		}
		if st.LastUID > 0 && st.UIDNext != 0 {
			fromStart = false
		}
		fr, err := r.folder(ctx, name, st)
		r.rep.Folders = append(r.rep.Folders, fr)
		if err != nil {
			return err
		}
		if fr.Err != "" {
			complete = false
		}
	}

	// The history is complete when every folder was read from the start,
	// or when a cut-off first sync (many contacts waiting) is finished.
	if fromStart && !midScan {
		coverStart = r.start
	}
	if !r.o.DryRun && complete && (fromStart || midScan && pending > fewAddresses) {
		if err := r.s.st.MarkAllHistorySynced(ctx, coverStart, r.s.now()); err != nil {
			return fmt.Errorf("mark the contacts' history as read: %w", err)
		}
	}
	if len(r.o.Folders) == 0 {
		// A backfill must search every folder before it marks anyone.
		if err := r.backfill(ctx, chosen); err != nil {
			return err
		}
	}
	if r.o.DryRun {
		return nil
	}
	if err := r.uncertain(ctx); err != nil {
		return err
	}
	return r.sentCopies(ctx)
}

// folder reads one folder, reconnecting after a dropped connection and
// resuming from the last committed UID, at most maxReconnects times per
// run. A folder the server will not open is skipped with a note; only a
// lost connection or a store failure ends the run.
func (r *run) folder(ctx context.Context, name string, st store.SyncFolder) (FolderReport, error) {
	fr := FolderReport{Name: clean(name)}
	for {
		err := r.scanFolder(ctx, name, &st, &fr)
		if err == nil {
			return fr, nil
		}
		if ctx.Err() != nil {
			return fr, ctx.Err()
		}
		if errors.Is(err, errDropped) {
			if r.reconnects < maxReconnects {
				r.reconnects++
				r.s.log.Info("reconnecting after a dropped connection", "folder", name, "attempt", r.reconnects)
				if cerr := r.connect(ctx); cerr == nil {
					continue
				} else {
					err = cerr
				}
			}
			fr.Err = clean(err.Error())
			r.noteError(ctx, name, fr.Err)
			return fr, err
		}
		var se storeError
		if errors.As(err, &se) {
			fr.Err = clean(err.Error())
			return fr, err
		}
		fr.Err = clean(err.Error())
		r.noteError(ctx, name, fr.Err)
		return fr, nil
	}
}

func (r *run) noteError(ctx context.Context, folder, text string) {
	if r.o.DryRun || ctx.Err() != nil {
		return
	}
	if err := r.s.st.SetSyncError(ctx, folder, text, r.s.now()); err != nil {
		r.s.log.Warn("record a folder error", "folder", folder, "err", err)
	}
}

// storeError marks a database failure, which stops the run.
type storeError struct{ err error }

func (e storeError) Error() string { return e.err.Error() }
func (e storeError) Unwrap() error { return e.err }

// chooseFolders applies the folder rule: the folders asked for, else the
// configured ones, else on Gmail only \All, else every selectable folder
// but Trash, Junk/Spam and Drafts. missing are asked-for names the server
// does not have.
func chooseFolders(fs []imapconn.Folder, c Config, asked []string) (chosen, missing []string) {
	byName := make(map[string]imapconn.Folder, len(fs))
	for _, f := range fs {
		byName[f.Name] = f
	}
	want := asked
	if len(want) == 0 {
		want = c.Folders
	}
	if len(want) > 0 {
		for _, n := range want {
			if f, ok := byName[n]; ok && f.Selectable {
				if !slices.Contains(chosen, n) {
					chosen = append(chosen, n)
				}
			} else {
				missing = append(missing, n)
			}
		}
		return chosen, missing
	}
	if all, ok := allMail(fs); ok {
		return []string{all}, nil
	}
	for _, f := range fs {
		if f.Selectable && !skippedByDefault(f) {
			chosen = append(chosen, f.Name)
		}
	}
	return chosen, nil
}

// allMail finds the folder holding every message (Gmail's All Mail).
func allMail(fs []imapconn.Folder) (string, bool) {
	for _, f := range fs {
		if f.Selectable && strings.EqualFold(f.SpecialUse, `\All`) {
			return f.Name, true
		}
	}
	for _, f := range fs {
		if f.Selectable && strings.EqualFold(f.Name, "[Gmail]/All Mail") {
			return f.Name, true
		}
	}
	return "", false
}

// skippedByDefault is Trash, Junk/Spam and Drafts, by special use or by
// their usual names; also virtual folders that only repeat others.
func skippedByDefault(f imapconn.Folder) bool {
	switch strings.ToLower(f.SpecialUse) {
	case `\trash`, `\junk`, `\drafts`, `\flagged`, `\all`:
		return true
	}
	name := strings.ToLower(f.Name)
	if i := strings.LastIndexAny(name, "/."); i >= 0 {
		name = name[i+1:]
	}
	switch name {
	case "trash", "deleted items", "deleted messages", "deleted", "bin",
		"junk", "junk e-mail", "junk email", "spam", "bulk mail",
		"drafts", "draft":
		return true
	}
	return false
}
