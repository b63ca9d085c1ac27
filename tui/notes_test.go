package tui

import (
	"strings"
	"testing"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/screens/callform"
	"github.com/leadmail/leadmail/tui/screens/contact"
	"github.com/leadmail/leadmail/tui/screens/note"
)

// sampleNote is a note with Markdown in it.
const sampleNote = "# Pilot\n\nCalled about the pilot: **wants a demo** for the team.\n\n- send the pricing\n- follow up on Monday"

// addNote writes a note on Ada as the world's user and returns its id.
func addNote(t *testing.T, a *app, body string) int64 {
	t.Helper()
	n, err := a.w.DB.AddNote(t.Context(), a.w.Ada.ID, a.w.User.ID, body)
	if err != nil {
		t.Fatal(err)
	}
	return n.ID
}

// newest is the newest event of Ada's timeline.
func newest(t *testing.T, a *app) store.Event {
	t.Helper()
	es, err := a.w.DB.Timeline(t.Context(), a.w.Ada.ID, 1)
	if err != nil || len(es) != 1 {
		t.Fatalf("timeline: %v, %v", es, err)
	}
	return es[0]
}

func TestNoteFromTheContactShowsInTheTimeline(t *testing.T) {
	a := newApp(t, 120, 40)
	a.opts.Sender = a.w.User
	c := a.onContact(t, a.w.Ada.ID)
	a.press(t, "n")
	if _, ok := a.top().(*note.Model); !ok {
		t.Fatalf("n opened %T", a.top())
	}
	if !strings.Contains(a.view(), "leadmail › Contacts › Ada Lovelace › New note") {
		t.Errorf("breadcrumb:\n%s", a.view())
	}
	a.press(t, "?") // typed text, not the help
	if len(a.modals) != 0 {
		t.Fatal("? opened the help while typing a note")
	}
	a.typeText(t, " Met at the fair, wants a *demo*.")
	a.press(t, "ctrl+s")
	if a.top() != c {
		t.Fatalf("after saving, top is %T, want the contact", a.top())
	}
	if got := a.statusLine(); !strings.Contains(got, "Note saved on Ada Lovelace") {
		t.Errorf("status line %q", got)
	}
	ev := newest(t, a)
	if ev.Kind != store.EventNote || ev.Data["text"] != "? Met at the fair, wants a *demo*." {
		t.Fatalf("newest event %+v", ev)
	}
	if v := a.view(); !strings.Contains(v, "✎ note") || !strings.Contains(v, "? Met at the fair") {
		t.Errorf("the timeline does not show the note:\n%s", v)
	}

	// enter on it opens it rendered; e edits it; esc comes back.
	a.press(t, "home", "enter")
	nv, ok := a.top().(*note.Model)
	if !ok {
		t.Fatalf("enter on the note opened %T", a.top())
	}
	if v := a.view(); !strings.Contains(v, "wants a demo.") || strings.Contains(v, "*demo*") {
		t.Errorf("the note is not rendered:\n%s", v)
	}
	a.press(t, "e", "end")
	a.typeText(t, " Budget ok.")
	a.press(t, "ctrl+s")
	if a.top() != nv || !strings.Contains(a.view(), "Budget ok.") {
		t.Fatalf("after editing, top %T:\n%s", a.top(), a.view())
	}
	a.press(t, "esc")
	if a.top() != c {
		t.Fatalf("esc: top %T", a.top())
	}
	if v := a.view(); !strings.Contains(v, "Budget ok.") {
		t.Errorf("the contact shows the old text:\n%s", v)
	}
}

func TestCallFromTheContactShowsInTheTimeline(t *testing.T) {
	a := newApp(t, 120, 40)
	a.opts.Sender = a.w.User
	c := a.onContact(t, a.w.Ada.ID)
	a.press(t, "c")
	if _, ok := a.top().(*callform.Model); !ok {
		t.Fatalf("c opened %T", a.top())
	}
	a.press(t, "right", "enter")
	a.typeText(t, "90s")
	a.press(t, "tab")
	a.typeText(t, "Left the pricing question")
	a.press(t, "ctrl+s")
	if a.top() != c {
		t.Fatalf("after logging, top is %T", a.top())
	}
	if got := a.statusLine(); !strings.Contains(got, "Logged a call with Ada Lovelace: left a voicemail, 1 min 30 s") {
		t.Errorf("status line %q", got)
	}
	ev := newest(t, a)
	if ev.Kind != store.EventCall || ev.Data["outcome"] != string(store.CallVoicemail) || ev.Data["seconds"] != "90" {
		t.Fatalf("newest event %+v", ev)
	}
	if v := a.view(); !strings.Contains(v, "Call: left a voicemail — 1 min 30 s · Left the pricing question") {
		t.Errorf("the timeline does not show the call:\n%s", v)
	}
}

func TestCallFormRefusesABadDurationInTheApp(t *testing.T) {
	a := newApp(t, 80, 24)
	a.opts.Sender = a.w.User
	a.onContact(t, a.w.Ada.ID)
	before := newest(t, a)
	a.press(t, "c", "tab")
	a.typeText(t, "soon")
	a.press(t, "ctrl+s")
	if _, ok := a.top().(*callform.Model); !ok {
		t.Fatalf("a refused call closed the form: top %T", a.top())
	}
	if v := a.view(); !strings.Contains(v, `Not logged: "soon" is not a duration`) {
		t.Errorf("no sentence:\n%s", v)
	}
	if after := newest(t, a); after.ID != before.ID {
		t.Errorf("a refused call wrote %+v", after)
	}
	fits(t, a.view(), 80, 24)
}

func TestQuitAsksWithANoteOrACallTyped(t *testing.T) {
	a := newApp(t, 120, 40)
	a.opts.Sender = a.w.User
	a.onContact(t, a.w.Ada.ID)
	a.press(t, "n", "x")
	a.mustAsk(t, "Quit and discard this note? (y/n)")
	a.press(t, "n")
	a.press(t, "esc", "y") // discard the note
	if _, ok := a.top().(*contact.Model); !ok {
		t.Fatalf("top %T", a.top())
	}
	a.press(t, "c", "left")
	a.mustAsk(t, "Quit and discard this call? (y/n)")
}

func TestSearchFromTheContactTakesTypedKeys(t *testing.T) {
	a := newApp(t, 120, 40)
	c := a.onContact(t, a.w.Ada.ID)
	a.press(t, "/")
	a.typeText(t, "?uD") // the root's letters are text while typing
	if len(a.modals) != 0 || a.top() != c {
		t.Fatalf("typing reached the root: modals %d, top %T", len(a.modals), a.top())
	}
	if !strings.Contains(a.view(), "Life of the Lead / ?uD") {
		t.Errorf("view:\n%s", a.view())
	}
	foot := strings.Split(a.view(), "\n")
	if f := foot[len(foot)-1]; !strings.Contains(f, "enter keep filter") || !strings.Contains(f, "esc clear search") {
		t.Errorf("footer %q", f)
	}
}

func TestNoteOfAForgottenContactSaysSo(t *testing.T) {
	a := newApp(t, 120, 40)
	a.opts.Sender = a.w.User
	id := addNote(t, a, "to be gone")
	if _, err := a.w.DB.Forget(t.Context(), a.w.Ada.ID); err != nil {
		t.Fatal(err)
	}
	a.pump(t, a.handleIntent(common.OpenNoteMsg{NoteID: id}))
	if v := a.view(); !strings.Contains(v, "Cannot show this note: That record no longer exists") {
		t.Errorf("view:\n%s", v)
	}
}
