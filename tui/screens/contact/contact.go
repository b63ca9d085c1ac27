// Package contact is the Contact screen of the leadmail TUI: the person's
// fields and their Life of the Lead timeline, newest first, from which a
// sent email can be opened exactly as it left and a received one as it
// came. Replies, out-of-office answers and bounces of a send are threaded
// under it. The timeline loads TimelineLimit events at a time; L loads the
// next older page, never all at once.
package contact

import (
	"context"
	"slices"
	"strconv"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// Store is what the Contact screen reads.
type Store interface {
	GetContact(ctx context.Context, id int64) (store.Contact, error)
	Timeline(ctx context.Context, contactID int64, limit int) ([]store.Event, error)
	// TimelineBefore is the page of events older than (beforeAt, beforeID).
	TimelineBefore(ctx context.Context, contactID int64, beforeAt time.Time, beforeID int64, limit int) ([]store.Event, error)
	// Searcher finds events beyond the loaded pages (search.go).
	Searcher
}

// Opportunities lists the deals a contact is on, for the header line and
// O. A Store without it shows none.
type Opportunities interface {
	OpportunitiesOf(ctx context.Context, contactID int64) ([]store.Opportunity, error)
}

// row is one line of the timeline: an event, indented when it answers
// the send shown above it.
type row struct {
	ev    store.Event
	child bool
}

type state int

const (
	stateLoading state = iota
	stateReady
	stateError
)

// Model is the Contact screen.
type Model struct {
	common.IntentQueue
	c     *common.Common
	store Store
	keys  KeyMap
	id    int64

	width, height int
	state         state
	errText       string
	contact       store.Contact
	opps          []store.Opportunity // the deals it is on, open ones first
	events        []store.Event       // as loaded, newest first
	rows          []row               // events in display order, threads together
	more          bool                // the last page was full: older events may follow
	loadingOlder  bool
	cursor        int // index into rows
	offset        int // first row on screen
	loadSeq       int
	find          finder // the timeline search (search.go)
}

// New returns the Contact screen for one contact.
func New(c *common.Common, s Store, contactID int64) *Model {
	m := &Model{c: c, store: s, keys: DefaultKeyMap(), id: contactID, find: newFinder(c)}
	m.updateKeys()
	return m
}

// ContactID is the contact this screen shows.
func (m *Model) ContactID() int64 { return m.id }

// Title implements common.Screen.
func (m *Model) Title() string {
	if m.state == stateReady {
		return m.contact.Name()
	}
	return "Contact"
}

// Capturing implements common.Screen: true while the search input has
// focus.
func (m *Model) Capturing() bool { return m.find.typing }

// SetSize implements common.Screen.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.setSearchWidth(width)
	m.clampOffset()
}

// Init implements common.Screen.
func (m *Model) Init() tea.Cmd { return m.load() }

// loadedMsg carries the contact and its timeline, read together.
type loadedMsg struct {
	contactID int64
	seq       int
	contact   store.Contact
	opps      []store.Opportunity
	events    []store.Event
	err       error
}

func (m *Model) load() tea.Cmd {
	m.loadSeq++
	seq, id, ctx, s := m.loadSeq, m.id, m.c.Ctx, m.store
	return func() tea.Msg {
		c, err := s.GetContact(ctx, id)
		if err != nil {
			return loadedMsg{contactID: id, seq: seq, err: err}
		}
		var opps []store.Opportunity
		if os, ok := s.(Opportunities); ok {
			if opps, err = os.OpportunitiesOf(ctx, id); err != nil {
				return loadedMsg{contactID: id, seq: seq, err: err}
			}
		}
		ev, err := s.Timeline(ctx, id, store.TimelineLimit)
		return loadedMsg{contactID: id, seq: seq, contact: c, opps: opps, events: ev, err: err}
	}
}

// olderMsg carries the page of events before the oldest loaded.
type olderMsg struct {
	contactID int64
	seq       int
	events    []store.Event
	err       error
}

// loadOlder reads the next TimelineLimit events after the oldest loaded,
// by keyset: the page costs the same however deep it is.
func (m *Model) loadOlder() tea.Cmd {
	if len(m.events) == 0 || m.loadingOlder {
		return nil
	}
	m.loadingOlder = true
	last := m.events[len(m.events)-1]
	seq, id, ctx, s := m.loadSeq, m.id, m.c.Ctx, m.store
	return func() tea.Msg {
		ev, err := s.TimelineBefore(ctx, id, last.At, last.ID, store.TimelineLimit)
		return olderMsg{contactID: id, seq: seq, events: ev, err: err}
	}
}

func (m *Model) handleOlder(msg olderMsg) {
	if msg.contactID != m.id || msg.seq != m.loadSeq {
		return // a reload replaced the first page meanwhile
	}
	m.loadingOlder = false
	if msg.err != nil {
		m.Post(common.ErrorMsg{Err: msg.err})
		return
	}
	keep, _ := m.selected()
	m.events = append(m.events, msg.events...)
	m.more = len(msg.events) >= store.TimelineLimit
	m.thread()
	m.cursor = max(0, slices.IndexFunc(m.rows, func(r row) bool { return r.ev.ID == keep.ID }))
	m.clampOffset()
	n := len(msg.events)
	text := "No older events"
	if n > 0 {
		text = "Loaded " + plural(n, "older event", "older events")
	}
	m.Post(common.StatusMsg{Text: text, Level: common.LevelInfo})
}

// threadKinds answer a send: shown under it when it is loaded.
var threadKinds = []store.EventKind{store.EventReplied, store.EventAutoReply, store.EventBounced}

// thread lays the loaded events out in display order: newest first, with
// the answers to a send (replies, auto-replies, bounces) moved under the
// send, oldest first and indented, when the send is loaded too.
func (m *Model) thread() {
	sends := map[int64]bool{}
	for _, ev := range m.events {
		if ev.Kind == store.EventEmailSent && ev.MessageID != 0 {
			sends[ev.MessageID] = true
		}
	}
	answers := map[int64][]store.Event{}
	for _, ev := range m.events {
		if slices.Contains(threadKinds, ev.Kind) && sends[ev.MessageID] {
			answers[ev.MessageID] = append(answers[ev.MessageID], ev)
		}
	}
	rows := make([]row, 0, len(m.events))
	for _, ev := range m.events {
		if slices.Contains(threadKinds, ev.Kind) && sends[ev.MessageID] {
			continue // under its send
		}
		rows = append(rows, row{ev: ev})
		if ev.Kind == store.EventEmailSent && sends[ev.MessageID] {
			kids := answers[ev.MessageID]
			for i := len(kids) - 1; i >= 0; i-- { // oldest first, as a thread reads
				rows = append(rows, row{ev: kids[i], child: true})
			}
			delete(sends, ev.MessageID) // a second sent event of it stands alone
			delete(answers, ev.MessageID)
		}
	}
	m.rows = m.searchRows(rows)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	if cmd, ok := m.updateSearch(msg); ok {
		m.updateKeys()
		return m, cmd
	}
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case loadedMsg:
		m.handleLoaded(msg)
		cmd = m.searchAfterLoad()
	case common.QueuedMsg:
		if msg.Err == nil && msg.Contact.ID == m.id {
			cmd = m.load()
		}
	case common.OutboxChangedMsg:
		if msg.ContactID == m.id {
			cmd = m.load()
		}
	case common.MailSyncedMsg:
		if m.state == stateReady {
			cmd = m.load()
		}
	case common.ContactChangedMsg:
		if msg.ContactID == m.id || msg.ContactID == 0 {
			cmd = m.load()
		}
	case common.OpportunityChangedMsg:
		if m.state == stateReady && (slices.Contains(msg.ContactIDs, m.id) ||
			slices.ContainsFunc(m.opps, func(o store.Opportunity) bool { return o.ID == msg.OpportunityID })) {
			cmd = m.load()
		}
	case olderMsg:
		m.handleOlder(msg)
	case tea.KeyPressMsg:
		cmd = m.handleKey(msg)
	}
	m.updateKeys()
	return m, cmd
}

func (m *Model) handleLoaded(msg loadedMsg) {
	if msg.contactID != m.id || msg.seq != m.loadSeq {
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
	// Keep the highlight on the same event when a reload adds new ones on
	// top, unless it was on the newest: then it stays on the newest, so a
	// send that completes is what the user sees highlighted.
	var keep int64
	if ev, ok := m.selected(); ok && m.cursor > 0 {
		keep = ev.ID
	}
	m.state, m.contact, m.opps, m.events = stateReady, msg.contact, msg.opps, msg.events
	m.more, m.loadingOlder = len(msg.events) >= store.TimelineLimit, false
	m.thread()
	m.cursor = 0
	for i, r := range m.rows {
		if r.ev.ID == keep {
			m.cursor = i
			break
		}
	}
	m.clampOffset()
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	page := max(1, m.timelineRows())
	switch {
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.PageUp):
		m.move(-page)
	case key.Matches(msg, k.PageDown):
		m.move(page)
	case key.Matches(msg, k.Top):
		m.move(-len(m.rows))
	case key.Matches(msg, k.Bottom):
		m.move(len(m.rows))
	case key.Matches(msg, k.View):
		if ev, ok := m.selected(); ok {
			switch {
			case ev.ReceivedID != 0:
				m.Post(common.OpenReceivedMsg{ReceivedID: ev.ReceivedID})
			case ev.MessageID != 0:
				m.Post(common.OpenMessageMsg{MessageID: ev.MessageID})
			case noteID(ev) != 0:
				m.Post(common.OpenNoteMsg{NoteID: noteID(ev)})
			}
		}
	case key.Matches(msg, k.Older):
		return m.loadOlder()
	case key.Matches(msg, k.Search):
		return m.startSearch()
	case key.Matches(msg, k.ClearSearch):
		m.clearSearch()
	case key.Matches(msg, k.Mail):
		m.Post(common.OpenPickerMsg{Contact: m.contact})
	case key.Matches(msg, k.Outbox):
		m.Post(common.OpenOutboxMsg{})
	case key.Matches(msg, k.Opportunity):
		if len(m.opps) > 0 {
			m.Post(common.OpenOpportunityMsg{OpportunityID: m.opps[0].ID})
		}
	case key.Matches(msg, k.Reload):
		return m.load()
	case key.Matches(msg, k.Edit):
		m.Post(common.EditContactMsg{ContactID: m.contact.ID})
	case key.Matches(msg, k.Status):
		m.Post(common.SetStatusMsg{ContactID: m.contact.ID})
	case key.Matches(msg, k.Note):
		m.Post(common.NewNoteMsg{ContactID: m.contact.ID})
	case key.Matches(msg, k.Call):
		m.Post(common.LogCallMsg{ContactID: m.contact.ID})
	case key.Matches(msg, k.Task):
		m.Post(common.NewTaskMsg{ContactID: m.contact.ID})
	case key.Matches(msg, k.Archive):
		m.Post(common.ArchiveContactMsg{ContactID: m.contact.ID})
	case key.Matches(msg, k.Forget):
		m.Post(common.ForgetContactMsg{ContactID: m.contact.ID})
	case key.Matches(msg, k.Back):
		m.Post(common.BackMsg{})
	}
	return nil
}

// noteID is the note a note event shows, 0 for none (common.NoteID).
func noteID(ev store.Event) int64 { return common.NoteID(ev) }

func (m *Model) selected() (store.Event, bool) {
	if m.state != stateReady || m.cursor < 0 || m.cursor >= len(m.rows) {
		return store.Event{}, false
	}
	return m.rows[m.cursor].ev, true
}

func (m *Model) move(n int) {
	m.cursor, m.offset = common.MoveCursor(m.cursor, m.offset, n, len(m.rows), m.timelineRows())
}

// clampOffset scrolls the timeline so the cursor stays on screen.
func (m *Model) clampOffset() { m.move(0) }
