package callform

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

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

func (m *Model) typeText(t *testing.T, s string) {
	t.Helper()
	for _, k := range tuitest.Type(s) {
		tuitest.Pump(t, m.update, m.update(k), nil)
	}
}

func (m *Model) view() string { return tuitest.Strip(m.View()) }

func form(t *testing.T, w *tuitest.World, width, height int, me store.User) *Model {
	t.Helper()
	m := New(tuitest.Common(t), w.DB, Options{ContactID: w.Ada.ID, Me: me})
	m.SetSize(width, height)
	tuitest.Pump(t, m.update, m.Init(), nil)
	return m
}

// written is Ada's calls and timeline, to prove that a refusal wrote
// nothing.
func written(t *testing.T, w *tuitest.World) string {
	t.Helper()
	cs, err := w.DB.Calls(t.Context(), w.Ada.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	es, err := w.DB.Timeline(t.Context(), w.Ada.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%+v\n%+v", cs, es)
}

func has[T any](msgs []tea.Msg) (T, bool) {
	for _, m := range msgs {
		if v, ok := m.(T); ok {
			return v, true
		}
	}
	var zero T
	return zero, false
}

func TestParseDuration(t *testing.T) {
	ok := []struct {
		in   string
		want time.Duration
	}{
		{"", 0}, {"  ", 0}, {"12", 12 * time.Minute}, {"1.5", 90 * time.Second}, {"1,5", 90 * time.Second},
		{"0", 0}, {"1:30", 90 * time.Second}, {"0:45", 45 * time.Second}, {"1:02:30", time.Hour + 2*time.Minute + 30*time.Second},
		{"90s", 90 * time.Second}, {"90 s", 90 * time.Second}, {"45 sec", 45 * time.Second},
		{"1 h 5 min", 65 * time.Minute}, {"1h5m", 65 * time.Minute}, {"2m30s", 150 * time.Second},
		{"12 minutes", 12 * time.Minute}, {"2 hours", 2 * time.Hour}, {"24h", 24 * time.Hour}, {"1440", 24 * time.Hour},
		{"1.5h", 90 * time.Minute}, {"  12 MIN ", 12 * time.Minute},
	}
	for _, tt := range ok {
		got, err := ParseDuration(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	bad := []struct{ in, want string }{
		{"ten minutes", `"ten minutes" is not a duration: type minutes (12), minutes:seconds (1:30) or units (90s, 1 h 5 min)`},
		{"-5", "a call cannot last less than nothing"},
		{"25h", "a call of 25h cannot be logged: give at most 24 hours"},
		{"1441", "a call of 1441 cannot be logged"},
		{"25:00:00", "a call of 25:00:00 cannot be logged"},
		{"1:75", "is not a duration"},
		{"1:30:00:00", "is not a duration"},
		{"5 months", "is not a duration"},
		{"1h 1h", "is not a duration"},
		{"12 x", "is not a duration"},
		{"99999999999999999999999:00", "is not a duration"},
		{strings.Repeat("9", 400), "cannot be logged"},
	}
	for _, tt := range bad {
		if _, err := ParseDuration(tt.in); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseDuration(%q) err = %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestLength(t *testing.T) {
	for d, want := range map[time.Duration]string{
		45 * time.Second: "45 s", 90 * time.Second: "1 min 30 s", 12 * time.Minute: "12 min",
		65 * time.Minute: "1 h 5 min", 2 * time.Hour: "2 h",
	} {
		if got := Length(d); got != want {
			t.Errorf("Length(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestLogsEachOutcome(t *testing.T) {
	for i, want := range Outcomes {
		t.Run(string(want), func(t *testing.T) {
			w := tuitest.NewWorld(t)
			m := form(t, w, 80, 24, w.User)
			if m.Capturing() {
				t.Error("the outcome chooser takes no text")
			}
			for range i {
				m.press(t, "right")
			}
			if m.Outcome() != want {
				t.Fatalf("outcome %v, want %v", m.Outcome(), want)
			}
			m.press(t, "enter") // to the duration
			m.typeText(t, "1:30")
			if v := m.view(); !strings.Contains(v, "→ 1 min 30 s") {
				t.Errorf("the duration is not read back:\n%s", v)
			}
			m.press(t, "tab")
			m.typeText(t, "Asked for the pricing")
			m.press(t, "enter") // a new line in the note
			m.typeText(t, "call back Monday")
			m.press(t, "ctrl+s")
			in := m.Intents()
			saved, ok := has[SavedMsg](in)
			if !ok || saved.Call.ID == 0 {
				t.Fatalf("intents %v, want SavedMsg", in)
			}
			wantStatus := "Logged a call with Ada Lovelace: " + want.Words() + ", 1 min 30 s"
			if st, _ := has[common.StatusMsg](in); st.Text != wantStatus {
				t.Errorf("status %q, want %q", st.Text, wantStatus)
			}
			cs, err := w.DB.Calls(t.Context(), w.Ada.ID, 0)
			if err != nil || len(cs) != 1 {
				t.Fatalf("calls = %+v, %v", cs, err)
			}
			c := cs[0]
			if c.Outcome != want || c.Duration != 90*time.Second || c.Note != "Asked for the pricing\ncall back Monday" || c.UserID != w.User.ID {
				t.Errorf("call = %+v", c)
			}
			es, _ := w.DB.Timeline(t.Context(), w.Ada.ID, 1)
			if len(es) != 1 || es[0].Kind != store.EventCall {
				t.Errorf("the timeline's newest is %+v, want the call", es)
			}
		})
	}
}

func TestLeftArrowWrapsAndOutcomeIsDirty(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := form(t, w, 80, 24, w.User)
	m.press(t, "left")
	if m.Outcome() != store.CallNoAnswer || !m.Dirty() {
		t.Errorf("outcome %v dirty %v", m.Outcome(), m.Dirty())
	}
	m.press(t, "space")
	if m.Outcome() != store.CallConnected || m.Dirty() {
		t.Errorf("outcome %v dirty %v", m.Outcome(), m.Dirty())
	}
}

func TestBadDurationIsRefusedAndWritesNothing(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := form(t, w, 80, 24, w.User)
	before := written(t, w)
	m.press(t, "tab")
	m.typeText(t, "ten minutes")
	m.press(t, "tab")
	m.typeText(t, "good call")
	if v := m.view(); !strings.Contains(v, `✗ "ten minutes" is not a duration`) {
		t.Errorf("no live refusal:\n%s", v)
	}
	m.press(t, "ctrl+s")
	v := m.view()
	if !strings.Contains(v, `Not logged: "ten minutes" is not a duration`) {
		t.Errorf("no sentence:\n%s", v)
	}
	if m.focus != fieldDuration || m.duration.Value() != "ten minutes" || m.note.Value() != "good call" {
		t.Errorf("focus %v, duration %q, note %q: want the form as typed, on the duration", m.focus, m.duration.Value(), m.note.Value())
	}
	if in := m.Intents(); len(in) != 0 {
		t.Errorf("intents %v", in)
	}
	if after := written(t, w); after != before {
		t.Errorf("a refused call wrote:\n%s\n---\n%s", before, after)
	}
	fits(t, m.View(), 80, 24)
}

func TestStoreRefusalIsASentence(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := form(t, w, 80, 24, w.User)
	before := written(t, w)
	m.press(t, "tab", "tab")
	tuitest.Pump(t, m.update, m.update(tea.PasteMsg{Content: "evil \u202Etext"}), nil)
	if m.note.Value() != "evil text" || strings.ContainsRune(m.View(), '\u202E') {
		t.Errorf("the override stays: %q", m.note.Value())
	}
	big := strings.Repeat("word ", 13200) // 66,000 bytes: over the 64 KB a note may hold
	tuitest.Pump(t, m.update, m.update(tea.PasteMsg{Content: big}), nil)
	m.press(t, "ctrl+s")
	if v := strings.Join(strings.Fields(m.view()), " "); !strings.Contains(v, "Not logged: The call note is 65 KB; at most 64 KB are allowed.") {
		t.Errorf("no sentence:\n%s", m.view())
	}
	if written(t, w) != before {
		t.Error("a refused call wrote")
	}
}

func TestEscAsksBeforeDiscarding(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := form(t, w, 80, 24, w.User)
	m.press(t, "esc")
	if in := m.Intents(); len(in) != 1 || in[0] != (common.BackMsg{}) {
		t.Fatalf("esc on an untouched form: %v", in)
	}
	m = form(t, w, 80, 24, w.User)
	m.press(t, "tab")
	m.typeText(t, "5")
	m.press(t, "esc")
	if !strings.Contains(m.view(), "Discard this call? (y/n)") || !m.Capturing() {
		t.Fatalf("no question:\n%s", m.view())
	}
	m.press(t, "n")
	if m.asking || m.duration.Value() != "5" {
		t.Fatalf("n lost the form: %q", m.duration.Value())
	}
	m.press(t, "esc", "y")
	if in := m.Intents(); len(in) != 1 || in[0] != (common.BackMsg{}) {
		t.Errorf("y: %v", in)
	}
}

func TestWithoutAUserTheFormSaysWhy(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := form(t, w, 80, 24, store.User{})
	if v := m.view(); !strings.Contains(v, "Cannot log a call: calls are logged by a CRM user") {
		t.Errorf("view:\n%s", v)
	}
}

func TestFormGolden(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := form(t, w, 80, 24, w.User)
	m.press(t, "right", "tab")
	m.typeText(t, "12")
	m.press(t, "tab")
	m.typeText(t, "Out until Friday.")
	v := m.View()
	fits(t, v, 80, 24)
	tuitest.Golden(t, v)
}

func fits(t *testing.T, view string, width, height int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != height {
		t.Errorf("%d lines, want %d", len(lines), height)
	}
	for _, l := range lines {
		if n := len([]rune(tuitest.Strip(l))); n > width {
			t.Errorf("a line is %d wide: %q", n, l)
		}
	}
}

// ↓ and ↑ move between the fields, as in the contact form, except in the
// note, whose lines they move between.
func TestArrowsMoveBetweenFieldsButNotOutOfTheNote(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := form(t, w, 80, 24, w.User)
	m.press(t, "down")
	m.typeText(t, "12")
	m.press(t, "down")
	m.typeText(t, "first line")
	m.press(t, "enter")
	m.typeText(t, "second line")
	m.press(t, "up")
	m.typeText(t, "! ")
	m.press(t, "ctrl+s")
	cs, err := w.DB.Calls(t.Context(), w.Ada.ID, 0)
	if err != nil || len(cs) != 1 {
		t.Fatalf("calls = %+v, %v", cs, err)
	}
	if cs[0].Duration != 12*time.Minute || !strings.HasPrefix(cs[0].Note, "first line") || !strings.Contains(cs[0].Note, "! ") ||
		!strings.HasSuffix(cs[0].Note, "\nsecond line") {
		t.Errorf("call = %+v; the duration and both lines of the note, edited on the first, were wanted", cs[0])
	}
	m2 := form(t, w, 80, 24, w.User)
	m2.press(t, "down", "up", "right") // to the duration, back to the outcome, the next one
	m2.press(t, "ctrl+s")
	if cs, _ := w.DB.Calls(t.Context(), w.Ada.ID, 0); len(cs) != 2 || cs[0].Outcome != store.CallVoicemail && cs[1].Outcome != store.CallVoicemail {
		t.Errorf("↑ from the duration did not reach the outcome: %+v", cs)
	}
}
