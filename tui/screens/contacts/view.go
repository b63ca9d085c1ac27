package contacts

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/table"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// headerLines is the filter tabs and search line above the table.
const headerLines = 1

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
	ideal := make([]int, len(columns))
	for i, c := range columns {
		ideal[i] = c.ideal
	}
	for _, c := range m.page.Contacts {
		ideal[colName] = max(ideal[colName], min(maxNameIdeal, ansi.StringWidth(c.Name())))
	}
	shown := make([]bool, len(columns))
	minTotal := 0
	for i, c := range columns {
		shown[i] = true
		minTotal += c.min + frame
	}
	for _, i := range dropOrder {
		if minTotal <= m.width {
			break
		}
		shown[i] = false
		minTotal -= columns[i].min + frame
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
			cut := min(widths[i]-columns[i].min, used-avail)
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
	for i, c := range columns {
		title := c.title
		if c.short != "" && widths[i] < len(title) {
			title = c.short
		}
		if !shown[i] {
			widths[i] = 0 // the table skips columns without width
		}
		cols[i] = table.Column{Title: title, Width: widths[i]}
	}
	m.table.SetColumns(cols)
	m.table.SetWidth(m.width)
	m.table.SetHeight(m.pageSize() + 1)
	m.setRows()
}

// setRows renders the visible page into the table; the "›" marker shows the
// cursor even without colour.
func (m *Model) setRows() {
	rows := make([]table.Row, len(m.page.Contacts))
	for i, c := range m.page.Contacts {
		marker := " "
		if i == m.cursor {
			marker = "›"
		}
		rows[i] = table.Row{
			marker,
			c.Name(),
			string(c.Kind),
			statusLabel(c.Status),
			common.OrNone(c.Company),
			common.OrNone(c.OwnerName),
			m.c.Age(c.LastActivityAt),
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
	out := lipgloss.JoinVertical(lipgloss.Left, header, body)
	return m.c.Styles.Fit(m.width, m.height, out)
}

func (m *Model) emptyText() string {
	kind := "contacts"
	if k := filters[m.filter].kind; k == store.KindLead {
		kind = "leads"
	}
	if q := m.req.Filter.Search; q != "" {
		return fmt.Sprintf("No %s match “%s”", kind, q)
	}
	if m.filter == 0 {
		return "No contacts yet. Import some with: leadmail import contacts.csv"
	}
	return fmt.Sprintf("No %s yet", kind)
}

// headerView is the filter tabs, the search field and the paging hints.
func (m *Model) headerView() string {
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

	var hints []string
	if m.state == stateReady && m.page.HasPrev {
		hints = append(hints, "↑ more")
	}
	if m.state == stateReady && m.page.HasNext {
		hints = append(hints, "↓ more")
	}
	right := st.Muted.Render(strings.Join(hints, "  "))
	gap := m.width - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		return ansi.Truncate(left, m.width, "…")
	}
	return left + strings.Repeat(" ", gap) + right
}

func (m *Model) searchView() string {
	if m.focus == focusSearch {
		return m.search.View()
	}
	if q := m.search.Value(); q != "" {
		return m.c.Styles.Muted.Render("/ ") + m.c.Styles.Value.Render("“"+q+"”")
	}
	return m.c.Styles.Muted.Render("/ search")
}
