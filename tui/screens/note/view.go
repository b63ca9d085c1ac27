package note

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/tui/common"
)

// layout sizes the editor and the viewport to what the frame around them
// leaves: the title line, the refusal of the last save, the hint line.
func (m *Model) layout() {
	if m.width <= 0 {
		return
	}
	m.body.SetWidth(max(10, m.width))
	m.body.SetHeight(max(3, m.height-2-len(m.saveErrLines())))
	m.vp.SetWidth(m.width)
	m.vp.SetHeight(max(1, m.height-2))
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
		lines = []string{st.Empty.Render("Loading note…")}
	case stateError:
		lines = append(strings.Split(st.ErrorText.Render(ansi.Wrap("Cannot show this note: "+m.errText, m.width, "")), "\n"),
			st.Muted.Render("esc goes back."))
	case stateView:
		lines = append([]string{m.spread(st.Title.Render(m.heading()), st.Muted.Render(m.when())),
			st.Rule.Render(strings.Repeat("─", m.width))}, strings.Split(m.vp.View(), "\n")...)
	default:
		lines = m.editorLines()
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, m.width, "…")
	}
	return st.Fit(m.width, m.height, strings.Join(lines, "\n"))
}

// onWhom names what the note is on: its contact, or its deal and the
// deal's primary contact ("the deal Fleet renewal (Ada Lovelace)").
func (m *Model) onWhom() string {
	who := common.Printable(m.contact.Name())
	if m.deal.ID == 0 {
		return who
	}
	deal := "the deal " + common.Printable(m.deal.Name)
	if who == "" {
		return deal
	}
	return deal + " (" + who + ")"
}

// heading names the note and what it is on.
func (m *Model) heading() string {
	who := m.onWhom()
	switch {
	case m.noteID == 0 && who == "":
		return "New note"
	case m.noteID == 0:
		return "New note on " + who
	case m.state == stateEdit:
		return "Edit note on " + who
	}
	return "Note on " + who
}

// when says when the note was written and last edited.
func (m *Model) when() string {
	n := m.note
	s := "written " + m.c.ShortDate(n.CreatedAt) + " (" + m.c.Ago(n.CreatedAt) + ")"
	if !n.EditedAt.IsZero() {
		s += " · edited " + m.c.Ago(n.EditedAt)
	}
	return s
}

func (m *Model) editorLines() []string {
	st := m.c.Styles
	var state string
	switch {
	case m.busy == busySaving:
		state = st.Muted.Render("saving…")
	case m.busy == busyExternal:
		state = st.Muted.Render("in $EDITOR…")
	case m.Dirty():
		state = st.StatusQueue.Render("● unsaved")
	}
	lines := append([]string{m.spread(st.Title.Render(m.heading()), state)}, strings.Split(m.body.View(), "\n")...)
	lines = append(lines, m.saveErrLines()...)
	switch {
	case m.asking:
		what, _ := m.Unsaved()
		lines = append(lines, st.Confirm.Render("Discard "+what+"? (y/n)"))
	default:
		lines = append(lines, st.Muted.Render("Markdown · ctrl+s saves · ctrl+e opens $EDITOR · esc cancels"))
	}
	return lines
}

// saveErrLines are the refusal of the last save, wrapped.
func (m *Model) saveErrLines() []string {
	if m.saveErr == "" || m.width <= 0 {
		return nil
	}
	var out []string
	for _, l := range strings.Split(ansi.Wrap("✗ Not saved: "+m.saveErr, m.width, ""), "\n") {
		out = append(out, m.c.Styles.ErrorText.Render(l))
	}
	return out
}

// spread puts left and right on one line of the screen's width; right
// goes when both do not fit.
func (m *Model) spread(left, right string) string {
	gap := m.width - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		return left
	}
	return left + strings.Repeat(" ", gap) + right
}
