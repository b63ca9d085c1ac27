package contact

import (
	"strings"
	"testing"
	"time"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// A scheduled email's row is stamped when it was scheduled and says when
// it leaves; ages use units that cannot be misread.
func TestTrust18ScheduledRowSaysWhenItLeaves(t *testing.T) {
	w := tuitest.NewWorld(t)
	leaves := w.Clock.Now().Add(26 * time.Hour)
	m := store.Message{ContactID: w.Ada.ID, UserID: w.User.ID, Subject: "Follow-up", From: w.User.Email,
		MessageID: "<trust18@acme.test>", Recipients: []string{w.Ada.Email}, Raw: []byte("x"), SendAt: leaves}
	if err := w.DB.EnqueueMessage(t.Context(), &m); err != nil {
		t.Fatal(err)
	}
	s := screen(t, w, w.Ada.ID, 120, 40)
	var row string
	for _, l := range strings.Split(tuitest.Strip(s.View()), "\n") {
		if strings.Contains(l, "◷ scheduled") {
			row = l
		}
	}
	leave := "leaves " + leaves.Local().Format("Mon 2 Jan 2006 15:04 MST")
	scheduled := s.c.Date(w.Clock.Now())
	if !strings.Contains(row, leave) || !strings.Contains(row, scheduled) || !strings.Contains(row, "now") {
		t.Errorf("scheduled row %q lacks when it was scheduled (%s, now) or %q", row, scheduled, leave)
	}
	if view := tuitest.Strip(s.View()); !strings.Contains(view, "1 mo  ") || strings.Contains(view, "1mo") {
		t.Errorf("a month-old event does not read \"1 mo\":\n%s", view)
	}
}
