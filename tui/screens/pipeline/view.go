package pipeline

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

const (
	// headerLines are the title with the filter, and the totals.
	headerLines = 2
	// columnHeadLines are a column's name, count and total, weighted
	// total, and its rule.
	columnHeadLines = 4
	// footLines is each column's position line.
	footLines = 1
	// cardLines is one card: name, company, value and close, owner, and a
	// blank line.
	cardLines = 5
	// minColumn is the narrowest column; fewer columns show when the
	// screen is narrower, and ←/→ scroll them.
	minColumn = 22
	// gap separates two columns.
	gap = 2
)

// perColumn is how many cards a column shows, and so its page size.
func (m *Model) perColumn() int {
	return max(1, (m.height-headerLines-columnHeadLines-footLines)/cardLines)
}

// visible is how many columns fit side by side.
func (m *Model) visible() int {
	n := max(1, (m.width+gap)/(minColumn+gap))
	return max(1, min(n, len(m.cols)))
}

// clampLeft scrolls the columns so the focused one shows.
func (m *Model) clampLeft() {
	v := m.visible()
	m.focus = max(0, min(m.focus, len(m.cols)-1))
	if m.focus < m.left {
		m.left = m.focus
	}
	if m.focus >= m.left+v {
		m.left = m.focus - v + 1
	}
	m.left = max(0, min(m.left, len(m.cols)-v))
}

// View implements common.Screen.
func (m *Model) View() string {
	if m.width == 0 || m.height == 0 {
		return ""
	}
	st := m.c.Styles
	lines := []string{m.titleLine()}
	switch m.state {
	case stateLoading:
		lines = append(lines, "", st.Empty.Render("Loading the pipeline…"))
	case stateError:
		lines = append(lines, "")
		if m.denied {
			// Not a failure to retry: the role has no pipeline (S16).
			lines = append(lines, strings.Split(st.Empty.Render(ansi.Wrap(common.Sentence(m.errText), m.width, "")), "\n")...)
			lines = append(lines, st.Muted.Render("esc goes back."))
			break
		}
		lines = append(lines, strings.Split(st.ErrorText.Render(ansi.Wrap("Could not read the pipeline: "+m.errText, m.width, "")), "\n")...)
		lines = append(lines, st.Muted.Render("r tries again, esc goes back."))
	default:
		lines = append(lines, m.totalsLine())
		lines = append(lines, m.board()...)
		if m.asking {
			prompt := m.reasonLines()
			keep := max(headerLines, m.height-len(prompt))
			if len(lines) > keep {
				lines = lines[:keep]
			}
			for len(lines) < keep {
				lines = append(lines, "")
			}
			lines = append(lines, prompt...)
		}
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, m.width, "…")
	}
	return st.Fit(m.width, m.height, strings.Join(lines, "\n"))
}

// whose says the filter in words.
func (m *Model) whose() string {
	var who string
	switch f := m.filter.owner; f {
	case 0:
		who = "everyone's deals"
	case m.opts.Me.ID:
		who = "your deals"
	default:
		who = m.ownerName(f) + "'s deals"
	}
	if m.filter.closing {
		first, _ := monthRange(m.c.Now())
		who += " closing in " + first.Format("January")
	}
	return who
}

func (m *Model) ownerName(id int64) string {
	for _, u := range m.users {
		if u.ID == id {
			return common.Printable(u.Name)
		}
	}
	return fmt.Sprintf("user %d", id)
}

// titleLine is the screen's name, the filter, and where the columns are
// when they do not all fit.
func (m *Model) titleLine() string {
	st := m.c.Styles
	left := st.Title.Render("Pipeline") + st.Muted.Render(" · "+m.whose())
	if m.state != stateReady || len(m.cols) <= m.visible() {
		return left
	}
	right := fmt.Sprintf("stages %d–%d of %d", m.left+1, m.left+m.visible(), len(m.cols))
	switch {
	case m.left > 0 && m.left+m.visible() < len(m.cols):
		right = "← " + right + " →"
	case m.left > 0:
		right = "← " + right
	default:
		right += " →"
	}
	return spread(left, st.Muted.Render(right), m.width)
}

// spread puts left and right on one line, right-aligned, or left alone
// when they do not fit.
func spread(left, right string, width int) string {
	room := width - ansi.StringWidth(left) - ansi.StringWidth(right)
	if room < 2 {
		return left
	}
	return left + strings.Repeat(" ", room) + right
}

// amounts writes per-currency amounts apart: they are never added.
func amounts(m map[string]int64) string {
	ms := store.Amounts(m)
	if len(ms) == 0 {
		return "—"
	}
	parts := make([]string, len(ms))
	for i, a := range ms {
		parts[i] = a.Short()
	}
	return strings.Join(parts, ", ")
}

// sum adds the totals of the stages whose outcome is o.
func (m *Model) sum(o store.Outcome) (n int, total, weighted map[string]int64) {
	total, weighted = map[string]int64{}, map[string]int64{}
	for _, t := range m.totals {
		if t.Stage.Outcome != o {
			continue
		}
		n += t.Count
		for c, v := range t.Total {
			total[c] += v
		}
		for c, v := range t.Weighted {
			weighted[c] += v
		}
	}
	return n, total, weighted
}

// totalsLine is the whole filtered pipeline: the open deals, their total
// and weighted total, then won and lost.
func (m *Model) totalsLine() string {
	st := m.c.Styles
	n, total, weighted := m.sum(store.OutcomeOpen)
	open := st.Value.Render(fmt.Sprintf("%s open · %s", plural(n, "deal", "deals"), amounts(total))) +
		st.Muted.Render(" · weighted ") + st.Value.Render(amounts(weighted))
	won, wonTotal, _ := m.sum(store.OutcomeWon)
	lost, lostTotal, _ := m.sum(store.OutcomeLost)
	closedText := func(word string, n int, total map[string]int64) string {
		if n == 0 {
			return fmt.Sprintf("%s 0", word)
		}
		return fmt.Sprintf("%s %d %s", word, n, amounts(total))
	}
	closed := st.Muted.Render(closedText("won", won, wonTotal) + " · " + closedText("lost", lost, lostTotal))
	return spread(open, closed, m.width)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// widths is each shown column's width.
func (m *Model) colWidth() int {
	v := m.visible()
	return max(minColumn, (m.width-gap*(v-1))/v)
}

// board lays the visible columns side by side.
func (m *Model) board() []string {
	if len(m.cols) == 0 {
		return []string{"", m.c.Styles.Empty.Render("The pipeline has no stages.")}
	}
	w := m.colWidth()
	height := columnHeadLines + m.perColumn()*cardLines + footLines
	out := make([]string, height)
	end := min(len(m.cols), m.left+m.visible())
	for i := m.left; i < end; i++ {
		col := m.columnLines(i, w, height)
		for j := range out {
			if i > m.left {
				out[j] += strings.Repeat(" ", gap)
			}
			out[j] += col[j]
		}
	}
	return out
}

// columnLines is column i, exactly height lines of w cells.
func (m *Model) columnLines(i, w, height int) []string {
	st := m.c.Styles
	c := &m.cols[i]
	focused := i == m.focus
	name := fmt.Sprintf("%s %d%%", common.Printable(c.stage.Name), c.stage.Probability)
	head := st.Label.Render(fit(name, w))
	if focused {
		head = st.Title.Render(fit(name, w))
	}
	lines := []string{
		head,
		st.Value.Render(fit(fmt.Sprintf("%d · %s", c.totals.Count, amounts(c.totals.Total)), w)),
		st.Muted.Render(fit("weighted "+amounts(c.totals.Weighted), w)),
		st.Rule.Render(strings.Repeat("─", w)),
	}
	if len(c.page.Opportunities) == 0 {
		lines = append(lines, st.Empty.Render(fit("no deals", w)))
	}
	for j, o := range c.page.Opportunities {
		lines = append(lines, m.cardLines(o, focused && j == c.cursor, w)...)
	}
	for len(lines) < height-footLines {
		lines = append(lines, strings.Repeat(" ", w))
	}
	lines = lines[:height-footLines]
	return append(lines, st.Muted.Render(fit(m.position(c), w)))
}

// position says which cards of the column show: "4–6 of 250 ↑↓".
func (m *Model) position(c *column) string {
	n := len(c.page.Opportunities)
	if n == 0 || (!c.page.HasPrev && !c.page.HasNext) {
		return ""
	}
	s := fmt.Sprintf("%d–%d of %d", c.start+1, c.start+n, max(c.totals.Count, c.start+n))
	switch {
	case c.page.HasPrev && c.page.HasNext:
		s += " ↑↓"
	case c.page.HasPrev:
		s += " ↑"
	default:
		s += " ↓"
	}
	return s
}

// cardLines is one card: its name, the primary contact's company, value
// and expected close, owner, and a blank line.
func (m *Model) cardLines(o store.Opportunity, selected bool, w int) []string {
	st := m.c.Styles
	inner := w - 2
	marker := "  "
	name := st.Value.Bold(true).Render(fit(common.Printable(o.Name), inner))
	if selected {
		marker = st.Marker.Render("› ")
		name = st.Selected.Render(fit(common.Printable(o.Name), inner))
	}
	if m.busy == o.ID {
		name = st.Muted.Render(fit("working…", inner))
	}
	company := o.Company
	if company == "" {
		company = o.PrimaryName
	}
	closeText, closeStyle := m.closeText(o), st.Muted
	if o.State == store.OutcomeOpen && !o.CloseDate.IsZero() && o.CloseDate.Before(m.today()) {
		closeStyle = st.ErrorText // its expected close has passed
	}
	value := o.Value.Short()
	return []string{
		marker + name,
		"  " + st.Muted.Render(fit(common.Printable(company), inner)),
		"  " + st.Value.Render(value) + closeStyle.Render(fit(" · "+closeText, max(0, inner-ansi.StringWidth(value)))),
		"  " + st.Muted.Render(fit(common.Printable(o.OwnerName), inner)),
		strings.Repeat(" ", w),
	}
}

// today is the start of today on the screen's clock.
func (m *Model) today() time.Time {
	now := m.c.Now()
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
}

// closeText is a card's expected close as a person reads it: "15 Jan",
// "15 Jan 2028" in another year; a lost or won deal says so.
func (m *Model) closeText(o store.Opportunity) string {
	switch o.State {
	case store.OutcomeWon:
		return "won"
	case store.OutcomeLost:
		return "lost"
	}
	if o.CloseDate.IsZero() {
		return "no close date"
	}
	if o.CloseDate.Year() == m.c.Now().Year() {
		return o.CloseDate.Format("2 Jan")
	}
	return o.CloseDate.Format("2 Jan 2006")
}

// reasonLines ask why the deal was lost.
func (m *Model) reasonLines() []string {
	st := m.c.Styles
	o := m.target
	lines := []string{
		st.Rule.Render(strings.Repeat("─", m.width)),
		st.Title.Render("Lost: ") + st.Value.Render(common.Printable(o.Name)) + st.Muted.Render(" · "+o.Value.Short()+" · why was it lost?"),
		"  " + m.reason.View(),
	}
	if strings.TrimSpace(m.reason.Value()) == "" {
		return append(lines, "  "+st.Empty.Render("Type the reason: a lost deal keeps it. esc leaves the deal as it is."))
	}
	return append(lines, "  "+st.LintOK.Render("enter marks it lost"))
}

// fit truncates s to w cells and pads it to exactly w.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	s = ansi.Truncate(s, w, "…")
	return s + strings.Repeat(" ", max(0, w-ansi.StringWidth(s)))
}
