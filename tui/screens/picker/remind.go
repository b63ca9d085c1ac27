package picker

import (
	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/tui/common"
)

// The reminder of Quick Send and Schedule: r cycles off → 3 → 7 → 14 days
// without adding a keystroke to the send itself, the preview's envelope
// shows the choice, and the session keeps it for the next picker.

// cycleRemind moves the reminder to the next choice and remembers it for
// the session.
func (m *Model) cycleRemind() {
	m.remind = common.NextRemindDays(m.remind)
	m.c.SetRemindDays(m.remind)
	m.setPreviewContent()
}

// sendOptions are the options of a send from the picker.
func (m *Model) sendOptions() outbox.SendOptions {
	return outbox.SendOptions{RemindDays: m.remind, OpportunityID: m.opportunityID}
}

// remindLine is the envelope's line for the reminder: what the send will
// set, or that r sets one.
func (m *Model) remindLine(w int) string {
	st := m.c.Styles
	if m.remind <= 0 {
		return ansi.Truncate(st.Muted.Render(common.RemindLabel(0)+" · r: remind me if no reply"), w, "…")
	}
	return ansi.Truncate(st.LintOK.Render(common.RemindLabel(m.remind)), w, "…")
}
