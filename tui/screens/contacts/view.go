package contacts

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/table"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// headerLines is the lines above the table: the kind tabs, the search and
// the range shown; the filter in words and the order.
const headerLines = 2

// column is one table column: its ideal width, the width it may shrink to,
// and whether it takes a share of the leftover space.
type column struct {
	title, short string
	ideal, min   int
	flex         int // share of the leftover width, 0 for fixed columns
}

// Column indexes.
const (
	colMarker = iota
	colName
	colKind
	colStatus
	colCompany
	colOwner
	colActivity
)

var columns = []column{
	colMarker:   {title: " ", ideal: 1, min: 1},
	colName:     {title: "Name", ideal: 14, min: 10, flex: 55},
	colKind:     {title: "Kind", ideal: 7, min: 7},
	colStatus:   {title: "Status", ideal: 14, min: 9},
	colCompany:  {title: "Company", ideal: 10, min: 6, flex: 45},
	colOwner:    {title: "Owner", ideal: 16, min: 8},
	colActivity: {title: "Last activity", short: "Activity", ideal: 13, min: 8},
}

// maxNameIdeal bounds how wide the longest name on the page may ask the
// name column to be.
const maxNameIdeal = 28

// yieldOrder is which columns shrink first, each down to its minimum, when
// the row is too wide: the name, what a salesperson reads a row by, yields
// last.
var yieldOrder = []int{colActivity, colOwner, colCompany, colStatus, colName}

// dropOrder is which columns go first when even their minimum widths do
// not fit: owner, company, status, kind, then last activity.
var dropOrder = []int{colOwner, colCompany, colStatus, colKind, colActivity}

// layoutTable fits the columns to the width. The name column asks for the
// longest name on the page; columns shrink in yieldOrder towards their
// minimum; on a very narrow terminal whole columns are hidden (width 0).
func (m *Model) layoutTable() {
	frame := m.c.Styles.Table.Cell.GetHorizontalFrameSize()
	ideal, mins := make([]int, len(columns)), make([]int, len(columns))
	for i, c := range columns {
		ideal[i], mins[i] = c.ideal, c.min
	}
	for _, c := range m.page.Contacts {
		ideal[colName] = max(ideal[colName], min(maxNameIdeal, ansi.StringWidth(c.Name())))
	}
	sorted, arrow := m.sortedColumn()
	if sorted >= 0 { // room for the arrow after the title, or the short one
		title, short := m.columnTitles(sorted)
		if short == "" {
			short = title
		}
		ideal[sorted] = max(ideal[sorted], ansi.StringWidth(title)+arrowWidth)
		mins[sorted] = max(mins[sorted], min(ansi.StringWidth(short), mins[sorted])+arrowWidth)
	}
	shown := make([]bool, len(columns))
	minTotal := 0
	for i := range columns {
		shown[i] = true
		minTotal += mins[i] + frame
	}
	for _, i := range dropOrder {
		if minTotal <= m.width {
			break
		}
		shown[i] = false
		minTotal -= mins[i] + frame
	}
	widths := make([]int, len(columns))
	avail, used, flexTotal := m.width, 0, 0
	for i, c := range columns {
		if shown[i] {
			widths[i] = ideal[i]
			used += ideal[i]
			flexTotal += c.flex
			avail -= frame
		}
	}
	for _, i := range yieldOrder {
		if used <= avail {
			break
		}
		if shown[i] {
			cut := min(widths[i]-mins[i], used-avail)
			widths[i] -= cut
			used -= cut
		}
	}
	// Share what is left among the flexible columns.
	spare, given, last := avail-used, 0, -1
	for i, c := range columns {
		if c.flex > 0 && shown[i] && spare > 0 {
			add := spare * c.flex / flexTotal
			widths[i] += add
			given += add
			last = i
		}
	}
	if last >= 0 {
		widths[last] += spare - given
	}
	cols := make([]table.Column, len(columns))
	for i := range columns {
		title, short := m.columnTitles(i)
		room := widths[i]
		if i == sorted {
			room -= arrowWidth
		}
		if short != "" && room < ansi.StringWidth(title) {
			title = short
		}
		if i == sorted { // the arrow stays, the title yields
			title = ansi.Truncate(title, room, "…") + " " + arrow
		}
		if !shown[i] {
			widths[i] = 0 // the table skips columns without width
		}
		cols[i] = table.Column{Title: title, Width: widths[i]}
	}
	// Each setter renders the rows again: only what changed is set.
	if !slices.Equal(m.table.Columns(), cols) {
		m.table.SetColumns(cols)
	}
	if m.table.Width() != m.width {
		m.table.SetWidth(m.width)
	}
	if m.table.Height() != m.pageSize() { // the rows, below the column titles
		m.table.SetHeight(m.pageSize() + 1)
	}
	m.setRows()
}

// columnTitles are column i's title and its short form ("" if none): the
// last activity column shows when each was created while the list is
// sorted by it.
func (m *Model) columnTitles(i int) (title, short string) {
	if i == colActivity && m.req.Sort == store.SortCreated {
		return "Created", ""
	}
	return columns[i].title, columns[i].short
}

// setRows renders the visible page into the table; the "›" marker shows the
// cursor even without colour.
func (m *Model) setRows() {
	rows := make([]table.Row, len(m.page.Contacts))
	created := m.req.Sort == store.SortCreated
	for i, c := range m.page.Contacts {
		marker := " "
		if i == m.cursor {
			marker = "›"
		}
		when := c.LastActivityAt
		if created {
			when = c.CreatedAt
		}
		rows[i] = table.Row{
			marker,
			common.Printable(c.Name()),
			string(c.Kind),
			statusLabel(c.Status),
			common.Printable(common.OrNone(c.Company)),
			common.Printable(common.OrNone(c.OwnerName)),
			m.c.Age(when),
		}
	}
	m.table.SetRows(rows)
	if len(rows) > 0 {
		m.table.SetCursor(m.cursor)
	}
}

// statusLabel is a status short enough for the table.
func statusLabel(s store.Status) string {
	if s == store.StatusContactWithOpportunity {
		return "contact + opp."
	}
	return common.OrNone(common.Humanize(string(s)))
}

// View implements common.Screen.
func (m *Model) View() string {
	if m.width == 0 || m.height == 0 {
		return ""
	}
	header := m.headerView()
	var body string
	switch {
	case m.state == stateLoading:
		body = m.c.Styles.Empty.Render("Loading contacts…")
	case m.state == stateError:
		body = m.c.Styles.ErrorText.Render("Could not load contacts: "+m.errText) + "\n" +
			m.c.Styles.Muted.Render("Press r to try again.")
	case len(m.page.Contacts) == 0:
		body = m.c.Styles.Empty.Render(m.emptyText())
	default:
		body = m.table.View()
	}
	out := m.c.Styles.Fit(m.width, m.height, lipgloss.JoinVertical(lipgloss.Left, header, body))
	if !m.panel.open {
		return out
	}
	// The filter panel, over the list it filters.
	box := m.panelView(m.width)
	x := max(0, (m.width-lipgloss.Width(box))/2)
	y := max(0, (m.height-lipgloss.Height(box))/2)
	canvas := lipgloss.NewCanvas(m.width, m.height)
	canvas.Compose(lipgloss.NewCompositor(
		lipgloss.NewLayer(out),
		lipgloss.NewLayer(box).X(x).Y(y).Z(1),
	))
	return canvas.Render()
}

func (m *Model) emptyText() string {
	kind := "contacts"
	if k := filters[m.filter].kind; k == store.KindLead {
		kind = "leads"
	}
	filtered := m.req.Filter.OwnerID != 0 || m.req.Filter.Status != "" || m.req.Filter.StaleDays > 0 ||
		m.req.Filter.Overdue || m.req.Filter.Archived
	q := common.Printable(m.req.Filter.Search)
	switch {
	case q != "" && filtered:
		return fmt.Sprintf("No %s match “%s” with these filters (f changes them)", kind, q)
	case q != "":
		return fmt.Sprintf("No %s match “%s”", kind, q)
	case filtered:
		return fmt.Sprintf("No %s match these filters (f changes them)", kind)
	case m.filter == 0:
		return "No contacts yet. Import some with: leadmail import contacts.csv"
	}
	return fmt.Sprintf("No %s yet", kind)
}

// headerView is the kind tabs, the search field and the range shown, then
// the filter in words with the order.
func (m *Model) headerView() string {
	return m.tabsLine() + "\n" + m.filterLine()
}

// tabsLine is the kind tabs and the search field, and at the right the
// rows shown out of how many ("1–19 of 62"), or where that cannot be
// told, whether there is more above and below.
func (m *Model) tabsLine() string {
	st := m.c.Styles
	tabs := make([]string, len(filters))
	for i, f := range filters {
		if i == m.filter {
			label := f.label
			if st.NoColor {
				label = "[" + label + "]"
			}
			tabs[i] = st.TabActive.Render(label)
		} else {
			tabs[i] = st.TabInactive.Render(f.label)
		}
	}
	left := strings.Join(tabs, "  ") + "   " + m.searchView()

	right := m.rangeText()
	if right == "" {
		var hints []string
		if m.state == stateReady && m.page.HasPrev {
			hints = append(hints, "↑ more")
		}
		if m.state == stateReady && m.page.HasNext {
			hints = append(hints, "↓ more")
		}
		right = strings.Join(hints, "  ")
	}
	return spread(m.width, left, st.Muted.Render(right))
}

// spread puts left and right on one line width wide; right goes when
// both do not fit, and left is cut.
func spread(width int, left, right string) string {
	gap := width - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		return ansi.Truncate(left, width, "…")
	}
	return left + strings.Repeat(" ", gap) + right
}

// sortNames are the orders in words.
var sortNames = map[store.SortOrder]string{
	store.SortName: "name", store.SortCompany: "company", store.SortActivity: "last activity",
	store.SortCreated: "created",
}

// nextSort is the order s cycles to after o.
func nextSort(o store.SortOrder) store.SortOrder {
	orders := store.SortOrders()
	return orders[(slices.Index(orders, o)+1)%len(orders)]
}

// arrowWidth is the room the arrow takes after a column's title.
const arrowWidth = 2

// arrow marks ascending ▲ and descending ▼.
func arrow(desc bool) string {
	if desc {
		return "▼"
	}
	return "▲"
}

// sortedColumn is the column the list on screen is sorted by, and its
// arrow; -1 while a search ranks the rows.
func (m *Model) sortedColumn() (int, string) {
	if m.req.Filter.Search != "" {
		return -1, ""
	}
	switch m.req.Sort {
	case store.SortCompany:
		return colCompany, arrow(m.req.Desc)
	case store.SortActivity, store.SortCreated:
		return colActivity, arrow(m.req.Desc)
	}
	return colName, arrow(m.req.Desc)
}

// filterWords is the filter in force in words, the order last: "mine ·
// qualified · no activity 30 d · sorted by last activity ▼". The kind and
// the search are on the line above.
func (m *Model) filterWords() []string {
	f := m.narrow
	var words []string
	switch {
	case f.OwnerID != 0 && f.OwnerID == m.me:
		words = append(words, "mine")
	case f.OwnerID != 0:
		words = append(words, "owner "+m.userName(f.OwnerID))
	}
	if f.Status != "" {
		words = append(words, common.Humanize(string(f.Status)))
	}
	if f.StaleDays > 0 {
		words = append(words, fmt.Sprintf("no activity %d d", f.StaleDays))
	}
	if f.Overdue {
		words = append(words, "overdue task")
	}
	if f.Archived {
		words = append(words, "archived")
	}
	if len(words) == 0 {
		words = append(words, "no filter")
	}
	if m.search.Value() != "" {
		return append(words, "sorted by best match")
	}
	return append(words, "sorted by "+sortNames[m.sort]+" "+arrow(m.desc))
}

// filterLine is the filter in words, and at the right the keys that
// change it while there is room.
func (m *Model) filterLine() string {
	st := m.c.Styles
	words := m.filterWords()
	conds, order := words[:len(words)-1], words[len(words)-1]
	cst := st.Value
	if len(conds) == 1 && conds[0] == "no filter" {
		cst = st.Muted
	}
	sep := st.Muted.Render(" · ")
	var b strings.Builder
	for _, w := range conds {
		b.WriteString(cst.Render(w) + sep)
	}
	b.WriteString(st.Muted.Render(order))
	left := b.String()
	var keys []string
	for _, k := range []key.Binding{m.keys.Filters, m.keys.Sort, m.keys.Direction, m.keys.Mine} {
		if k.Enabled() {
			word := shortKeyHelp[k.Help().Key]
			if k.Help().Key == "M" && m.narrow.OwnerID == m.me {
				word = "everyone" // M goes back to everyone's
			}
			keys = append(keys, k.Help().Key+" "+word)
		}
	}
	right := st.Muted.Render(strings.Join(keys, "  "))
	if lipgloss.Width(left)+lipgloss.Width(right)+2 > m.width {
		right = ""
	}
	return spread(m.width, left, right)
}

// shortKeyHelp names the keys of the filter line in a word.
var shortKeyHelp = map[string]string{"f": "filters", "s": "sort", "d": "direction", "M": "mine"}

func (m *Model) searchView() string {
	if m.focus == focusSearch {
		return m.search.View()
	}
	if q := m.search.Value(); q != "" {
		return m.c.Styles.Muted.Render("/ ") + m.c.Styles.Value.Render("“"+q+"”")
	}
	return m.c.Styles.Muted.Render("/ search")
}
