package outbox

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

const (
	// headerLines is the quota meter, the filter tabs and the column titles.
	headerLines = 3
	// detailLines is the rule and the highlighted message's details.
	detailLines = 5
	// errorTable is the width from which the last error gets a column; from
	// wideTable on it is as wide as the recipients.
	errorTable = 80
	wideTable  = 100
	// maxWhen is the widest When cell: "in 23 h 59 min · 21:34".
	maxWhen = 22
	// quotaNear is the share of a limit, in percent, from which the meter
	// warns.
	quotaNear = 80
)

// tableRows is how many messages fit.
func (m *Model) tableRows() int {
	return m.height - headerLines - detailLines
}

// View implements common.Screen.
func (m *Model) View() string {
	if m.width == 0 || m.height == 0 {
		return ""
	}
	st := m.c.Styles
	lines := []string{m.quotaLine(), m.tabsLine()}
	switch {
	case m.state == stateLoading:
		lines = append(lines, st.Empty.Render("Loading the outbox…"))
	case m.state == stateError:
		lines = append(lines, st.ErrorText.Render(ansi.Wrap("Could not load the outbox: "+m.errText, m.width, "")),
			st.Muted.Render("Press tab to try again, esc to go back."))
	case len(m.rows) == 0:
		lines = append(lines, "", st.Empty.Render(emptyTexts[m.filter]))
	default:
		lines = append(lines, m.tableLines()...)
		lines = append(lines, m.detailView()...)
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, m.width, "…")
	}
	return m.c.Styles.Fit(m.width, m.height, strings.Join(lines, "\n"))
}

var emptyTexts = []string{
	"Nothing in the outbox yet. Quick Send from a contact with m, enter.",
	"Nothing waiting: every message has left or was cancelled.",
	"No problems: nothing failed, nothing uncertain.",
	"Nothing sent yet.",
	"Nothing cancelled.",
}

// quotaLine is the sending meter: "Sent today: 12 of 500 (gmail) · this
// minute 0 of 30", with a bar when there is a daily limit.
func (m *Model) quotaLine() string {
	st := m.c.Styles
	q := m.status.Quota
	unit := "Sent today"
	if q.CountsRecipients {
		unit = "Recipients today"
	}
	text := fmt.Sprintf("%s: %d", unit, q.Used)
	if q.Limit > 0 {
		text += fmt.Sprintf(" of %d", q.Limit)
	}
	if q.Preset != "" {
		text += " (" + q.Preset + ")"
	}
	if q.Limit == 0 {
		text += " · no daily limit"
	}
	if q.PerMinuteLimit > 0 {
		text += fmt.Sprintf(" · this minute %d of %d", q.PerMinuteUsed, q.PerMinuteLimit)
	}
	style := st.Value
	switch {
	case q.Full():
		style = st.OutboxProblem
		text += " — limit reached"
		if !q.FreesAt.IsZero() {
			text += ", next send at " + m.c.Stamp(q.FreesAt)
		}
	case q.Limit > 0 && q.Used*100 >= q.Limit*quotaNear:
		style = st.OutboxWaiting
	}
	out := st.Title.Render("Outbox") + "  " + style.Render(text)
	if q.Limit > 0 {
		const cells = 12
		used := min(cells, q.Used*cells/q.Limit)
		out += "  " + style.Render(strings.Repeat("█", used)) + st.Rule.Render(strings.Repeat("░", cells-used))
	}
	switch {
	case m.status.AuthFailed:
		out += st.OutboxProblem.Render("  login refused — check your password, R to retry")
	case m.status.Offline:
		out += st.OutboxWaiting.Render("  offline: queued mail leaves when the server answers")
	}
	return out
}

// tabsLine is the filters with how many messages each holds, and a note
// when the list stops at Limit.
func (m *Model) tabsLine() string {
	st := m.c.Styles
	tabs := make([]string, len(filters))
	for i, f := range filters {
		label := f.label
		if n := m.count(i); n > 0 {
			label += fmt.Sprintf(" %d", n)
		}
		if i == m.filter {
			if st.NoColor {
				label = "[" + label + "]"
			}
			tabs[i] = st.TabActive.Render(label)
		} else {
			tabs[i] = st.TabInactive.Render(label)
		}
	}
	line := strings.Join(tabs, "  ")
	if m.state == stateReady && len(m.rows) >= Limit {
		line += st.Muted.Render(fmt.Sprintf("   the %d newest", Limit))
	}
	return line
}

// count is how many messages filter i holds in the whole outbox.
func (m *Model) count(i int) int {
	n := 0
	for s, c := range m.counts {
		if filters[i].statuses == nil || slices.Contains(filters[i].statuses, s) {
			n += c
		}
	}
	return n
}

// widths lays out the columns: cursor, state, when, recipients, subject,
// attempts and, from 80 columns, the last error. The When column is as
// wide as the times listed need, and the subject yields first: the detail
// under the table shows it whole.
type widths struct{ state, when, to, subject, tries, err int }

const colGap = 2

func (m *Model) widths() widths {
	w := widths{state: 11, when: m.whenWidth(), tries: 5}
	rest := m.width - 2 - w.state - w.when - w.tries - 4*colGap
	switch {
	case m.width >= wideTable:
		rest -= colGap
		w.to, w.err = rest*3/10, rest*3/10
		w.subject = rest - w.to - w.err
		return w
	case m.width >= errorTable:
		rest -= colGap
		w.err, w.to = rest*2/5, rest*3/10
		w.subject = max(1, rest-w.to-w.err)
		return w
	}
	w.to = max(1, rest*2/5)
	w.subject = max(1, rest-w.to)
	return w
}

// whenWidth is the width of the widest When cell listed, between the
// title's and maxWhen; maxWhen while nothing is listed.
func (m *Model) whenWidth() int {
	if len(m.rows) == 0 {
		return maxWhen
	}
	w := len("When")
	for _, r := range m.rows {
		w = max(w, ansi.StringWidth(m.when(r)))
	}
	return min(w, maxWhen)
}

// fit truncates s to w cells and pads it to exactly w.
func fit(s string, w int) string {
	s = ansi.Truncate(s, w, "…")
	return s + strings.Repeat(" ", max(0, w-ansi.StringWidth(s)))
}

func (m *Model) tableLines() []string {
	st := m.c.Styles
	w := m.widths()
	gap := strings.Repeat(" ", colGap)
	cells := []string{fit("State", w.state), fit("When", w.when), fit("To", w.to), fit("Subject", w.subject),
		fmt.Sprintf("%*s", w.tries, "Tries")}
	if w.err > 0 {
		cells = append(cells, fit("Last error", w.err))
	}
	lines := []string{"  " + st.HeaderKey.Render(strings.Join(cells, gap))}
	end := min(len(m.rows), m.offset+max(1, m.tableRows()))
	for i := m.offset; i < end; i++ {
		lines = append(lines, m.rowLine(m.rows[i], i == m.cursor, w))
	}
	for len(lines) < 1+max(1, m.tableRows()) {
		lines = append(lines, "")
	}
	return lines
}

func (m *Model) rowLine(r store.Message, selected bool, w widths) string {
	st := m.c.Styles
	gap := strings.Repeat(" ", colGap)
	marker, subject := "  ", st.Value.Render(fit(common.OrNone(r.Subject), w.subject))
	if selected {
		marker = st.Marker.Render("› ")
		subject = st.Selected.Render(fit(common.OrNone(r.Subject), w.subject))
	}
	ic := m.rowIcon(r)
	cells := []string{
		ic.style(st).Render(fit(ic.symbol+" "+ic.label, w.state)),
		st.Muted.Render(fit(m.when(r), w.when)),
		st.Value.Render(fit(recipients(r), w.to)),
		subject,
		st.Muted.Render(fmt.Sprintf("%*d", w.tries, r.Attempts)),
	}
	if w.err > 0 {
		cells = append(cells, st.ErrorText.Render(fit(oneLine(rowError(r)), w.err)))
	}
	return marker + strings.Join(cells, gap)
}

// when is the time that matters for the row: when a waiting message leaves
// ("in 1 h 58 min · 21:34", or "due 09:58" when it is late), when a sent one left,
// and when the others last changed.
func (m *Model) when(r store.Message) string {
	now := m.c.Now()
	if m.isHeld(r) {
		return "waits for you"
	}
	switch r.Status {
	case store.MessageSending:
		return "now"
	case store.MessageQueued, store.MessageScheduled:
		at := leavesAt(r)
		switch d := at.Sub(now); {
		case d <= 0:
			return "due " + m.c.Stamp(at)
		case d < 24*time.Hour:
			return m.c.Until(at)
		}
		return m.c.Stamp(at)
	case store.MessageSent:
		return m.c.Stamp(r.SentAt)
	}
	return m.c.Stamp(r.UpdatedAt)
}

// leavesAt is when a waiting message may leave: its time, or its retry
// delay after a temporary failure.
func leavesAt(r store.Message) time.Time {
	if r.RetryAt.After(r.SendAt) {
		return r.RetryAt
	}
	return r.SendAt
}

func oneLine(s string) string {
	if s == "" {
		return ""
	}
	return strings.Join(strings.Fields(s), " ")
}
