// Package opportunity is the Opportunity screen of the leadmail TUI and its
// form. The screen shows a deal's fields (value, stage and probability,
// expected value, close date, owner, state, lost reason), its contacts with
// the primary one marked, and its own timeline: every send, reply, note and
// stage change about it, newest first. enter opens a contact, a sent mail
// or a note, m opens Smart Mail for the primary contact from the deal, n
// writes a note and t adds a follow-up task on it (on the deal and its
// primary contact, in the editor and form a contact uses), e edits it.
// The form (form.go) makes a new opportunity or edits one, asking
// before it overwrites an edit made elsewhere meanwhile.
package opportunity

import (
	"context"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// Store is what the Opportunity screen reads. *store.DB satisfies it, and
// so does the store scoped to the current user.
type Store interface {
	GetOpportunity(ctx context.Context, id int64) (store.Opportunity, error)
	// OpportunityTimeline is the deal's own events, newest first.
	OpportunityTimeline(ctx context.Context, id int64, limit int) ([]store.Event, error)
	// GetContact reads the primary contact a Smart Mail starts from.
	GetContact(ctx context.Context, id int64) (store.Contact, error)
}

type state int

const (
	stateLoading state = iota
	stateReady
	stateError
)

// row is one selectable line under the fields: a contact or an event.
type row struct {
	contact *store.OpportunityContact
	event   *store.Event
}

// Model is the Opportunity screen.
type Model struct {
	common.IntentQueue
	c     *common.Common
	store Store
	keys  KeyMap
	id    int64

	width, height int
	state         state
	errText       string
	opp           store.Opportunity
	primary       store.Contact
	events        []store.Event
	rows          []row
	cursor        int // index into rows
	offset        int // first list line on screen
	loadSeq       int
}

// New returns the Opportunity screen for one opportunity.
func New(c *common.Common, s Store, id int64) *Model {
	m := &Model{c: c, store: s, keys: DefaultKeyMap(), id: id}
	m.updateKeys()
	return m
}

// OpportunityID is the opportunity this screen shows.
func (m *Model) OpportunityID() int64 { return m.id }

// Opportunity is the opportunity as last read.
func (m *Model) Opportunity() store.Opportunity { return m.opp }

// Title implements common.Screen.
func (m *Model) Title() string {
	if m.state == stateReady {
		return common.Printable(m.opp.Name)
	}
	return "Opportunity"
}

// Capturing implements common.Screen: nothing here takes typed text.
func (m *Model) Capturing() bool { return false }

// SetSize implements common.Screen.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.clampOffset()
}

// Init implements common.Screen.
func (m *Model) Init() tea.Cmd { return m.load() }

// loadedMsg carries the opportunity, its primary contact and its timeline.
type loadedMsg struct {
	id      int64
	seq     int
	opp     store.Opportunity
	primary store.Contact
	events  []store.Event
	err     error
}

func (m *Model) load() tea.Cmd {
	m.loadSeq++
	seq, id, ctx, s := m.loadSeq, m.id, m.c.Ctx, m.store
	return func() tea.Msg {
		out := loadedMsg{id: id, seq: seq}
		if out.opp, out.err = s.GetOpportunity(ctx, id); out.err != nil {
			return out
		}
		if out.events, out.err = s.OpportunityTimeline(ctx, id, store.TimelineLimit); out.err != nil {
			return out
		}
		// A primary contact the user may not see leaves m without a
		// contact; the rest of the deal still shows.
		out.primary, _ = s.GetContact(ctx, out.opp.PrimaryContactID)
		return out
	}
}

func (m *Model) handleLoaded(msg loadedMsg) {
	if msg.id != m.id || msg.seq != m.loadSeq {
		return
	}
	if msg.err != nil {
		text := m.c.ErrText(msg.err)
		if text == "" {
			return
		}
		if m.state == stateReady {
			m.Post(common.ErrorMsg{Err: msg.err})
			return
		}
		m.state, m.errText = stateError, text
		return
	}
	var keep row
	if m.cursor < len(m.rows) {
		keep = m.rows[m.cursor]
	}
	m.state, m.opp, m.primary, m.events = stateReady, msg.opp, msg.primary, msg.events
	m.rows = m.rows[:0]
	for i := range m.opp.Contacts {
		m.rows = append(m.rows, row{contact: &m.opp.Contacts[i]})
	}
	for i := range m.events {
		m.rows = append(m.rows, row{event: &m.events[i]})
	}
	m.cursor = 0
	for i, r := range m.rows {
		if (keep.contact != nil && r.contact != nil && r.contact.ID == keep.contact.ID) ||
			(keep.event != nil && r.event != nil && r.event.ID == keep.event.ID) {
			m.cursor = i
		}
	}
	m.clampOffset()
}

// about reports whether an OpportunityChangedMsg or ContactChangedMsg
// concerns this deal.
func (m *Model) about(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case common.OpportunityChangedMsg:
		return msg.OpportunityID == m.id || msg.OpportunityID == 0
	case common.ContactChangedMsg:
		if msg.ContactID == 0 {
			return true
		}
		for _, c := range m.opp.Contacts {
			if c.ID == msg.ContactID {
				return true
			}
		}
	case common.QueuedMsg:
		return msg.Err == nil && msg.Message.OpportunityID == m.id
	case common.OutboxChangedMsg, common.MailSyncedMsg:
		return true
	}
	return false
}

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case loadedMsg:
		m.handleLoaded(msg)
	case tea.KeyPressMsg:
		cmd = m.handleKey(msg)
	default:
		if m.state == stateReady && m.about(msg) {
			cmd = m.load()
		}
	}
	m.updateKeys()
	return m, cmd
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.PageUp):
		m.move(-max(1, m.listLines()-1))
	case key.Matches(msg, k.PageDown):
		m.move(max(1, m.listLines()-1))
	case key.Matches(msg, k.Open):
		r, ok := m.selected()
		switch {
		case !ok:
		case r.contact != nil:
			m.Post(common.OpenContactMsg{ContactID: r.contact.ID})
		case r.event.ReceivedID != 0:
			m.Post(common.OpenReceivedMsg{ReceivedID: r.event.ReceivedID})
		case r.event.MessageID != 0:
			m.Post(common.OpenMessageMsg{MessageID: r.event.MessageID})
		case common.NoteID(*r.event) != 0:
			m.Post(common.OpenNoteMsg{NoteID: common.NoteID(*r.event)})
		}
	case key.Matches(msg, k.Mail):
		m.Post(common.OpenPickerMsg{Contact: m.primary, OpportunityID: m.id})
	case key.Matches(msg, k.Note):
		m.Post(common.NewNoteMsg{ContactID: m.primary.ID, OpportunityID: m.id})
	case key.Matches(msg, k.Task):
		m.Post(common.NewTaskMsg{ContactID: m.primary.ID, OpportunityID: m.id})
	case key.Matches(msg, k.Edit):
		m.Post(common.EditOpportunityMsg{OpportunityID: m.id})
	case key.Matches(msg, k.Reload):
		return m.load()
	case key.Matches(msg, k.Back):
		m.Post(common.BackMsg{})
	}
	return nil
}

func (m *Model) selected() (row, bool) {
	if m.state != stateReady || m.cursor < 0 || m.cursor >= len(m.rows) {
		return row{}, false
	}
	return m.rows[m.cursor], true
}

func (m *Model) move(n int) {
	m.cursor = max(0, min(m.cursor+n, len(m.rows)-1))
	m.clampOffset()
}
