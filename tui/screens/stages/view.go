package stages

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// labelWidth is the form's field names' column, with the focus marker.
const labelWidth = 14

// View implements common.Screen.
func (m *Model) View() string {
	if m.width == 0 || m.height == 0 {
		return ""
	}
	st := m.c.Styles
	var lines []string
	switch m.state {
	case stateLoading:
		lines = []string{st.Empty.Render("Reading the pipeline's stages…")}
	case stateError:
		lines = append(m.wrap("Cannot edit the stages: "+m.errText, st.ErrorText), st.Muted.Render("esc goes back."))
	default:
		lines = m.listLines()
		lines = append(lines, "")
		lines = append(lines, m.bottomLines()...)
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, m.width, "…")
	}
	return st.Fit(m.width, m.height, strings.Join(lines, "\n"))
}

// wrap wraps text to the width, each line in style.
func (m *Model) wrap(text string, style lipgloss.Style) []string {
	var out []string
	for _, l := range strings.Split(ansi.Wrap(text, max(10, m.width), ""), "\n") {
		out = append(out, style.Render(l))
	}
	return out
}

// nameWidth is the stage names' column.
func (m *Model) nameWidth() int {
	w := len("Stage")
	for _, r := range m.rows {
		w = max(w, lipgloss.Width(common.Printable(r.Name)))
	}
	return min(w, max(8, m.width-36))
}

// listLines are the title, the column heads and a line per stage.
func (m *Model) listLines() []string {
	st := m.c.Styles
	nw := m.nameWidth()
	lines := []string{
		st.Title.Render("Pipeline stages") + st.Muted.Render(fmt.Sprintf("  %d of at most %d", len(m.rows), store.MaxStages)),
		"",
		st.Label.Render(fmt.Sprintf("     %-*s  %11s  %5s", nw, "Stage", "Probability", "Deals")),
	}
	for i, r := range m.rows {
		mark := "  "
		if i == m.cursor && m.mode != modeForm {
			mark = st.Marker.Render("› ")
		}
		name := ansi.Truncate(common.Printable(r.Name), nw, "…")
		deals := "—"
		if n, ok := m.deals(r); ok {
			deals = fmt.Sprint(n)
		}
		line := fmt.Sprintf("%2d %s%s  %10d %%  %5s", i+1, name, strings.Repeat(" ", nw-lipgloss.Width(name)), r.Probability, deals)
		switch {
		case i == m.cursor:
			line = st.Selected.Render(line)
		case closing(r):
			line = st.Muted.Render(line)
		}
		line = mark + line + m.rowNote(i)
		lines = append(lines, line)
	}
	return lines
}

// rowNote says what is special about row i: a closing stage, a new or a
// changed one.
func (m *Model) rowNote(i int) string {
	st := m.c.Styles
	r := m.rows[i]
	var note string
	switch {
	case r.ID == 0:
		note = "new"
	case m.changed(i):
		note = "changed"
	}
	if closing(r) {
		note = strings.TrimPrefix(note+", closing: "+string(r.Outcome), ", ")
	}
	if note == "" {
		return ""
	}
	return st.Muted.Render("  " + note)
}

// changed reports whether row i differs from the stage as read.
func (m *Model) changed(i int) bool {
	r := m.rows[i]
	for _, s := range m.saved {
		if s.ID == r.ID {
			return s.Name != r.Name || s.Probability != r.Probability
		}
	}
	return false
}

// bottomLines are the form, the question, the refusal, or how to go on.
func (m *Model) bottomLines() []string {
	st := m.c.Styles
	var lines []string
	switch m.mode {
	case modeForm:
		title := "New stage"
		if m.editing >= 0 {
			title = "Edit " + common.Printable(m.rows[m.editing].Name)
		}
		lines = append(lines, st.Title.Render(title),
			m.row(fieldName, "Name", m.name.View()),
			m.row(fieldProbability, "Probability", m.probability.View()+st.Muted.Render(" %")))
		if m.formErr != "" {
			lines = append(lines, m.wrap("✗ "+m.formErr, st.ErrorText)...)
		}
		return append(lines, st.Muted.Render("enter puts it in the list; nothing is saved until enter on the list."))
	case modeAsking:
		return []string{st.Confirm.Render("Discard the changes to the stages? (y/n)")}
	case modeMoveTo:
		return m.moveToLines()
	case modeSaving:
		return []string{st.StatusInfo.Render("Saving…")}
	}
	if m.saveErr != "" {
		lines = append(lines, m.wrap("✗ Not saved: "+m.saveErr, st.ErrorText)...)
	}
	if m.note != "" {
		style := st.StatusWarning
		if m.noteOK {
			style = st.Muted
		}
		lines = append(lines, m.wrap(m.note, style)...)
	}
	if m.Dirty() {
		return append(lines, st.Muted.Render("enter saves every change at once; esc discards them."))
	}
	return append(lines, st.Muted.Render("Won and lost end the pipeline. Expected value = value × probability."))
}

// row is one form field: the marker and name, then its input.
func (m *Model) row(f field, name, value string) string {
	st := m.c.Styles
	label := st.Label.Render(fmt.Sprintf("%-*s", labelWidth-2, name))
	marker := "  "
	if f == m.focus {
		marker = st.Marker.Render("› ")
		label = st.Selected.Render(fmt.Sprintf("%-*s", labelWidth-2, name))
	}
	return marker + label + value
}

// moveToLines ask where the deals of the stage being removed go: the
// open stages in a row, the chosen one highlighted.
func (m *Model) moveToLines() []string {
	st := m.c.Styles
	r := m.rows[m.removing]
	n, _ := m.deals(r)
	lines := m.wrap(fmt.Sprintf("Remove %s: its %s go to", common.Printable(r.Name), countText(n)), st.Confirm)
	var b strings.Builder
	for k, j := range m.destinations(m.removing) {
		name := common.Printable(m.rows[j].Name)
		if k == m.dest {
			b.WriteString(st.Selected.Render("› " + name + " "))
		} else {
			b.WriteString(st.Muted.Render("  " + name + " "))
		}
	}
	lines = append(lines, ansi.Truncate(b.String(), max(10, m.width), "…"))
	return append(lines, st.Muted.Render("←/→ choose · enter removes the stage, the deals move on save · esc keeps it"))
}
