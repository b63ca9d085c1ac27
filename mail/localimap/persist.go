package localimap

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Files under Config.Dir: one directory per folder, named by the folder's
// name percent-encoded, holding <uid>.eml per message and stateFile.
const stateFile = "folder.json"

// folderState is stateFile: what a folder knows besides its messages'
// bytes.
type folderState struct {
	Name        string         `json:"name"`
	SpecialUse  string         `json:"special_use,omitempty"`
	NoSelect    bool           `json:"no_select,omitempty"`
	Order       int            `json:"order"`
	UIDValidity uint32         `json:"uid_validity"`
	UIDNext     uint32         `json:"uid_next"`
	Messages    []messageState `json:"messages"`
}

type messageState struct {
	UID   uint32    `json:"uid"`
	Flags []string  `json:"flags,omitempty"`
	Date  time.Time `json:"date"`
}

// loadFolders fills s.folders: from Config.Dir when it holds folders, else
// the default layout (written to Dir when set).
func (s *Server) loadFolders() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cfg.Dir != "" {
		if err := os.MkdirAll(s.cfg.Dir, 0o700); err != nil {
			return fmt.Errorf("create the mailbox directory: %w", err)
		}
		if err := realDir(s.cfg.Dir); err != nil {
			return err
		}
		unlock, err := lockDir(s.cfg.Dir)
		if err != nil {
			return err
		}
		s.unlock = unlock
		loaded, err := s.readFolders()
		if err != nil {
			s.releaseDir()
			return err
		}
		if len(loaded) > 0 {
			s.folders = loaded
			return nil
		}
	}
	for _, d := range defaultFolders(s.cfg.Gmail) {
		if err := s.createLocked(d[0], d[1], d[0] == gmailRoot); err != nil {
			return err
		}
	}
	return nil
}

// readFolders reads every folder directory under Dir, in LIST order.
func (s *Server) readFolders() ([]*folder, error) {
	entries, err := os.ReadDir(s.cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("read the mailbox directory: %w", err)
	}
	type loaded struct {
		f     *folder
		order int
	}
	var list []loaded
	for _, e := range entries {
		if !e.IsDir() || e.Type()&fs.ModeSymlink != 0 || strings.HasPrefix(e.Name(), ".") {
			continue // a symlink is never followed
		}
		f, order, err := s.readFolder(filepath.Join(s.cfg.Dir, e.Name()))
		if errors.Is(err, fs.ErrNotExist) {
			continue // not a folder of ours
		}
		if err != nil {
			return nil, err
		}
		list = append(list, loaded{f, order})
	}
	slices.SortStableFunc(list, func(a, b loaded) int { return a.order - b.order })
	out := make([]*folder, len(list))
	for i, l := range list {
		out[i] = l.f
		s.uidSeed = l.f.uidValidity
	}
	return out, nil
}

// readFolder reads one folder directory.
func (s *Server) readFolder(dir string) (*folder, int, error) {
	data, err := readRegular(filepath.Join(dir, stateFile), 64<<20)
	if err != nil {
		return nil, 0, err
	}
	var st folderState
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", filepath.Join(dir, stateFile), err)
	}
	if st.Name == "" || st.UIDValidity == 0 || st.UIDNext == 0 {
		return nil, 0, fmt.Errorf("read %s: name, uid_validity or uid_next missing", filepath.Join(dir, stateFile))
	}
	if err := checkFolderName(st.Name); err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", filepath.Join(dir, stateFile), err)
	}
	f := &folder{name: st.Name, specialUse: st.SpecialUse, noSelect: st.NoSelect, uidValidity: st.UIDValidity, uidNext: st.UIDNext}
	listed := make(map[uint32]messageState, len(st.Messages))
	for _, ms := range st.Messages {
		listed[ms.UID] = ms
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, 0, fmt.Errorf("read folder %q: %w", st.Name, err)
	}
	// Every <uid>.eml is a message: one the state does not list yet was
	// delivered just before the process ended (its mtime is its date); one
	// the state lists without a file was expunged.
	for _, e := range entries {
		uid, ok := emlUID(e.Name())
		if !ok || !e.Type().IsRegular() {
			continue
		}
		raw, err := readRegular(filepath.Join(dir, e.Name()), maxMessageBytes)
		if err != nil {
			return nil, 0, fmt.Errorf("folder %q: %w", st.Name, err)
		}
		ms, ok := listed[uid]
		if !ok {
			ms.Date = time.Now()
			if fi, err := e.Info(); err == nil {
				ms.Date = fi.ModTime()
			}
		}
		m := newMessage(raw, cleanFlags(ms.Flags), ms.Date)
		m.uid = uid
		f.msgs = append(f.msgs, m)
		f.uidNext = max(f.uidNext, uid+1)
	}
	slices.SortFunc(f.msgs, func(a, b *message) int { return int(a.uid) - int(b.uid) })
	return f, st.Order, nil
}

// emlUID reads the UID from a file name "<uid>.eml".
func emlUID(name string) (uint32, bool) {
	digits, ok := strings.CutSuffix(name, ".eml")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(digits, 10, 32)
	if err != nil || n == 0 || strconv.FormatUint(n, 10) != digits {
		return 0, false
	}
	return uint32(n), true
}

// readRegular reads a regular file of at most limit bytes, refusing a
// symlink.
func readRegular(path string, limit int64) ([]byte, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, limit)
	}
	return os.ReadFile(path)
}

// realDir checks that path is a directory, not a symlink to one.
func realDir(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory (a symlink is not followed)", path)
	}
	return nil
}

// dirName percent-encodes a folder name into one path element.
func dirName(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' && i > 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

func emlName(uid uint32) string { return strconv.FormatUint(uint64(uid), 10) + ".eml" }

// folderDir returns f's directory, created if needed; "" without Dir.
func (s *Server) folderDir(f *folder) (string, error) {
	if s.cfg.Dir == "" {
		return "", nil
	}
	dir := filepath.Join(s.cfg.Dir, dirName(f.name))
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", fmt.Errorf("create the directory of folder %q: %w", f.name, err)
	}
	return dir, realDir(dir)
}

// writeAtomic writes data to dir/name through a temporary file and a
// rename: a reader sees the old file or the new one, and a symlink planted
// at dir/name is replaced, never written through. The file is 0600.
func writeAtomic(dir, name string, data []byte) error {
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(dir, name))
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
	}
	return err
}

// saveMessage writes m as <uid>.eml in f's directory.
func (s *Server) saveMessage(f *folder, m *message) error {
	dir, err := s.folderDir(f)
	if err != nil || dir == "" {
		return err
	}
	if err := writeAtomic(dir, emlName(m.uid), m.raw); err != nil {
		return fmt.Errorf("save a message in folder %q: %w", f.name, err)
	}
	// The internal date, should the state file not list the message.
	_ = os.Chtimes(filepath.Join(dir, emlName(m.uid)), m.date, m.date)
	return nil
}

// flushDelay is how long state changes gather before the state file is
// written: one write for a burst of deliveries instead of one each, which
// made a delivery cost as much as the folder's size.
const flushDelay = 50 * time.Millisecond

// markDirty schedules the writing of f's state file. A message's .eml is
// on disk before this; should the process die first, Start recovers .eml
// files the state does not list. The caller holds s.mu.
func (s *Server) markDirty(f *folder) {
	if s.cfg.Dir == "" {
		return
	}
	s.dirty[f] = true
	select {
	case s.flushWake <- struct{}{}:
	default:
	}
}

// flushLoop writes dirty state files, flushDelay after a change, until
// the server closes (Close writes the rest).
func (s *Server) flushLoop() {
	for {
		select {
		case <-s.done:
			return
		case <-s.flushWake:
		}
		t := time.NewTimer(flushDelay)
		select {
		case <-t.C:
		case <-s.done:
			t.Stop()
			return
		}
		s.flushDirty()
	}
}

// flushDirty writes the state file of every dirty folder.
func (s *Server) flushDirty() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for f := range s.dirty {
		delete(s.dirty, f)
		if f.deleted {
			continue
		}
		if err := s.writeState(f); err != nil {
			s.log.Warn("local IMAP could not save a folder's state", "folder", f.name, "err", err)
		}
	}
}

// writeState writes f's state file now. The caller holds s.mu.
func (s *Server) writeState(f *folder) error {
	delete(s.dirty, f)
	dir, err := s.folderDir(f)
	if err != nil || dir == "" {
		return err
	}
	st := folderState{
		Name: f.name, SpecialUse: f.specialUse, NoSelect: f.noSelect,
		Order: slices.Index(s.folders, f), UIDValidity: f.uidValidity, UIDNext: f.uidNext,
		Messages: make([]messageState, len(f.msgs)),
	}
	if st.Order < 0 {
		st.Order = len(s.folders) // being created
	}
	for i, m := range f.msgs {
		st.Messages[i] = messageState{UID: m.uid, Flags: m.flags, Date: m.date}
	}
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	if err := writeAtomic(dir, stateFile, data); err != nil {
		return fmt.Errorf("save the state of folder %q: %w", f.name, err)
	}
	return nil
}

// removeMessage deletes m's file.
func (s *Server) removeMessage(f *folder, m *message) {
	if s.cfg.Dir == "" {
		return
	}
	path := filepath.Join(s.cfg.Dir, dirName(f.name), emlName(m.uid))
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.log.Warn("local IMAP could not remove a message file", "folder", f.name, "err", err)
	}
}

// moveDir renames f's directory for its new name.
func (s *Server) moveDir(f *folder, newName string) error {
	if s.cfg.Dir == "" {
		return nil
	}
	from, to := filepath.Join(s.cfg.Dir, dirName(f.name)), filepath.Join(s.cfg.Dir, dirName(newName))
	if err := os.Rename(from, to); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("rename the directory of folder %q: %w", f.name, err)
	}
	return nil
}

// removeDir deletes f's directory.
func (s *Server) removeDir(f *folder) error {
	if s.cfg.Dir == "" {
		return nil
	}
	if err := os.RemoveAll(filepath.Join(s.cfg.Dir, dirName(f.name))); err != nil {
		return fmt.Errorf("remove the directory of folder %q: %w", f.name, err)
	}
	return nil
}

// renumber gives f's messages the UIDs 1..n, in memory and on disk. Files
// are renamed in ascending order: message i's new UID i+1 is at most its
// old one and above every UID renamed already, so no rename overwrites a
// file still to be renamed. The caller saves the state after.
func (s *Server) renumber(f *folder) error {
	dir, err := s.folderDir(f)
	if err != nil {
		return err
	}
	for i, m := range f.msgs {
		uid := uint32(i + 1)
		if m.uid == uid {
			continue
		}
		if dir != "" {
			if err := os.Rename(filepath.Join(dir, emlName(m.uid)), filepath.Join(dir, emlName(uid))); err != nil {
				return fmt.Errorf("renumber folder %q: %w", f.name, err)
			}
		}
		c := *m // a FETCH under way may still read the old one
		c.uid = uid
		f.msgs[i] = &c
	}
	return nil
}
