// Package outbox is the Outbox screen of the leadmail TUI: the quota meter,
// and every message that is waiting, sending, sent, failed, uncertain or
// cancelled, newest first, with the actions each state allows (retry,
// cancel, mark as sent, retry everything now).
package outbox

import (
	"context"
	"fmt"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	mailoutbox "github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// Store is what the Outbox screen reads.
type Store interface {
	// ListMessages returns messages newest first, without their Raw bytes.
	ListMessages(ctx context.Context, f store.MessageFilter) ([]store.Message, error)
	// MessageCounts counts the messages in each state.
	MessageCounts(ctx context.Context) (map[store.MessageStatus]int, error)
}

// Mailer changes a message's state.
type Mailer interface {
	Cancel(ctx context.Context, id int64) (store.Message, error)
	Retry(ctx context.Context, id int64) (store.Message, error)
	MarkSent(ctx context.Context, id int64) (store.Message, error)
}

// HoldMailer sends and lists held messages: those whose undo window was
// never confirmed because the app that queued them ended inside it. They
// leave only on the user's word. *outbox.Service satisfies it; with a
// Mailer that lacks it the screen shows no message as held.
type HoldMailer interface {
	// Held lists the messages held for an unconfirmed undo window.
	Held(ctx context.Context) ([]store.Message, error)
	// Release queues a held message to leave now.
	Release(ctx context.Context, id int64) (store.Message, error)
}

// Options are what the root knows when it opens the screen.
type Options struct {
	// Status is the latest outbox status; later ones arrive as
	// common.OutboxStatusMsg.
	Status mailoutbox.Status
	// HasWorker enables "retry all now", which only a worker can do.
	HasWorker bool
}

// Limit is how many of the newest messages a filter loads: an outbox is
// short, and the archive of sent mail lives in each contact's timeline.
const Limit = 500

// filters cycle with tab.
var filters = []struct {
	label    string
	statuses []store.MessageStatus
}{
	{"All", nil},
	{"Waiting", []store.MessageStatus{store.MessageQueued, store.MessageScheduled, store.MessageSending}},
	{"Problems", []store.MessageStatus{store.MessageFailed, store.MessageUncertain}},
	{"Sent", []store.MessageStatus{store.MessageSent}},
	{"Cancelled", []store.MessageStatus{store.MessageCancelled}},
}

type state int

const (
	stateLoading state = iota
	stateReady
	stateError
)

// confirmState is a question waiting for y or n.
type confirmState int

const (
	confirmNone confirmState = iota
	// confirmMarkSent asks before claiming an uncertain message left: it is
	// a claim about the world that only the user can check.
	confirmMarkSent
	// confirmBounce asks before sending again, or editing to send, a
	// message whose recipient bounced for good (bounce.go).
	confirmBounce
)

// action is what the user asked of one message.
type action int

const (
	actRetry action = iota
	actCancel
	actMarkSent
	actRelease
)

// Model is the Outbox screen.
type Model struct {
	common.IntentQueue
	c      *common.Common
	store  Store
	mailer Mailer
	opts   Options
	keys   KeyMap

	width, height int
	state         state
	errText       string
	filter        int // index into filters
	rows          []store.Message
	counts        map[store.MessageStatus]int // of the whole outbox, for the tabs
	held          map[int64]bool              // the listed messages held for an unconfirmed undo window
	cursor        int
	offset        int
	loadSeq       int
	status        mailoutbox.Status

	confirm   confirmState
	confirmID int64
	bounceAct action         // what waits for "send anyway?"
	bounce    store.Bouncing // the bounce it asks about
	busy      int64          // the message whose action is under way, 0 if none
}

// New returns the Outbox screen.
func New(c *common.Common, s Store, mailer Mailer, opts Options) *Model {
	m := &Model{c: c, store: s, mailer: mailer, opts: opts, keys: DefaultKeyMap(), status: opts.Status}
	m.updateKeys()
	return m
}

// Title implements common.Screen.
func (m *Model) Title() string { return "Outbox" }

// Capturing implements common.Screen.
func (m *Model) Capturing() bool { return false }

// SetSize implements common.Screen.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.clampOffset()
}

// Init implements common.Screen.
func (m *Model) Init() tea.Cmd { return m.load() }

// loadedMsg carries one filter's messages and the counts of every state.
type loadedMsg struct {
	seq    int
	rows   []store.Message
	counts map[store.MessageStatus]int
	held   map[int64]bool
	err    error
}

// actionMsg is the result of retry, cancel or mark as sent.
type actionMsg struct {
	act action
	row store.Message // as it was when asked
	msg store.Message // as it is now
	err error
}

func (m *Model) load() tea.Cmd {
	m.loadSeq++
	seq, ctx, s := m.loadSeq, m.c.Ctx, m.store
	f := store.MessageFilter{Statuses: filters[m.filter].statuses, Limit: Limit}
	hm, _ := m.mailer.(HoldMailer)
	return func() tea.Msg {
		rows, err := s.ListMessages(ctx, f)
		if err != nil {
			return loadedMsg{seq: seq, err: err}
		}
		counts, err := s.MessageCounts(ctx)
		if err != nil {
			return loadedMsg{seq: seq, err: err}
		}
		held := map[int64]bool{}
		if hm != nil {
			list, err := hm.Held(ctx)
			if err != nil {
				return loadedMsg{seq: seq, err: fmt.Errorf("look for held messages: %w", err)}
			}
			for _, h := range list {
				held[h.ID] = true
			}
		}
		return loadedMsg{seq: seq, rows: rows, counts: counts, held: held, err: err}
	}
}

func (m *Model) handleLoaded(msg loadedMsg) {
	if msg.seq != m.loadSeq {
		return // a newer load is on its way
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
	// The highlight stays on the same message when it is still listed.
	keep, hadKeep := m.Selected()
	m.state, m.errText, m.rows, m.counts, m.held = stateReady, "", msg.rows, msg.counts, msg.held
	if hadKeep {
		if i := slices.IndexFunc(m.rows, func(r store.Message) bool { return r.ID == keep.ID }); i >= 0 {
			m.cursor = i
		}
	}
	m.cursor = max(0, min(m.cursor, len(m.rows)-1))
	m.clampOffset()
	// A question about a message that is no longer uncertain, or no longer
	// highlighted, is moot.
	if m.confirm != confirmNone {
		if r, ok := m.Selected(); !ok || r.ID != m.confirmID ||
			(m.confirm == confirmMarkSent && r.Status != store.MessageUncertain) {
			m.confirm = confirmNone
		}
	}
}

// isHeld reports whether r waits for the user because its undo window was
// never confirmed.
func (m *Model) isHeld(r store.Message) bool {
	return m.held[r.ID] && (r.Status == store.MessageQueued || r.Status == store.MessageScheduled)
}

// Selected returns the highlighted message.
func (m *Model) Selected() (store.Message, bool) {
	if m.state != stateReady || m.cursor < 0 || m.cursor >= len(m.rows) {
		return store.Message{}, false
	}
	return m.rows[m.cursor], true
}

// run starts an action on row in a command.
func (m *Model) run(act action, row store.Message) tea.Cmd {
	m.busy = row.ID
	ctx, mailer := m.c.Ctx, m.mailer
	return func() tea.Msg {
		var (
			msg store.Message
			err error
		)
		switch act {
		case actRetry:
			msg, err = mailer.Retry(ctx, row.ID)
		case actCancel:
			msg, err = mailer.Cancel(ctx, row.ID)
		case actMarkSent:
			msg, err = mailer.MarkSent(ctx, row.ID)
		case actRelease:
			if hm, ok := mailer.(HoldMailer); ok {
				msg, err = hm.Release(ctx, row.ID)
			}
		}
		return actionMsg{act: act, row: row, msg: msg, err: err}
	}
}

// handleAction reports the result. On success the root broadcasts the
// change, which reloads this screen, the contact's timeline and the status.
func (m *Model) handleAction(msg actionMsg) tea.Cmd {
	m.busy = 0
	row := msg.row
	if msg.err != nil {
		titles := map[action]string{actRetry: "Not retried", actCancel: "Not cancelled", actMarkSent: "Not marked as sent",
			actRelease: "Not sent"}
		m.Post(common.ErrorMsg{Title: titles[msg.act], Err: msg.err, Blocking: true})
		return m.load() // it may have moved on meanwhile
	}
	to := recipients(row)
	texts := map[action]string{
		actRetry:    fmt.Sprintf("Queued again: %s to %s", row.Subject, to),
		actCancel:   "Cancelled: not sent to " + to,
		actMarkSent: fmt.Sprintf("Marked as sent: %s to %s", row.Subject, to),
		actRelease:  fmt.Sprintf("Sending now: %s to %s", row.Subject, to),
	}
	m.Post(common.StatusMsg{Text: texts[msg.act], Level: common.LevelSuccess})
	m.Post(common.OutboxChangedMsg{ContactID: row.ContactID, MessageID: row.ID, Status: msg.msg.Status})
	return nil
}

func recipients(r store.Message) string {
	return common.OrNone(strings.Join(r.Recipients, ", "))
}

func (m *Model) move(n int) {
	m.cursor, m.offset = common.MoveCursor(m.cursor, m.offset, n, len(m.rows), m.tableRows())
}

// clampOffset scrolls the table so the cursor stays on screen.
func (m *Model) clampOffset() { m.move(0) }
