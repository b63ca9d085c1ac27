package mailsync

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/emersion/go-imap"

	"github.com/leadmail/leadmail/store"
)

// ErrOriginalGone is returned by FetchOriginal when the message is no
// longer on the server.
var ErrOriginalGone = errors.New("the original message is no longer on the server")

// FetchOriginal reads a synced message's original bytes from the server
// (`o` in the TUI): where it was seen (folder, UID, UIDVALIDITY), else by
// its Message-ID in that folder and the synced ones. At most MaxOriginal
// bytes are read: a larger message comes back cut, with an error saying
// so.
func (s *Syncer) FetchOriginal(ctx context.Context, rec store.Received) ([]byte, error) {
	cn, err := s.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer cn.close()
	if rec.Folder != "" && rec.UID != 0 {
		mbox, err := cn.examine(ctx, rec.Folder)
		if err != nil && (errors.Is(err, errDropped) || ctx.Err() != nil) {
			return nil, err
		}
		if err == nil && mbox.UidValidity == rec.UIDValidity {
			if b, ok, err := s.fetchWhole(ctx, cn, rec.UID, rec.MessageID); ok || err != nil {
				return b, err
			}
		}
	}
	if rec.MessageID == "" || strings.HasPrefix(rec.MessageID, "sha256:") {
		return nil, ErrOriginalGone
	}
	fs, err := cn.list(ctx)
	if err != nil {
		return nil, err
	}
	places := []string{}
	if rec.Folder != "" {
		places = append(places, rec.Folder)
	}
	chosen, _ := chooseFolders(fs, s.cfg, nil)
	for _, f := range chosen {
		if f != rec.Folder {
			places = append(places, f)
		}
	}
	for _, f := range places {
		uids, err := cn.searchMessageID(ctx, f, rec.MessageID)
		if err != nil {
			if errors.Is(err, errDropped) || ctx.Err() != nil {
				return nil, err
			}
			continue
		}
		if len(uids) > 0 {
			if b, ok, err := s.fetchWhole(ctx, cn, uids[0], ""); ok || err != nil {
				return b, err
			}
		}
	}
	return nil, ErrOriginalGone
}

// fetchWhole reads one message of the selected folder, checking its
// Message-ID when wantID is set (a UID may now be another message).
func (s *Syncer) fetchWhole(ctx context.Context, cn *conn, uid uint32, wantID string) ([]byte, bool, error) {
	set := new(imap.SeqSet)
	set.AddNum(uid)
	var size uint32
	found := false
	idSection := &imap.BodySectionName{Peek: true, BodyPartName: imap.BodyPartName{Specifier: imap.HeaderSpecifier, Fields: []string{"Message-Id"}}}
	var idHeader []byte
	ch := make(chan *imap.Message, 1)
	done := make(chan error, 1)
	go func() {
		done <- cn.c.UidFetch(set, []imap.FetchItem{imap.FetchRFC822Size, imap.FetchUid, idSection.FetchItem()}, ch)
	}()
	for m := range ch {
		if m.Uid == uid {
			found, size = true, m.Size
			if lit := anyBody(m, idSection); lit != nil {
				idHeader, _ = readBounded(lit, 64<<10)
			}
		}
	}
	if err := cn.wrap(ctx, "look up the original message", <-done); err != nil {
		return nil, false, err
	}
	if !found {
		return nil, false, nil
	}
	if wantID != "" && !strings.HasPrefix(wantID, "sha256:") && !strings.Contains(string(idHeader), wantID) {
		return nil, false, nil
	}
	b, err := cn.fetchBody(ctx, uid, MaxOriginal)
	if err != nil {
		return nil, false, err
	}
	if int64(size) > int64(len(b)) && len(b) >= MaxOriginal {
		return b, true, fmt.Errorf("the original is %s: only the first %s were fetched", formatSize(int64(size)), formatSize(int64(len(b))))
	}
	return b, true, nil
}
