package imapconn

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
)

// maxFolders bounds what LIST may return; a mailbox with more is read up to
// this many and reported.
const maxFolders = 10000

// Folder is one mailbox folder as LIST reports it.
type Folder struct {
	Name       string   // decoded from modified UTF-7
	Attributes []string // as the server sent them
	// Selectable is false for \Noselect and \NonExistent folders, which
	// hold no messages (a parent in a hierarchy, say).
	Selectable bool
	// SpecialUse is the RFC 6154 role the server gives it (`\Sent`,
	// `\All`, `\Trash`, `\Junk`, `\Drafts`, `\Archive`, `\Flagged`), ""
	// when none.
	SpecialUse string
}

// specialUses are the RFC 6154 attributes, in their canonical spelling.
var specialUses = []string{imap.AllAttr, imap.ArchiveAttr, imap.DraftsAttr, imap.FlaggedAttr,
	imap.JunkAttr, imap.SentAttr, imap.TrashAttr}

// Folders lists every folder (LIST "" "*"), INBOX first, then by name. It
// is bounded by the client's Timeout.
func Folders(c *client.Client) ([]Folder, error) {
	ch := make(chan *imap.MailboxInfo, 64)
	done := make(chan error, 1)
	go func() { done <- c.List("", "*", ch) }()
	var out []Folder
	for mi := range ch {
		if len(out) < maxFolders {
			out = append(out, folderOf(mi))
		}
	}
	if err := <-done; err != nil {
		return nil, fmt.Errorf("list the IMAP folders: %w", err)
	}
	slices.SortFunc(out, func(a, b Folder) int {
		switch ai, bi := strings.EqualFold(a.Name, "INBOX"), strings.EqualFold(b.Name, "INBOX"); {
		case ai && !bi:
			return -1
		case bi && !ai:
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	if len(out) == maxFolders {
		return out, errors.New("the mailbox has more folders than leadmail reads (10,000): set sync.folders to the ones to sync")
	}
	return out, nil
}

func folderOf(mi *imap.MailboxInfo) Folder {
	f := Folder{Name: mi.Name, Attributes: mi.Attributes, Selectable: true}
	for _, a := range mi.Attributes {
		if strings.EqualFold(a, imap.NoSelectAttr) || strings.EqualFold(a, `\NonExistent`) {
			f.Selectable = false
		}
		for _, su := range specialUses {
			if f.SpecialUse == "" && strings.EqualFold(a, su) {
				f.SpecialUse = su
			}
		}
	}
	return f
}

// sentNames are the names servers and clients give the Sent folder when the
// server marks none \Sent, in order of preference.
var sentNames = []string{"Sent", "Sent Items", "Sent Messages", "Sent Mail",
	"[Gmail]/Sent Mail", "[Google Mail]/Sent Mail", "INBOX.Sent", "INBOX/Sent"}

// FindSent names the Sent folder: the selectable folder marked \Sent, else
// the first of the usual names (compared without case). found is false
// when there is none; leadmail then creates "Sent".
func FindSent(folders []Folder) (name string, found bool) {
	name, _, found = findSent(folders)
	return name, found
}

// findSent is FindSent also saying whether the server marked the folder.
func findSent(folders []Folder) (name string, marked, found bool) {
	for _, f := range folders {
		if f.Selectable && f.SpecialUse == imap.SentAttr {
			return f.Name, true, true
		}
	}
	for _, want := range sentNames {
		for _, f := range folders {
			if f.Selectable && strings.EqualFold(f.Name, want) {
				return f.Name, false, true
			}
		}
	}
	return "", false, false
}
