package tui

import (
	"strings"
	"testing"

	"github.com/leadmail/leadmail/tui/screens/contacts"
	"github.com/leadmail/leadmail/tui/screens/emails"
)

func TestEmailsFromContactsAndBack(t *testing.T) {
	a := newApp(t, 120, 40)
	a.opts.Sender = a.w.User
	a.press(t, "e")
	if _, ok := a.top().(*emails.Model); !ok {
		t.Fatalf("e opened %T, want the Emails screen", a.top())
	}
	view := a.view()
	for _, want := range []string{"Emails · 4 templates", "★ Intro to leadmail", "n new", "s signatures"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	a.press(t, "e") // edit the highlighted email; typing goes to the editor
	if !a.top().Capturing() || a.keys.Help.Enabled() && !strings.Contains(a.view(), "ctrl+s save") {
		t.Errorf("editor not capturing or its keys not in the help:\n%s", a.view())
	}
	a.press(t, "esc", "q")
	if _, ok := a.top().(*contacts.Model); !ok || len(a.stack) != 1 {
		t.Fatalf("back on %T with %d screens, want Contacts", a.top(), len(a.stack))
	}
}
