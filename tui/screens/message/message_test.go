package message

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

func screen(t *testing.T, db Store, id int64, width, height int) *Model {
	t.Helper()
	m := New(tuitest.Common(t), db, id)
	m.SetSize(width, height)
	tuitest.Pump(t, m.update, m.Init(), nil)
	return m
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	_, cmd := m.Update(msg)
	return cmd
}

func TestMessageGolden(t *testing.T) {
	w := tuitest.NewWorld(t)
	for _, size := range []struct{ w, h int }{{120, 40}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			m := screen(t, w.DB, w.Sent.ID, size.w, size.h)
			tuitest.Golden(t, m.View())
		})
	}
}

func TestShowsExactlyWhatWasSent(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w.DB, w.Sent.ID, 120, 40)
	view := tuitest.Strip(m.View())
	for _, want := range []string{
		"✉ sent", "Mon 23 Nov 2026 14:15",
		"Sam Seller <sam@acme.test>", "Ada Lovelace <ada@analytical.test>",
		"Charles Babbage <charles@analytical.test>", "sam+replies@acme.test",
		"Hello Ada", "<intro-1@acme.test>",
		"I noticed Analytical Engines is growing.",
		"Attachments (1)", "leadmail-overview.pdf", "application/pdf",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q", want)
		}
	}
	if m.Title() != "Hello Ada" {
		t.Errorf("title = %q", m.Title())
	}
}

func TestFailedShowsLastError(t *testing.T) {
	w := tuitest.NewWorld(t)
	ctx := t.Context()
	msg := store.Message{ContactID: w.Ada.ID, UserID: w.User.ID, MessageID: "<f@acme.test>",
		Subject: "Hello Ada", From: "sam@acme.test", Recipients: []string{"ada@analytical.test"},
		Raw: []byte(tuitest.SentRaw)}
	if err := w.DB.EnqueueMessage(ctx, &msg); err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB.ClaimMessage(ctx, msg.ID, tuitest.Now.Add(1e9)); err != nil {
		t.Fatal(err)
	}
	if err := w.DB.MarkFailed(ctx, msg.ID, "550 5.1.1 mailbox unavailable", true, tuitest.Now); err != nil {
		t.Fatal(err)
	}
	m := screen(t, w.DB, msg.ID, 80, 24)
	view := tuitest.Strip(m.View())
	if !strings.Contains(view, "✗ failed") || !strings.Contains(view, "550 5.1.1 mailbox unavailable") {
		t.Errorf("failed message view:\n%s", view)
	}
}

func TestScrollAndBack(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w.DB, w.Sent.ID, 80, 8)
	if !m.keys.Down.Enabled() || m.keys.Up.Enabled() {
		t.Fatalf("at the top of a long message: down %v up %v", m.keys.Down.Enabled(), m.keys.Up.Enabled())
	}
	m.update(tuitest.Key("G"))
	if !strings.Contains(tuitest.Strip(m.View()), "leadmail-overview.pdf") {
		t.Errorf("G did not reach the attachments:\n%s", tuitest.Strip(m.View()))
	}
	m.update(tuitest.Key("esc"))
	if got := m.Intents(); len(got) != 1 || got[0] != (common.BackMsg{}) {
		t.Errorf("esc posted %v", got)
	}
}

func TestUnknownMessage(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w.DB, 4242, 80, 24)
	if m.state != stateError {
		t.Errorf("state = %v", m.state)
	}
}

func TestReloadsWhenItsStatusChanges(t *testing.T) {
	w := tuitest.NewWorld(t)
	msg := w.AddMessage(t, tuitest.MessageSpec{Contact: w.Ada, Subject: "Hello again", Status: store.MessageQueued,
		Attempts: 1, LastError: "421 try again later"})
	m := screen(t, w.DB, msg.ID, 80, 24)
	if view := tuitest.Strip(m.View()); !strings.Contains(view, "◔ queued") || !strings.Contains(view, "421 try again later") {
		t.Fatalf("queued view:\n%s", view)
	}
	if _, err := w.Mailer(t, &tuitest.Transport{}).Cancel(t.Context(), msg.ID); err != nil {
		t.Fatal(err)
	}
	if cmd := m.update(common.OutboxChangedMsg{MessageID: msg.ID + 1}); cmd != nil {
		t.Error("reloaded for another message")
	}
	tuitest.Pump(t, m.update, m.update(common.OutboxChangedMsg{ContactID: w.Ada.ID, MessageID: msg.ID}), nil)
	if view := tuitest.Strip(m.View()); !strings.Contains(view, "⊘ cancelled") {
		t.Errorf("after the change:\n%s", view)
	}
}
