package personalize

import (
	"testing"

	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

var _ common.Unsaved = (*Model)(nil)

func TestTrust16PersonalizeReportsUnsavedInput(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := openNew(t, w, w.Ada, w.Intro, 120, 40)
	if what, ok := h.Unsaved(); ok {
		t.Fatalf("an untouched draft reports %q", what)
	}
	h.typeText(t, "!")
	what, ok := h.Unsaved()
	if !ok || what != "your changes to this message" {
		t.Errorf("Unsaved() = %q, %v after typing", what, ok)
	}
	if h.subject.Value() != w.Intro.Subject+"!" {
		t.Errorf("asking changed the subject: %q", h.subject.Value())
	}
}
