package localimap

import (
	"crypto/subtle"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/backend"
	"github.com/emersion/go-imap/backend/backendutil"
)

// imapBackend is the go-imap v1 backend over the Server's folders.
type imapBackend struct{ s *Server }

var _ backend.Backend = (*imapBackend)(nil)

// errAuthFailed is the answer to a refused login, with the response code
// real servers give (RFC 5530).
var errAuthFailed = &imap.ErrStatusResp{Resp: &imap.StatusResp{
	Type: imap.StatusRespNo,
	Code: "AUTHENTICATIONFAILED",
	Info: "Invalid credentials.",
}}

func (b *imapBackend) Login(info *imap.ConnInfo, username, password string) (backend.User, error) {
	s := b.s
	ok := s.cfg.Username != "" &&
		subtle.ConstantTimeCompare([]byte(username), []byte(s.cfg.Username)) == 1 &&
		subtle.ConstantTimeCompare([]byte(password), []byte(s.cfg.Password)) == 1
	if !ok || s.currentFailure().Login {
		s.log.Info("local IMAP login refused", "switch", s.currentFailure().Login)
		return nil, errAuthFailed
	}
	var e *connEntry
	if info != nil {
		e = s.entry(info.RemoteAddr)
	}
	return &user{s: s, conn: e}, nil
}

// user is one logged-in session.
type user struct {
	s    *Server
	conn *connEntry // nil if the connection was not found (then no DropAfterFetch)
}

var _ backend.User = (*user)(nil)

func (u *user) Username() string { return u.s.cfg.Username }

func (u *user) ListMailboxes(bool) ([]backend.Mailbox, error) {
	u.s.mu.RLock()
	defer u.s.mu.RUnlock()
	out := make([]backend.Mailbox, len(u.s.folders))
	for i, f := range u.s.folders {
		out[i] = &mailbox{u: u, f: f}
	}
	return out, nil
}

func (u *user) GetMailbox(name string) (backend.Mailbox, error) {
	u.s.mu.RLock()
	defer u.s.mu.RUnlock()
	f := u.s.findLocked(name)
	if f == nil || f.noSelect {
		return nil, backend.ErrNoSuchMailbox
	}
	return &mailbox{u: u, f: f}, nil
}

func (u *user) CreateMailbox(name string) error {
	name = strings.TrimSuffix(name, delimiter)
	if err := checkFolderName(name); err != nil {
		return err
	}
	u.s.mu.Lock()
	defer u.s.mu.Unlock()
	if u.s.findLocked(name) != nil {
		return backend.ErrMailboxAlreadyExists
	}
	return u.s.createLocked(canonicalName(name), "", false)
}

func (u *user) DeleteMailbox(name string) error {
	u.s.mu.Lock()
	defer u.s.mu.Unlock()
	if u.s.findLocked(name) == nil {
		return backend.ErrNoSuchMailbox
	}
	return u.s.deleteLocked(canonicalName(name))
}

func (u *user) RenameMailbox(from, to string) error {
	if err := checkFolderName(to); err != nil {
		return err
	}
	u.s.mu.Lock()
	defer u.s.mu.Unlock()
	if u.s.findLocked(from) == nil {
		return backend.ErrNoSuchMailbox
	}
	if u.s.findLocked(to) != nil {
		return backend.ErrMailboxAlreadyExists
	}
	return u.s.renameLocked(canonicalName(from), canonicalName(to))
}

func (u *user) Logout() error { return nil }

// mailbox is a session's handle on a folder.
type mailbox struct {
	u *user
	f *folder
}

var _ backend.Mailbox = (*mailbox)(nil)

// errGone answers a command on a folder deleted since it was selected:
// a NO with the wire text clients see.
var errGone = &imap.ErrStatusResp{Resp: &imap.StatusResp{
	Type: imap.StatusRespNo,
	Info: "Mailbox no longer exists.",
}}

func (m *mailbox) Name() string {
	m.u.s.mu.RLock()
	defer m.u.s.mu.RUnlock()
	return m.f.name
}

func (m *mailbox) Info() (*imap.MailboxInfo, error) {
	s := m.u.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	f := m.f
	var attrs []string
	if f.noSelect {
		attrs = append(attrs, imap.NoSelectAttr)
	}
	if f.specialUse != "" && !s.cfg.NoSpecialUse {
		attrs = append(attrs, f.specialUse)
	}
	children := slices.ContainsFunc(s.folders, func(g *folder) bool { return strings.HasPrefix(g.name, f.name+delimiter) })
	if children {
		attrs = append(attrs, imap.HasChildrenAttr)
	} else {
		attrs = append(attrs, imap.HasNoChildrenAttr)
	}
	return &imap.MailboxInfo{Attributes: attrs, Delimiter: delimiter, Name: f.name}, nil
}

// systemFlags are the flags a folder announces; any keyword is allowed too.
var systemFlags = []string{imap.AnsweredFlag, imap.FlaggedFlag, imap.DeletedFlag, imap.SeenFlag, imap.DraftFlag}

func (m *mailbox) Status(items []imap.StatusItem) (*imap.MailboxStatus, error) {
	s := m.u.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	f := m.f
	if f.deleted {
		return nil, errGone
	}
	st := imap.NewMailboxStatus(f.name, items)
	st.Flags = slices.Clone(systemFlags)
	st.PermanentFlags = append(slices.Clone(systemFlags), imap.TryCreateFlag)
	unseen := uint32(0)
	for i, msg := range f.msgs {
		if !slices.Contains(msg.flags, imap.SeenFlag) {
			if st.UnseenSeqNum == 0 {
				st.UnseenSeqNum = uint32(i + 1)
			}
			unseen++
		}
	}
	for _, it := range items {
		switch it {
		case imap.StatusMessages:
			st.Messages = uint32(len(f.msgs))
		case imap.StatusRecent:
			st.Recent = 0
		case imap.StatusUidNext:
			st.UidNext = f.uidNext
		case imap.StatusUidValidity:
			st.UidValidity = f.uidValidity
		case imap.StatusUnseen:
			st.Unseen = unseen
		}
	}
	return st, nil
}

func (m *mailbox) SetSubscribed(bool) error { return nil }

func (m *mailbox) Check() error { return nil }

func (m *mailbox) SearchMessages(uid bool, c *imap.SearchCriteria) ([]uint32, error) {
	snaps, err := m.snapshot(false, nil)
	if err != nil {
		return nil, err
	}
	terms := headerTerms(c)
	var out []uint32
	for _, sn := range snaps {
		if !sn.m.mayMatch(terms) {
			continue
		}
		e, err := sn.m.entity()
		if err != nil {
			continue // unreadable: matches nothing, as on a real server
		}
		ok, err := backendutil.Match(e, sn.seq, sn.m.uid, sn.m.date, sn.flags, c)
		if err != nil || !ok {
			continue
		}
		if uid {
			out = append(out, sn.m.uid)
		} else {
			out = append(out, sn.seq)
		}
	}
	return out, nil
}

func (m *mailbox) CreateMessage(flags []string, date time.Time, body imap.Literal) error {
	raw, err := io.ReadAll(io.LimitReader(body, maxMessageBytes+1))
	if err != nil {
		return fmt.Errorf("read the message: %w", err)
	}
	if len(raw) > maxMessageBytes {
		return backend.ErrTooBig
	}
	if date.IsZero() {
		date = time.Now()
	}
	s := m.u.s
	s.mu.Lock()
	if m.f.deleted {
		s.mu.Unlock()
		return errGone
	}
	_, notes, err := s.deliverLocked(m.f, raw, flags, date)
	s.mu.Unlock()
	s.sendWait(notes...)
	return err
}

func (m *mailbox) UpdateMessagesFlags(uid bool, seqset *imap.SeqSet, op imap.FlagsOp, flags []string) error {
	s := m.u.s
	s.mu.Lock()
	if m.f.deleted {
		s.mu.Unlock()
		return errGone
	}
	for _, i := range m.f.selectLocked(uid, seqset) {
		msg := m.f.msgs[i]
		msg.flags = cleanFlags(backendutil.UpdateFlags(slices.Clone(msg.flags), op, flags))
	}
	s.markDirty(m.f)
	s.mu.Unlock()
	return nil // go-imap answers with the new flags itself
}

func (m *mailbox) CopyMessages(uid bool, seqset *imap.SeqSet, dest string) error {
	s := m.u.s
	s.mu.Lock()
	if m.f.deleted {
		s.mu.Unlock()
		return errGone
	}
	to := s.findLocked(dest)
	if to == nil || to.noSelect {
		s.mu.Unlock()
		return &imap.ErrStatusResp{Resp: &imap.StatusResp{Type: imap.StatusRespNo, Code: imap.CodeTryCreate, Info: "No such mailbox."}}
	}
	var err error
	for _, i := range m.f.selectLocked(uid, seqset) {
		c := *m.f.msgs[i]
		if _, err = s.appendLocked(to, &c); err != nil {
			break
		}
	}
	n := existsNote(to)
	s.mu.Unlock()
	s.sendWait(n)
	return err
}

func (m *mailbox) Expunge() error {
	s := m.u.s
	s.mu.Lock()
	f := m.f
	if f.deleted {
		s.mu.Unlock()
		return errGone
	}
	kept := f.msgs[:0:0]
	for _, msg := range f.msgs {
		if !slices.Contains(msg.flags, imap.DeletedFlag) {
			kept = append(kept, msg)
			continue
		}
		s.removeMessage(f, msg)
	}
	f.msgs = kept
	s.markDirty(f)
	s.mu.Unlock()
	return nil // go-imap sends the EXPUNGE responses itself
}
