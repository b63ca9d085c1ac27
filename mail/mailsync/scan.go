package mailsync

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/emersion/go-imap"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/store"
)

// header is one message as the header pass reads it.
type header struct {
	uid      uint32
	size     uint32
	internal time.Time
	in       mail.Inbound
}

// scanFolder reads a folder's new messages from st on, in batches, each
// committed with the folder's position; st follows what is committed.
func (r *run) scanFolder(ctx context.Context, name string, st *store.SyncFolder, fr *FolderReport) error {
	status, err := r.folderStatus(ctx, name)
	if err != nil {
		return err
	}
	if st.UIDValidity != status.UidValidity {
		if st.UIDValidity != 0 {
			// The server renumbered the folder: read it all again; dedupe
			// on Message-ID keeps every event single.
			r.s.log.Info("UIDVALIDITY changed: rescanning the folder", "folder", name,
				"was", st.UIDValidity, "now", status.UidValidity)
		}
		*st = store.SyncFolder{Name: name, UIDValidity: status.UidValidity}
	}
	modseq := highestModSeq(status)
	if st.UIDNext != 0 && st.LastUID+1 >= st.UIDNext &&
		st.UIDNext == status.UidNext && st.Messages == status.Messages &&
		(modseq == 0 || st.ModSeq == 0 || modseq == st.ModSeq) {
		fr.Skipped = true
		return nil
	}
	mbox, err := r.cn.examine(ctx, name)
	if err != nil {
		return err
	}
	if mbox.UidValidity != st.UIDValidity {
		// Renumbered between STATUS and EXAMINE: start over next time.
		return fmt.Errorf("folder %q was renumbered by the server during the sync: it will be read again on the next sync", clean(name))
	}
	if mbox.UidNext == 0 {
		mbox.UidNext = status.UidNext // some servers leave it out of EXAMINE
	}
	final := *st
	final.UIDNext, final.Messages, final.ModSeq = mbox.UidNext, mbox.Messages, modseq

	end := uint32(0)
	if mbox.UidNext > 0 {
		end = mbox.UidNext - 1
	}
	total := int(mbox.Messages)
	scanned := 0
	if st.LastUID > 0 && end >= st.LastUID {
		scanned = max(0, total-int(end-st.LastUID))
	}
	fr.Scanned = 0
	began := time.Now()
	lo := st.LastUID + 1
	if end < lo || mbox.Messages == 0 {
		// Nothing new (expunges only): remember the new counts so the next
		// run skips.
		final.LastUID = max(st.LastUID, end)
		_, err := r.commit(ctx, st, final, nil, nil)
		return err
	}
	// Headers of the next batches stream in while this one is matched and
	// recorded: the database work overlaps the network's, and a large
	// folder is read over a second connection too.
	conns := []*conn{r.cn}
	if extra := r.extraConn(ctx, name, st.UIDValidity, end-lo+1); extra != nil {
		defer extra.close()
		conns = append(conns, extra)
	}
	batches := make(chan fetched, 1)
	pctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { r.produce(pctx, conns, lo, end, batches) })
	defer func() {
		stop()
		// Drain, so the producer never blocks on a send nobody takes.
		for range batches {
			continue
		}
		wg.Wait()
	}()
	for f := range batches {
		if f.err != nil {
			return f.err
		}
		next := *st
		next.LastUID = f.hi
		if f.hi == end {
			next = final
			next.LastUID = end
		}
		matched, err := r.processBatch(ctx, name, st.UIDValidity, st, next, f.batch)
		if err != nil {
			return err
		}
		n := len(f.batch)
		fr.Scanned += n
		fr.Matched += matched
		r.rep.Scanned += n
		scanned += n
		r.progress(name, scanned, max(total, scanned), fr.Matched, fr.Scanned, began)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return nil
}

// fetched is one batch of headers, UIDs lo to hi, or the error that
// stopped the fetching.
type fetched struct {
	hi    uint32
	batch []header
	err   error
}

// produce fetches the headers of UIDs lo to end in batches into out, in
// UID order, and closes it when done, at the first error, or when ctx
// ends. Each connection of conns fetches one batch at a time; the batches
// are handed on in order whichever connection finishes first.
func (r *run) produce(ctx context.Context, conns []*conn, lo, end uint32, out chan<- fetched) {
	defer close(out)
	type job struct {
		lo, hi uint32
		res    chan fetched
	}
	jobs := make(chan job)
	var wg sync.WaitGroup
	for _, cn := range conns {
		wg.Go(func() {
			for j := range jobs {
				set := new(imap.SeqSet)
				set.AddRange(j.lo, j.hi)
				var batch []header
				err := r.fetchHeaders(ctx, cn, set, func(h header) {
					if h.uid >= j.lo && h.uid <= j.hi {
						batch = append(batch, h)
					}
				})
				j.res <- fetched{hi: j.hi, batch: batch, err: err} // buffered: never blocks
			}
		})
	}
	defer wg.Wait()
	defer close(jobs)

	width := uint32(r.s.cfg.Batch)
	var pending []job // in flight, oldest first; at most one per connection
	// deliver hands the oldest batch on and adapts the width to it; false
	// means stop.
	deliver := func() bool {
		j := pending[0]
		pending = pending[1:]
		var f fetched
		select {
		case f = <-j.res:
		case <-ctx.Done():
			return false
		}
		select {
		case out <- f:
		case <-ctx.Done():
			return false
		}
		if f.err != nil {
			return false
		}
		// Sparse UIDs: widen the range so few round trips cross a gap;
		// dense ones: keep it near Batch messages.
		n := len(f.batch)
		switch {
		case n < r.s.cfg.Batch/2 && width < uint32(r.s.cfg.Batch)*16:
			width *= 2
		case n >= r.s.cfg.Batch && width > uint32(r.s.cfg.Batch):
			width = uint32(r.s.cfg.Batch)
		}
		return true
	}
	for lo <= end && ctx.Err() == nil {
		if len(pending) == len(conns) && !deliver() {
			return
		}
		hi := end
		if end-lo >= width {
			hi = lo + width - 1
		}
		j := job{lo: lo, hi: hi, res: make(chan fetched, 1)}
		select {
		case jobs <- j:
		case <-ctx.Done():
			return
		}
		pending = append(pending, j)
		if hi == end {
			break
		}
		lo = hi + 1
	}
	for len(pending) > 0 && deliver() {
		continue
	}
}

// extraConn opens a second connection on folder for a scan of n UIDs when
// the configuration allows one and the folder is large enough to gain
// from it; nil means one connection does. A second connection that cannot
// be had is not an error: the scan goes on with the first.
func (r *run) extraConn(ctx context.Context, folder string, validity uint32, n uint32) *conn {
	if r.s.cfg.Connections < 2 || n < uint32(4*r.s.cfg.Batch) {
		return nil
	}
	cn, err := r.s.dial(ctx)
	if err != nil {
		r.s.log.Info("a second connection for the headers could not be opened: reading with one", "err", err)
		return nil
	}
	mbox, err := cn.examine(ctx, folder)
	if err != nil || mbox.UidValidity != validity {
		r.s.log.Info("a second connection could not open the folder: reading with one", "folder", folder, "err", err)
		cn.close()
		return nil
	}
	r.s.log.Debug("reading the headers over two connections", "folder", folder, "messages", n)
	return cn
}

// folderStatus reads UIDVALIDITY, UIDNEXT, the message count and, where
// the server has CONDSTORE, HIGHESTMODSEQ, without selecting the folder.
func (r *run) folderStatus(ctx context.Context, name string) (*imap.MailboxStatus, error) {
	items := []imap.StatusItem{imap.StatusMessages, imap.StatusUidNext, imap.StatusUidValidity}
	if r.cn.caps["CONDSTORE"] {
		items = append(items, "HIGHESTMODSEQ")
	}
	st, err := r.cn.c.Status(name, items)
	if err != nil {
		err = r.cn.wrap(ctx, fmt.Sprintf("open folder %q", clean(name)), err)
		if ctx.Err() == nil && !r.cn.dead() {
			return nil, fmt.Errorf("folder %q could not be opened, perhaps deleted or renamed during the sync: skipped (%w)", clean(name), err)
		}
		return nil, err
	}
	return st, nil
}

func highestModSeq(st *imap.MailboxStatus) uint64 {
	v, ok := st.Items["HIGHESTMODSEQ"]
	if !ok || v == nil {
		return 0
	}
	switch x := v.(type) {
	case uint32:
		return uint64(x)
	case string:
		var n uint64
		if _, err := fmt.Sscan(x, &n); err == nil {
			return n
		}
	case imap.RawString:
		var n uint64
		if _, err := fmt.Sscan(string(x), &n); err == nil {
			return n
		}
	}
	return 0
}

// fetchHeaders streams the header fields Mail Sync reads, the size and the
// UID of the messages in set, calling fn for each as it arrives.
func (r *run) fetchHeaders(ctx context.Context, cn *conn, set *imap.SeqSet, fn func(header)) error {
	section := &imap.BodySectionName{
		BodyPartName: imap.BodyPartName{Specifier: imap.HeaderSpecifier, Fields: mail.InboundHeaderFields()},
		Peek:         true,
	}
	items := []imap.FetchItem{section.FetchItem(), imap.FetchRFC822Size, imap.FetchUid, imap.FetchInternalDate}
	cn.mu.Lock()
	defer cn.mu.Unlock()
	ch := make(chan *imap.Message, 64)
	done := make(chan error, 1)
	go func() { done <- cn.c.UidFetch(set, items, ch) }()
	for m := range ch {
		h := header{uid: m.Uid, size: m.Size, internal: m.InternalDate}
		if lit := anyBody(m, section); lit != nil {
			in, err := mail.ParseInboundHeader(lit)
			if err != nil {
				in.Notes = append(in.Notes, "the header could not be read in full: "+clean(err.Error()))
			}
			h.in = in
		} else {
			h.in.Notes = append(h.in.Notes, "the server sent no header for this message")
		}
		fn(h)
	}
	return cn.wrap(ctx, "read the message headers", <-done)
}

// progress reports where the folder scan is.
func (r *run) progress(folder string, scanned, total, matched, thisRun int, began time.Time) {
	if r.o.Progress == nil {
		return
	}
	p := Progress{Folder: clean(folder), Scanned: scanned, Total: total, Matched: matched}
	if el := time.Since(began).Seconds(); el > 0 {
		p.PerSecond = float64(thisRun) / el
		if p.PerSecond > 0 && total > scanned {
			p.ETA = time.Duration(float64(total-scanned) / p.PerSecond * float64(time.Second))
		}
	}
	r.o.Progress(p)
}
