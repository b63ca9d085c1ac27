package contacts

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// all pages through the listing on screen from its first page and returns
// every contact met.
func all(t *testing.T, m *Model) []store.Contact {
	t.Helper()
	m.press(t, tuitest.Key("g"))
	var out []store.Contact
	for {
		out = append(out, m.page.Contacts...)
		if !m.page.HasNext {
			return out
		}
		m.press(t, tuitest.Key("pgdown"))
	}
}

// setRow moves the open panel to row and presses right until the row
// reads value.
func setRow(t *testing.T, m *Model, row panelRow, value string) {
	t.Helper()
	for m.panel.row != row {
		k := "down"
		if m.panel.row > row {
			k = "up"
		}
		m.press(t, tuitest.Key(k))
	}
	for range 12 {
		if m.panelValues()[row] == value {
			return
		}
		m.press(t, tuitest.Key("right"))
	}
	t.Fatalf("the %s row never read %q (it reads %q)", panelLabels[row], value, m.panelValues()[row])
}

// header is the two lines above the table, ANSI stripped.
func header(m *Model) string {
	return tuitest.Strip(m.headerView())
}

// count is what the store counts for f.
func count(t *testing.T, w *tuitest.World, f store.ContactFilter) int {
	t.Helper()
	n, err := w.DB.CountContacts(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestFiltersCombine(t *testing.T) {
	w := tuitest.NewWorld(t)
	o := addOlga(t, w)
	m := screen(t, w, 120, 8)
	m.press(t, tuitest.Key("f"))
	if !m.panel.open || m.users == nil {
		t.Fatalf("f: panel open %v, users %v", m.panel.open, m.users)
	}
	setRow(t, m, rowKind, "leads")
	setRow(t, m, rowOwner, "Olga Owner")
	setRow(t, m, rowStatus, "qualified")
	m.press(t, tuitest.Key("enter"))
	if m.panel.open {
		t.Fatal("enter did not close the panel")
	}
	got := all(t, m)
	var names []string
	for _, c := range got {
		names = append(names, c.LastName)
		if c.Kind != store.KindLead || c.OwnerID != o.user.ID || c.Status != store.StatusQualified {
			t.Errorf("%s (%s, owner %d, %s) does not match the filters", c.Name(), c.Kind, c.OwnerID, c.Status)
		}
	}
	if want := []string{"Ångström", "Schulz", "Wright"}; !slices.Equal(names, want) {
		t.Errorf("leads of Olga's, qualified: %v, want %v", names, want)
	}
	if h := header(m); !strings.Contains(h, "owner Olga Owner · qualified · sorted by name ▲") || !strings.Contains(h, "1–3 of 3") {
		t.Errorf("header:\n%s", h)
	}

	// A search narrows the filtered list further.
	m.press(t, tuitest.Key("/"))
	m.press(t, tuitest.Type("wright")...)
	m.press(t, tuitest.Key("enter"))
	if got := lastNamesOf(m); !slices.Equal(got, []string{"Wright"}) || m.req.Filter.OwnerID != o.user.ID {
		t.Errorf("search wright within the filters: %v (%+v)", got, m.req.Filter)
	}
	m.press(t, tuitest.Key("/"))
	m.press(t, tuitest.Type("x")...)
	m.press(t, tuitest.Key("enter"))
	if v := tuitest.Strip(m.View()); !strings.Contains(v, "No leads match “wrightx” with these filters (f changes them)") {
		t.Errorf("empty state:\n%s", v)
	}
}

func TestMineShowsOnlyMine(t *testing.T) {
	w := tuitest.NewWorld(t)
	addOlga(t, w)
	m := screen(t, w, 120, 20)
	if h := m.keys.Mine.Help().Desc; h != "mine only" {
		t.Errorf("M says %q", h)
	}
	m.press(t, tuitest.Key("M"))
	mine := all(t, m)
	want := count(t, w, store.ContactFilter{OwnerID: w.User.ID})
	if len(mine) != want || want == 0 {
		t.Fatalf("M lists %d contacts, the user owns %d", len(mine), want)
	}
	for _, c := range mine {
		if c.OwnerID != w.User.ID {
			t.Errorf("M lists %s, owned by %q", c.Name(), c.OwnerName)
		}
	}
	m.press(t, tuitest.Key("g"))
	if h := header(m); !strings.Contains(h, "mine · sorted by name ▲") || !strings.Contains(h, "of 31") {
		t.Errorf("header after M:\n%s", h)
	}
	if h := m.keys.Mine.Help().Desc; h != "everyone's" {
		t.Errorf("M says %q after M", h)
	}
	m.press(t, tuitest.Key("M"))
	if n := len(all(t, m)); n != count(t, w, store.ContactFilter{}) || m.req.Filter.OwnerID != 0 {
		t.Errorf("M again lists %d, owner %d", n, m.req.Filter.OwnerID)
	}
	// The panel offers the same, worded as the user's.
	m.press(t, tuitest.Key("f"))
	setRow(t, m, rowOwner, "mine (Sam Seller)")
	m.press(t, tuitest.Key("enter"))
	if m.req.Filter.OwnerID != w.User.ID {
		t.Errorf("the panel's mine filters on owner %d", m.req.Filter.OwnerID)
	}
}

func TestMineNeedsAUser(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := New(tuitest.Common(t), w.DB, Options{})
	m.SetSize(120, 20)
	tuitest.Pump(t, m.update, m.Init(), nil)
	if m.keys.Mine.Enabled() {
		t.Error("M is enabled with no user to call mine")
	}
	m.press(t, tuitest.Key("M"))
	if m.req.Filter.OwnerID != 0 {
		t.Errorf("M filtered on owner %d", m.req.Filter.OwnerID)
	}
	m.press(t, tuitest.Key("f"))
	setRow(t, m, rowOwner, "anyone")
	m.press(t, tuitest.Key("right"))
	if v := m.panelValues()[rowOwner]; v != "Sam Seller" {
		t.Errorf("without a user the owner after anyone is %q, want the first user", v)
	}
}

func TestHeaderSaysTheFilterInWords(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, 120, 20)
	m.press(t, tuitest.Key("s"), tuitest.Key("s")) // last activity, newest first
	m.press(t, tuitest.Key("f"))
	setRow(t, m, rowOwner, "mine (Sam Seller)")
	setRow(t, m, rowStatus, "qualified")
	setRow(t, m, rowStale, "any time")
	m.press(t, tuitest.Type("30")...)
	setRow(t, m, rowOverdue, "not needed")
	m.press(t, tuitest.Key("enter"))
	want := store.ContactFilter{OwnerID: w.User.ID, Status: store.StatusQualified, StaleDays: 30}
	if m.req.Filter != want {
		t.Fatalf("filter %+v, want %+v", m.req.Filter, want)
	}
	n := count(t, w, want)
	h := header(m)
	if !strings.Contains(h, "mine · qualified · no activity 30 d · sorted by last activity ▼") {
		t.Errorf("the filter in words:\n%s", h)
	}
	if n == 0 || !strings.Contains(h, "1–"+itoa(min(n, m.pageSize()))+" of "+itoa(n)) {
		t.Errorf("the range of %d:\n%s", n, h)
	}
	for _, c := range all(t, m) {
		if c.OwnerID != w.User.ID || c.Status != store.StatusQualified ||
			!c.LastActivityAt.IsZero() && c.LastActivityAt.After(tuitest.Now.Add(-30*24*time.Hour)) {
			t.Errorf("%s (%s, %s) does not match", c.Name(), c.Status, c.LastActivityAt)
		}
	}
}

func itoa(n int) string { return store.Count{N: n, Exact: true}.String() }

func TestOverdueFilter(t *testing.T) {
	w := tuitest.NewWorld(t)
	ctx := t.Context()
	for i, due := range []time.Duration{-time.Hour, time.Hour} {
		task := store.Task{ContactID: w.Bulk[i].ID, Title: "call back", DueAt: tuitest.Now.Add(due)}
		if err := w.DB.AddTask(ctx, &task, w.User.ID); err != nil {
			t.Fatal(err)
		}
	}
	m := screen(t, w, 120, 20)
	m.press(t, tuitest.Key("f"))
	setRow(t, m, rowOverdue, "has an overdue task")
	m.press(t, tuitest.Key("enter"))
	if got := names(m); !slices.Equal(got, []string{w.Bulk[0].Name()}) {
		t.Errorf("overdue: %v, want only %s", got, w.Bulk[0].Name())
	}
	if h := header(m); !strings.Contains(h, "overdue task · sorted by name") || !strings.Contains(h, "1–1 of 1") {
		t.Errorf("header:\n%s", h)
	}
}

func TestArchivedHiddenUnlessAsked(t *testing.T) {
	w := tuitest.NewWorld(t)
	if _, err := w.DB.Archive(t.Context(), w.Ada.ID, w.User.ID); err != nil {
		t.Fatal(err)
	}
	m := screen(t, w, 120, 20)
	for _, c := range all(t, m) {
		if c.ID == w.Ada.ID {
			t.Fatal("the archived Ada is listed")
		}
	}
	m.press(t, tuitest.Key("/"))
	m.press(t, tuitest.Type("lovelace")...)
	m.press(t, tuitest.Key("enter"))
	if len(m.page.Contacts) != 0 {
		t.Errorf("a search finds the archived Ada: %v", names(m))
	}
	m.press(t, tuitest.Key("esc"), tuitest.Key("f"))
	setRow(t, m, rowArchived, "archived only")
	m.press(t, tuitest.Key("enter"))
	if got := names(m); !slices.Equal(got, []string{"Ada Lovelace"}) {
		t.Errorf("archived only: %v", got)
	}
	if h := header(m); !strings.Contains(h, "archived · sorted by name") {
		t.Errorf("header:\n%s", h)
	}
}

// A number of days that cannot be read is refused with a sentence, and
// nothing changes: not the filter, not the request, not the rows.
func TestBadStaleDaysRefused(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, 120, 30)
	m.press(t, tuitest.Key("M")) // a filter in force, which must stay
	beforeReq, beforeRows, beforeNarrow := m.req, names(m), m.narrow
	for _, tc := range []struct{ typed, says string }{
		{"3x", "“3x” is not a number of days: type a whole number from 1 to 36500, or leave it empty for any time."},
		{"-5", "“-5” is not a number of days"},
		{"0", "No activity for 0 days cannot be asked"},
		{"99999", "No activity for 99999 days cannot be asked"},
		{"\x1b[2J", "“[2J” is not a number of days"}, // the input drops the ESC
	} {
		m.press(t, tuitest.Key("f"))
		setRow(t, m, rowStale, "any time")
		if !m.Capturing() {
			t.Fatal("the days row does not take typed text")
		}
		m.update(tea.PasteMsg{Content: tc.typed})
		seq := m.fetchSeq
		cmd := m.update(tuitest.Key("enter"))
		if !m.panel.open || m.panel.row != rowStale {
			t.Fatalf("%q: the panel closed (open %v, row %d)", tc.typed, m.panel.open, m.panel.row)
		}
		v := tuitest.Strip(m.View())
		if !strings.HasPrefix(m.panel.err, tc.says) || !strings.Contains(v, tc.says[:min(len(tc.says), 30)]) {
			t.Errorf("%q: the panel says %q, want %q:\n%s", tc.typed, m.panel.err, tc.says, v)
		}
		if strings.Contains(v, "\x1b[2J") {
			t.Error("a typed escape sequence reached the view raw")
		}
		tuitest.Pump(t, m.update, cmd, nil)
		if m.fetchSeq != seq || m.narrow != beforeNarrow || !reflectEqual(m.req, beforeReq) || !slices.Equal(names(m), beforeRows) {
			t.Errorf("%q: something changed: filter %+v, request %+v", tc.typed, m.narrow, m.req)
		}
		m.press(t, tuitest.Key("esc"))
	}
	// The same panel takes a good number.
	m.press(t, tuitest.Key("f"))
	setRow(t, m, rowStale, "any time")
	m.press(t, tuitest.Type("14")...)
	m.press(t, tuitest.Key("enter"))
	if m.panel.open || m.req.Filter.StaleDays != 14 || m.req.Filter.OwnerID != w.User.ID {
		t.Errorf("14 days: open %v, filter %+v", m.panel.open, m.req.Filter)
	}
}

// reflectEqual compares two page requests, cursors by value.
func reflectEqual(a, b store.PageRequest) bool {
	eq := func(x, y *store.Cursor) bool { return x == nil && y == nil || x != nil && y != nil && *x == *y }
	return a.Filter == b.Filter && a.Sort == b.Sort && a.Desc == b.Desc && a.Last == b.Last && a.Limit == b.Limit &&
		a.Brief == b.Brief && eq(a.After, b.After) && eq(a.Before, b.Before)
}

func TestPanelEscChangesNothing(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, 120, 20)
	before := m.req
	m.press(t, tuitest.Key("f"))
	setRow(t, m, rowKind, "leads")
	setRow(t, m, rowStatus, "open")
	setRow(t, m, rowArchived, "archived only")
	m.press(t, tuitest.Key("esc"))
	if m.panel.open || !reflectEqual(m.req, before) || m.filter != 0 || m.narrow != (store.ContactFilter{}) {
		t.Errorf("esc applied something: %+v", m.req)
	}
	// x clears every choice; enter then applies none.
	m.press(t, tuitest.Key("M"), tuitest.Key("f"))
	setRow(t, m, rowStatus, "open")
	m.press(t, tuitest.Key("x"), tuitest.Key("enter"))
	if m.req.Filter != (store.ContactFilter{}) {
		t.Errorf("x then enter left %+v", m.req.Filter)
	}
	// The days row steps through presets with ←/→.
	m.press(t, tuitest.Key("f"))
	setRow(t, m, rowStale, "any time")
	m.press(t, tuitest.Key("right"), tuitest.Key("right"))
	if v := m.panel.days.Value(); v != "14" {
		t.Errorf("→ → on any time reads %q, want 14", v)
	}
	m.press(t, tuitest.Key("left"), tuitest.Key("left"), tuitest.Key("left"))
	if v := m.panel.days.Value(); v != "365" {
		t.Errorf("← past any time reads %q, want 365", v)
	}
	if m.keys.PanelClear.Enabled() {
		t.Error("x is enabled on the days row, where it is text")
	}
}

// counter is the real store, counting the counts asked for.
type counter struct {
	Store
	mu     sync.Mutex
	counts []store.ContactFilter
	approx bool // report every count as an estimate, as at a million
}

func (s *counter) EstimateContacts(ctx context.Context, f store.ContactFilter) (store.Count, error) {
	s.mu.Lock()
	s.counts = append(s.counts, f)
	s.mu.Unlock()
	c, err := s.Store.EstimateContacts(ctx, f)
	if s.approx {
		c = store.Count{N: c.N / 10 * 10} // 62 is about 60
	}
	return c, err
}

func (s *counter) take() []store.ContactFilter {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.counts
	s.counts = nil
	return out
}

func countedWorld(t *testing.T, approx bool) (*Model, *counter) {
	t.Helper()
	w := tuitest.NewWorld(t)
	s := &counter{Store: w.DB, approx: approx}
	m := New(tuitest.Common(t), s, Options{Me: w.User.ID})
	m.SetSize(120, 13) // 10 rows
	tuitest.Pump(t, m.update, m.Init(), nil)
	return m, s
}

// Counts are asked once per filter and kept; a change to the contacts
// asks again, showing the old count until the new one is in.
func TestCountsCachedPerFilter(t *testing.T) {
	m, s := countedWorld(t, false)
	if got := s.take(); len(got) != 1 || got[0] != (store.ContactFilter{}) {
		t.Fatalf("opening counted %+v", got)
	}
	if h := header(m); !strings.Contains(h, "1–10 of 62") {
		t.Errorf("header:\n%s", h)
	}
	m.press(t, tuitest.Key("pgdown"), tuitest.Key("pgdown"), tuitest.Key("pgup"), tuitest.Key("tab"), tuitest.Key("tab"), tuitest.Key("tab"))
	if got := s.take(); len(got) != 2 || got[0].Kind != store.KindLead || got[1].Kind != store.KindContact {
		t.Errorf("paging and the tabs counted %+v, want leads and contacts once each", got)
	}
	// The count is not what the page waits for: the page comes first.
	cmd := m.update(common.ContactsChangedMsg{})
	if h := header(m); !strings.Contains(h, "1–10 of 62") {
		t.Errorf("the old count went before the new one came:\n%s", h)
	}
	tuitest.Pump(t, m.update, cmd, nil)
	if got := s.take(); len(got) != 1 {
		t.Errorf("a change to the contacts counted %+v, want the filter on screen once", got)
	}
}

func TestRangeFromTheEnd(t *testing.T) {
	for _, tc := range []struct {
		approx           bool
		first, end, back string
	}{
		{false, "1–10 of 62", "53–62 of 62", "43–52 of 62"},
		{true, "1–10 of ≈60", "≈51–60 of ≈60", "≈41–50 of ≈60"},
	} {
		m, _ := countedWorld(t, tc.approx)
		steps := []struct{ key, want string }{{"", tc.first}, {"G", tc.end}, {"pgup", tc.back}, {"g", tc.first}}
		for _, st := range steps {
			if st.key != "" {
				m.press(t, tuitest.Key(st.key))
			}
			if got := m.rangeText(); got != st.want {
				t.Errorf("approx %v, after %q: range %q, want %q", tc.approx, st.key, got, st.want)
			}
		}
		if !tc.approx {
			continue
		}
		// Paging down to the last page from the start tells how many
		// there are.
		for range 6 {
			m.press(t, tuitest.Key("pgdown"))
		}
		if got := m.rangeText(); got != "61–62 of 62" {
			t.Errorf("the last page from the start against ≈60: %q", got)
		}
	}
}

func TestPanelGolden(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, 80, 21)
	m.press(t, tuitest.Key("f"))
	setRow(t, m, rowStatus, "qualified")
	setRow(t, m, rowStale, "any time")
	m.press(t, tuitest.Type("30")...)
	v := m.View()
	for _, l := range strings.Split(v, "\n") {
		if n := ansi.StringWidth(l); n > 80 {
			t.Errorf("a line is %d wide: %q", n, tuitest.Strip(l))
		}
	}
	tuitest.Golden(t, v)
}
