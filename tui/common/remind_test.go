package common

import "testing"

func TestRemindSteps(t *testing.T) {
	for _, tc := range []struct{ days, next, prev int }{
		{0, 3, 0}, {3, 7, 0}, {7, 14, 3}, {14, 0, 7}, {5, 7, 3}, {30, 0, 14},
	} {
		if got := NextRemindDays(tc.days); got != tc.next {
			t.Errorf("NextRemindDays(%d) = %d, want %d", tc.days, got, tc.next)
		}
		if got := PrevRemindDays(tc.days); got != tc.prev {
			t.Errorf("PrevRemindDays(%d) = %d, want %d", tc.days, got, tc.prev)
		}
	}
	if RemindLabel(0) != "↻ no reminder" || RemindLabel(3) != "↻ remind me in 3 days if no reply" {
		t.Errorf("labels %q, %q", RemindLabel(0), RemindLabel(3))
	}
	var none *Common
	none.SetRemindDays(3) // no session: nothing to remember, no panic
	if none.RemindDays() != 0 {
		t.Error("a nil Common remembers a reminder")
	}
	c := &Common{Remind: &Remind{Days: 7}}
	c.SetRemindDays(14)
	if c.RemindDays() != 14 {
		t.Errorf("session reminder = %d", c.RemindDays())
	}
}
