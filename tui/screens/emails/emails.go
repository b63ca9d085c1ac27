// Package emails is the Emails designer of the leadmail TUI: the list of
// every email template (Smart Mail ones marked), an editor for one template
// with validation and a trial render against a sample contact, and the
// sender's signatures.
//
// It is one screen with four views (list, editor, signatures, signature
// editor) so the root routes a single intent to it; the views share the
// loaded templates and the sample contact.
package emails

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// Store is what the Emails screen reads and writes. *store.DB satisfies it.
type Store interface {
	ListEmails(ctx context.Context, f store.EmailFilter) ([]store.Email, error)
	CreateEmail(ctx context.Context, e *store.Email) error
	UpdateEmail(ctx context.Context, e store.Email) error
	// DeleteEmail deletes, or archives when messages reference the email.
	DeleteEmail(ctx context.Context, id int64) (archived bool, err error)
	// DuplicateEmail copies an email under a new name with Smart Mail off.
	DuplicateEmail(ctx context.Context, id int64, newName string) (store.Email, error)
	// ListContacts finds the sample contact of the trial render.
	ListContacts(ctx context.Context, req store.PageRequest) (store.ContactPage, error)
	ListSignatures(ctx context.Context, userID int64) ([]store.Signature, error)
	CreateSignature(ctx context.Context, s *store.Signature) error
	UpdateSignature(ctx context.Context, s store.Signature) error
	DeleteSignature(ctx context.Context, id int64) error
}

// Options configures the screen.
type Options struct {
	// Sender is the CRM user who sends: the owner of the signatures and the
	// source of {{user.*}} in trial renders. A zero ID disables signatures.
	Sender store.User
	// Editor is the external editor command line for ctrl+e, e.g. "vim" or
	// "code --wait"; "" falls back to vi or nano (see editor.Resolve), and
	// says what to set when neither is installed.
	Editor string
}

// view is which of the screen's views is in front.
type view int

const (
	viewList view = iota
	viewEditor
	viewSignatures
	viewSigEditor
)

type loadState int

const (
	stateLoading loadState = iota
	stateReady
	stateError
)

// prompt is the yes/no question being asked, if any.
type prompt int

const (
	promptNone prompt = iota
	promptDelete
	promptDiscard
	promptDeleteSig
	promptDiscardSig
)

// Model is the Emails screen.
type Model struct {
	common.IntentQueue
	c     *common.Common
	store Store
	opts  Options
	keys  KeyMap

	width, height int
	view          view
	prompt        prompt

	state   loadState
	errText string
	emails  []store.Email
	cursor  int
	offset  int
	loadSeq int

	sample    store.Contact
	hasSample bool

	editor *editor

	sigs sigList
	sig  *sigEditor
}

// New returns the Emails screen.
func New(c *common.Common, s Store, opts Options) *Model {
	m := &Model{c: c, store: s, opts: opts, keys: DefaultKeyMap()}
	m.updateKeys()
	return m
}

// Title implements common.Screen.
func (m *Model) Title() string {
	switch m.view {
	case viewEditor:
		if m.editor != nil && m.editor.orig.ID != 0 {
			return "Edit email"
		}
		return "New email"
	case viewSignatures, viewSigEditor:
		return "Signatures"
	}
	return "Emails"
}

// Capturing implements common.Screen: inputs have focus in the editors.
func (m *Model) Capturing() bool {
	return m.view == viewEditor || m.view == viewSigEditor
}

// Init implements common.Screen: the templates and the sample contact.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.load(0), m.loadSample())
}

// SetSize implements common.Screen.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	if m.editor != nil {
		m.editor.layout(width, height)
	}
	if m.sig != nil {
		m.sig.layout(width, height)
	}
}

// Selected returns the highlighted email.
func (m *Model) Selected() (store.Email, bool) {
	if m.state != stateReady || m.cursor < 0 || m.cursor >= len(m.emails) {
		return store.Email{}, false
	}
	return m.emails[m.cursor], true
}

// emailsMsg carries the listed templates; selectID puts the cursor on one.
type emailsMsg struct {
	seq      int
	emails   []store.Email
	selectID int64
	err      error
}

// sampleMsg carries the trial render's sample contact.
type sampleMsg struct {
	contact store.Contact
	ok      bool
	err     error
}

// deletedMsg is the result of a delete.
type deletedMsg struct {
	email    store.Email
	archived bool
	err      error
}

// duplicatedMsg is the result of a duplicate.
type duplicatedMsg struct {
	email store.Email
	err   error
}

func (m *Model) load(selectID int64) tea.Cmd {
	m.loadSeq++
	seq, ctx, s := m.loadSeq, m.c.Ctx, m.store
	return func() tea.Msg {
		list, err := s.ListEmails(ctx, store.EmailFilter{})
		return emailsMsg{seq: seq, emails: list, selectID: selectID, err: err}
	}
}

// samplePage is how many contacts are looked at for one with an email.
const samplePage = 50

func (m *Model) loadSample() tea.Cmd {
	ctx, s := m.c.Ctx, m.store
	return func() tea.Msg {
		page, err := s.ListContacts(ctx, store.PageRequest{Limit: samplePage})
		if err != nil {
			return sampleMsg{err: err}
		}
		for _, c := range page.Contacts {
			if c.Email != "" {
				return sampleMsg{contact: c, ok: true}
			}
		}
		return sampleMsg{}
	}
}

func (m *Model) handleEmails(msg emailsMsg) {
	if msg.seq != m.loadSeq {
		return
	}
	if msg.err != nil {
		if m.state != stateReady {
			m.state, m.errText = stateError, m.c.ErrText(msg.err)
		} else {
			m.Post(common.ErrorMsg{Err: msg.err})
		}
		return
	}
	m.state, m.errText, m.emails = stateReady, "", msg.emails
	if msg.selectID != 0 {
		for i, e := range m.emails {
			if e.ID == msg.selectID {
				m.cursor = i
			}
		}
	}
	m.setCursor(m.cursor)
}

func (m *Model) deleteSelected() tea.Cmd {
	e, ok := m.Selected()
	if !ok {
		return nil
	}
	ctx, s := m.c.Ctx, m.store
	return func() tea.Msg {
		archived, err := s.DeleteEmail(ctx, e.ID)
		return deletedMsg{email: e, archived: archived, err: err}
	}
}

func (m *Model) duplicateSelected() tea.Cmd {
	e, ok := m.Selected()
	if !ok {
		return nil
	}
	taken := map[string]bool{}
	for _, x := range m.emails {
		taken[lower(x.Name)] = true
	}
	name := copyName(e.Name, taken)
	ctx, s := m.c.Ctx, m.store
	return func() tea.Msg {
		cp, err := s.DuplicateEmail(ctx, e.ID, name)
		return duplicatedMsg{email: cp, err: err}
	}
}

func (m *Model) handleDeleted(msg deletedMsg) tea.Cmd {
	if msg.err != nil {
		m.Post(common.ErrorMsg{Err: msg.err, Title: "Not deleted"})
		return nil
	}
	text := "Deleted “" + msg.email.Name + "”"
	if msg.archived {
		text = "Archived “" + msg.email.Name + "”: sent messages use it, so it is kept for the archive"
	}
	m.Post(common.StatusMsg{Text: text, Level: common.LevelSuccess})
	return m.load(0)
}

func (m *Model) handleDuplicated(msg duplicatedMsg) tea.Cmd {
	if msg.err != nil {
		m.Post(common.ErrorMsg{Err: msg.err, Title: "Not duplicated"})
		return nil
	}
	m.Post(common.StatusMsg{Text: "Duplicated as “" + msg.email.Name + "” (Smart Mail off)", Level: common.LevelSuccess})
	return m.load(msg.email.ID)
}

func (m *Model) setCursor(i int) {
	m.cursor = max(0, min(i, len(m.emails)-1))
	n := m.rowsShown()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+n {
		m.offset = m.cursor - n + 1
	}
	m.offset = max(0, min(m.offset, len(m.emails)-n))
}
