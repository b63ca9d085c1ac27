package callform

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/tui/common"
)

// labelWidth is the field names' column, with the focus marker.
const labelWidth = 11

func (m *Model) inputWidth() int { return max(8, m.width-labelWidth) }

// fixedLines counts the form's lines besides the note's text: the title
// and a blank, who, outcome, duration and what it reads as, the note's
// label, a blank, and the save lines.
func (m *Model) fixedLines() int {
	return 7 + len(m.durationLines()) + len(m.saveLines())
}

// layout sizes the inputs to the screen: the note takes the height left.
func (m *Model) layout() {
	if m.width <= 0 {
		return
	}
	m.duration.SetWidth(min(30, m.inputWidth()-1))
	m.note.SetWidth(m.inputWidth())
	m.note.SetHeight(max(2, m.height-m.fixedLines()))
}

// View implements common.Screen.
func (m *Model) View() string {
	if m.width == 0 || m.height == 0 {
		return ""
	}
	st := m.c.Styles
	var lines []string
	switch m.state {
	case stateLoading:
		lines = []string{st.Empty.Render("Opening the call form…")}
	case stateError:
		lines = append(strings.Split(st.ErrorText.Render(ansi.Wrap("Cannot log a call: "+m.errText, m.width, "")), "\n"),
			st.Muted.Render("esc goes back."))
	default:
		lines = m.formLines()
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, m.width, "…")
	}
	return st.Fit(m.width, m.height, strings.Join(lines, "\n"))
}

// row is one field: the marker and name, then its value.
func (m *Model) row(f field, name, value string) string {
	st := m.c.Styles
	label := st.Label.Render(fmt.Sprintf("%-*s", labelWidth-2, name))
	marker := "  "
	if f == m.focus && f != fieldCount {
		marker = st.Marker.Render("› ")
		label = st.Selected.Render(fmt.Sprintf("%-*s", labelWidth-2, name))
	}
	return marker + label + value
}

// sub is a line under a field, aligned with the values.
func sub(s string) string { return strings.Repeat(" ", labelWidth) + s }

func (m *Model) formLines() []string {
	st := m.c.Styles
	who := common.Printable(m.contact.Name())
	if m.contact.Phone != "" {
		who += " · " + common.Printable(m.contact.Phone)
	}
	if m.contact.Company != "" {
		who += st.Muted.Render(" · " + common.Printable(m.contact.Company))
	}
	lines := []string{
		st.Title.Render("Log a call"),
		"",
		m.row(fieldCount, "With", st.Value.Render(who)),
		m.row(fieldOutcome, "Outcome", m.outcomeText()),
		m.row(fieldDuration, "Duration", m.duration.View()),
	}
	lines = append(lines, m.durationLines()...)
	note := strings.Split(m.note.View(), "\n")
	lines = append(lines, m.row(fieldNote, "Note", note[0]))
	for _, l := range note[1:] {
		lines = append(lines, sub(l))
	}
	lines = append(lines, "")
	return append(lines, m.saveLines()...)
}

// outcomeText is the three outcomes, the chosen one marked; while the
// field has focus the choice stands out and arrows say it can change.
func (m *Model) outcomeText() string {
	st := m.c.Styles
	parts := make([]string, len(Outcomes))
	for i, o := range Outcomes {
		mark, style := "○ ", st.Muted
		if i == m.outcome {
			mark, style = "● ", st.Value
			if m.focus == fieldOutcome {
				style = st.Selected
			}
		}
		parts[i] = style.Render(mark + outcomeLabel(o))
	}
	return strings.Join(parts, "   ")
}

// durationLines say what the duration reads as, live: the length, why it
// cannot be read, or what may be typed.
func (m *Model) durationLines() []string {
	st := m.c.Styles
	w := m.inputWidth()
	text, style := "", st.Muted
	switch d, err := m.durationNow(); {
	case strings.TrimSpace(m.duration.Value()) == "":
		text = DurationHint
	case err != nil:
		text, style = "✗ "+common.Sentence(err.Error()), st.ErrorText
	default:
		text, style = "→ "+Length(d), st.LintOK
	}
	var out []string
	for _, l := range strings.Split(ansi.Wrap(text, max(10, w), ""), "\n") {
		out = append(out, sub(style.Render(l)))
	}
	return out
}

// saveLines are the question, the refusal of the last save, or how to save.
func (m *Model) saveLines() []string {
	st := m.c.Styles
	if m.asking {
		return []string{st.Confirm.Render("Discard this call? (y/n)")}
	}
	var lines []string
	if m.saveErr != "" && m.width > 0 {
		for _, l := range strings.Split(ansi.Wrap("✗ Not logged: "+m.saveErr, m.width, ""), "\n") {
			lines = append(lines, st.ErrorText.Render(l))
		}
	}
	if m.save == saveRunning {
		return append(lines, st.StatusInfo.Render("Saving…"))
	}
	return append(lines, st.Muted.Render("ctrl+s logs the call; it shows in the contact's Life of the Lead."))
}
