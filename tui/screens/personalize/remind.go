package personalize

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/tui/common"
)

// The Remind field, under Send: "remind me in N days if no reply", off,
// 3, 7 or 14 days with ← and →, starting from the session's choice. The
// reminder is a follow-up task queued with the message (SendDraftWith). A
// message being edited in the outbox keeps the reminder of its first
// send, so the field is not offered then.

// maxRemindStep is the longest reminder → reaches.
const maxRemindStep = 14

// offersRemind reports whether the form has the Remind field: a new send.
func (m *Model) offersRemind() bool { return m.opts.MessageID == 0 }

// nextField is the field step (1 or -1) away from the focus in tab order,
// past a field the form does not offer.
func (m *Model) nextField(step int) field {
	f := m.focus
	for range fieldCount {
		f = (f + field(step) + fieldCount) % fieldCount
		if f != fieldRemind || m.offersRemind() {
			return f
		}
	}
	return m.focus
}

func (m *Model) handleRemindKey(msg tea.KeyPressMsg) {
	switch {
	case key.Matches(msg, m.keys.RemindMore):
		m.remind = common.NextRemindDays(m.remind)
	case key.Matches(msg, m.keys.RemindLess):
		m.remind = common.PrevRemindDays(m.remind)
	default:
		return
	}
	m.c.SetRemindDays(m.remind)
}

// sendOptions are the options of this screen's send.
func (m *Model) sendOptions() outbox.SendOptions {
	return outbox.SendOptions{RemindDays: m.remind}
}

// remindLines is the Remind row: the choice, with ‹ › while focused.
func (m *Model) remindLines() []string {
	if !m.offersRemind() {
		return nil
	}
	st := m.c.Styles
	text := common.RemindLabel(m.remind)
	if m.focus != fieldRemind {
		if m.remind <= 0 {
			return []string{m.row(fieldRemind, "Remind", st.Muted.Render(text))}
		}
		return []string{m.row(fieldRemind, "Remind", st.LintOK.Render(text))}
	}
	return []string{m.row(fieldRemind, "Remind", st.Muted.Render("‹ ")+st.Selected.Render(text)+st.Muted.Render(" ›"))}
}
