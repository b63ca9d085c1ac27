package opportunity

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// View implements common.Screen.
func (m *Model) View() string {
	if m.width == 0 || m.height == 0 {
		return ""
	}
	st := m.c.Styles
	var lines []string
	switch m.state {
	case stateLoading:
		lines = []string{st.Empty.Render("Loading the opportunity…")}
	case stateError:
		lines = strings.Split(st.ErrorText.Render(ansi.Wrap("Could not load this opportunity: "+m.errText, m.width, "")), "\n")
		lines = append(lines, st.Muted.Render("r tries again, esc goes back."))
	default:
		lines = m.fieldLines()
		list := m.listContent()
		n := m.listLines()
		end := min(len(list), m.offset+n)
		lines = append(lines, list[m.offset:end]...)
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, m.width, "…")
	}
	return st.Fit(m.width, m.height, strings.Join(lines, "\n"))
}

// fieldLines are the name with its state, then the fields in two columns
// (one when narrow), then a blank line.
func (m *Model) fieldLines() []string {
	st := m.c.Styles
	o := m.opp
	state := st.Muted.Render(string(o.State))
	switch o.State {
	case store.OutcomeWon:
		state = st.EventGood.Render("[won]")
	case store.OutcomeLost:
		state = st.EventBad.Render("[lost]")
	}
	head := st.Title.Render(common.Printable(o.Name)) + "  " + state
	closeDate := ""
	if !o.CloseDate.IsZero() {
		closeDate = o.CloseDate.Format("Mon 2 Jan 2006")
	}
	pairs := [][2]string{
		{"Value", o.Value.String()}, {"Stage", fmt.Sprintf("%s (%d%%)", o.Stage.Name, o.Stage.Probability)},
		{"Expected", o.Weighted().String()}, {"Close", closeDate},
		{"Owner", o.OwnerName}, {"Updated", m.c.Ago(o.UpdatedAt)},
	}
	label := func(s string) string { return st.Label.Render(fmt.Sprintf("%-9s", s)) }
	value := func(s string, w int) string {
		return st.Value.Render(ansi.Truncate(common.OrNone(common.Printable(s)), max(1, w), "…"))
	}
	lines := []string{head}
	if m.width >= 70 {
		colW := (m.width - 2*10) / 2
		for i := 0; i < len(pairs); i += 2 {
			l, r := pairs[i], pairs[i+1]
			left := label(l[0]) + " " + value(l[1], colW)
			pad := max(1, 10+colW+2-lipgloss.Width(left))
			lines = append(lines, left+strings.Repeat(" ", pad)+label(r[0])+" "+value(r[1], colW))
		}
	} else {
		for _, p := range pairs {
			lines = append(lines, label(p[0])+" "+value(p[1], m.width-10))
		}
	}
	if o.State == store.OutcomeLost {
		lines = append(lines, label("Lost")+" "+value(o.LostReason, m.width-10))
	}
	return append(lines, "")
}

// listContent is every line under the fields: the contacts with their
// heading, a blank line, then the timeline with its heading. rowLine maps
// each row to its line.
func (m *Model) listContent() []string {
	st := m.c.Styles
	lines := []string{st.Title.Render("Contacts") + st.Muted.Render(fmt.Sprintf(" · %d · ★ primary", len(m.opp.Contacts)))}
	for i, r := range m.rows {
		if r.contact == nil {
			break
		}
		lines = append(lines, m.contactLine(*r.contact, i == m.cursor))
	}
	lines = append(lines, "", st.Title.Render("Timeline")+st.Muted.Render(m.timelineCount()))
	if len(m.events) == 0 {
		lines = append(lines, st.Empty.Render("Nothing yet. m sends a Smart Mail from this deal."))
	}
	for i, r := range m.rows {
		if r.event != nil {
			lines = append(lines, m.eventLine(*r.event, i == m.cursor))
		}
	}
	return lines
}

func (m *Model) timelineCount() string {
	switch n := len(m.events); {
	case n == 1:
		return " · 1 event"
	case n >= store.TimelineLimit:
		return fmt.Sprintf(" · the %d newest events", n)
	default:
		return fmt.Sprintf(" · %d events, newest first", n)
	}
}

// linePos is the list line of row i: the contacts follow their heading,
// the events the blank line and theirs.
func (m *Model) linePos(i int) int {
	if m.rows[i].contact != nil {
		return i + 1
	}
	pos := i + 3
	if len(m.events) == 0 {
		pos++
	}
	return pos
}

func (m *Model) contactLine(c store.OpportunityContact, selected bool) string {
	st := m.c.Styles
	marker := "  "
	if selected {
		marker = st.Marker.Render("› ")
	}
	star := "  "
	if c.Primary {
		star = st.Title.Render("★ ")
	}
	name := common.Printable(c.Name)
	if selected {
		name = st.Selected.Render(name)
	} else {
		name = st.Value.Render(name)
	}
	rest := []string{}
	if c.Email != "" {
		rest = append(rest, "<"+common.Printable(c.Email)+">")
	}
	if c.Company != "" {
		rest = append(rest, common.Printable(c.Company))
	}
	rest = append(rest, common.Humanize(string(c.Status)))
	return marker + star + name + " " + st.Muted.Render(strings.Join(rest, " · "))
}

// eventLine is one event: marker, icon and label, age, and what happened.
func (m *Model) eventLine(ev store.Event, selected bool) string {
	st := m.c.Styles
	ic := common.IconFor(ev.Kind)
	marker := "  "
	if selected {
		marker = st.Marker.Render("› ")
	}
	prefix := marker + ic.Style(st).Render(ic.Symbol+" "+fmt.Sprintf("%-8s", ic.Label)) +
		st.Muted.Render(fmt.Sprintf(" %6s", m.c.Age(ev.At)))
	if m.width >= 70 {
		prefix += "  " + st.Muted.Render(fmt.Sprintf("%-21s", m.c.Date(ev.At)))
	}
	parts := []string{}
	for _, s := range []string{ev.Subject, ev.Detail} {
		if strings.TrimSpace(s) != "" {
			parts = append(parts, common.Printable(s))
		}
	}
	body := ansi.Truncate(strings.Join(parts, " — "), max(0, m.width-lipgloss.Width(prefix)-2), "…")
	if selected {
		body = st.Selected.Render(body)
	} else {
		body = st.Value.Render(body)
	}
	return prefix + "  " + body
}

// listLines is how many list lines fit under the fields.
func (m *Model) listLines() int {
	if m.state != stateReady {
		return 0
	}
	return max(1, m.height-len(m.fieldLines()))
}

// clampOffset scrolls the list so the highlighted row shows, with the
// contacts' heading when the first contact is highlighted.
func (m *Model) clampOffset() {
	if len(m.rows) == 0 {
		m.offset = 0
		return
	}
	n := m.listLines()
	pos := m.linePos(m.cursor)
	top := pos
	if m.cursor == 0 {
		top = 0
	}
	if top < m.offset {
		m.offset = top
	}
	if pos >= m.offset+n {
		m.offset = pos - n + 1
	}
	m.offset = max(0, min(m.offset, len(m.listContent())-n))
}
