package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// outboxState is the latest outbox status, from the worker or the mailer.
type outboxState struct {
	status outbox.Status
	known  bool
	// held counts, by state, the messages held for an unconfirmed undo
	// window; outbox.Status counts them as queued or scheduled.
	held map[store.MessageStatus]int
}

// workerUpdateMsg is one update read from the worker's channel.
type workerUpdateMsg struct{ update outbox.Update }

// workerClosedMsg says the worker closed its channel: no more updates.
type workerClosedMsg struct{}

// outboxStatusMsg is the result of asking the mailer for the status.
type outboxStatusMsg struct {
	status outbox.Status
	held   map[store.MessageStatus]int // nil when the mailer cannot tell
	err    error
}

// listen reads one update from the worker. It is re-armed after each, and
// ends when the channel closes or the UI quits.
func (m *Model) listen() tea.Cmd {
	ch, ctx := m.updates, m.common.Ctx
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		select {
		case u, ok := <-ch:
			if !ok {
				return workerClosedMsg{}
			}
			return workerUpdateMsg{update: u}
		case <-ctx.Done():
			return nil
		}
	}
}

// handleWorkerUpdate keeps the status, says what happened to a message, and
// tells the screens showing it to reload.
func (m *Model) handleWorkerUpdate(u outbox.Update) tea.Cmd {
	cmds := []tea.Cmd{m.listen(), m.setOutboxStatus(u.Status)}
	if ev := u.Event; ev != nil {
		cmds = append(cmds, m.reportEvent(*ev, u.Status),
			m.broadcast(common.OutboxChangedMsg{ContactID: ev.Message.ContactID, MessageID: ev.Message.ID, Status: ev.Message.Status}))
	}
	return tea.Batch(cmds...)
}

func (m *Model) setOutboxStatus(s outbox.Status) tea.Cmd {
	m.outbox.status, m.outbox.known = s, true
	return m.broadcast(common.OutboxStatusMsg{Status: s})
}

// loadOutboxStatus asks the mailer for the status, e.g. at start and after
// the user changed a message.
func (m *Model) loadOutboxStatus() tea.Cmd {
	ctx, mailer := m.common.Ctx, m.opts.Mailer
	hm, _ := mailer.(holdMailer)
	return func() tea.Msg {
		s, err := mailer.Status(ctx)
		if err != nil || hm == nil {
			return outboxStatusMsg{status: s, err: err}
		}
		list, err := hm.Held(ctx)
		if err != nil {
			return outboxStatusMsg{status: s, err: fmt.Errorf("look for held messages: %w", err)}
		}
		held := map[store.MessageStatus]int{}
		for _, x := range list {
			held[x.Status]++
		}
		return outboxStatusMsg{status: s, held: held}
	}
}

func (m *Model) handleOutboxStatus(msg outboxStatusMsg) tea.Cmd {
	if msg.err != nil {
		return m.showError("", fmt.Errorf("read the outbox status: %w", msg.err), false)
	}
	if msg.held != nil {
		m.outbox.held = msg.held
	}
	// The worker may have published a newer one meanwhile.
	if m.outbox.known && msg.status.At.Before(m.outbox.status.At) {
		return nil
	}
	return m.setOutboxStatus(msg.status)
}

// outboxChanged follows a change the user made (undo, cancel, retry, mark
// sent): screens reload, the status is read again, and the worker is woken
// when there is something new to send.
func (m *Model) outboxChanged(msg common.OutboxChangedMsg) tea.Cmd {
	if msg.Status != store.MessageQueued && msg.Status != store.MessageScheduled {
		delete(m.watch, msg.MessageID) // settled: nothing left to ask about on quit
	}
	cmds := []tea.Cmd{m.broadcast(msg), m.loadOutboxStatus()}
	if msg.Status == store.MessageQueued || msg.Status == store.MessageScheduled {
		cmds = append(cmds, m.wake())
	}
	return tea.Batch(cmds...)
}

// wake tells the worker something was queued.
func (m *Model) wake() tea.Cmd {
	w := m.opts.Worker
	if w == nil {
		return nil
	}
	return func() tea.Msg { w.Wake(); return nil }
}

// runNow asks the worker to try every queued message now.
func (m *Model) runNow() tea.Cmd {
	w := m.opts.Worker
	if w == nil {
		return m.setStatus("Nothing sends in the background here: queued mail leaves when the outbox runs", common.LevelWarning)
	}
	return tea.Batch(m.setStatus("Trying every queued message now…", common.LevelInfo), func() tea.Msg { w.RunNow(); return nil })
}

// reportEvent puts an outcome into words. It says "Sent" only for
// EventSent. Final outcomes and holds are always reported; retries only for
// the sends of this session, since the status bar already counts the rest.
func (m *Model) reportEvent(ev outbox.Event, s outbox.Status) tea.Cmd {
	msg := ev.Message
	w, mine := m.watch[msg.ID]
	if m.undo.state == countdownRunning && m.undo.id == msg.ID {
		m.stopCountdown()
	}
	to := firstNonEmpty(strings.Join(msg.Recipients, ", "), w.name, "the recipient")
	switch ev.Kind {
	case outbox.EventSent:
		delete(m.watch, msg.ID)
		return m.setStatus(fmt.Sprintf("Sent to %s: %s", to, msg.Subject), common.LevelSuccess)
	case outbox.EventRetrying:
		if !mine {
			return nil
		}
		return m.setStatus("Not sent yet — kept in the outbox: "+eventReason(ev), common.LevelWarning)
	case outbox.EventFailed:
		delete(m.watch, msg.ID)
		if mine {
			m.status.text = ""
			m.modals = append(m.modals, errorModal("Not sent", fmt.Sprintf(
				"The mail server refused “%s” to %s: %s\n\nIt stays in the Outbox (o) as failed; r there retries it.",
				msg.Subject, to, eventReason(ev))))
			return nil
		}
		return m.setStatus(fmt.Sprintf("Not sent to %s: %s — see the Outbox (o)", to, eventReason(ev)), common.LevelError)
	case outbox.EventUncertain:
		delete(m.watch, msg.ID)
		return m.setStatus("May or may not have been sent — see the Outbox (o)", common.LevelWarning)
	case outbox.EventHeld:
		// The worker holds the queue as a whole, often with no message.
		at := s.Quota.FreesAt
		if at.IsZero() {
			at = msg.RetryAt
		}
		// Stamp has the date when it is not today: a limit that frees
		// tomorrow morning must not read as this morning.
		text := "Held: sending limit reached"
		if !at.IsZero() {
			text += ", leaves at " + m.common.Stamp(at)
		}
		return m.setStatus(text, common.LevelWarning)
	}
	return nil
}

// eventReason is the server's reason for an outcome. The message's last
// error is the server's own words; the event's error wraps them in the
// outbox's sentence, which the status line already says in its own way.
func eventReason(ev outbox.Event) string {
	if r := strings.TrimSpace(ev.Message.LastError); r != "" {
		return r
	}
	return firstNonEmpty(ErrorText(ev.Err), "no reason given")
}
