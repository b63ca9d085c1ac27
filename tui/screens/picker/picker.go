// Package picker is the Smart Mail picker of the leadmail TUI: the Smart
// Mail templates for one contact, marked when the contact already received
// them, filtered by text and tag, with a live preview rendered for the
// contact and its merge lint. Enter is Quick Send.
package picker

import (
	"context"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// Store is what the picker reads.
type Store interface {
	// GetContact reads the contact whole: the one New gets may be a brief
	// table row (store.PageRequest.Brief) without its custom fields.
	GetContact(ctx context.Context, id int64) (store.Contact, error)
	ListEmails(ctx context.Context, f store.EmailFilter) ([]store.Email, error)
	ReceivedEmails(ctx context.Context, contactID int64) (map[int64]time.Time, error)
}

// Mailer renders previews, queues Quick Sends and schedules, each with
// the reminder asked for (outbox.SendOptions) queued with the message and
// from the deal the picker was opened on, if any.
type Mailer interface {
	PreviewWith(ctx context.Context, contactID, emailID int64, opts outbox.SendOptions) (outbox.Preview, error)
	QuickSendWith(ctx context.Context, contactID, emailID int64, opts outbox.SendOptions) (outbox.Sent, error)
	ScheduleWith(ctx context.Context, contactID, emailID int64, at time.Time, opts outbox.SendOptions) (outbox.Sent, error)
}

type state int

const (
	stateLoading state = iota
	stateReady
	stateError
)

type focus int

const (
	focusList     focus = iota
	focusFilter         // typing in the filter
	focusSchedule       // typing a send time in the schedule prompt
)

// sendState tracks Quick Send and Schedule: idle, asked for before the list
// arrived, or on its way.
type sendState int

const (
	sendIdle sendState = iota
	sendPending
	sendRunning
)

type previewState int

const (
	previewNone previewState = iota
	previewLoading
	previewReady
	previewError
)

// Model is the Smart Mail picker for one contact.
type Model struct {
	common.IntentQueue
	c       *common.Common
	store   Store
	mailer  Mailer
	keys    KeyMap
	contact store.Contact

	width, height int
	state         state
	errText       string
	focus         focus
	send          sendState

	emails   []store.Email       // every Smart Mail, in the store's order
	received map[int64]time.Time // email id → last sent to this contact
	tags     []string            // tags present, sorted
	tag      int                 // index into tags, -1 for every tag
	filter   textinput.Model
	when     textinput.Model // the schedule prompt's input
	schedule store.Email     // the template the prompt schedules
	visible  []int           // indices into emails after the filters
	cursor   int             // index into visible
	offset   int             // first visible item on screen

	previewState previewState
	previewFor   int64 // email id of the preview shown or loading
	previewSeq   int
	previewData  outbox.Preview
	previewErr   string
	preview      viewport.Model

	// A contact whose address bounced for good is asked about first.
	bounced  bool
	bounce   store.Bouncing
	bounceOK bool         // the user said send anyway
	asking   bounceAction // what waits for y or n

	// remind is "remind me in N days if no reply" for the next send, 0
	// for none: r cycles it, and the session remembers it (common.Remind).
	remind int

	// opportunityID is the deal the sends are from, 0 for none; dealName
	// is its name, once a preview has read it.
	opportunityID int64
	dealName      string
}

// New returns the picker for contact c. Only its ID and name are used until
// Init has read it whole, so a brief table row will do.
func New(c *common.Common, s Store, mailer Mailer, contact store.Contact) *Model {
	in := textinput.New()
	in.Prompt = "/ "
	in.Placeholder = common.Hint("filter")
	in.CharLimit = 100
	when := textinput.New()
	when.Prompt = "Send at: "
	when.Placeholder = common.Example("tomorrow 9:00")
	when.CharLimit = 60
	m := &Model{c: c, store: s, mailer: mailer, keys: DefaultKeyMap(), contact: contact,
		filter: in, when: when, tag: -1, preview: viewport.New(), remind: c.RemindDays()}
	m.preview.KeyMap = viewport.KeyMap{} // the picker's own keys drive it
	m.filter.SetStyles(c.Styles.Input)
	m.when.SetStyles(c.Styles.Input)
	m.updateKeys()
	return m
}

// FromOpportunity makes the picker send from the deal id (0: from none):
// its {{opportunity.*}} variables are filled, the sends are recorded on
// it, and the header says so. It returns m.
func (m *Model) FromOpportunity(id int64) *Model {
	m.opportunityID = id
	return m
}

// OpportunityID is the deal the picker sends from, 0 for none.
func (m *Model) OpportunityID() int64 { return m.opportunityID }

// ContactID is the contact the picker sends to.
func (m *Model) ContactID() int64 { return m.contact.ID }

// Title implements common.Screen.
func (m *Model) Title() string { return "Smart Mail" }

// Capturing implements common.Screen.
func (m *Model) Capturing() bool { return m.focus != focusList }

// SetSize implements common.Screen.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.filter.SetWidth(max(8, m.listWidth()-6))
	m.when.SetWidth(max(8, m.listWidth()-lipgloss.Width(m.when.Prompt)-2))
	m.layoutPreview()
	m.clampOffset()
}

// Init implements common.Screen: load the contact whole, the templates and
// what this contact already received, in one command.
func (m *Model) Init() tea.Cmd {
	ctx, s, id := m.c.Ctx, m.store, m.contact.ID
	return func() tea.Msg {
		c, err := s.GetContact(ctx, id)
		if err != nil {
			return loadedMsg{contactID: id, err: err}
		}
		emails, err := s.ListEmails(ctx, store.EmailFilter{SmartMailOnly: true})
		if err != nil {
			return loadedMsg{contactID: id, err: err}
		}
		rec, err := s.ReceivedEmails(ctx, id)
		b, bounced := bouncing(ctx, s, c.Email)
		return loadedMsg{contactID: id, contact: c, emails: emails, received: rec, bounce: b, bounced: bounced, err: err}
	}
}

// loadedMsg carries the contact, the templates and the received marks.
type loadedMsg struct {
	contactID int64
	contact   store.Contact
	emails    []store.Email
	received  map[int64]time.Time
	bounce    store.Bouncing
	bounced   bool
	err       error
}

// previewMsg carries one rendered preview.
type previewMsg struct {
	seq     int
	emailID int64
	preview outbox.Preview
	err     error
}

// highlighted returns the template under the cursor.
func (m *Model) highlighted() (store.Email, bool) {
	if m.state != stateReady || m.cursor < 0 || m.cursor >= len(m.visible) {
		return store.Email{}, false
	}
	return m.emails[m.visible[m.cursor]], true
}

// applyFilters recomputes the visible templates from the text and tag
// filters, keeping the highlight on the same template when it survives.
func (m *Model) applyFilters() {
	keep, hadKeep := m.highlighted()
	q := strings.ToLower(strings.TrimSpace(m.filter.Value()))
	m.visible = m.visible[:0]
	for i, e := range m.emails {
		if m.tag >= 0 && !slices.Contains(e.Tags, m.tags[m.tag]) {
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(e.Name+" "+e.Subject+" "+strings.Join(e.Tags, " ")), q) {
			continue
		}
		m.visible = append(m.visible, i)
	}
	m.cursor = 0
	if hadKeep {
		for i, idx := range m.visible {
			if m.emails[idx].ID == keep.ID {
				m.cursor = i
			}
		}
	}
	m.clampOffset()
}

// requestPreview loads the preview of the highlighted template unless it is
// already shown or on its way.
func (m *Model) requestPreview() tea.Cmd {
	e, ok := m.highlighted()
	if !ok {
		m.previewState, m.previewFor = previewNone, 0
		m.setPreviewContent()
		return nil
	}
	if e.ID == m.previewFor && m.previewState != previewNone {
		return nil
	}
	m.previewSeq++
	m.previewState, m.previewFor = previewLoading, e.ID
	m.setPreviewContent()
	seq, ctx, mailer, cid, eid, opts := m.previewSeq, m.c.Ctx, m.mailer, m.contact.ID, e.ID, m.sendOptions()
	return func() tea.Msg {
		p, err := mailer.PreviewWith(ctx, cid, eid, opts)
		p = common.MarkMissing(p, p.Email.Subject, p.Email.Body, "")
		return previewMsg{seq: seq, emailID: eid, preview: p, err: err}
	}
}

// quickSend queues the highlighted template for this contact. The result is
// a common.QueuedMsg for the root, which delivers it.
func (m *Model) quickSend() tea.Cmd {
	e, ok := m.highlighted()
	if !ok {
		return nil
	}
	if m.askBounce(bounceQuickSend) {
		return nil
	}
	m.send = sendRunning
	ctx, mailer, contact, opts := m.c.Ctx, m.mailer, m.contact, m.sendOptions()
	return func() tea.Msg {
		sent, err := mailer.QuickSendWith(ctx, contact.ID, e.ID, opts)
		return common.QueuedMsg{Mode: common.SendNow, Contact: contact, Email: e, Message: sent.Message,
			Reminder: sent.Reminder, Err: err}
	}
}
