package today

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

const (
	// headerLines is the title line and the column titles.
	headerLines = 2
	// colGap separates the columns.
	colGap = 2
	// maxDue is the widest Due cell: "in 6 d 23 h · Thu 3 Dec 09:00".
	maxDue = 30
	// promptIndent aligns the prompt's input under its choices.
	promptIndent = 4
)

// View implements common.Screen.
func (m *Model) View() string {
	if m.width == 0 || m.height == 0 {
		return ""
	}
	st := m.c.Styles
	lines := []string{m.titleLine()}
	switch {
	case m.state == stateLoading:
		lines = append(lines, "", st.Empty.Render("Loading your tasks…"))
	case m.state == stateError:
		lines = append(lines, "")
		lines = append(lines, strings.Split(st.ErrorText.Render(ansi.Wrap("Could not read the tasks: "+m.errText, m.width, "")), "\n")...)
		lines = append(lines, st.Muted.Render("esc goes back."))
	case len(m.items) == 0:
		empty := "No tasks due. t on a contact adds one."
		if m.all {
			empty = "No open tasks for anyone. t on a contact adds one."
		}
		lines = append(lines, "", st.Empty.Render(empty))
	default:
		w := m.widths()
		lines = append(lines, m.columnsLine(w))
		list := m.listContent(w)
		n := m.listLines()
		end := min(len(list), m.offset+n)
		lines = append(lines, list[m.offset:end]...)
		for range n - (end - m.offset) {
			lines = append(lines, "")
		}
		lines = append(lines, m.bottomLines()...)
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, m.width, "…")
	}
	return st.Fit(m.width, m.height, strings.Join(lines, "\n"))
}

// titleLine says whose tasks these are, and how many in each section.
func (m *Model) titleLine() string {
	st := m.c.Styles
	whose := "your open tasks"
	if m.all {
		whose = "everyone's open tasks"
	}
	left := st.Title.Render("Today") + st.Muted.Render(" · "+whose)
	if m.state != stateReady {
		return left
	}
	var parts []string
	for sec := range secCount {
		n := fmt.Sprint(m.counts[sec])
		if m.more[sec] {
			n += "+"
		}
		parts = append(parts, n+" "+strings.ToLower(sectionNames[sec]))
	}
	right := st.Muted.Render(strings.Join(parts, " · "))
	gap := m.width - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 3 {
		return left
	}
	return left + strings.Repeat(" ", gap) + right
}

// widths are the columns: due, title, contact and, for everyone's tasks,
// owner. The title yields first: the detail under the list shows it whole.
type widths struct{ due, title, contact, owner int }

func (m *Model) widths() widths {
	w := widths{due: len("Due")}
	for _, it := range m.items {
		w.due = max(w.due, ansi.StringWidth(m.dueText(it.task.DueAt)))
	}
	w.due = min(w.due, maxDue)
	rest := m.width - 2 - w.due - 2*colGap
	if m.all {
		w.owner = len("Owner")
		for _, it := range m.items {
			w.owner = max(w.owner, ansi.StringWidth(m.ownerName(it.task.OwnerID)))
		}
		w.owner = min(w.owner, 14, max(5, rest/4))
		rest -= w.owner + colGap
	}
	w.contact = min(24, max(6, rest*2/5))
	w.title = max(1, rest-w.contact)
	return w
}

// fit truncates s to w cells and pads it to exactly w.
func fit(s string, w int) string {
	s = ansi.Truncate(s, w, "…")
	return s + strings.Repeat(" ", max(0, w-ansi.StringWidth(s)))
}

func (m *Model) columnsLine(w widths) string {
	gap := strings.Repeat(" ", colGap)
	cells := []string{fit("Due", w.due), fit("Task", w.title), fit("Contact", w.contact)}
	if w.owner > 0 {
		cells = append(cells, fit("Owner", w.owner))
	}
	return "  " + m.c.Styles.HeaderKey.Render(strings.Join(cells, gap))
}

// dueText is when a task is due, relative and absolute, in units that
// cannot be mistaken: "2 d ago · Tue 24 Nov 09:00", "in 2 h · 12:00",
// "in 1 d 23 h · Sat 28 Nov 09:00".
func (m *Model) dueText(t time.Time) string {
	now := m.c.Now()
	t = t.In(now.Location())
	abs := t.Format("Mon 2 Jan 15:04")
	switch {
	case t.Year() == now.Year() && t.YearDay() == now.YearDay():
		abs = t.Format("15:04")
	case t.Year() != now.Year():
		abs = t.Format("Mon 2 Jan 2006 15:04")
	}
	return common.Ago(now, t) + " · " + abs
}

// sectionStyle colours a section: overdue as a problem, today as waiting.
func (m *Model) sectionStyle(sec section) lipgloss.Style {
	st := m.c.Styles
	switch sec {
	case secOverdue:
		return st.ErrorText
	case secToday:
		return st.OutboxWaiting
	}
	return st.Muted
}

// linePos is the list line of item i: each section has its heading line,
// and a note line after its rows when it has more than it lists.
func (m *Model) linePos(i int) int {
	sec := m.items[i].sec
	pos := i + int(sec) + 1
	for s := range sec {
		if m.more[s] {
			pos++
		}
	}
	return pos
}

// totalLines is the length of the whole list.
func (m *Model) totalLines() int {
	n := len(m.items) + int(secCount)
	for _, more := range m.more {
		if more {
			n++
		}
	}
	return n
}

// listContent is every line of the list: each section's heading, its
// rows, and a note when it lists only the first SectionLimit.
func (m *Model) listContent(w widths) []string {
	st := m.c.Styles
	var lines []string
	i := 0
	for sec := range secCount {
		head := fmt.Sprintf("%s · %d", sectionNames[sec], m.counts[sec])
		if m.counts[sec] == 0 {
			lines = append(lines, st.Muted.Render(sectionNames[sec]+" · none"))
		} else {
			lines = append(lines, m.sectionStyle(sec).Bold(true).Render(head))
		}
		for ; i < len(m.items) && m.items[i].sec == sec; i++ {
			lines = append(lines, m.rowLine(m.items[i], i == m.cursor, w))
		}
		if m.more[sec] {
			lines = append(lines, st.Muted.Render(fmt.Sprintf("  … the %d soonest are listed; do or move some to see the rest", SectionLimit)))
		}
	}
	return lines
}

func (m *Model) rowLine(it item, selected bool, w widths) string {
	st := m.c.Styles
	gap := strings.Repeat(" ", colGap)
	t := it.task
	what := taskText(t)
	marker, title := "  ", st.Value.Render(fit(what, w.title))
	if selected {
		marker = st.Marker.Render("› ")
		title = st.Selected.Render(fit(what, w.title))
	}
	due := m.dueText(t.DueAt)
	if m.busy == t.ID {
		due = "working…"
	}
	cells := []string{
		m.sectionStyle(it.sec).Render(fit(due, w.due)),
		title,
		st.Value.Render(fit(common.Printable(t.ContactName), w.contact)),
	}
	if w.owner > 0 {
		cells = append(cells, st.Muted.Render(fit(m.ownerName(t.OwnerID), w.owner)))
	}
	return marker + strings.Join(cells, gap)
}

func (m *Model) ownerName(id int64) string {
	if n, ok := m.owners[id]; ok && n != "" {
		return common.Printable(n)
	}
	return fmt.Sprintf("user %d", id)
}

// bottomLines are the prompt when one is open, else the highlighted task
// in full.
func (m *Model) bottomLines() []string {
	switch {
	case m.prompt != promptNone:
		return m.promptLines()
	case len(m.items) == 0:
		return nil
	}
	return m.detailLines()
}

func (m *Model) rule() string {
	return m.c.Styles.Rule.Render(strings.Repeat("─", m.width))
}

// detailLines show the highlighted task whole: its title, the contact and
// owner, and its times.
func (m *Model) detailLines() []string {
	st := m.c.Styles
	t, ok := m.Selected()
	if !ok {
		return nil
	}
	who := common.Printable(t.ContactName)
	if t.ContactEmail != "" && t.ContactEmail != t.ContactName {
		who += " <" + common.Printable(t.ContactEmail) + ">"
	}
	if t.OpportunityID != 0 {
		who = "deal " + common.Printable(t.OpportunityName) + " · " + who
	}
	who += " · owner " + m.ownerName(t.OwnerID)
	when := "due " + m.c.DateZone(t.DueAt)
	if !t.FirstDueAt.Equal(t.DueAt) {
		when += " · first due " + m.c.Date(t.FirstDueAt)
	}
	if t.Snoozes > 0 {
		when += fmt.Sprintf(" · snoozed %d×", t.Snoozes)
	}
	if t.Reschedules > 0 {
		when += fmt.Sprintf(" · rescheduled %d×", t.Reschedules)
	}
	if !t.CreatedAt.IsZero() {
		when += " · added " + m.c.Ago(t.CreatedAt)
	}
	return []string{
		m.rule(),
		st.Value.Render(common.Printable(t.Title)),
		st.Muted.Render(who),
		st.Muted.Render(when),
	}
}

// promptLines ask when to snooze or reschedule: the presets of a snooze
// with the time each means, the input with examples, and what the prompt
// reads now (the absolute time and how far off, or why it cannot).
func (m *Model) promptLines() []string {
	st := m.c.Styles
	t := m.target
	what := "“" + common.Printable(t.Title) + "” (" + common.Printable(t.ContactName) + ")"
	indent := strings.Repeat(" ", promptIndent)
	lines := []string{m.rule()}
	if m.prompt == promptSnooze {
		lines = append(lines, st.Title.Render("Snooze ")+st.Value.Render(what)+st.Title.Render(" until"))
		for i, p := range snoozePresets {
			at, _ := m.presetAt(i)
			text := fit(p.label, 15) + outbox.Describe(at, m.c.Now())
			switch {
			case i == m.choice && !m.typed():
				lines = append(lines, "  "+st.Marker.Render("› ")+st.Selected.Render(text))
			case m.typed():
				lines = append(lines, indent+st.Muted.Render(text))
			default:
				lines = append(lines, indent+st.Value.Render(text))
			}
		}
		lines = append(lines, indent+m.when.View())
	} else {
		lines = append(lines, st.Title.Render("Reschedule ")+st.Value.Render(what)+
			st.Muted.Render(", due "+m.dueText(t.DueAt)),
			indent+m.when.View(),
			indent+st.Muted.Render("e.g. "+outbox.WhenHint(m.c.Now(), m.width-promptIndent-5)))
	}
	w, err := m.readWhen()
	switch {
	case err != nil && m.prompt == promptReschedule && !m.typed():
		lines = append(lines, indent+st.Empty.Render("Type when it is due."))
	case err != nil:
		for _, l := range strings.Split(ansi.Wrap("✗ "+err.Error(), max(10, m.width-promptIndent), ""), "\n") {
			lines = append(lines, indent+st.ErrorText.Render(l))
		}
	default:
		verb := "→ snooze until "
		if m.prompt == promptReschedule {
			verb = "→ due "
		}
		lines = append(lines, indent+st.LintOK.Render(verb+w.Describe(m.c.Now())))
	}
	return lines
}

// detailHeight is the rule and the three lines of the highlighted task.
const detailHeight = 4

// listLines is how many list lines fit between the header and the
// bottom lines.
func (m *Model) listLines() int {
	bottom := detailHeight
	if m.prompt != promptNone {
		bottom = len(m.promptLines()) // a refusal may take two lines
	}
	return max(1, m.height-headerLines-bottom)
}

// clampOffset scrolls the list so the highlighted row shows, with its
// section's heading when it is the section's first row.
func (m *Model) clampOffset() {
	if len(m.items) == 0 {
		m.offset = 0
		return
	}
	n := m.listLines()
	pos := m.linePos(m.cursor)
	top := pos
	if m.cursor == 0 || m.items[m.cursor-1].sec != m.items[m.cursor].sec {
		top = pos - 1 // the heading too
	}
	if top < m.offset {
		m.offset = top
	}
	if pos >= m.offset+n {
		m.offset = pos - n + 1
	}
	m.offset = max(0, min(m.offset, m.totalLines()-n))
}

// taskText is a task's line in its list: its title and, for a task on a
// deal, the deal's name.
func taskText(t store.Task) string {
	if t.OpportunityID == 0 {
		return common.Printable(t.Title)
	}
	return common.Printable(t.Title) + " · deal " + common.Printable(t.OpportunityName)
}
