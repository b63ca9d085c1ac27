package contact

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

func (m *Model) typeText(t *testing.T, s string) {
	t.Helper()
	for _, k := range tuitest.Type(s) {
		tuitest.Pump(t, m.update, m.update(k), nil)
	}
}

func kindsOf(rows []row) []store.EventKind {
	var out []store.EventKind
	for _, r := range rows {
		out = append(out, r.ev.Kind)
	}
	return out
}

func TestSearchFiltersTheTimelineAndEscClears(t *testing.T) {
	w := tuitest.NewWorld(t)
	n, err := w.DB.AddNote(t.Context(), w.Ada.ID, w.User.ID, "Pilot for ten seats\n\nBudget approved by Chloé Lefèvre")
	if err != nil {
		t.Fatal(err)
	}
	m := screen(t, w, w.Ada.ID, 120, 40)
	all := len(m.rows)
	if m.more {
		t.Fatal("the world's timeline is partial: this test is about a whole one")
	}
	m.press(t, "/")
	if !m.Capturing() || !m.keys.SearchCancel.Enabled() || m.keys.Mail.Enabled() {
		t.Fatalf("/ does not focus the search (capturing %v)", m.Capturing())
	}
	m.typeText(t, "LEFEVRE") // in the note's body only, with an accent there
	if len(m.rows) != 1 || m.rows[0].ev.Kind != store.EventNote || noteID(m.rows[0].ev) != n.ID {
		t.Fatalf("rows %v, want the note alone", kindsOf(m.rows))
	}
	if in := m.Intents(); len(in) != 0 {
		t.Errorf("typing posted %v", in)
	}
	m.press(t, "enter")
	v := tuitest.Strip(m.View())
	if m.Capturing() || !strings.Contains(v, "Life of the Lead · 1 event matches “LEFEVRE” · esc clears") {
		t.Errorf("after enter:\n%s", v)
	}
	// The filter stays while the rows are worked: enter opens the note.
	if !m.keys.View.Enabled() || m.keys.View.Help().Desc != "view note" {
		t.Errorf("enter on a note: enabled %v, %q", m.keys.View.Enabled(), m.keys.View.Help().Desc)
	}
	m.press(t, "enter")
	if in := m.Intents(); len(in) != 1 || in[0] != (common.OpenNoteMsg{NoteID: n.ID}) {
		t.Errorf("enter posted %v, want OpenNoteMsg{%d}", in, n.ID)
	}
	// A reload (a note saved elsewhere) keeps the search.
	tuitest.Pump(t, m.update, m.update(common.ContactChangedMsg{ContactID: w.Ada.ID}), nil)
	if len(m.rows) != 1 {
		t.Errorf("after a reload, %d rows", len(m.rows))
	}
	if m.keys.Back.Help().Key != "q" || !m.keys.ClearSearch.Enabled() {
		t.Errorf("esc must clear the search first: back is %q", m.keys.Back.Help().Key)
	}
	m.press(t, "esc")
	if len(m.rows) != all || m.find.query != "" || len(m.Intents()) != 0 {
		t.Errorf("esc: %d rows of %d, query %q", len(m.rows), all, m.find.query)
	}
	if strings.Contains(tuitest.Strip(m.View()), "esc clears") {
		t.Error("the title still speaks of the search")
	}
	m.press(t, "esc")
	if in := m.Intents(); len(in) != 1 || in[0] != (common.BackMsg{}) {
		t.Errorf("esc without a search: %v, want back", in)
	}
}

func TestSearchWordsAllMatchAndNothingSays(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, w.Ada.ID, 120, 40)
	m.press(t, "/")
	m.typeText(t, "hello ada") // the Intro's subject, on the send, queue and answers
	for _, r := range m.rows {
		if !strings.Contains(strings.ToLower(r.ev.Subject), "hello ada") {
			t.Errorf("row %v %q does not match", r.ev.Kind, r.ev.Subject)
		}
	}
	if len(m.rows) < 2 {
		t.Errorf("%d rows", len(m.rows))
	}
	m.typeText(t, " zebra")
	v := tuitest.Strip(m.View())
	if len(m.rows) != 0 || !strings.Contains(v, "No event holds these words. esc shows them all.") {
		t.Errorf("no match shows:\n%s", v)
	}
	m.press(t, "esc") // while typing: clears too
	if m.Capturing() || m.find.query != "" || len(m.rows) < 5 {
		t.Errorf("esc while typing: capturing %v, query %q, %d rows", m.Capturing(), m.find.query, len(m.rows))
	}
}

func TestSearchFindsANoteBeyondTheLoadedPage(t *testing.T) {
	w := tuitest.NewWorld(t)
	ctx := t.Context()
	w.Clock.Set(tuitest.Now.Add(-400 * 24 * time.Hour))
	old, err := w.DB.AddNote(ctx, w.Ada.ID, w.User.ID, "First meeting\n\nShe asked about the Zürich office")
	if err != nil {
		t.Fatal(err)
	}
	w.Clock.Set(tuitest.Now)
	for i := range store.TimelineLimit + 20 {
		e := store.Event{ContactID: w.Ada.ID, Kind: store.EventStatus, Subject: "Status: open → qualified",
			Detail: fmt.Sprint("step ", i), At: tuitest.Now.Add(-time.Duration(300-i) * time.Hour)}
		if err := w.DB.AddEvent(ctx, &e); err != nil {
			t.Fatal(err)
		}
	}
	m := screen(t, w, w.Ada.ID, 120, 40)
	if !m.more {
		t.Fatal("the timeline is whole: the note must be beyond the first page")
	}
	for _, ev := range m.events {
		if ev.Kind == store.EventNote && noteID(ev) == old.ID {
			t.Fatal("the note is loaded: the test proves nothing")
		}
	}
	m.press(t, "/")
	m.typeText(t, "zurich") // the pause passes, the store answers
	if len(m.rows) != 1 || noteID(m.rows[0].ev) != old.ID || !m.find.fromStore {
		t.Fatalf("rows %v (from store %v), want the old note", kindsOf(m.rows), m.find.fromStore)
	}
	m.press(t, "enter")
	if m.keys.Older.Enabled() {
		t.Error("L loads older events while the search already covers them")
	}
	if v := tuitest.Strip(m.View()); !strings.Contains(v, "1 event matches “zurich”") {
		t.Errorf("view:\n%s", v)
	}
	m.press(t, "enter")
	if in := m.Intents(); len(in) != 1 || in[0] != (common.OpenNoteMsg{NoteID: old.ID}) {
		t.Errorf("enter posted %v", in)
	}
	// A reload searches the store again.
	tuitest.Pump(t, m.update, m.update(common.ContactChangedMsg{ContactID: w.Ada.ID}), nil)
	if len(m.rows) != 1 || noteID(m.rows[0].ev) != old.ID {
		t.Errorf("after a reload: %v", kindsOf(m.rows))
	}
	m.press(t, "esc")
	if len(m.rows) != len(m.events) || !m.keys.Older.Enabled() {
		t.Errorf("esc: %d rows of %d loaded, L %v", len(m.rows), len(m.events), m.keys.Older.Enabled())
	}
}

func TestTypingInTheSearchIsText(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, w.Ada.ID, 80, 24)
	m.press(t, "/")
	m.typeText(t, "mqXnc")
	if in := m.Intents(); len(in) != 0 {
		t.Errorf("letters posted %v", in)
	}
	if m.find.input.Value() != "mqXnc" {
		t.Errorf("input %q", m.find.input.Value())
	}
	for _, b := range m.ShortHelp() {
		if b.Enabled() && b.Help().Key != "enter" && b.Help().Key != "esc" {
			t.Errorf("%q (%s) is offered while typing", b.Help().Key, b.Help().Desc)
		}
	}
	v := tuitest.Strip(m.View())
	if !strings.Contains(v, "Life of the Lead / mqXnc") {
		t.Errorf("no input on the title line:\n%s", v)
	}
}

func TestHostileSearchIsText(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, w.Ada.ID, 80, 24)
	m.press(t, "/")
	m.typeText(t, `") OR 1=1 -- %_*`)
	m.press(t, "enter")
	if len(m.rows) != 0 {
		t.Errorf("%d rows match punctuation", len(m.rows))
	}
	for _, l := range strings.Split(tuitest.Strip(m.View()), "\n") {
		if n := len([]rune(l)); n > 80 {
			t.Errorf("a line is %d wide: %q", n, l)
		}
	}
}
