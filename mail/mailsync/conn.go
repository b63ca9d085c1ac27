package mailsync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"strings"
	"sync"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/imapconn"
)

// conn is one logged-in IMAP connection that ctx can cut at any time.
type conn struct {
	// mu serialises the FETCHes of a folder scan's two goroutines.
	mu       sync.Mutex
	c        *client.Client
	stop     func() bool
	caps     map[string]bool
	folders  []imapconn.Folder
	selected string
}

// errDropped marks a connection lost in the middle of a command: the run
// reconnects and resumes from what it committed.
var errDropped = errors.New("the connection to the mail server was lost")

func (s *Syncer) dial(ctx context.Context) (*conn, error) {
	c, err := imapconn.Dial(ctx, s.cfg.IMAP)
	if err != nil {
		return nil, err
	}
	cn := &conn{c: c, caps: map[string]bool{}}
	// go-imap v1 commands take no context: cutting the connection is how
	// a cancelled run stops at once.
	cn.stop = context.AfterFunc(ctx, func() { _ = c.Terminate() })
	for _, name := range []string{"IDLE", "CONDSTORE", "QRESYNC", "UIDPLUS"} {
		if ok, err := c.Support(name); err == nil && ok {
			cn.caps[name] = true
		}
	}
	return cn, nil
}

// close logs out politely; a dead connection is just closed.
func (cn *conn) close() {
	if cn == nil {
		return
	}
	cn.stop()
	if !cn.dead() {
		_ = cn.c.Logout()
	}
	_ = cn.c.Terminate()
}

// dead reports whether the connection is gone.
func (cn *conn) dead() bool {
	select {
	case <-cn.c.LoggedOut():
		return true
	default:
		return false
	}
}

// wrap turns a command error into errDropped when the connection is gone,
// ctx's error when the run was cancelled, or a sentence naming the step.
func (cn *conn) wrap(ctx context.Context, what string, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if cn.dead() {
		return fmt.Errorf("%s: %w", what, errDropped)
	}
	return fmt.Errorf("%s: the server answered %q", what, clean(err.Error()))
}

// list reads the folder list once per connection.
func (cn *conn) list(ctx context.Context) ([]imapconn.Folder, error) {
	if cn.folders != nil {
		return cn.folders, nil
	}
	fs, err := imapconn.Folders(cn.c)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if cn.dead() {
			return nil, fmt.Errorf("list the folders: %w", errDropped)
		}
		return nil, err
	}
	cn.folders = fs
	return fs, nil
}

// examine opens a folder read-only.
func (cn *conn) examine(ctx context.Context, name string) (*imap.MailboxStatus, error) {
	cn.selected = ""
	mbox, err := cn.c.Select(name, true)
	if err != nil {
		return nil, cn.wrap(ctx, fmt.Sprintf("open folder %q", clean(name)), err)
	}
	cn.selected = name
	return mbox, nil
}

// searchMessageID finds a Message-ID (without brackets) in a folder.
func (cn *conn) searchMessageID(ctx context.Context, folder, id string) (uids []uint32, err error) {
	if cn.selected != folder {
		if _, err := cn.examine(ctx, folder); err != nil {
			return nil, err
		}
	}
	crit := imap.NewSearchCriteria()
	crit.Header = textproto.MIMEHeader{"Message-Id": {"<" + id + ">"}}
	uids, err = cn.c.UidSearch(crit)
	return uids, cn.wrap(ctx, fmt.Sprintf("search folder %q", clean(folder)), err)
}

// fetchBody reads at most limit bytes of one message (limit <= 0: all of it).
func (cn *conn) fetchBody(ctx context.Context, uid uint32, limit int) ([]byte, error) {
	section := &imap.BodySectionName{Peek: true}
	if limit > 0 {
		section.Partial = []int{0, limit}
	}
	set := new(imap.SeqSet)
	set.AddNum(uid)
	ch := make(chan *imap.Message, 1)
	done := make(chan error, 1)
	go func() { done <- cn.c.UidFetch(set, []imap.FetchItem{section.FetchItem(), imap.FetchUid}, ch) }()
	var out []byte
	var readErr error
	for m := range ch {
		if m.Uid != uid || out != nil {
			continue
		}
		if lit := anyBody(m, section); lit != nil {
			out, readErr = readBounded(lit, limit)
		}
	}
	if err := cn.wrap(ctx, "fetch a message", <-done); err != nil {
		return nil, err
	}
	return out, readErr
}

// fetchBodies reads at most limit bytes of each message in uids, calling
// fn as each arrives.
func (cn *conn) fetchBodies(ctx context.Context, uids []uint32, limit int, fn func(uid uint32, body []byte)) error {
	cn.mu.Lock()
	defer cn.mu.Unlock()
	section := &imap.BodySectionName{Peek: true, Partial: []int{0, limit}}
	set := new(imap.SeqSet)
	set.AddNum(uids...)
	ch := make(chan *imap.Message, 1)
	done := make(chan error, 1)
	go func() { done <- cn.c.UidFetch(set, []imap.FetchItem{section.FetchItem(), imap.FetchUid}, ch) }()
	for m := range ch {
		if lit := anyBody(m, section); lit != nil {
			if b, err := readBounded(lit, limit); err == nil {
				fn(m.Uid, b)
			}
		}
	}
	return cn.wrap(ctx, "read the matching messages", <-done)
}

// anyBody returns the section asked for, or the only body the server sent
// when it named it differently.
func anyBody(m *imap.Message, section *imap.BodySectionName) imap.Literal {
	if lit := m.GetBody(section); lit != nil {
		return lit
	}
	for _, lit := range m.Body {
		if lit != nil {
			return lit
		}
	}
	return nil
}

func readBounded(r io.Reader, limit int) ([]byte, error) {
	if limit <= 0 {
		limit = MaxOriginal
	}
	var b bytes.Buffer
	_, err := io.Copy(&b, io.LimitReader(r, int64(limit)))
	return b.Bytes(), err
}

// clean makes text from a server or a message safe for one line of a
// terminal.
func clean(s string) string {
	s = mail.SanitizeHeader(s)
	s = strings.Map(func(r rune) rune {
		if r >= 0x80 && r < 0xa0 {
			return -1
		}
		return r
	}, s)
	if len(s) > 300 {
		s = strings.ToValidUTF8(s[:300], "") + "…"
	}
	return s
}
