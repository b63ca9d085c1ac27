package contact

import (
	"context"
	"strings"
	"testing"

	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// A note written on a deal shows in the contact's Life of the Lead with
// the deal's name first (as it is now, after a rename); the deal's own
// creation event names it already and gets no prefix.
func TestTimelineNamesTheDealOfAnEvent(t *testing.T) {
	w := tuitest.NewWorld(t)
	o := w.AddDeal(t, "Fleet renewal")
	if _, err := w.DB.AddOpportunityNote(context.Background(), o.ID, w.User.ID, "Board meets Tuesday"); err != nil {
		t.Fatal(err)
	}
	m := screen(t, w, w.Ada.ID, 120, 40)
	v := tuitest.Strip(m.View())
	if !strings.Contains(v, "deal Fleet renewal · ") || !strings.Contains(v, "Board meets Tuesday") {
		t.Errorf("the note on the deal does not name it:\n%s", v)
	}
	if strings.Count(v, "deal Fleet renewal · ") != 1 {
		t.Errorf("only the note should carry the prefix:\n%s", v)
	}
}
