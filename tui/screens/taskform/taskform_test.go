package taskform

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

type harness struct {
	*Model
	w       *tuitest.World
	intents []tea.Msg
}

func open(t *testing.T, w *tuitest.World, contact store.Contact, me store.User, width, height int) *harness {
	t.Helper()
	h := &harness{Model: New(tuitest.Common(t), w.DB, Options{ContactID: contact.ID, Me: me}), w: w}
	h.SetSize(width, height)
	tuitest.Pump(t, h.update, h.Init(), nil)
	return h
}

func (h *harness) update(msg tea.Msg) tea.Cmd {
	_, cmd := h.Update(msg)
	h.intents = append(h.intents, h.Intents()...)
	return cmd
}

func (h *harness) press(t *testing.T, keys ...string) {
	t.Helper()
	for _, k := range keys {
		tuitest.Pump(t, h.update, h.update(tuitest.Key(k)), nil)
	}
}

func (h *harness) typeText(t *testing.T, s string) {
	t.Helper()
	for _, k := range tuitest.Type(s) {
		tuitest.Pump(t, h.update, h.update(k), nil)
	}
}

func (h *harness) view() string { return tuitest.Strip(h.View()) }

// saved is the SavedMsg intent posted, if any.
func (h *harness) saved() (SavedMsg, bool) {
	for _, in := range h.intents {
		if s, ok := in.(SavedMsg); ok {
			return s, true
		}
	}
	return SavedMsg{}, false
}

// written is everything a save could change: the contact's tasks and its
// timeline.
func written(t *testing.T, w *tuitest.World, contactID int64) string {
	t.Helper()
	tasks, err := w.DB.TasksOf(context.Background(), contactID, 0)
	if err != nil {
		t.Fatal(err)
	}
	events, err := w.DB.Timeline(context.Background(), contactID, store.TimelineLimit)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%+v\n%+v", tasks, events)
}

func TestTaskFormSaves(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := open(t, w, w.Ada, w.User, 120, 40)
	if !h.Capturing() || h.focus != fieldTitle {
		t.Fatalf("the form opens on the title: capturing %v, focus %v", h.Capturing(), h.focus)
	}
	// The hint's examples are built from now: each is ahead of it.
	if v := h.view(); !strings.Contains(v, "e.g. 12:00 · tomorrow 9:00 · sat 14:00 · in 2 h") ||
		!strings.Contains(v, "For     Ada Lovelace <ada@analytical.test> · Analytical Engines") {
		t.Errorf("the form lacks its contact or hint:\n%s", v)
	}
	h.typeText(t, "Call back about pricing")
	h.press(t, "enter") // to the due field
	if h.focus != fieldDue {
		t.Fatalf("enter on the title went to %v", h.focus)
	}
	h.typeText(t, "tomorrow 9:00")
	if v := h.view(); !strings.Contains(v, "→ Fri 27 Nov 09:00 UTC (tomorrow)") {
		t.Errorf("the due time is not read back:\n%s", v)
	}
	h.press(t, "enter")
	s, ok := h.saved()
	if !ok {
		t.Fatalf("enter on the due field saved nothing:\n%s", h.view())
	}
	tasks, err := w.DB.TasksOf(context.Background(), w.Ada.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	if len(tasks) != 1 || tasks[0].Title != "Call back about pricing" || !tasks[0].DueAt.Equal(want) ||
		tasks[0].OwnerID != w.User.ID || tasks[0].CreatedBy != w.User.ID || tasks[0].ID != s.Task.ID {
		t.Fatalf("stored %+v, posted %+v", tasks, s.Task)
	}
	var status string
	for _, in := range h.intents {
		if st, ok := in.(common.StatusMsg); ok {
			status = st.Text
		}
	}
	if status != "Task added for Ada Lovelace: Call back about pricing, due Fri 27 Nov 09:00 UTC (tomorrow)" {
		t.Errorf("status %q", status)
	}
}

// ↓ and ↑ move between the fields, as in the contact form.
func TestTaskFormArrowsMoveBetweenFields(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := open(t, w, w.Ada, w.User, 120, 40)
	h.press(t, "down")
	if h.focus != fieldDue {
		t.Fatalf("↓ on the title went to %v", h.focus)
	}
	h.press(t, "up")
	if h.focus != fieldTitle {
		t.Fatalf("↑ on the due field went to %v", h.focus)
	}
}

// Every refusal says why in a sentence, keeps what was typed and writes
// nothing: not the task, not its event.
func TestTaskFormRefusesAndWritesNothing(t *testing.T) {
	w := tuitest.NewWorld(t)
	for _, tc := range []struct {
		name, title, due, want string
		focus                  field
	}{
		{"past", "Call back", "2026-11-25 09:00", "Not saved: Wed 25 Nov 2026 09:00 UTC is in the past: pick a later time.", fieldDue},
		{"earlier today", "Call back", "today 9:00", "Not saved: Thu 26 Nov 2026 09:00 UTC is in the past", fieldDue},
		{"unreadable", "Call back", "next blursday", `Not saved: Cannot read "next blursday"`, fieldDue},
		{"no due", "Call back", "", "Not saved: A task needs a due time, such as tomorrow 9:00.", fieldDue},
		{"no title", "   ", "tomorrow 9:00", "Not saved: A task needs a title: say what is to be done.", fieldTitle},
		{"hidden direction", "Call \u202Eback", "tomorrow 9:00", "Not saved: The task title contains a right-to-left control character (U+202E)", fieldTitle},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := written(t, w, w.Ada.ID)
			h := open(t, w, w.Ada, w.User, 120, 40)
			h.typeText(t, tc.title)
			h.press(t, "tab")
			h.typeText(t, tc.due)
			h.press(t, "ctrl+s")
			if _, ok := h.saved(); ok {
				t.Fatal("a refused task was reported saved")
			}
			if after := written(t, w, w.Ada.ID); after != before {
				t.Errorf("a refused save wrote:\n%s\n---\n%s", before, after)
			}
			v := h.view()
			if !strings.Contains(strings.Join(strings.Fields(v), " "), "✗ "+tc.want) {
				t.Errorf("no %q in:\n%s", tc.want, v)
			}
			if h.title.Value() != tc.title || h.due.Value() != tc.due {
				t.Errorf("the typed text was lost: %q, %q", h.title.Value(), h.due.Value())
			}
			if tc.name != "hidden direction" && h.focus != tc.focus {
				t.Errorf("focus %v, want the field to fix, %v", h.focus, tc.focus)
			}
		})
	}
}

func TestTaskFormOwner(t *testing.T) {
	w := tuitest.NewWorld(t)
	other, err := w.DB.UpsertUser(context.Background(), store.User{Name: "Rita Rep", Email: "rita@acme.test", Role: store.RoleSalesperson})
	if err != nil {
		t.Fatal(err)
	}
	h := open(t, w, w.Ada, w.User, 120, 40)
	if !strings.Contains(h.view(), "Owner   Sam Seller  (you)") {
		t.Errorf("the owner is not the current user by default:\n%s", h.view())
	}
	h.typeText(t, "Send the contract")
	h.press(t, "tab")
	h.typeText(t, "in 3 days")
	h.press(t, "tab")
	if h.Capturing() || !h.keys.OwnerNext.Enabled() {
		t.Fatalf("on the owner: capturing %v, → enabled %v", h.Capturing(), h.keys.OwnerNext.Enabled())
	}
	h.press(t, "right")
	if h.ownerUser().ID != other.ID || !strings.Contains(h.view(), "‹ Rita Rep ›") {
		t.Fatalf("→ chose %+v:\n%s", h.ownerUser(), h.view())
	}
	h.press(t, "enter")
	s, ok := h.saved()
	if !ok || s.Task.OwnerID != other.ID || s.Task.CreatedBy != w.User.ID {
		t.Fatalf("saved %v %+v", ok, s.Task)
	}
}

func TestTaskFormDiscardAsks(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := open(t, w, w.Ada, w.User, 120, 40)
	if _, dirty := h.Unsaved(); dirty {
		t.Fatal("an empty form has nothing to lose")
	}
	h.press(t, "esc")
	if len(h.intents) != 1 || !reflect.DeepEqual(h.intents[0], common.BackMsg{}) {
		t.Fatalf("esc on an empty form: %v", h.intents)
	}
	h = open(t, w, w.Ada, w.User, 120, 40)
	h.typeText(t, "Call")
	if what, dirty := h.Unsaved(); !dirty || what != "this task" {
		t.Fatalf("Unsaved = %q, %v", what, dirty)
	}
	h.press(t, "esc")
	if len(h.intents) != 0 || !strings.Contains(h.view(), "Discard this task? y/n") {
		t.Fatalf("esc with typed text did not ask: %v\n%s", h.intents, h.view())
	}
	h.press(t, "n")
	if h.title.Value() != "Call" || h.confirm != confirmNone {
		t.Fatalf("n lost the text: %q", h.title.Value())
	}
	h.press(t, "esc", "y")
	if len(h.intents) != 1 || !reflect.DeepEqual(h.intents[0], common.BackMsg{}) {
		t.Fatalf("y did not go back: %v", h.intents)
	}
}

func TestTaskFormWithoutUser(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := open(t, w, w.Ada, store.User{}, 80, 24)
	if h.state != stateError || !strings.Contains(h.view(), "set user.email and user.name") {
		t.Fatalf("state %v:\n%s", h.state, h.view())
	}
	h.press(t, "ctrl+s")
	if _, ok := h.saved(); ok {
		t.Fatal("saved without a user")
	}
}

// A contact's name from an import reaches the form sanitised.
func TestTaskFormSanitisesTheContact(t *testing.T) {
	w := tuitest.NewWorld(t)
	c := []store.Contact{{Kind: store.KindLead, Status: store.StatusOpen, FirstName: "Eve\x1b]0;PWNED\x07",
		LastName: "Evil", Email: "eve@example.test", Company: "Bad\x1b[2J Co"}}
	if err := w.DB.InsertContacts(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	p, err := w.DB.ListContacts(context.Background(), store.PageRequest{Filter: store.ContactFilter{Search: "eve@example.test"}, Limit: 1})
	if err != nil || len(p.Contacts) != 1 {
		t.Fatalf("%v %+v", err, p)
	}
	h := open(t, w, p.Contacts[0], w.User, 120, 40)
	if raw := h.View(); strings.ContainsAny(raw, "\x07") || strings.Contains(raw, "\x1b]0;") || strings.Contains(raw, "\x1b[2J") {
		t.Errorf("control characters reach the terminal: %q", raw)
	}
	if !strings.Contains(h.view(), "Eve ]0;PWNED  Evil") {
		t.Errorf("the name is not shown sanitised:\n%s", h.view())
	}
}

func TestTaskFormGolden(t *testing.T) {
	w := tuitest.NewWorld(t)
	for _, size := range []struct{ w, h int }{{120, 40}, {80, 24}} {
		for _, in := range []struct{ name, due string }{{"valid", "monday 14:00"}, {"past", "today 9:00"}, {"empty", ""}} {
			t.Run(fmt.Sprintf("%s_%dx%d", in.name, size.w, size.h), func(t *testing.T) {
				h := open(t, w, w.Ada, w.User, size.w, size.h)
				h.typeText(t, "Call back about pricing")
				h.press(t, "tab")
				h.typeText(t, in.due)
				tuitest.Golden(t, h.View())
			})
		}
	}
}
