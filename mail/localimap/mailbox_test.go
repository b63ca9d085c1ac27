package localimap_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"

	"github.com/leadmail/leadmail/mail/localimap"
)

// deliver files a message or fails the test.
func deliver(t testing.TB, s *localimap.Server, folder string, raw []byte) uint32 {
	t.Helper()
	uid, err := s.Deliver(folder, raw, nil, time.Time{})
	if err != nil {
		t.Fatalf("Deliver to %s: %v", folder, err)
	}
	return uid
}

// uids fetches the UIDs of the selected folder.
func uids(t testing.TB, c *client.Client) []uint32 {
	t.Helper()
	var out []uint32
	for _, m := range fetchAll(t, c, imap.FetchUid) {
		out = append(out, m.Uid)
	}
	return out
}

func TestIdleSeesDelivery(t *testing.T) {
	s := start(t, localimap.Config{})
	deliver(t, s, "INBOX", msg("1@x", "a@cust.example", user, "one"))
	c := dial(t, s)
	if _, err := c.Select("INBOX", true); err != nil {
		t.Fatal(err)
	}
	updates := make(chan client.Update, 8)
	c.Updates = updates
	stop := make(chan struct{})
	idled := make(chan error, 1)
	go func() { idled <- c.Idle(stop, nil) }()

	// Deliver until the IDLE is armed and the update arrives: the client
	// gives no signal that the server's continuation came.
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	delivered := 1
wait:
	for {
		select {
		case u := <-updates:
			if mu, ok := u.(*client.MailboxUpdate); ok && mu.Mailbox.Messages >= 2 {
				break wait
			}
		case <-tick.C:
			if delivered < 2 {
				deliver(t, s, "INBOX", msg("2@x", "b@cust.example", user, "two"))
				delivered++
			}
		case <-deadline:
			t.Fatal("no EXISTS update while idling")
		}
	}
	close(stop)
	if err := <-idled; err != nil {
		t.Fatalf("Idle: %v", err)
	}
	caps, _ := c.Capability()
	if !caps["IDLE"] {
		t.Error("IDLE not advertised")
	}
}

func TestGmailAllMail(t *testing.T) {
	s := start(t, localimap.Config{Gmail: true})
	deliver(t, s, "INBOX", msg("in@x", "a@cust.example", user, "in"))
	deliver(t, s, "[Gmail]/Spam", msg("spam@x", "s@spam.example", user, "spam"))
	c := dial(t, s)
	if err := c.Append("[Gmail]/Sent Mail", []string{imap.SeenFlag}, time.Now(), bytes.NewReader(msg("out@x", user, "a@cust.example", "out"))); err != nil {
		t.Fatal(err)
	}
	all, err := s.Messages("[Gmail]/All Mail")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || !bytes.Contains(all[0], []byte("<in@x>")) || !bytes.Contains(all[1], []byte("<out@x>")) {
		t.Errorf("All Mail holds %q, want the INBOX and Sent messages (not Spam)", all)
	}
	st, err := c.Status("[Gmail]/All Mail", []imap.StatusItem{imap.StatusMessages, imap.StatusUidNext})
	if err != nil || st.Messages != 2 || st.UidNext != 3 {
		t.Errorf("STATUS All Mail = %+v, %v", st, err)
	}
}

func TestSetUIDValidityRenumbers(t *testing.T) {
	s := start(t, localimap.Config{})
	for range 5 {
		deliver(t, s, "INBOX", msg("m@x", "a@cust.example", user, "m"))
	}
	c := dial(t, s)
	if _, err := c.Select("INBOX", false); err != nil {
		t.Fatal(err)
	}
	// Delete two so the UIDs have a gap, as a live mailbox does.
	set := new(imap.SeqSet)
	set.AddNum(1, 3)
	if err := c.UidStore(set, imap.FormatFlagsOp(imap.AddFlags, true), []interface{}{imap.DeletedFlag}, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Expunge(nil); err != nil {
		t.Fatal(err)
	}
	if got := uids(t, c); !slices.Equal(got, []uint32{2, 4, 5}) {
		t.Fatalf("UIDs after expunge = %v", got)
	}
	before, _, _ := s.UIDValidity("INBOX")

	if err := s.SetUIDValidity("INBOX", before+7); err != nil {
		t.Fatal(err)
	}
	mbox, err := c.Select("INBOX", true)
	if err != nil {
		t.Fatal(err)
	}
	if mbox.UidValidity != before+7 || mbox.UidNext != 4 {
		t.Errorf("after SetUIDValidity: validity %d (want %d), uidnext %d (want 4)", mbox.UidValidity, before+7, mbox.UidNext)
	}
	if got := uids(t, c); !slices.Equal(got, []uint32{1, 2, 3}) {
		t.Errorf("UIDs after renumbering = %v, want 1..3", got)
	}
	if err := s.SetUIDValidity("INBOX", 0); err == nil {
		t.Error("SetUIDValidity 0 succeeded")
	}
}

func TestStoreCopySearchStatus(t *testing.T) {
	s := start(t, localimap.Config{})
	deliver(t, s, "INBOX", msg("a@x", "Jane <jane@cust.example>", user, "alpha"))
	deliver(t, s, "INBOX", msg("b@x", "bob@other.example", "jane@cust.example", "beta"))
	deliver(t, s, "INBOX", msg("c@x", "carl@third.example", user, "gamma"))
	c := dial(t, s)
	if _, err := c.Select("INBOX", false); err != nil {
		t.Fatal(err)
	}

	search := func(crit *imap.SearchCriteria) []uint32 {
		t.Helper()
		got, err := c.UidSearch(crit)
		if err != nil {
			t.Fatalf("UidSearch: %v", err)
		}
		slices.Sort(got)
		return got
	}
	byID := imap.NewSearchCriteria()
	byID.Header.Add("Message-ID", "<b@x>")
	if got := search(byID); !slices.Equal(got, []uint32{2}) {
		t.Errorf("SEARCH HEADER Message-ID = %v, want [2]", got)
	}
	from := imap.NewSearchCriteria()
	from.Header.Add("From", "jane@cust.example")
	to := imap.NewSearchCriteria()
	to.Header.Add("To", "jane@cust.example")
	either := imap.NewSearchCriteria()
	either.Or = [][2]*imap.SearchCriteria{{from, to}}
	if got := search(either); !slices.Equal(got, []uint32{1, 2}) {
		t.Errorf("SEARCH OR FROM TO = %v, want [1 2]", got)
	}

	set := new(imap.SeqSet)
	set.AddNum(3)
	if err := c.UidStore(set, imap.FormatFlagsOp(imap.AddFlags, true), []interface{}{imap.SeenFlag, "$Label"}, nil); err != nil {
		t.Fatal(err)
	}
	if flags, _ := s.Flags("INBOX", 3); !slices.Equal(flags, []string{imap.SeenFlag, "$label"}) { // go-imap lowercases keywords
		t.Errorf("flags after STORE = %v", flags)
	}
	seen := imap.NewSearchCriteria()
	seen.WithFlags = []string{imap.SeenFlag}
	if got := search(seen); !slices.Equal(got, []uint32{3}) {
		t.Errorf("SEARCH SEEN = %v", got)
	}

	if err := c.UidCopy(set, "Archive"); err != nil {
		t.Fatal(err)
	}
	if err := c.UidCopy(set, "Nope"); err == nil {
		t.Error("COPY to a missing folder succeeded")
	}
	st, err := c.Status("Archive", []imap.StatusItem{imap.StatusMessages, imap.StatusUnseen, imap.StatusUidNext, imap.StatusUidValidity})
	if err != nil {
		t.Fatal(err)
	}
	if st.Messages != 1 || st.Unseen != 0 || st.UidNext != 2 || st.UidValidity == 0 {
		t.Errorf("STATUS Archive = %+v", st)
	}
	if flags, _ := s.Flags("Archive", 1); !slices.Contains(flags, imap.SeenFlag) {
		t.Errorf("the copy lost its flags: %v", flags)
	}
}

func TestFolderManagement(t *testing.T) {
	s := start(t, localimap.Config{})
	if err := s.CreateFolder("Clients/Acme", imap.FlaggedAttr); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateFolder("Clients/Acme", ""); err == nil {
		t.Error("creating a folder twice succeeded")
	}
	if err := s.CreateFolder("Bad", `\Nope`); err == nil {
		t.Error("an unknown special use was accepted")
	}
	deliver(t, s, "Clients/Acme", msg("a@x", "a@acme.example", user, "acme"))
	if err := s.RenameFolder("Clients/Acme", "Customers/Acme"); err != nil {
		t.Fatal(err)
	}
	got, err := s.Messages("Customers/Acme")
	if err != nil || len(got) != 1 {
		t.Fatalf("Messages after rename = %d, %v", len(got), err)
	}
	c := dial(t, s)
	if err := c.Create("Projects"); err != nil {
		t.Fatal(err)
	}
	names := list(t, c)
	for _, want := range []string{"Customers/Acme", "Projects"} {
		if _, ok := names[want]; !ok {
			t.Errorf("LIST lacks %q: %v", want, names)
		}
	}
	if err := s.DeleteFolder("Customers/Acme"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Messages("Customers/Acme"); err == nil {
		t.Error("a deleted folder still has messages")
	}
	if err := s.DeleteFolder("INBOX"); err == nil {
		t.Error("deleting INBOX succeeded")
	}
}

func TestDirPersistsAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	s, err := localimap.Start(localimap.Config{Username: user, Password: pass, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	raw := msg("keep@x", "a@cust.example", user, "kept")
	deliver(t, s, "INBOX", raw)
	deliver(t, s, "INBOX", msg("two@x", "a@cust.example", user, "two"))
	if err := s.CreateFolder("Leads", ""); err != nil {
		t.Fatal(err)
	}
	c := dial(t, s)
	if _, err := c.Select("INBOX", false); err != nil {
		t.Fatal(err)
	}
	set := new(imap.SeqSet)
	set.AddNum(1)
	if err := c.UidStore(set, imap.FormatFlagsOp(imap.AddFlags, true), []interface{}{imap.SeenFlag}, nil); err != nil {
		t.Fatal(err)
	}
	validity, next, _ := s.UIDValidity("INBOX")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Every file is private and no temporary file is left.
	err = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		fi, _ := d.Info()
		if perm := fi.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("%s has mode %v", path, perm)
		}
		if filepath.Base(path)[0] == '.' {
			t.Errorf("leftover %s", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	s2 := start(t, localimap.Config{Dir: dir})
	got, err := s2.Messages("INBOX")
	if err != nil || len(got) != 2 || !bytes.Equal(got[0], raw) {
		t.Fatalf("INBOX after restart = %d messages, %v", len(got), err)
	}
	v2, n2, _ := s2.UIDValidity("INBOX")
	if v2 != validity || n2 != next {
		t.Errorf("after restart validity %d next %d, want %d %d", v2, n2, validity, next)
	}
	if flags, _ := s2.Flags("INBOX", 1); !slices.Equal(flags, []string{imap.SeenFlag}) {
		t.Errorf("flags after restart = %v", flags)
	}
	if !slices.Contains(s2.Folders(), "Leads") || !slices.Equal(s2.Folders()[:6], []string{"INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive"}) {
		t.Errorf("folders after restart = %v", s2.Folders())
	}
	if uid := deliver(t, s2, "INBOX", msg("three@x", "a@cust.example", user, "three")); uid != 3 {
		t.Errorf("next UID after restart = %d, want 3", uid)
	}
}

func TestDirRefusesSymlinks(t *testing.T) {
	dir := t.TempDir()
	target := t.TempDir()
	if err := os.Symlink(target, filepath.Join(dir, "INBOX")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	// The symlinked directory is not read as a folder, and INBOX is not
	// written through it: Start refuses.
	if s, err := localimap.Start(localimap.Config{Username: user, Password: pass, Dir: dir}); err == nil {
		_ = s.Close()
		t.Error("Start wrote through a symlinked folder directory")
	}
	if entries, _ := os.ReadDir(target); len(entries) != 0 {
		t.Errorf("files written through the symlink: %v", entries)
	}
}

func TestAppendSeenByAnotherConnection(t *testing.T) {
	s := start(t, localimap.Config{})
	watcher := dial(t, s)
	if _, err := watcher.Select("INBOX", true); err != nil { // EXAMINE
		t.Fatal(err)
	}
	other := dial(t, s)
	if err := other.Append("INBOX", nil, time.Time{}, bytes.NewReader(msg("n@x", "a@cust.example", user, "new"))); err != nil {
		t.Fatal(err)
	}
	// APPEND returns once the EXISTS went out to the watcher; NOOP reads it.
	if err := watcher.Noop(); err != nil {
		t.Fatal(err)
	}
	if n := watcher.Mailbox().Messages; n != 1 {
		t.Errorf("the watcher sees %d messages, want 1", n)
	}

	// After CLOSE the watcher gets nothing more.
	if err := watcher.Close(); err != nil {
		t.Fatal(err)
	}
	deliver(t, s, "INBOX", msg("m@x", "a@cust.example", user, "more"))
	if err := watcher.Noop(); err != nil {
		t.Fatal(err)
	}
	if mb := watcher.Mailbox(); mb != nil {
		t.Errorf("mailbox still selected after CLOSE: %+v", mb)
	}
}

func TestDirRecoversUnlistedMessages(t *testing.T) {
	dir := t.TempDir()
	s, err := localimap.Start(localimap.Config{Username: user, Password: pass, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	deliver(t, s, "INBOX", msg("one@x", "a@cust.example", user, "one"))
	deliver(t, s, "INBOX", msg("two@x", "a@cust.example", user, "two"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// As if the process ended between writing a message and the state
	// file, and after an expunge removed a file: 7.eml is unlisted, 1.eml
	// gone.
	inbox := filepath.Join(dir, "INBOX")
	date := time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)
	if err := os.WriteFile(filepath.Join(inbox, "7.eml"), msg("seven@x", "b@cust.example", user, "seven"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(filepath.Join(inbox, "7.eml"), date, date); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(inbox, "1.eml")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(inbox, "notes.txt"), []byte("not mail"), 0o600); err != nil {
		t.Fatal(err)
	}

	s2 := start(t, localimap.Config{Dir: dir})
	got, err := s2.Messages("INBOX")
	if err != nil || len(got) != 2 || !bytes.Contains(got[0], []byte("<two@x>")) || !bytes.Contains(got[1], []byte("<seven@x>")) {
		t.Fatalf("INBOX after recovery = %q, %v", got, err)
	}
	if _, next, _ := s2.UIDValidity("INBOX"); next != 8 {
		t.Errorf("UIDNEXT after recovery = %d, want 8", next)
	}
	c := dial(t, s2)
	if _, err := c.Select("INBOX", true); err != nil {
		t.Fatal(err)
	}
	msgs := fetchAll(t, c, imap.FetchUid, imap.FetchInternalDate)
	if len(msgs) != 2 || msgs[1].Uid != 7 || !msgs[1].InternalDate.Equal(date) {
		t.Errorf("recovered message: uid %d date %v", msgs[1].Uid, msgs[1].InternalDate)
	}
}
