package contact

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

func screen(t *testing.T, w *tuitest.World, id int64, width, height int) *Model {
	t.Helper()
	m := New(tuitest.Common(t), w.DB, id)
	m.SetSize(width, height)
	tuitest.Pump(t, m.update, m.Init(), nil)
	return m
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	_, cmd := m.Update(msg)
	return cmd
}

func (m *Model) press(t *testing.T, keys ...string) {
	t.Helper()
	for _, k := range keys {
		tuitest.Pump(t, m.update, m.update(tuitest.Key(k)), nil)
	}
}

func TestTimelineGolden(t *testing.T) {
	w := tuitest.NewWorld(t)
	for _, size := range []struct{ w, h int }{{120, 40}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			m := screen(t, w, w.Ada.ID, size.w, size.h)
			m.press(t, "down", "down")
			tuitest.Golden(t, m.View())
		})
	}
}

func TestTimelineNewestFirstWithIcons(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, w.Ada.ID, 120, 40)
	var kinds []store.EventKind
	for _, ev := range m.events {
		kinds = append(kinds, ev.Kind)
	}
	want := []store.EventKind{store.EventReplied, store.EventEmailClicked, store.EventEmailOpened,
		store.EventEmailSent, store.EventEmailQueued, store.EventStatusChanged, store.EventNote, store.EventCreated}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Fatalf("timeline = %v\nwant       %v", kinds, want)
	}
	view := tuitest.Strip(m.View())
	for _, marker := range []string{"↩ replied", "↗ clicked", "◉ opened", "✉ sent", "◔ queued", "◆ status", "✎ note", "+ created"} {
		if !strings.Contains(view, marker) {
			t.Errorf("view lacks %q", marker)
		}
	}
}

func TestEnterOpensTheSentMessage(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, w.Ada.ID, 120, 40)
	m.press(t, "enter")
	got := m.Intents()
	if len(got) != 1 || got[0] != (common.OpenMessageMsg{MessageID: w.Sent.ID}) {
		t.Fatalf("enter on the reply posted %v, want OpenMessageMsg{%d}", got, w.Sent.ID)
	}
	// The status change has no message: enter is disabled there.
	m.press(t, "down", "down", "down", "down", "down")
	if ev, _ := m.selected(); ev.Kind != store.EventStatusChanged {
		t.Fatalf("on %v", ev.Kind)
	}
	if m.keys.View.Enabled() {
		t.Error("enter enabled on an event without a message")
	}
	m.press(t, "enter")
	if got := m.Intents(); len(got) != 0 {
		t.Errorf("enter on a status change posted %v", got)
	}
}

func TestMailOutboxAndBack(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, w.Ada.ID, 120, 40)
	m.press(t, "m", "o", "esc")
	got := m.Intents()
	if len(got) != 3 {
		t.Fatalf("intents = %v", got)
	}
	if p, ok := got[0].(common.OpenPickerMsg); !ok || p.Contact.ID != w.Ada.ID {
		t.Errorf("m posted %#v", got[0])
	}
	if _, ok := got[1].(common.OpenOutboxMsg); !ok {
		t.Errorf("o posted %#v", got[1])
	}
	if _, ok := got[2].(common.BackMsg); !ok {
		t.Errorf("esc posted %#v", got[2])
	}
}

func TestReloadsWhenASendCompletes(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, w.Ada.ID, 120, 40)
	before := len(m.events)
	if err := w.DB.AddEvent(t.Context(), &store.Event{ContactID: w.Ada.ID, Kind: store.EventNote, Subject: "Called"}); err != nil {
		t.Fatal(err)
	}
	// Another contact's send does not reload this one.
	if cmd := m.update(common.OutboxChangedMsg{ContactID: w.NoEmail.ID}); cmd != nil {
		t.Error("reloaded for another contact's send")
	}
	tuitest.Pump(t, m.update, m.update(common.OutboxChangedMsg{ContactID: w.Ada.ID}), nil)
	if len(m.events) != before+1 || m.events[0].Subject != "Called" {
		t.Errorf("after the send: %d events (want %d), newest %q", len(m.events), before+1, m.events[0].Subject)
	}
	if m.cursor != 0 {
		t.Errorf("cursor = %d: a user who had not moved should see the newest event highlighted", m.cursor)
	}

	// A user who moved down keeps their event highlighted across a reload.
	m.press(t, "down")
	held, _ := m.selected()
	if err := w.DB.AddEvent(t.Context(), &store.Event{ContactID: w.Ada.ID, Kind: store.EventNote, Subject: "Emailed"}); err != nil {
		t.Fatal(err)
	}
	tuitest.Pump(t, m.update, m.update(common.OutboxChangedMsg{ContactID: w.Ada.ID}), nil)
	if got, _ := m.selected(); got.ID != held.ID {
		t.Errorf("highlight moved from event %d to %d", held.ID, got.ID)
	}
}

func TestScrollKeepsCursorVisible(t *testing.T) {
	w := tuitest.NewWorld(t)
	for i := range 40 {
		if err := w.DB.AddEvent(t.Context(), &store.Event{ContactID: w.Ada.ID, Kind: store.EventNote,
			At: tuitest.Now.AddDate(0, -3, -i), Subject: fmt.Sprintf("old note %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	m := screen(t, w, w.Ada.ID, 80, 24)
	m.press(t, "G")
	if m.cursor != len(m.events)-1 {
		t.Fatalf("G: cursor %d of %d", m.cursor, len(m.events))
	}
	view := tuitest.Strip(m.View())
	if !strings.Contains(view, "› ✎ note") || !strings.Contains(view, "old note 39") {
		t.Errorf("the oldest event is not on screen after G:\n%s", view)
	}
	if n := strings.Count(view, "\n") + 1; n != 24 {
		t.Errorf("view is %d lines, want 24", n)
	}
}

func TestMissingContact(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, 99999, 80, 24)
	if m.state != stateError || !strings.Contains(m.View(), "not found") {
		t.Errorf("state %v, view:\n%s", m.state, tuitest.Strip(m.View()))
	}
}
