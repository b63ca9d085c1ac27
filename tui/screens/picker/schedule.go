package picker

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/tui/common"
)

// openSchedule opens the prompt for the highlighted template. What was
// typed last time is kept: a refused schedule never loses its text.
func (m *Model) openSchedule() tea.Cmd {
	e, ok := m.highlighted()
	if !ok {
		return nil
	}
	m.schedule = e
	m.focus = focusSchedule
	m.when.CursorEnd()
	return m.when.Focus()
}

func (m *Model) closeSchedule() {
	m.focus = focusList
	m.when.Blur()
}

// parsedWhen reads the prompt on the injected clock.
func (m *Model) parsedWhen() (time.Time, error) {
	w, err := m.readWhen()
	return w.At, err
}

func (m *Model) readWhen() (outbox.When, error) {
	return outbox.ReadWhen(m.when.Value(), m.c.Now())
}

func (m *Model) handleScheduleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.ScheduleAccept):
		at, err := m.parsedWhen()
		if err != nil {
			return nil // the error is on screen under the input
		}
		return m.scheduleAt(at)
	case key.Matches(msg, k.ScheduleCancel):
		m.closeSchedule()
		return nil
	case m.send == sendRunning:
		return nil // the text stays as it is while the schedule is on its way
	}
	var cmd tea.Cmd
	m.when, cmd = m.when.Update(msg)
	return cmd
}

// scheduleAt queues the prompt's template for at. The result is a
// common.QueuedMsg for the root, which closes the picker on success.
func (m *Model) scheduleAt(at time.Time) tea.Cmd {
	m.send = sendRunning
	m.setPreviewContent()
	ctx, mailer, contact, e, opts := m.c.Ctx, m.mailer, m.contact, m.schedule, m.sendOptions()
	return func() tea.Msg {
		sent, err := mailer.ScheduleWith(ctx, contact.ID, e.ID, at, opts)
		return common.QueuedMsg{Mode: common.SendScheduled, Contact: contact, Email: e, Message: sent.Message,
			Reminder: sent.Reminder, Err: err}
	}
}

// scheduleLines is the prompt: what is scheduled, the input, examples of
// the forms it reads, and, as the user types, the time it read (absolute,
// in the clock's zone, and how far off) or why it cannot.
func (m *Model) scheduleLines(w int) []string {
	st := m.c.Styles
	lines := []string{
		ansi.Truncate(st.Title.Render("Schedule ")+st.Value.Render("“"+m.schedule.Name+"”"), w, "…"),
		ansi.Truncate(m.when.View(), w, "…"),
		ansi.Truncate(st.Muted.Render(outbox.WhenHint(m.c.Now(), w)), w, "…"),
	}
	switch at, err := m.readWhen(); {
	case m.send == sendRunning:
		lines = append(lines, st.StatusInfo.Render("Scheduling…"))
	case strings.TrimSpace(m.when.Value()) == "":
		lines = append(lines, st.Empty.Render("Type when it should leave."))
	case err != nil:
		lines = append(lines, strings.Split(st.ErrorText.Render(ansi.Wrap("✗ "+err.Error(), w, "")), "\n")...)
	default:
		lines = append(lines, strings.Split(st.LintOK.Render(ansi.Wrap("→ "+at.Describe(m.c.Now()), w, "")), "\n")...)
	}
	return lines
}
