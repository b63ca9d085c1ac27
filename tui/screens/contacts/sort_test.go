package contacts

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// olga is a second salesperson who owns eight people whose names, companies
// and times each sort differently, with the accents and letters that
// byte order gets wrong.
type olga struct {
	user   store.User
	people []store.Contact
}

func addOlga(t *testing.T, w *tuitest.World) olga {
	t.Helper()
	ctx := t.Context()
	u, err := w.DB.UpsertUser(ctx, store.User{Name: "Olga Owner", Email: "olga@acme.test", Role: store.RoleSalesperson})
	if err != nil {
		t.Fatal(err)
	}
	day := func(n int) time.Time {
		if n == 0 {
			return time.Time{}
		}
		return tuitest.Now.Add(-time.Duration(n) * 24 * time.Hour)
	}
	o := olga{user: u}
	for _, p := range []struct {
		first, last, company string
		activity, created    int // days ago; no activity at 0
		kind                 store.Kind
		status               store.Status
	}{
		{"Lena", "Ångström", "Zeta", 5, 80, store.KindLead, store.StatusQualified},
		{"Maria", "Sánchez", "Beta", 1, 10, store.KindLead, store.StatusOpen},
		{"Eva", "Schäfer", "Épée Works", 0, 50, store.KindContact, store.StatusContact},
		{"Karl", "Schulz", "Alpha", 30, 20, store.KindLead, store.StatusQualified},
		{"Sean", "Sullivan", "Delta", 2, 70, store.KindContact, store.StatusContact},
		{"Jan", "Wójcik", "Omega", 60, 30, store.KindLead, store.StatusUnqualified},
		{"Tom", "Wright", "Gamma", 10, 60, store.KindLead, store.StatusQualified},
		{"Zofia", "Zieliński", "Kappa", 20, 40, store.KindContact, store.StatusContact},
	} {
		o.people = append(o.people, store.Contact{Kind: p.kind, Status: p.status, FirstName: p.first, LastName: p.last,
			Email: strings.ToLower(p.first) + "@olga.test", Company: p.company, OwnerID: u.ID,
			LastActivityAt: day(p.activity), CreatedAt: day(p.created)})
	}
	if err := w.DB.InsertContacts(ctx, o.people); err != nil {
		t.Fatal(err)
	}
	return o
}

// lastNamesOf is the last names of the page on screen.
func lastNamesOf(m *Model) []string {
	out := make([]string, len(m.page.Contacts))
	for i, c := range m.page.Contacts {
		out[i] = c.LastName
	}
	return out
}

// walk pages from the first page to the last with pgdown, then back from
// the last to the first with pgup, and returns the last names met each way
// (the second in display order too). Going up, the first page is shown
// whole where the page before a cursor would be short: its rows already
// met are not counted twice.
func walk(t *testing.T, m *Model) (down, up []string) {
	t.Helper()
	m.press(t, tuitest.Key("g"))
	for {
		down = append(down, lastNamesOf(m)...)
		if !m.page.HasNext {
			break
		}
		m.press(t, tuitest.Key("pgdown"))
	}
	m.press(t, tuitest.Key("G"))
	seen := map[int64]bool{}
	for {
		var page []string
		for _, c := range m.page.Contacts {
			if !seen[c.ID] {
				seen[c.ID] = true
				page = append(page, c.LastName)
			}
		}
		up = append(page, up...)
		if !m.page.HasPrev {
			break
		}
		m.press(t, tuitest.Key("pgup"))
	}
	return down, up
}

// chooseOwner picks the owner named label in the filter panel and applies
// it.
func chooseOwner(t *testing.T, m *Model, label string) {
	t.Helper()
	m.press(t, tuitest.Key("f"), tuitest.Key("down"))
	for range 10 {
		if m.panelValues()[rowOwner] == label {
			m.press(t, tuitest.Key("enter"))
			return
		}
		m.press(t, tuitest.Key("right"))
	}
	t.Fatalf("the owner row never offered %q", label)
}

// Each order and direction lists Olga's people as people read them, and
// keyset paging, three rows a page, meets every one once each way.
func TestSortOrdersAndDirections(t *testing.T) {
	w := tuitest.NewWorld(t)
	addOlga(t, w)
	m := screen(t, w, 120, 6) // 3 rows a page
	chooseOwner(t, m, "Olga Owner")

	byName := []string{"Ångström", "Sánchez", "Schäfer", "Schulz", "Sullivan", "Wójcik", "Wright", "Zieliński"}
	for _, tc := range []struct {
		sort   store.SortOrder
		column string   // its title, in lower case: it may be shortened
		want   []string // ascending
	}{
		{store.SortName, "name", byName},
		{store.SortCompany, "company", []string{"Schulz", "Sánchez", "Sullivan", "Schäfer", "Wright", "Zieliński", "Wójcik", "Ångström"}},
		// No activity first, then the oldest.
		{store.SortActivity, "activity", []string{"Schäfer", "Wójcik", "Schulz", "Zieliński", "Wright", "Ångström", "Sullivan", "Sánchez"}},
		{store.SortCreated, "created", []string{"Ångström", "Sullivan", "Wright", "Schäfer", "Zieliński", "Wójcik", "Schulz", "Sánchez"}},
	} {
		// Dates start newest first, names A to Z; d turns either round.
		first := tc.sort == store.SortActivity || tc.sort == store.SortCreated
		for _, desc := range []bool{first, !first} {
			if m.sort != tc.sort || m.desc != desc {
				t.Fatalf("the keys reached %s desc %v, want %s desc %v", m.sort, m.desc, tc.sort, desc)
			}
			want := slices.Clone(tc.want)
			arrow := "▲"
			if desc {
				slices.Reverse(want)
				arrow = "▼"
			}
			down, up := walk(t, m)
			if !slices.Equal(down, want) || !slices.Equal(up, want) {
				t.Errorf("%s desc %v: paging down %v, up %v; want %v", tc.sort, desc, down, up, want)
			}
			if m.req.Sort != tc.sort || m.req.Desc != desc || m.req.Filter.OwnerID != addOlgaID(t, m) {
				t.Errorf("the store was asked for %+v", m.req)
			}
			v := tuitest.Strip(m.View())
			if words := "owner Olga Owner · sorted by " + sortNames[tc.sort] + " " + arrow; !strings.Contains(v, words) {
				t.Errorf("the header does not say %q:\n%s", words, v)
			}
			if !strings.Contains(strings.ToLower(v), tc.column+" "+arrow) {
				t.Errorf("the %s column is not marked %s:\n%s", tc.column, arrow, v)
			}
			m.press(t, tuitest.Key("d"))
		}
		m.press(t, tuitest.Key("s"))
	}
	if m.sort != store.SortName {
		t.Errorf("s after created went to %s, want name", m.sort)
	}
}

// addOlgaID is the owner the screen filters on, checked to be Olga's by
// name.
func addOlgaID(t *testing.T, m *Model) int64 {
	t.Helper()
	if m.userName(m.narrow.OwnerID) != "Olga Owner" {
		t.Fatalf("the owner in force is %q", m.userName(m.narrow.OwnerID))
	}
	return m.narrow.OwnerID
}

// The list reads Sánchez before Sullivan among everyone, as the issue's
// acceptance asks.
func TestNamesSortAsPeopleReadThem(t *testing.T) {
	w := tuitest.NewWorld(t)
	addOlga(t, w)
	m := screen(t, w, 120, 40)
	var all []string
	for {
		all = append(all, lastNamesOf(m)...)
		if !m.page.HasNext {
			break
		}
		m.press(t, tuitest.Key("pgdown"))
	}
	pos := func(name string) int { return slices.Index(all, name) }
	// Byte order puts each second name first, and Ångström after
	// Zieliński.
	for _, pair := range [][2]string{{"Sánchez", "Sullivan"}, {"Schäfer", "Schulz"}, {"Wójcik", "Wright"},
		{"Abbott", "Ångström"}, {"Ångström", "Baker"}, {"Turner", "Zieliński"}} {
		if a, b := pos(pair[0]), pos(pair[1]); a < 0 || b < 0 || a > b {
			t.Errorf("%s at %d, %s at %d: out of reading order in %v", pair[0], a, pair[1], b, all)
		}
	}
}

// A search ranks by relevance: the order keys do nothing, say so and are
// off in the help; clearing the search brings the order back.
func TestSearchSortsByBestMatch(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, 120, 40)
	m.press(t, tuitest.Key("s"), tuitest.Key("d")) // company, descending
	m.press(t, tuitest.Key("/"))
	m.press(t, tuitest.Type("ada")...)
	m.press(t, tuitest.Key("enter"))
	if m.keys.Sort.Enabled() || m.keys.Direction.Enabled() {
		t.Error("s and d are enabled while a search ranks the rows")
	}
	before := m.req
	m.press(t, tuitest.Key("s"), tuitest.Key("d"))
	if m.sort != store.SortCompany || !m.desc || m.req.Sort != before.Sort || m.req.Desc != before.Desc {
		t.Errorf("s and d changed the order under a search: %s desc %v", m.sort, m.desc)
	}
	v := tuitest.Strip(m.View())
	if !strings.Contains(v, "sorted by best match") || strings.Contains(v, "▲") || strings.Contains(v, "▼") {
		t.Errorf("the header does not say the search ranks the rows:\n%s", v)
	}
	m.press(t, tuitest.Key("esc"))
	v = tuitest.Strip(m.View())
	if !strings.Contains(v, "sorted by company ▼") || !strings.Contains(v, "Company ▼") || !m.keys.Sort.Enabled() {
		t.Errorf("clearing the search did not bring the order back:\n%s", v)
	}
	if h := m.keys.Sort.Help().Desc; h != "sort by last activity" {
		t.Errorf("s says %q, want the order it goes to", h)
	}
}

// At 80 columns the sorted column keeps its arrow: the title yields to it.
func TestSortArrowAt80Columns(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, 80, 24)
	for _, want := range []string{"Company ▲", "Activity ▼", "Created ▼", "Name ▲"} {
		m.press(t, tuitest.Key("s"))
		v := tuitest.Strip(m.View())
		if !strings.Contains(v, want) {
			t.Errorf("sorted by %s at 80 columns, no %q:\n%s", m.sort, want, v)
		}
		for _, l := range strings.Split(v, "\n") {
			if n := ansi.StringWidth(l); n > 80 {
				t.Errorf("a line is %d wide: %q", n, l)
			}
		}
	}
	// Sorted by created, the last column says when each was created.
	m.press(t, tuitest.Key("s"), tuitest.Key("s"), tuitest.Key("s"))
	if m.sort != store.SortCreated || m.req.Brief {
		t.Fatalf("sort %s, brief %v: a created sort needs full rows", m.sort, m.req.Brief)
	}
	if got, want := m.table.Rows()[0][colActivity], m.c.Age(m.page.Contacts[0].CreatedAt); got != want || got == "—" {
		t.Errorf("the created column shows %q, want %q", got, want)
	}
}
