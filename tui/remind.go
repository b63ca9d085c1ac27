package tui

import (
	"time"

	"github.com/leadmail/leadmail/store"
)

// reminderDue is when the "remind me if no reply" task of a send is due;
// zero when the send has none.
func reminderDue(t store.Task) time.Time {
	if t.ID == 0 {
		return time.Time{}
	}
	return t.DueAt
}

// reminderNote is what the status line adds about a send's reminder:
// " · ↻ reminder 29 Nov 10:00", "" without one: short, so that it fits
// an 80-column status line beside the countdown. The undo takes the
// reminder back with the send, so the countdown shows it too.
func (m *Model) reminderNote(due time.Time) string {
	if due.IsZero() {
		return ""
	}
	return " · ↻ reminder " + m.common.Stamp(due)
}

// undoneReminder is what the undo's status line adds when the send had a
// reminder: it went with the send.
func undoneReminder(had bool) string {
	if !had {
		return ""
	}
	return ", and its reminder removed"
}
