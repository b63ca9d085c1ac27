package picker

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/tui/common"
)

// sideBySide is the width from which the preview sits right of the list
// rather than under it.
const sideBySide = 100

// listHeaderLines is the title, the filter line and a blank line above the
// templates.
const listHeaderLines = 3

// itemLines is how many lines one template takes: its name, then its tags
// and the "already sent" mark.
const itemLines = 2

func (m *Model) listWidth() int {
	if m.width >= sideBySide {
		return max(32, min(48, m.width*2/5))
	}
	return m.width
}

// listHeight is the height of the list pane, including its header.
func (m *Model) listHeight() int {
	if m.width >= sideBySide {
		return m.height
	}
	if m.focus == focusSchedule {
		// The prompt stays whole; the preview below gives way.
		return min(m.height, listHeaderLines+len(m.scheduleLines(m.listWidth())))
	}
	want := listHeaderLines + itemLines*max(1, len(m.visible))
	return min(want, max(listHeaderLines+itemLines, m.height/3))
}

func (m *Model) itemsShown() int {
	return max(1, (m.listHeight()-listHeaderLines)/itemLines)
}

func (m *Model) clampOffset() {
	n := m.itemsShown()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+n {
		m.offset = m.cursor - n + 1
	}
	m.offset = max(0, min(m.offset, len(m.visible)-n))
}

// previewSize is the inner size of the preview pane, inside its border.
func (m *Model) previewSize() (w, h int) {
	fw, fh := m.c.Styles.Pane.GetFrameSize()
	if m.width >= sideBySide {
		return max(1, m.width-m.listWidth()-1-fw), max(1, m.height-fh)
	}
	return max(1, m.width-fw), max(1, m.height-m.listHeight()-fh)
}

// relayout resizes the preview when the list pane above it changed height
// (the schedule prompt opened, closed or grew an error line).
func (m *Model) relayout() {
	if m.width == 0 {
		return
	}
	if w, h := m.previewSize(); w != m.preview.Width() || h != m.preview.Height() {
		m.layoutPreview()
	}
}

func (m *Model) layoutPreview() {
	w, h := m.previewSize()
	m.preview.SetWidth(w)
	m.preview.SetHeight(h)
	m.setPreviewContent()
}

// View implements common.Screen.
func (m *Model) View() string {
	if m.width == 0 || m.height == 0 {
		return ""
	}
	st := m.c.Styles
	list := m.c.Styles.Fit(m.listWidth(), m.listHeight(), m.listView())
	w, h := m.previewSize()
	pane := st.Pane.Width(w + st.Pane.GetHorizontalFrameSize()).Height(h + st.Pane.GetVerticalFrameSize()).
		Render(m.preview.View())
	var out string
	if m.width >= sideBySide {
		out = lipgloss.JoinHorizontal(lipgloss.Top, list, " ", pane)
	} else {
		out = lipgloss.JoinVertical(lipgloss.Left, list, pane)
	}
	return m.c.Styles.Fit(m.width, m.height, out)
}

func (m *Model) listView() string {
	st := m.c.Styles
	w := m.listWidth()
	to := m.contact.Name()
	if m.contact.Email != "" && m.contact.Email != to && m.opportunityID == 0 {
		to += " <" + m.contact.Email + ">"
	}
	title := st.Title.Render("Smart Mail") + st.Muted.Render(" for ") + st.Value.Render(to)
	if m.opportunityID != 0 { // the deal first: the contact is in the preview's To
		deal := "a deal"
		if m.dealName != "" {
			deal = "“" + common.Printable(m.dealName) + "”"
		}
		title = st.Title.Render("Smart Mail") + st.Muted.Render(" for the deal ") + st.Value.Render(deal) +
			st.Muted.Render(", to ") + st.Value.Render(to)
	}
	lines := []string{ansi.Truncate(title, w, "…")}
	lines = append(lines, ansi.Truncate(m.filterLine(), w, "…"), ansi.Truncate(m.moreLine(), w, "…"))

	switch {
	case m.asking != bounceNone:
		lines = append(lines, m.bounceQuestion(w)...)
	case m.focus == focusSchedule:
		lines = append(lines, m.scheduleLines(w)...)
	case m.state == stateLoading && m.send == sendPending:
		lines = append(lines, st.Empty.Render("Loading Smart Mail…"), st.StatusInfo.Render("Quick Send of the first template follows."))
	case m.state == stateLoading:
		lines = append(lines, st.Empty.Render("Loading Smart Mail…"))
	case m.state == stateError:
		lines = append(lines, st.ErrorText.Render(ansi.Wrap("Could not load Smart Mail: "+m.errText, w, "")))
	case len(m.emails) == 0:
		lines = append(lines, st.Empty.Render(ansi.Wrap("No Smart Mail yet. Designate an email as Smart Mail in its send settings.", w, "")))
	case len(m.visible) == 0:
		lines = append(lines, st.Empty.Render("No Smart Mail matches this filter."))
	default:
		end := min(len(m.visible), m.offset+m.itemsShown())
		for i := m.offset; i < end; i++ {
			lines = append(lines, m.itemView(i, w)...)
		}
	}
	return strings.Join(lines, "\n")
}

// moreLine says how many templates the list cannot show above and below,
// so a short list on a small terminal does not pass for the whole one.
func (m *Model) moreLine() string {
	if m.focus == focusSchedule || m.state != stateReady {
		return ""
	}
	above := m.offset
	below := max(0, len(m.visible)-m.offset-m.itemsShown())
	var parts []string
	if above > 0 {
		parts = append(parts, fmt.Sprintf("↑ %d more", above))
	}
	if below > 0 {
		parts = append(parts, fmt.Sprintf("↓ %d more", below))
	}
	return m.c.Styles.Muted.Render(strings.Join(parts, " · "))
}

// filterLine shows the tag filter and the text filter.
func (m *Model) filterLine() string {
	st := m.c.Styles
	tag := "all tags"
	if m.tag >= 0 {
		tag = "#" + m.tags[m.tag]
	}
	var text string
	switch {
	case m.focus == focusFilter:
		text = m.filter.View()
	case m.filter.Value() != "":
		text = st.Muted.Render("/ ") + st.Value.Render("“"+m.filter.Value()+"”")
	default:
		text = st.Muted.Render("/ filter")
	}
	return st.Muted.Render("t ") + st.Tag.Render(tag) + "   " + text
}

func (m *Model) itemView(i, w int) []string {
	st := m.c.Styles
	e := m.emails[m.visible[i]]
	selected := i == m.cursor
	marker, name := "  ", st.Value.Render(ansi.Truncate(e.Name, w-2, "…"))
	if selected {
		marker = st.Marker.Render("› ")
		name = st.Selected.Render(ansi.Truncate(e.Name, w-2, "…"))
	}
	tags := make([]string, len(e.Tags))
	for j, t := range e.Tags {
		tags[j] = "#" + t
	}
	second := st.Tag.Render(strings.Join(tags, " "))
	if at, ok := m.received[e.ID]; ok {
		mark := st.Received.Render("✓ sent " + m.c.ShortDate(at))
		gap := w - 2 - lipgloss.Width(second) - lipgloss.Width(mark)
		if gap < 1 {
			second = mark
		} else {
			second += strings.Repeat(" ", gap) + mark
		}
	}
	return []string{marker + name, "  " + ansi.Truncate(second, w-2, "…")}
}
