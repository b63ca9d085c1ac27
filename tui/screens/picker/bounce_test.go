package picker

import (
	"strings"
	"testing"

	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// A Quick Send to an address that bounced for good asks first; n sends
// nothing, y sends.
func TestQuickSendToABouncingAddressAsks(t *testing.T) {
	w := tuitest.NewWorld(t)
	w.AddMailSync(t) // Ada's address bounced 5.1.1
	h := open(t, w, w.Ada, 80, 24)
	h.press(t, "enter")
	v := tuitest.Strip(h.View())
	if len(h.queued) != 0 || !strings.Contains(v, "ada@analytical.test bounced on 26 Nov 2026 (5.1.1 User unknown): send anyway?") {
		t.Fatalf("queued %d; view:\n%s", len(h.queued), v)
	}
	tuitest.Golden(t, h.View())
	h.press(t, "n")
	if len(h.queued) != 0 || h.asking != bounceNone {
		t.Fatalf("after n: %d queued, asking %v", len(h.queued), h.asking)
	}
	h.press(t, "enter", "y")
	if len(h.queued) != 1 || h.queued[0].Err != nil {
		t.Fatalf("after y: queued %+v", h.queued)
	}
}

// Personalize asks the same way; a contact who never bounced is not asked.
func TestPersonalizeToABouncingAddressAsks(t *testing.T) {
	w := tuitest.NewWorld(t)
	w.AddMailSync(t)
	h := open(t, w, w.Ada, 80, 24)
	h.press(t, "p")
	if in := h.Intents(); len(in) != 0 {
		t.Fatalf("p opened %v without asking", in)
	}
	h.press(t, "y")
	in := h.Intents()
	if len(in) != 1 {
		t.Fatalf("after y: intents %v", in)
	}
	if _, ok := in[0].(common.OpenPersonalizeMsg); !ok {
		t.Fatalf("after y: %T", in[0])
	}
	other := open(t, w, w.Bulk[0], 80, 24)
	other.press(t, "enter")
	if len(other.queued) != 1 {
		t.Errorf("a contact who never bounced was asked:\n%s", tuitest.Strip(other.View()))
	}
}
