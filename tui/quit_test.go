package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// runQuits feeds cmd's messages back to the model, as the program would,
// and reports whether the program ends.
func (a *app) runQuits(t *testing.T, cmd tea.Cmd) bool {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0 && steps < 100; steps++ {
		c := queue[0]
		queue = queue[1:]
		for _, msg := range tuitest.Exec(t, c, 100*time.Millisecond) {
			switch msg.(type) {
			case tea.QuitMsg:
				return true
			case statusClearMsg, countdownTickMsg:
				continue
			}
			if next := a.update(msg); next != nil {
				queue = append(queue, next)
			}
		}
	}
	return false
}

// sendToAda quick-sends to Ada; the countdown of its undo window runs.
func (a *app) sendToAda(t *testing.T) store.Message {
	t.Helper()
	a.pump(t, a.handleIntent(common.OpenContactMsg{ContactID: a.w.Ada.ID}))
	a.press(t, "m", "enter")
	ms := a.messages(t, a.w.Ada.ID)
	if len(ms) == 0 || ms[0].Status != store.MessageQueued || a.undo.state != countdownRunning {
		t.Fatalf("the send did not start its undo window: %v", ms)
	}
	return ms[0]
}

func (a *app) msgStatus(t *testing.T, id int64) store.MessageStatus {
	t.Helper()
	m, err := a.w.DB.GetMessage(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m.Status
}

const quitQuestion = "Quit with mail in its undo window?"

// Quitting inside an undo window asks, with q as with ctrl+c; esc stays,
// c cancels and quits, s sends and quits.
func TestTrust01QuitInsideUndoWindowAsks(t *testing.T) {
	for _, quitKey := range []string{"ctrl+c", "q"} {
		t.Run(quitKey+" then esc stays", func(t *testing.T) {
			a := newApp(t, 120, 40)
			m := a.sendToAda(t)
			if quitKey == "q" {
				a.pump(t, a.handleIntent(common.BackMsg{})) // back to Contacts, where q quits
			}
			if a.runQuits(t, a.update(tuitest.Key(quitKey))) {
				t.Fatal("quit with a send in its undo window, without asking")
			}
			if !strings.Contains(a.view(), quitQuestion) || !strings.Contains(a.view(), "Following up, Ada") {
				t.Fatalf("no question naming the send:\n%s", a.view())
			}
			// The footer gives its keys, not "esc/enter close" beside them.
			if v := a.view(); strings.Contains(v, "esc/enter close") || !strings.Contains(v, "s send now, quit") ||
				!strings.Contains(v, "esc stay") {
				t.Fatalf("the question has a close footer:\n%s", a.view())
			}
			if a.runQuits(t, a.update(tuitest.Key("esc"))) || strings.Contains(a.view(), quitQuestion) {
				t.Fatal("esc did not stay")
			}
			if a.msgStatus(t, m.ID) != store.MessageQueued {
				t.Fatal("staying changed the send")
			}
		})
	}
	t.Run("c cancels and quits", func(t *testing.T) {
		a := newApp(t, 120, 40)
		m := a.sendToAda(t)
		a.runQuits(t, a.update(tuitest.Key("ctrl+c")))
		if !a.runQuits(t, a.update(tuitest.Key("c"))) {
			t.Fatal("c did not quit")
		}
		if got := a.msgStatus(t, m.ID); got != store.MessageCancelled || len(a.tr.Sent()) != 0 {
			t.Fatalf("status %s, %d sent; want cancelled, nothing sent", got, len(a.tr.Sent()))
		}
	})
	t.Run("s sends now and quits", func(t *testing.T) {
		a := newApp(t, 120, 40)
		m := a.sendToAda(t)
		a.runQuits(t, a.update(tuitest.Key("ctrl+c")))
		if !a.runQuits(t, a.update(tuitest.Key("s"))) {
			t.Fatal("s did not quit")
		}
		if got := a.msgStatus(t, m.ID); got != store.MessageSent || len(a.tr.Sent()) != 1 {
			t.Fatalf("status %s, %d sent; want sent once", got, len(a.tr.Sent()))
		}
	})
	t.Run("nothing in a window quits at once", func(t *testing.T) {
		a := newApp(t, 120, 40)
		a.sendToAda(t)
		a.deliver(t)
		if !a.runQuits(t, a.update(tuitest.Key("ctrl+c"))) {
			t.Fatalf("ctrl+c asked after the send left:\n%s", a.view())
		}
	})
}

// A second ctrl+c quits with the send held: it never leaves unseen. The
// next launch shows it, and s there sends it.
func TestTrust01HeldSendShownAtNextLaunch(t *testing.T) {
	a := newApp(t, 120, 40)
	m := a.sendToAda(t)
	a.runQuits(t, a.update(tuitest.Key("ctrl+c")))
	if !a.runQuits(t, a.update(tuitest.Key("ctrl+c"))) {
		t.Fatal("a second ctrl+c did not quit")
	}
	next := relaunch(t, a, 120, 40)
	next.deliver(t)
	if len(a.tr.Sent()) != 0 || next.msgStatus(t, m.ID) != store.MessageQueued {
		t.Fatal("a held send left without the user's word")
	}
	view := next.view()
	if !strings.Contains(view, "Held: undo window not confirmed") || !strings.Contains(view, "Following up, Ada") {
		t.Fatalf("the launch does not show the held send:\n%s", view)
	}
	if strings.Contains(view, "esc/enter close") || !strings.Contains(view, "esc decide later") {
		t.Fatalf("the held dialog has a close footer:\n%s", view)
	}
	next.press(t, "s")
	next.deliver(t)
	if got := next.msgStatus(t, m.ID); got != store.MessageSent || len(a.tr.Sent()) != 1 {
		t.Fatalf("after s: status %s, %d sent; want sent once", got, len(a.tr.Sent()))
	}
}

// Esc on the held dialog leaves the send held, and says so.
func TestTrust01HeldSendWaitsWhenPutOff(t *testing.T) {
	a := newApp(t, 120, 40)
	m := a.sendToAda(t)
	next := relaunch(t, a, 120, 40) // the terminal was closed
	next.press(t, "esc")
	if strings.Contains(next.view(), "Held: undo window not confirmed") {
		t.Fatal("esc did not close the dialog")
	}
	if !strings.Contains(next.StatusText(), "held") || next.msgStatus(t, m.ID) != store.MessageQueued {
		t.Fatalf("status line %q, message %s; want it said held, still queued", next.StatusText(), next.msgStatus(t, m.ID))
	}
}
