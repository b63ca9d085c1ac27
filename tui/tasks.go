package tui

import (
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/screens/taskform"
	"github.com/leadmail/leadmail/tui/screens/today"
)

// DefaultOverdueEvery is how often the status bar reads the overdue count
// again while nothing else changes, on the minute: a task due at 14:00
// shows as overdue at 14:00.
const DefaultOverdueEvery = time.Minute

// overdueState is the current user's count of overdue tasks, for the
// status bar.
type overdueState struct {
	n   int
	seq int // the latest read; older answers are dropped
}

// overdueMsg carries a read of the overdue count.
type overdueMsg struct {
	seq int
	n   int
	err error
}

// overdueTickMsg is the minute tick: read the count again, and tell the
// Today screen time moved on.
type overdueTickMsg struct{}

// overdueEvery is the tick's period; zero or less means no tick.
func (m *Model) overdueEvery() time.Duration {
	switch every := m.opts.OverdueEvery; {
	case every < 0:
		return 0
	case every == 0:
		return DefaultOverdueEvery
	default:
		return every
	}
}

// startTasks is the overdue count's first read and its tick, for Init.
// Without a current user there are no tasks, and no tick.
func (m *Model) startTasks() tea.Cmd {
	if m.opts.Sender.ID == 0 {
		return nil
	}
	return tea.Batch(m.loadOverdue(), m.overdueTick())
}

func (m *Model) overdueTick() tea.Cmd {
	every := m.overdueEvery()
	if every == 0 || m.opts.Sender.ID == 0 {
		return nil
	}
	// In step with the clock: a task due at 14:00 is counted at 14:00:00.
	return tea.Every(every, func(time.Time) tea.Msg { return overdueTickMsg{} })
}

// handleOverdueTick reads the count, refreshes a Today screen on the
// stack, and re-arms the tick.
func (m *Model) handleOverdueTick() tea.Cmd {
	return tea.Batch(m.loadOverdue(), m.broadcast(today.RefreshMsg{}), m.overdueTick())
}

// loadOverdue reads the current user's overdue count: a range count on an
// index, cheap enough for every change.
func (m *Model) loadOverdue() tea.Cmd {
	me := m.opts.Sender.ID
	if me == 0 {
		return nil
	}
	m.overdue.seq++
	seq, ctx, s := m.overdue.seq, m.common.Ctx, m.opts.Store
	return func() tea.Msg {
		n, err := s.CountOverdue(ctx, me)
		return overdueMsg{seq: seq, n: n, err: err}
	}
}

// handleOverdue keeps the count. A failed read keeps the last count and
// is only logged: the status bar is a glance, not worth a message.
func (m *Model) handleOverdue(msg overdueMsg) tea.Cmd {
	if msg.seq != m.overdue.seq {
		return nil
	}
	if msg.err != nil {
		m.opts.Logger.Warn("count overdue tasks", "err", msg.err)
		return nil
	}
	m.overdue.n = msg.n
	return nil
}

// tasksHear reads the overdue count again after a broadcast that may have
// changed it: a contact or its tasks changed, contacts were imported, or
// Mail Sync recorded a reply that closed a task.
func (m *Model) tasksHear(msg tea.Msg) tea.Cmd {
	switch msg.(type) {
	case common.ContactChangedMsg, common.ContactsChangedMsg, common.MailSyncedMsg:
		return m.loadOverdue()
	}
	return nil
}

// overdueSummary is the status bar's "⚑ 3 overdue", or "" when nothing is.
func (m *Model) overdueSummary() string {
	if m.overdue.n <= 0 {
		return ""
	}
	return m.common.Styles.OutboxUncertain.Render("⚑ " + strconv.Itoa(m.overdue.n) + " overdue")
}

// openTaskForm opens the follow-up task form on a contact, or on a deal.
func (m *Model) openTaskForm(msg common.NewTaskMsg) tea.Cmd {
	return m.push(taskform.New(m.common, m.opts.Store, taskform.Options{ContactID: msg.ContactID,
		OpportunityID: msg.OpportunityID, Me: m.opts.Sender}))
}

// openToday opens the Today screen, unless it is already in front, and
// reads the overdue count with it so the status bar agrees with the list.
func (m *Model) openToday() tea.Cmd {
	if _, ok := m.top().(*today.Model); ok {
		return nil
	}
	return tea.Batch(m.push(today.New(m.common, m.opts.Store, today.Options{Me: m.opts.Sender})), m.loadOverdue())
}

// taskSaved closes the form that saved the task and tells every screen its
// contact changed (the timeline shows the task; Today lists it).
func (m *Model) taskSaved(msg taskform.SavedMsg) tea.Cmd {
	for i := len(m.stack) - 1; i > 0; i-- {
		if _, ok := m.stack[i].(*taskform.Model); ok {
			m.stack = append(m.stack[:i], m.stack[i+1:]...)
			break
		}
	}
	return m.taskChanged(msg.Task.ContactID)
}

// taskChanged tells every screen a contact's task changed; the broadcast
// also reads the overdue count again (tasksHear).
func (m *Model) taskChanged(contactID int64) tea.Cmd {
	return m.broadcast(common.ContactChangedMsg{ContactID: contactID})
}
