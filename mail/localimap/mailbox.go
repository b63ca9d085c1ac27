package localimap

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap"
)

// Names of Gmail's folders (Config.Gmail).
const (
	gmailRoot    = "[Gmail]"
	gmailAllMail = "[Gmail]/All Mail"
)

// delimiter is the hierarchy separator in folder names.
const delimiter = "/"

// specialUses are the special-use attributes a folder may carry.
var specialUses = []string{imap.AllAttr, imap.ArchiveAttr, imap.DraftsAttr, imap.FlaggedAttr, imap.JunkAttr, imap.SentAttr, imap.TrashAttr}

// folder is one mailbox. Its fields are guarded by Server.mu.
type folder struct {
	name        string
	specialUse  string // one of specialUses, or ""
	noSelect    bool   // a parent only, like [Gmail]
	uidValidity uint32
	uidNext     uint32
	msgs        []*message // ascending UID
	deleted     bool       // a session may still hold it
}

// message is one stored message. raw never changes once stored; flags is
// replaced, never modified in place, so a copy of the slice header taken
// under Server.mu stays valid after.
type message struct {
	uid    uint32
	flags  []string
	date   time.Time
	raw    []byte // CRLF line endings
	hdrLen int    // length of the header block, blank line included
	fields []field
}

// field is one header field of a message: raw[start:end] is the field with
// its folded lines and final CRLF, raw[start:start+nameLen] its name.
type field struct {
	start, end int32
	nameLen    int32
}

// defaultFolders is the layout of a new mailbox.
func defaultFolders(gmail bool) [][2]string {
	if gmail {
		return [][2]string{
			{"INBOX", ""},
			{gmailRoot, ""},
			{gmailAllMail, imap.AllAttr},
			{"[Gmail]/Sent Mail", imap.SentAttr},
			{"[Gmail]/Drafts", imap.DraftsAttr},
			{"[Gmail]/Trash", imap.TrashAttr},
			{"[Gmail]/Spam", imap.JunkAttr},
		}
	}
	return [][2]string{
		{"INBOX", ""},
		{"Sent", imap.SentAttr},
		{"Drafts", imap.DraftsAttr},
		{"Trash", imap.TrashAttr},
		{"Junk", imap.JunkAttr},
		{"Archive", imap.ArchiveAttr},
	}
}

// newUIDValidity returns a fresh UIDVALIDITY: random, nonzero, and never
// the one handed out last.
func (s *Server) newUIDValidity() uint32 {
	for {
		v := rand.Uint32N(1<<31-1) + 1
		if v != s.uidSeed {
			s.uidSeed = v
			return v
		}
	}
}

// canonicalName spells INBOX in capitals whatever the case given, as IMAP
// wants; other names are case-sensitive.
func canonicalName(name string) string {
	if strings.EqualFold(name, "INBOX") {
		return "INBOX"
	}
	return name
}

// findLocked returns the folder named name, nil if none. The caller holds s.mu.
func (s *Server) findLocked(name string) *folder {
	name = canonicalName(name)
	for _, f := range s.folders {
		if f.name == name {
			return f
		}
	}
	return nil
}

// ErrNoFolder is returned for a folder that does not exist.
var ErrNoFolder = errors.New("localimap: no such folder")

func (s *Server) folderLocked(name string) (*folder, error) {
	f := s.findLocked(name)
	if f == nil {
		return nil, fmt.Errorf("folder %q: %w", name, ErrNoFolder)
	}
	return f, nil
}

// Deliver files raw into folder as a new message with flags and internal
// date (now when zero) and returns its UID. Bare LF line endings become
// CRLF, as a server stores them. Under Gmail, a message delivered to any
// folder but Trash and Spam also appears in All Mail. Clients idling on the
// folder see it at once.
func (s *Server) Deliver(folder string, raw []byte, flags []string, date time.Time) (uint32, error) {
	if date.IsZero() {
		date = time.Now()
	}
	s.mu.Lock()
	f, err := s.folderLocked(folder)
	if err == nil && f.noSelect {
		err = fmt.Errorf("folder %q holds no messages", f.name)
	}
	if err != nil {
		s.mu.Unlock()
		return 0, err
	}
	uid, notes, err := s.deliverLocked(f, raw, flags, date)
	s.mu.Unlock()
	if err != nil {
		return 0, err
	}
	s.log.Debug("local IMAP delivery", "folder", f.name, "uid", uid, "size", len(raw))
	s.send(notes...)
	return uid, nil
}

// deliverLocked stores a message in f and, under Gmail, in All Mail, and
// returns the updates to send once s.mu is released.
func (s *Server) deliverLocked(f *folder, raw []byte, flags []string, date time.Time) (uint32, []*note, error) {
	raw = crlf(raw)
	flags = cleanFlags(flags)
	m := newMessage(raw, flags, date)
	uid, err := s.appendLocked(f, m)
	if err != nil {
		return 0, nil, err
	}
	notes := []*note{existsNote(f)}
	if s.cfg.Gmail && f.name != gmailAllMail && f.specialUse != imap.TrashAttr && f.specialUse != imap.JunkAttr {
		if all := s.findLocked(gmailAllMail); all != nil {
			c := *m
			if _, err := s.appendLocked(all, &c); err != nil {
				return uid, notes, err
			}
			notes = append(notes, existsNote(all))
		}
	}
	return uid, notes, nil
}

// appendLocked gives m the next UID of f, stores it and persists it.
func (s *Server) appendLocked(f *folder, m *message) (uint32, error) {
	m.uid = f.uidNext
	if err := s.saveMessage(f, m); err != nil {
		return 0, err
	}
	f.uidNext++
	f.msgs = append(f.msgs, m)
	s.markDirty(f)
	return m.uid, nil
}

// CreateFolder makes an empty folder with a fresh UIDVALIDITY. specialUse is
// "" or one of `\All`, `\Archive`, `\Drafts`, `\Flagged`, `\Junk`, `\Sent`,
// `\Trash`.
func (s *Server) CreateFolder(name, specialUse string) error {
	if err := checkFolderName(name); err != nil {
		return err
	}
	if specialUse != "" && !slices.Contains(specialUses, specialUse) {
		return fmt.Errorf("special use %q is not one of %s", specialUse, strings.Join(specialUses, " "))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.createLocked(canonicalName(name), specialUse, false)
}

func (s *Server) createLocked(name, specialUse string, noSelect bool) error {
	if s.findLocked(name) != nil {
		return fmt.Errorf("folder %q already exists", name)
	}
	f := &folder{name: name, specialUse: specialUse, noSelect: noSelect, uidValidity: s.newUIDValidity(), uidNext: 1}
	if err := s.writeState(f); err != nil {
		return err
	}
	s.folders = append(s.folders, f)
	return nil
}

// checkFolderName refuses names a client could not use.
func checkFolderName(name string) error {
	switch {
	case name == "" || strings.TrimSpace(name) != name:
		return fmt.Errorf("folder name %q is empty or has spaces around it", name)
	case strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return fmt.Errorf("folder name %q has a control character", name)
	case strings.HasPrefix(name, delimiter) || strings.HasSuffix(name, delimiter) || strings.Contains(name, delimiter+delimiter):
		return fmt.Errorf("folder name %q has an empty level", name)
	case strings.ContainsAny(name, "*%"):
		return fmt.Errorf("folder name %q has a LIST wildcard", name)
	}
	return nil
}

// RenameFolder renames a folder, and the folders under it. Renaming INBOX
// is refused (IMAP would move its messages instead).
func (s *Server) RenameFolder(from, to string) error {
	if err := checkFolderName(to); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.renameLocked(canonicalName(from), canonicalName(to))
}

func (s *Server) renameLocked(from, to string) error {
	f, err := s.folderLocked(from)
	if err != nil {
		return err
	}
	if f.name == "INBOX" {
		return errors.New("renaming INBOX is not supported")
	}
	if s.findLocked(to) != nil {
		return fmt.Errorf("folder %q already exists", to)
	}
	for _, g := range s.folders {
		if g == f || strings.HasPrefix(g.name, f.name+delimiter) {
			newName := to + strings.TrimPrefix(g.name, f.name)
			if err := s.moveDir(g, newName); err != nil {
				return err
			}
			g.name = newName
			if err := s.writeState(g); err != nil {
				return err
			}
		}
	}
	return nil
}

// DeleteFolder removes a folder and its messages. INBOX cannot be deleted.
func (s *Server) DeleteFolder(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deleteLocked(canonicalName(name))
}

func (s *Server) deleteLocked(name string) error {
	f, err := s.folderLocked(name)
	if err != nil {
		return err
	}
	if f.name == "INBOX" {
		return errors.New("INBOX cannot be deleted")
	}
	if err := s.removeDir(f); err != nil {
		return err
	}
	f.deleted = true
	f.msgs = nil
	s.folders = slices.DeleteFunc(s.folders, func(g *folder) bool { return g == f })
	return nil
}

// SetUIDValidity gives folder a new UIDVALIDITY v (nonzero) and renumbers
// its messages from 1, as a server does when it rebuilds its index:
// a client must forget what it knew of the folder's UIDs.
func (s *Server) SetUIDValidity(folder string, v uint32) error {
	if v == 0 {
		return errors.New("UIDVALIDITY must not be 0")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.folderLocked(folder)
	if err != nil {
		return err
	}
	if err := s.renumber(f); err != nil {
		return err
	}
	f.uidValidity = v
	f.uidNext = uint32(len(f.msgs)) + 1
	return s.writeState(f)
}

// Messages returns a copy of the raw messages in folder, in UID order.
func (s *Server) Messages(folder string) ([][]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	f, err := s.folderLocked(folder)
	if err != nil {
		return nil, err
	}
	out := make([][]byte, len(f.msgs))
	for i, m := range f.msgs {
		out[i] = slices.Clone(m.raw)
	}
	return out, nil
}

// Folders returns the names of the folders, in LIST order.
func (s *Server) Folders() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, len(s.folders))
	for i, f := range s.folders {
		out[i] = f.name
	}
	return out
}

// UIDValidity returns folder's UIDVALIDITY and UIDNEXT.
func (s *Server) UIDValidity(folder string) (validity, next uint32, err error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	f, err := s.folderLocked(folder)
	if err != nil {
		return 0, 0, err
	}
	return f.uidValidity, f.uidNext, nil
}

// Flags returns the flags of the message with uid in folder.
func (s *Server) Flags(folder string, uid uint32) ([]string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	f, err := s.folderLocked(folder)
	if err != nil {
		return nil, err
	}
	if i, ok := f.indexOf(uid); ok {
		return slices.Clone(f.msgs[i].flags), nil
	}
	return nil, fmt.Errorf("folder %q has no message with UID %d", f.name, uid)
}

// indexOf finds the message with uid.
func (f *folder) indexOf(uid uint32) (int, bool) {
	return slices.BinarySearchFunc(f.msgs, uid, func(m *message, uid uint32) int {
		switch {
		case m.uid < uid:
			return -1
		case m.uid > uid:
			return 1
		}
		return 0
	})
}
