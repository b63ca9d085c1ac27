package outbox

import (
	"strings"
	"testing"
	"time"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// The When column says when a waiting message leaves in units that cannot
// be misread, with the clock time, and never "now" for one a minute away.
func TestTrust18OutboxSaysWhenAMessageLeaves(t *testing.T) {
	now := tuitest.Now // 10:00
	tests := []struct {
		name string
		in   time.Duration
		want string
	}{
		{"a minute away", time.Minute, "in 1 min · 10:01"},
		{"seconds away", 10 * time.Second, "in 1 min · 10:00"},
		{"1 h 58 min away", time.Hour + 58*time.Minute, "in 1 h 58 min · 11:58"},
		{"longest relative", 23*time.Hour + 59*time.Minute, "in 23 h 59 min · 09:59"},
	}
	for _, tt := range tests {
		for _, width := range []int{80, 120} {
			h := New(tuitest.Common(t), nil, nil, Options{})
			h.SetSize(width, 24)
			r := store.Message{Status: store.MessageScheduled, SendAt: now.Add(tt.in)}
			got := h.when(r)
			if got != tt.want {
				t.Errorf("%s: when = %q, want %q", tt.name, got, tt.want)
			}
			if cell := fit(got, h.widths().when); strings.Contains(cell, "…") {
				t.Errorf("%s at %d columns: the When cell cuts the time: %q", tt.name, width, cell)
			}
		}
	}
}
