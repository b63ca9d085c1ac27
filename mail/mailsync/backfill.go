package mailsync

import (
	"context"
	"errors"
	"fmt"
	"net/textproto"
	"slices"
	"strings"

	"github.com/emersion/go-imap"

	"github.com/leadmail/leadmail/store"
)

// searchChunk is how many addresses one UID SEARCH asks about.
const searchChunk = 16

// backfill finds the past mail of contacts added since the folders were
// read: for a few addresses, a UID SEARCH per folder up to the position
// already read, then those messages go through the usual matching (dedupe
// keeps what was recorded single). Many addresses wait for the next run,
// which reads every folder again.
func (r *run) backfill(ctx context.Context, chosen []string) error {
	list, total, err := r.s.st.PendingHistory(ctx, fewAddresses)
	if err != nil {
		return fmt.Errorf("read the contacts waiting for their history: %w", err)
	}
	if total == 0 || total > fewAddresses || len(list) == 0 {
		return nil
	}
	var emails []string
	var ids []int64
	for _, p := range list {
		ids = append(ids, p.ContactID)
		if e := strings.ToLower(strings.TrimSpace(p.Email)); e != "" && !slices.Contains(emails, e) {
			emails = append(emails, e)
		}
	}
	done := true
	for _, name := range chosen {
		st, known := r.states[name]
		if !known || st.LastUID == 0 {
			continue // never read: its first scan covers everyone
		}
		err := r.backfillFolder(ctx, name, st.UIDValidity, st.LastUID, emails)
		if err == nil {
			continue
		}
		done = false
		var se storeError
		if ctx.Err() != nil || errors.As(err, &se) {
			return err
		}
		if errors.Is(err, errDropped) {
			if r.reconnects >= maxReconnects {
				return err
			}
			r.reconnects++
			if cerr := r.connect(ctx); cerr != nil {
				return cerr
			}
			continue
		}
		r.s.log.Warn("backfill a folder", "folder", name, "err", err)
	}
	if !done || r.o.DryRun {
		return nil
	}
	if err := r.s.st.MarkHistorySynced(ctx, ids, r.s.now()); err != nil {
		return fmt.Errorf("mark the new contacts' history as read: %w", err)
	}
	return nil
}

func (r *run) backfillFolder(ctx context.Context, name string, validity, lastUID uint32, emails []string) error {
	mbox, err := r.cn.examine(ctx, name)
	if err != nil {
		return err
	}
	if mbox.UidValidity != validity {
		return nil // renumbered: the next scan reads it all
	}
	upTo := new(imap.SeqSet)
	upTo.AddRange(1, lastUID)
	var uids []uint32
	for chunk := range slices.Chunk(emails, searchChunk) {
		crit := anyAddress(chunk)
		crit.Uid = upTo
		found, err := r.cn.c.UidSearch(crit)
		if err != nil {
			return r.cn.wrap(ctx, fmt.Sprintf("search folder %q", clean(name)), err)
		}
		for _, u := range found {
			if u <= lastUID {
				uids = append(uids, u)
			}
		}
	}
	slices.Sort(uids)
	uids = slices.Compact(uids)
	for part := range slices.Chunk(uids, r.s.cfg.Batch) {
		set := new(imap.SeqSet)
		set.AddNum(part...)
		var batch []header
		if err := r.fetchHeaders(ctx, r.cn, set, func(h header) { batch = append(batch, h) }); err != nil {
			return err
		}
		if _, err := r.processBatch(ctx, name, validity, nil, store.SyncFolder{}, batch); err != nil {
			return err
		}
	}
	return nil
}

// anyAddress matches a message from, to or copied to any of the addresses.
func anyAddress(emails []string) *imap.SearchCriteria {
	cs := make([]*imap.SearchCriteria, len(emails))
	for i, e := range emails {
		field := func(key string) *imap.SearchCriteria {
			return &imap.SearchCriteria{Header: textproto.MIMEHeader{key: {e}}}
		}
		cs[i] = &imap.SearchCriteria{Or: [][2]*imap.SearchCriteria{{
			field("From"),
			{Or: [][2]*imap.SearchCriteria{{field("To"), field("Cc")}}},
		}}}
	}
	return anyOf(cs)
}

func anyOf(cs []*imap.SearchCriteria) *imap.SearchCriteria {
	if len(cs) == 1 {
		return cs[0]
	}
	mid := len(cs) / 2
	return &imap.SearchCriteria{Or: [][2]*imap.SearchCriteria{{anyOf(cs[:mid]), anyOf(cs[mid:])}}}
}
