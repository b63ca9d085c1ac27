package tui

import (
	"fmt"
	"math"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/screens/contact"
	"github.com/leadmail/leadmail/tui/screens/opportunity"
	"github.com/leadmail/leadmail/tui/screens/picker"
	"github.com/leadmail/leadmail/tui/screens/pipeline"
)

// watched is a send made in this session. The status line reports how it
// ends, in the contact's name; other messages only report final outcomes.
type watched struct {
	contactID int64
	name      string
	subject   string
	sendAt    time.Time // the end of its undo window, or its schedule
	undo      bool      // queued behind an undo window (not scheduled)
}

type countdownState int

const (
	countdownIdle countdownState = iota
	countdownRunning
)

// countdown is the undo window of the latest send: until sendAt the status
// line counts down and u cancels it.
type countdown struct {
	state     countdownState
	seq       int // the latest tick; older ticks are dropped
	id        int64
	contactID int64
	name      string
	subject   string
	sendAt    time.Time
	reminder  time.Time // the due time of its "remind me if no reply" task; zero if none
	// statusSeq is the status line's text when the countdown started: a
	// newer text shows over the countdown until it clears itself.
	statusSeq int
}

// countdownTickMsg redraws countdown seq.
type countdownTickMsg struct{ seq int }

// undoneMsg is the result of cancelling a send in its undo window.
type undoneMsg struct {
	id        int64
	contactID int64
	name      string
	msg       store.Message
	err       error
	reminder  bool // the send had a reminder, which the cancel removed
}

// handleQueued follows a Quick Send or a Schedule: on a refusal it explains
// why nothing was queued; on success it closes the picker, shows the
// contact's timeline, wakes the worker and counts down the undo window.
// Whether the mail left is only ever said when the worker reports it.
func (m *Model) handleQueued(msg common.QueuedMsg) tea.Cmd {
	cmds := []tea.Cmd{m.broadcast(msg)}
	if msg.Err != nil {
		title := "Not sent"
		if msg.Mode == common.SendScheduled {
			title = "Not scheduled"
		}
		return tea.Batch(append(cmds, m.showError(title, msg.Err, true))...)
	}
	name := firstNonEmpty(msg.Contact.Name(), msg.Contact.Email, "the contact")
	subject := firstNonEmpty(msg.Message.Subject, msg.Email.Subject)
	m.watch[msg.Message.ID] = watched{contactID: msg.Contact.ID, name: name, subject: subject,
		sendAt: msg.Message.SendAt, undo: msg.Message.Status == store.MessageQueued}
	m.closePersonalize(msg)
	// Show the send in the contact's timeline, unless the user already left
	// the picker for somewhere else. A send from a deal goes back where
	// the deal was: its own screen shows the send, and a pipeline review
	// goes on from the card.
	if p, ok := m.top().(*picker.Model); ok && p.ContactID() == msg.Contact.ID {
		m.pop()
		if !m.backAtDeal(msg.Message.OpportunityID) {
			if c, ok := m.top().(*contact.Model); !ok || c.ContactID() != msg.Contact.ID {
				cmds = append(cmds, m.push(contact.New(m.common, m.opts.Store, msg.Contact.ID)))
			}
		}
	}
	cmds = append(cmds, m.wake(), m.loadOutboxStatus())
	wait := msg.Message.SendAt.Sub(m.opts.Now())
	switch {
	case m.undoWindow > 0 && wait > 0 && wait <= m.undoWindow:
		cmds = append(cmds, m.startCountdown(msg.Contact.ID, name, subject, msg.Message))
		m.undo.reminder = reminderDue(msg.Reminder)
	case msg.Mode == common.SendScheduled:
		// With its zone, as the picker showed it: the user picked a time
		// in one, and the recipient may read it in another.
		cmds = append(cmds, m.setStatus(fmt.Sprintf("Scheduled for %s: %s to %s",
			m.common.DateZone(msg.Message.SendAt), subject, name)+m.reminderNote(reminderDue(msg.Reminder)), common.LevelSuccess))
	default:
		cmds = append(cmds, m.setStatus(m.leavingText(name, subject)+m.reminderNote(reminderDue(msg.Reminder)), common.LevelInfo))
	}
	return tea.Batch(cmds...)
}

// backAtDeal reports whether the screen under the picker is where a send
// from opportunity id started: that opportunity's screen, or the pipeline.
func (m *Model) backAtDeal(id int64) bool {
	if id == 0 {
		return false
	}
	switch s := m.top().(type) {
	case *opportunity.Model:
		return s.OpportunityID() == id
	case *pipeline.Model:
		return true
	}
	return false
}

// leavingText is what the status line says once a message may leave. With
// no worker nothing will send it in this session, and the line says so.
func (m *Model) leavingText(name, subject string) string {
	if m.opts.Worker == nil {
		return fmt.Sprintf("Queued for %s: %s — it leaves when the outbox runs", name, subject)
	}
	return "Sending to " + name + "…"
}

func (m *Model) startCountdown(contactID int64, name, subject string, msg store.Message) tea.Cmd {
	m.undo = countdown{state: countdownRunning, seq: m.undo.seq + 1, id: msg.ID, contactID: contactID,
		name: name, subject: subject, sendAt: msg.SendAt, statusSeq: m.status.seq}
	return m.countdownTick()
}

func (m *Model) countdownTick() tea.Cmd {
	seq := m.undo.seq
	return tea.Tick(m.opts.CountdownTick, func(time.Time) tea.Msg { return countdownTickMsg{seq: seq} })
}

// handleCountdownTick re-arms the tick until the window has passed, then
// says the message is on its way.
func (m *Model) handleCountdownTick(msg countdownTickMsg) tea.Cmd {
	if m.undo.state != countdownRunning || msg.seq != m.undo.seq {
		return nil
	}
	if m.undo.sendAt.After(m.opts.Now()) {
		return m.countdownTick()
	}
	name, subject, reminder := m.undo.name, m.undo.subject, m.undo.reminder
	m.stopCountdown()
	return m.setStatus(m.leavingText(name, subject)+m.reminderNote(reminder), common.LevelInfo)
}

func (m *Model) stopCountdown() {
	m.undo.state = countdownIdle
	m.undo.seq++ // the pending tick is now stale
}

// countdownText is the status line during the undo window, in whole
// seconds rounded up: "in 1s" until the very end.
func (m *Model) countdownText() string {
	secs := int(math.Ceil(m.undo.sendAt.Sub(m.opts.Now()).Seconds()))
	return fmt.Sprintf("Sending to %s in %ds · u undo", m.undo.name, max(0, secs)) + m.reminderNote(m.undo.reminder)
}

// showsCountdown reports whether the status line shows the countdown: it
// runs and no newer text is on show.
func (m *Model) showsCountdown() bool {
	return m.undo.state == countdownRunning && (m.status.text == "" || m.status.seq <= m.undo.statusSeq)
}

// undoSend cancels the message of the running countdown.
func (m *Model) undoSend() tea.Cmd {
	if m.undo.state != countdownRunning {
		return nil
	}
	u := m.undo
	m.stopCountdown()
	ctx, mailer := m.common.Ctx, m.opts.Mailer
	return func() tea.Msg {
		msg, err := mailer.Cancel(ctx, u.id)
		return undoneMsg{id: u.id, contactID: u.contactID, name: u.name, msg: msg, err: err, reminder: !u.reminder.IsZero()}
	}
}

// handleUndone reports the undo. A failed undo means the mail may leave, so
// it is shown in a modal rather than a line that fades.
func (m *Model) handleUndone(msg undoneMsg) tea.Cmd {
	if msg.err != nil {
		m.status.text = ""
		return m.showError("Not cancelled", msg.err, true)
	}
	delete(m.watch, msg.id)
	status := msg.msg.Status
	if status == "" {
		status = store.MessageCancelled
	}
	return tea.Batch(
		m.setStatus("Cancelled: not sent to "+msg.name+undoneReminder(msg.reminder), common.LevelSuccess),
		m.outboxChanged(common.OutboxChangedMsg{ContactID: msg.contactID, MessageID: msg.id, Status: status}),
	)
}
