package mailsync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/emersion/go-imap"

	"github.com/leadmail/leadmail/mail/imapconn"
	"github.com/leadmail/leadmail/store"
)

// copiesPerRun bounds the Sent copies one run saves; the rest wait for
// the next run.
const copiesPerRun = 200

// copyGiveUp is how long after a send its copy is retried before the
// sync gives up on it.
const copyGiveUp = 7 * 24 * time.Hour

// uncertain resolves the sends nobody knows left: found in Sent (or All
// Mail) means sent; not found once the server had Grace to file it is
// said in the Outbox, which offers a retry.
func (r *run) uncertain(ctx context.Context) error {
	msgs, err := r.s.st.ListMessages(ctx, store.MessageFilter{Statuses: []store.MessageStatus{store.MessageUncertain}})
	if err != nil {
		return fmt.Errorf("list the uncertain sends: %w", err)
	}
	var places []string
	for _, m := range msgs {
		if r.s.cfg.UserID != 0 && m.UserID != 0 && m.UserID != r.s.cfg.UserID {
			continue
		}
		if m.MessageID == "" {
			continue
		}
		if places == nil {
			places = r.copyPlaces()
		}
		found := false
		for _, folder := range places {
			uids, err := r.cn.searchMessageID(ctx, folder, m.MessageID)
			if err != nil {
				if errors.Is(err, errDropped) || ctx.Err() != nil {
					return err
				}
				r.s.log.Warn("search for an uncertain send", "folder", folder, "err", err)
				continue
			}
			if len(uids) > 0 {
				found = true
				break
			}
		}
		switch {
		case found:
			if err := r.s.st.ConfirmSent(ctx, m.ID, r.s.now(), noteConfirmed); err != nil {
				return fmt.Errorf("confirm an uncertain send: %w", err)
			}
			r.rep.Confirmed++
		case r.s.now().Sub(m.UpdatedAt) >= r.s.cfg.Grace && m.LastError != noteNotFound:
			if err := r.s.st.NoteUncertain(ctx, m.ID, noteNotFound); err != nil {
				return fmt.Errorf("note an uncertain send: %w", err)
			}
		}
	}
	return nil
}

// copyPlaces are the folders where a copy of our send would be: Sent and,
// where there is one, All Mail.
func (r *run) copyPlaces() []string {
	var out []string
	if name, ok := imapconn.FindSent(r.folders); ok {
		out = append(out, name)
	}
	if all, ok := allMail(r.folders); ok {
		out = append(out, all)
	}
	if out == nil {
		out = []string{}
	}
	return out
}

// providerFilesSent are the presets whose servers put SMTP-submitted mail
// into Sent themselves: an APPEND would double it.
var providerFilesSent = map[string]bool{"gmail": true, "workspace": true, "microsoft365": true}

// sentCopies puts a copy of each new send into the Sent folder, unless
// the provider does or the user said never; a copy already there (found
// by Message-ID) is not doubled. A failure is retried later with a
// backoff and never holds up delivery.
func (r *run) sentCopies(ctx context.Context) error {
	now := r.s.now()
	msgs, err := r.s.st.PendingSentCopies(ctx, r.s.cfg.UserID, now, copiesPerRun)
	if err != nil {
		return fmt.Errorf("list the sends waiting for a Sent copy: %w", err)
	}
	sent := ""
	for _, m := range msgs {
		var state, errText string
		var retryAt time.Time
		switch {
		case r.s.cfg.SaveSent == "never":
			state = store.SentCopyNever
		case r.s.cfg.SaveSent == "auto" && providerFilesSent[r.s.cfg.Provider]:
			state = store.SentCopyProvider
		default:
			var cerr error
			if sent == "" {
				sent, cerr = r.sentFolder(ctx)
			}
			if cerr == nil {
				state, cerr = r.saveCopy(ctx, sent, m)
			}
			if cerr != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				r.s.log.Warn("save a Sent copy", "message", m.ID, "err", cerr)
				state, errText = store.SentCopyRetry, clean(cerr.Error())
				retryAt = now.Add(copyBackoff(now, m.SentAt))
				if !m.SentAt.IsZero() && now.Sub(m.SentAt) > copyGiveUp {
					state, retryAt = store.SentCopyFailed, time.Time{}
				}
			}
		}
		if err := r.s.st.SetSentCopy(ctx, m.ID, state, errText, retryAt); err != nil {
			return fmt.Errorf("record the Sent copy of a send: %w", err)
		}
		if state == store.SentCopySaved {
			r.rep.SentCopies++
		}
		if r.cn.dead() {
			return nil // the others wait for the next run
		}
	}
	return nil
}

// copyBackoff doubles with the age of the send: 1 min, 2, 4, ... up to 1 h
// between tries, with no counter to keep.
func copyBackoff(now, sentAt time.Time) time.Duration {
	age := now.Sub(sentAt)
	if sentAt.IsZero() || age < time.Minute {
		return time.Minute
	}
	return min(age, time.Hour)
}

// sentFolder finds the Sent folder, or creates "Sent".
func (r *run) sentFolder(ctx context.Context) (string, error) {
	if name, ok := imapconn.FindSent(r.folders); ok {
		return name, nil
	}
	if err := r.cn.c.Create("Sent"); err != nil {
		if werr := r.cn.wrap(ctx, `create the folder "Sent"`, err); errors.Is(werr, errDropped) || ctx.Err() != nil {
			return "", werr
		}
		// Another client may have made it meanwhile.
		fs, lerr := imapconn.Folders(r.cn.c)
		if lerr == nil {
			if name, ok := imapconn.FindSent(fs); ok {
				r.folders = fs
				return name, nil
			}
		}
		return "", r.cn.wrap(ctx, `create the folder "Sent"`, err)
	}
	r.folders = append(r.folders, imapconn.Folder{Name: "Sent", Selectable: true, SpecialUse: `\Sent`})
	return "Sent", nil
}

// saveCopy APPENDs the exact stored bytes unless Sent has the Message-ID.
func (r *run) saveCopy(ctx context.Context, sent string, m store.Message) (string, error) {
	if m.MessageID != "" {
		uids, err := r.cn.searchMessageID(ctx, sent, m.MessageID)
		if err != nil {
			return "", err
		}
		if len(uids) > 0 {
			return store.SentCopyFound, nil
		}
	}
	if len(m.Raw) == 0 {
		return "", errors.New("the stored message is empty")
	}
	at := m.SentAt
	if at.IsZero() {
		at = r.s.now()
	}
	if err := r.cn.c.Append(sent, []string{imap.SeenFlag}, at, bytes.NewReader(m.Raw)); err != nil {
		return "", r.cn.wrap(ctx, fmt.Sprintf("save a copy in %q", clean(sent)), err)
	}
	// The folder changed: a later search there must see it.
	if r.cn.selected == sent {
		r.cn.selected = ""
	}
	return store.SentCopySaved, nil
}
