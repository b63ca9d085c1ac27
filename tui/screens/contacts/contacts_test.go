package contacts

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// screen opens the Contacts screen on the world's store at a size and waits
// for its first page.
func screen(t *testing.T, w *tuitest.World, width, height int) *Model {
	t.Helper()
	m := New(tuitest.Common(t), w.DB, Options{Me: w.User.ID})
	m.SetSize(width, height)
	tuitest.Pump(t, m.update, m.Init(), nil)
	if m.state != stateReady {
		t.Fatalf("state = %v after the first page, err %q", m.state, m.errText)
	}
	return m
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	_, cmd := m.Update(msg)
	return cmd
}

// press sends keys and runs every command they start, to the end.
func (m *Model) press(t *testing.T, keys ...tea.KeyPressMsg) {
	t.Helper()
	for _, k := range keys {
		tuitest.Pump(t, m.update, m.update(k), nil)
	}
}

func names(m *Model) []string {
	out := make([]string, len(m.page.Contacts))
	for i, c := range m.page.Contacts {
		out[i] = c.Name()
	}
	return out
}

func selectedName(t *testing.T, m *Model) string {
	t.Helper()
	c, ok := m.Selected()
	if !ok {
		t.Fatal("no row highlighted")
	}
	return c.Name()
}

func TestViewGolden(t *testing.T) {
	w := tuitest.NewWorld(t)
	for _, size := range []struct{ w, h int }{{120, 40}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			m := screen(t, w, size.w, size.h)
			m.press(t, tuitest.Key("down"), tuitest.Key("down"))
			tuitest.Golden(t, m.View())
		})
	}
}

func TestHoldsOnlyTheVisiblePage(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, 120, 21)
	if got, want := len(m.page.Contacts), m.pageSize(); got != want || want != 18 {
		t.Fatalf("holds %d rows, page size %d; want 18 (21 lines minus two header lines and the column titles)", got, want)
	}
	if m.req.Limit != m.pageSize() {
		t.Errorf("asked the store for %d rows, want %d", m.req.Limit, m.pageSize())
	}
	if !m.page.HasNext || m.page.HasPrev {
		t.Errorf("first page: HasNext %v HasPrev %v", m.page.HasNext, m.page.HasPrev)
	}
	// Besides it, only the next page, prefetched.
	if m.ahead == nil || len(m.ahead.page.Contacts) != m.pageSize() || m.ahead.dir != towardsNext {
		t.Errorf("neighbour = %+v, want the next page of %d rows", m.ahead, m.pageSize())
	}
}

func TestPagingAtTheEdges(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, 120, 13) // 10 rows per page
	first := names(m)
	if first[0] != "Alex Abbott" || len(first) != 10 {
		t.Fatalf("first page = %v", first)
	}

	// Down to the bottom row stays on the page; one more fetches the next.
	for range 9 {
		m.press(t, tuitest.Key("down"))
	}
	if got := selectedName(t, m); got != first[9] {
		t.Fatalf("after 9 downs on %q, want %q", got, first[9])
	}
	m.press(t, tuitest.Key("down"))
	second := names(m)
	if second[0] == first[0] || m.cursor != 0 || !m.page.HasPrev {
		t.Fatalf("down at the bottom edge: page %v cursor %d", second, m.cursor)
	}
	if second[0] != "Blair Dalton" { // row 11 in (last, first) order
		t.Errorf("next page starts at %q, want the row after %q", second[0], first[9])
	}

	// Up at the top edge goes back and lands on the row just above.
	m.press(t, tuitest.Key("up"))
	if got := selectedName(t, m); got != first[9] || m.cursor != len(m.page.Contacts)-1 {
		t.Errorf("up at the top edge: on %q (row %d), want %q on the last row", got, m.cursor, first[9])
	}

	// End and home: the last and the first page.
	m.press(t, tuitest.Key("G"))
	if m.page.HasNext || selectedName(t, m) != "Casey Turner" {
		t.Errorf("G: on %q, HasNext %v; want the very last contact", selectedName(t, m), m.page.HasNext)
	}
	m.press(t, tuitest.Key("g"))
	if m.page.HasPrev || selectedName(t, m) != "Alex Abbott" {
		t.Errorf("g: on %q, HasPrev %v", selectedName(t, m), m.page.HasPrev)
	}

	// Page down keeps the cursor's row position.
	m.press(t, tuitest.Key("down"), tuitest.Key("down"), tuitest.Key("pgdown"))
	if m.cursor != 2 || names(m)[0] != second[0] {
		t.Errorf("pgdown: cursor %d, page starts %q; want 2 and %q", m.cursor, names(m)[0], second[0])
	}
	m.press(t, tuitest.Key("pgup"))
	if names(m)[0] != first[0] || m.cursor != 2 {
		t.Errorf("pgup: page starts %q cursor %d", names(m)[0], m.cursor)
	}
}

func TestSearchDebouncedAndStaleDropped(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, 120, 40)

	m.update(tuitest.Key("/"))
	if !m.Capturing() {
		t.Fatal("/ did not focus the search")
	}
	// Typing only schedules a tick per key; each tick carries its keystroke.
	var ticks []tea.Cmd
	for _, k := range tuitest.Type("ada") {
		ticks = append(ticks, m.update(k))
	}
	// The ticks of "a" and "ad" are stale: they fetch nothing.
	for _, tick := range ticks[:2] {
		for _, msg := range tuitest.Exec(t, tick, 0) {
			if cmd := m.update(msg); cmd != nil {
				t.Fatalf("a stale debounce tick (%T) started a fetch", msg)
			}
		}
	}
	tuitest.Pump(t, m.update, ticks[2], nil)
	if got := names(m); len(got) != 1 || got[0] != "Ada Lovelace" {
		t.Fatalf("search ada = %v", got)
	}

	// An older fetch answering late is dropped.
	old := pageMsg{seq: m.fetchSeq - 1, page: store.ContactPage{Contacts: []store.Contact{{FirstName: "Stale"}}}}
	m.update(old)
	if got := names(m); got[0] != "Ada Lovelace" {
		t.Errorf("a stale page replaced the results: %v", got)
	}

	// Enter leaves the input and keeps the filter; esc then clears it.
	m.press(t, tuitest.Key("enter"))
	if m.Capturing() || m.search.Value() != "ada" || len(m.page.Contacts) != 1 {
		t.Fatalf("enter: capturing %v, search %q, %d rows", m.Capturing(), m.search.Value(), len(m.page.Contacts))
	}
	m.press(t, tuitest.Key("esc"))
	if m.search.Value() != "" || len(m.page.Contacts) != m.pageSize() {
		t.Errorf("esc: search %q, %d rows", m.search.Value(), len(m.page.Contacts))
	}
	if in := m.Intents(); len(in) != 0 {
		t.Errorf("esc with a filter should clear it, not go back: %v", in)
	}
}

func TestEnterInSearchFetchesAtOnce(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, 120, 40)
	m.update(tuitest.Key("/"))
	for _, k := range tuitest.Type("lovel") {
		m.update(k) // ticks dropped: enter must not wait for them
	}
	m.press(t, tuitest.Key("enter"))
	if got := names(m); len(got) != 1 || got[0] != "Ada Lovelace" {
		t.Errorf("enter before the debounce: %v", got)
	}
}

func TestEmptyState(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, 120, 40)
	m.press(t, tuitest.Key("/"))
	m.press(t, tuitest.Type("xyz")...)
	m.press(t, tuitest.Key("enter"))
	if !strings.Contains(m.View(), "No contacts match “xyz”") {
		t.Errorf("empty state missing:\n%s", tuitest.Strip(m.View()))
	}
	if m.keys.Open.Enabled() || m.keys.Mail.Enabled() {
		t.Error("enter and m are enabled with no rows")
	}
}

func TestFilterCycles(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, 120, 40)
	for _, want := range []store.Kind{store.KindLead, store.KindContact, ""} {
		m.press(t, tuitest.Key("tab"))
		if m.req.Filter.Kind != want {
			t.Fatalf("filter = %q, want %q", m.req.Filter.Kind, want)
		}
		for _, c := range m.page.Contacts {
			if want != "" && c.Kind != want {
				t.Errorf("filter %q shows %s (%s)", want, c.Name(), c.Kind)
			}
		}
	}
}

func TestOpenAndMailPostIntents(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, 120, 40)
	m.press(t, tuitest.Key("down"))
	want := m.page.Contacts[1]

	m.press(t, tuitest.Key("enter"))
	m.press(t, tuitest.Key("m"))
	m.press(t, tuitest.Key("o"))
	m.press(t, tuitest.Key("q"))
	got := m.Intents()
	if len(got) != 4 {
		t.Fatalf("intents = %v", got)
	}
	if o, ok := got[0].(common.OpenContactMsg); !ok || o.ContactID != want.ID {
		t.Errorf("enter posted %#v, want OpenContactMsg{%d}", got[0], want.ID)
	}
	if p, ok := got[1].(common.OpenPickerMsg); !ok || p.Contact.ID != want.ID {
		t.Errorf("m posted %#v, want OpenPickerMsg for %d", got[1], want.ID)
	}
	if _, ok := got[2].(common.OpenOutboxMsg); !ok {
		t.Errorf("o posted %#v, want OpenOutboxMsg", got[2])
	}
	if _, ok := got[3].(common.BackMsg); !ok {
		t.Errorf("q posted %#v, want BackMsg", got[3])
	}
}

func TestResizeRefetchesThePageSize(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, 120, 13)
	m.SetSize(120, 23)
	tuitest.Pump(t, m.update, m.update(tea.WindowSizeMsg{Width: 120, Height: 23}), nil)
	if len(m.page.Contacts) != 20 {
		t.Errorf("after growing to 23 lines: %d rows, want 20", len(m.page.Contacts))
	}
}

func TestTrust17NameYieldsLast(t *testing.T) {
	w := tuitest.NewWorld(t)
	c := store.Contact{Kind: store.KindLead, Status: store.StatusContactWithOpportunity, FirstName: "Mohammed",
		LastName: "Al-Sayed", Email: "mohammed@example.test", Company: "Gulf Trading"}
	if err := w.DB.CreateContact(t.Context(), &c); err != nil {
		t.Fatal(err)
	}
	m := screen(t, w, 80, 24)
	v := tuitest.Strip(m.View())
	if !strings.Contains(v, "Mohammed Al-Sayed") {
		t.Errorf("the name is cut at 80 columns:\n%s", v)
	}
	for _, line := range strings.Split(v, "\n") {
		if n := ansi.StringWidth(line); n > 80 {
			t.Errorf("a line is %d wide: %q", n, line)
		}
	}
	if cols := m.table.Columns(); cols[colName].Width < cols[colStatus].Width {
		t.Errorf("name %d columns, status %d: the name must keep priority", cols[colName].Width, cols[colStatus].Width)
	}
}
