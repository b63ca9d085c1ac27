package common

import "github.com/leadmail/leadmail/mail/outbox"

// Remind is the session's "remind me in N days if no reply" choice. The
// picker and Personalize start from it and write back what the user
// picks, so the choice holds for every send until the app quits; the root
// makes it from the config default (ui.remind_days).
type Remind struct {
	// Days is 0 for no reminder.
	Days int
}

// NextRemindDays is the choice after days in the cycle off → 3 → 7 → 14 →
// off; a number between steps (a config default of 5) goes to the next
// step above it.
func NextRemindDays(days int) int {
	for _, s := range [...]int{3, 7, 14} {
		if s > days {
			return s
		}
	}
	return 0
}

// PrevRemindDays is the choice before days in the same cycle, stopping
// at off: 14 → 7 → 3 → off; a number between steps goes to the step
// below it.
func PrevRemindDays(days int) int {
	prev := 0
	for _, s := range [...]int{3, 7, 14} {
		if s >= days {
			break
		}
		prev = s
	}
	return prev
}

// RemindDays is the session's choice; 0 when c or its Remind is nil.
func (c *Common) RemindDays() int {
	if c == nil || c.Remind == nil {
		return 0
	}
	return c.Remind.Days
}

// SetRemindDays records the session's choice, when there is a session to
// remember it in.
func (c *Common) SetRemindDays(days int) {
	if c != nil && c.Remind != nil {
		c.Remind.Days = days
	}
}

// RemindLabel is how a screen shows the choice: "↻ remind me in 3 days if
// no reply", or "↻ no reminder".
func RemindLabel(days int) string {
	if days <= 0 {
		return "↻ no reminder"
	}
	return "↻ " + outbox.RemindPhrase(days)
}
