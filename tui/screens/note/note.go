// Package note is the note screen of the leadmail TUI. A new note on a
// contact is Markdown typed in the built-in editor, or in $EDITOR with
// ctrl+e, and saved with ctrl+s; an empty one is refused with a sentence
// and nothing is written, and esc asks before throwing typed text away. A
// note opened from Life of the Lead shows rendered and read-only, and e
// edits it in the same editor. A note on an opportunity is written the
// same way, on the deal and its primary contact.
package note

import (
	"context"
	"errors"
	"strings"

	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// Store is what the note screen reads and writes. *store.DB satisfies it.
type Store interface {
	GetContact(ctx context.Context, id int64) (store.Contact, error)
	// GetNote returns one note.
	GetNote(ctx context.Context, id int64) (store.Note, error)
	// AddNote writes a note by user by, with its note event.
	AddNote(ctx context.Context, contactID, by int64, body string) (store.Note, error)
	// EditNote replaces a note's text, with an edited event.
	EditNote(ctx context.Context, id, by int64, body string) (store.Note, error)
	// GetOpportunity reads the deal a note is on, for its name.
	GetOpportunity(ctx context.Context, id int64) (store.Opportunity, error)
	// AddOpportunityNote writes a note on a deal and its primary
	// contact, with its note event.
	AddOpportunityNote(ctx context.Context, id, by int64, body string) (store.Note, error)
}

// Options configure the note screen.
type Options struct {
	// Sender is the current user, who writes and edits the note.
	Sender store.User
	// Editor is the external editor command line for ctrl+e; "" falls back
	// to vi or nano (see the editor package's Resolve).
	Editor string
	// OpportunityID puts a new note on that deal and its primary contact;
	// 0 puts it on the contact alone.
	OpportunityID int64
}

// SavedMsg is the intent posted once a note was written: the root tells
// the screens the contact changed and, when Close is set (a new note),
// closes this screen.
type SavedMsg struct {
	Note  store.Note
	Close bool
}

type state int

const (
	stateLoading state = iota
	stateError
	stateView // the note rendered, read-only
	stateEdit // the Markdown in the editor
)

type busy int

const (
	busyNone busy = iota
	busySaving
	busyExternal // the body is in $EDITOR
)

// Model is the note screen.
type Model struct {
	common.IntentQueue
	c     *common.Common
	store Store
	opts  Options
	keys  KeyMap

	contactID int64
	noteID    int64 // 0 until a new note is saved

	width, height int
	state         state
	errText       string
	contact       store.Contact
	deal          store.Opportunity // the deal the note is on, if any
	note          store.Note        // as loaded or last saved
	busy          busy
	asking        bool   // "Discard …? (y/n)" waits for an answer
	saveErr       string // why the last save was refused; the text stays as typed
	seq           int

	body textarea.Model
	vp   viewport.Model // the rendered note
}

// New returns the editor for a new note on a contact. It opens ready to
// type, while the contact's name loads for the title.
func New(c *common.Common, s Store, contactID int64, opts Options) *Model {
	m := newModel(c, s, opts)
	m.contactID, m.state = contactID, stateEdit
	return m
}

// Open returns the screen showing note id, rendered; e edits it.
func Open(c *common.Common, s Store, noteID int64, opts Options) *Model {
	m := newModel(c, s, opts)
	m.noteID, m.state = noteID, stateLoading
	return m
}

func newModel(c *common.Common, s Store, opts Options) *Model {
	m := &Model{c: c, store: s, opts: opts, keys: DefaultKeyMap(), vp: viewport.New()}
	m.vp.KeyMap = viewport.KeyMap{} // scrolled through this screen's keys
	m.body = textarea.New()
	m.body.ShowLineNumbers = false
	m.body.Prompt = ""
	m.body.CharLimit = 0
	m.body.MaxHeight = 0
	m.body.Placeholder = common.Example("Called about the pilot: **wants a demo** for the team.\n\n- send the pricing\n- follow up on Monday")
	m.restyle()
	m.updateKeys()
	return m
}

func (m *Model) restyle() { m.body.SetStyles(m.c.Styles.Textarea) }

// ContactID is the contact the note is on (0 until a note opened by id
// has loaded).
func (m *Model) ContactID() int64 { return m.contactID }

// Title implements common.Screen.
func (m *Model) Title() string {
	switch {
	case m.noteID == 0:
		return "New note"
	case m.state == stateEdit:
		return "Edit note"
	}
	return "Note"
}

// Capturing implements common.Screen: the editor takes typed text, and a
// question waits for its answer.
func (m *Model) Capturing() bool { return m.state == stateEdit || m.asking }

// SetSize implements common.Screen.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.layout()
	if m.state == stateView {
		m.setRendered() // wrapped again at the new width
	}
}

// loadedMsg carries the note (when opened by id), its contact and its
// deal.
type loadedMsg struct {
	note    store.Note
	contact store.Contact
	deal    store.Opportunity
	err     error
}

// Init implements common.Screen: read the note and the contact, or only
// the contact of a new note (and focus the editor).
func (m *Model) Init() tea.Cmd {
	ctx, s, noteID, contactID, dealID := m.c.Ctx, m.store, m.noteID, m.contactID, m.opts.OpportunityID
	load := func() tea.Msg {
		var (
			n    store.Note
			deal store.Opportunity
		)
		if noteID != 0 {
			var err error
			if n, err = s.GetNote(ctx, noteID); err != nil {
				return loadedMsg{err: err}
			}
			contactID = n.ContactID
			if n.OpportunityID != 0 {
				// Only for its name: a deal the user may not see leaves
				// the note on show, named by its contact.
				deal, _ = s.GetOpportunity(ctx, n.OpportunityID)
			}
		} else if dealID != 0 {
			var err error
			if deal, err = s.GetOpportunity(ctx, dealID); err != nil {
				return loadedMsg{err: err}
			}
			contactID = deal.PrimaryContactID
		}
		c, err := s.GetContact(ctx, contactID)
		return loadedMsg{note: n, contact: c, deal: deal, err: err}
	}
	if m.state == stateEdit {
		return tea.Batch(load, m.body.Focus())
	}
	return load
}

func (m *Model) handleLoaded(msg loadedMsg) {
	if msg.err != nil {
		text := m.c.ErrText(msg.err)
		if text == "" {
			return
		}
		if m.state == stateEdit && m.noteID == 0 {
			// The text typed meanwhile stays; the save will say why it fails.
			m.Post(common.ErrorMsg{Err: msg.err})
			return
		}
		m.state, m.errText = stateError, text
		return
	}
	m.contact, m.contactID, m.deal = msg.contact, msg.contact.ID, msg.deal
	if m.noteID != 0 {
		m.note = msg.note
		m.state = stateView
		m.setRendered()
	}
}

// startEdit puts the note's text in the editor.
func (m *Model) startEdit() tea.Cmd {
	m.state, m.saveErr, m.asking = stateEdit, "", false
	m.body.SetValue(m.note.Body)
	m.body.MoveToBegin()
	m.layout()
	return m.body.Focus()
}

// original is the text the editor started from: "" for a new note.
func (m *Model) original() string {
	if m.noteID == 0 {
		return ""
	}
	return m.note.Body
}

// Dirty reports whether the editor holds text that saving would change.
func (m *Model) Dirty() bool {
	if m.state != stateEdit {
		return false
	}
	return strings.TrimSpace(m.body.Value()) != strings.TrimSpace(m.original())
}

// Unsaved implements common.Unsaved.
func (m *Model) Unsaved() (string, bool) {
	switch {
	case !m.Dirty():
		return "", false
	case m.noteID == 0:
		return "this note", true
	}
	return "the changes to this note", true
}

// savedMsg is the result of AddNote or EditNote.
type savedMsg struct {
	seq  int
	note store.Note
	err  error
}

// errEmpty is the refusal of a note with nothing in it.
var errEmpty = errors.New("the note is empty: write something, or press esc to leave")

// save writes the note, unless it is empty or unchanged: then it says so
// and writes nothing.
func (m *Model) save() tea.Cmd {
	if m.busy != busyNone {
		return nil
	}
	body := m.body.Value()
	switch {
	case strings.TrimSpace(body) == "":
		m.saveErr = common.Sentence(errEmpty.Error())
		return nil
	case m.noteID != 0 && !m.Dirty():
		m.state, m.saveErr = stateView, ""
		m.body.Blur()
		m.Post(common.StatusMsg{Text: "The note is unchanged", Level: common.LevelInfo})
		return nil
	case m.opts.Sender.ID == 0:
		m.saveErr = "Notes are written by a CRM user: set user.email and user.name in the configuration, then restart leadmail."
		return nil
	}
	m.busy, m.saveErr = busySaving, ""
	m.seq++
	seq, ctx, s, by, noteID, contactID := m.seq, m.c.Ctx, m.store, m.opts.Sender.ID, m.noteID, m.contactID
	dealID := m.opts.OpportunityID
	return func() tea.Msg {
		var (
			n   store.Note
			err error
		)
		switch {
		case noteID == 0 && dealID != 0:
			n, err = s.AddOpportunityNote(ctx, dealID, by, body)
		case noteID == 0:
			n, err = s.AddNote(ctx, contactID, by, body)
		default:
			n, err = s.EditNote(ctx, noteID, by, body)
		}
		return savedMsg{seq: seq, note: n, err: err}
	}
}

func (m *Model) handleSaved(msg savedMsg) {
	if msg.seq != m.seq {
		return
	}
	m.busy = busyNone
	if msg.err != nil {
		m.saveErr = common.Refusal(m.c, msg.err)
		return
	}
	who := m.onWhom()
	if m.noteID == 0 {
		m.noteID, m.note = msg.note.ID, msg.note
		m.Post(common.StatusMsg{Text: "Note saved on " + who, Level: common.LevelSuccess})
		m.Post(SavedMsg{Note: msg.note, Close: true})
		return
	}
	m.note = msg.note
	m.state = stateView
	m.body.Blur()
	m.setRendered()
	m.Post(common.StatusMsg{Text: "Note on " + who + " saved", Level: common.LevelSuccess})
	m.Post(SavedMsg{Note: msg.note})
}
