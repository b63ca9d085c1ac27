package taskform

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/tui/common"
)

// labelWidth is the field names' column, with the focus marker.
const labelWidth = 10

func (m *Model) inputWidth() int { return max(8, m.width-labelWidth-1) }

// View implements common.Screen.
func (m *Model) View() string {
	if m.width == 0 || m.height == 0 {
		return ""
	}
	st := m.c.Styles
	var lines []string
	switch m.state {
	case stateLoading:
		lines = []string{st.Empty.Render("Opening the task form…")}
	case stateError:
		lines = append(strings.Split(st.ErrorText.Render(ansi.Wrap("Cannot add a task: "+m.errText, m.width, "")), "\n"),
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
	c := m.aboutContact()
	who := common.Printable(c.Name)
	if c.Email != "" && c.Email != c.Name {
		who += " <" + common.Printable(c.Email) + ">"
	}
	if m.focus == fieldContact {
		who = st.Muted.Render("‹ ") + st.Selected.Render(who) + st.Muted.Render(" ›")
	} else {
		who = st.Value.Render(who)
	}
	if c.Company != "" {
		who += st.Muted.Render(" · " + common.Printable(c.Company))
	}
	lines := []string{
		st.Title.Render("New follow-up task"),
		"",
	}
	if m.deal.ID != 0 {
		lines = append(lines, m.row(fieldCount, "Deal", st.Value.Render(common.Printable(m.deal.Name))))
	}
	lines = append(lines,
		m.row(fieldContact, "For", who),
		m.row(fieldTitle, "What", m.title.View()),
		m.row(fieldDue, "Due", m.due.View()),
	)
	lines = append(lines, m.dueLines()...)
	lines = append(lines, m.row(fieldOwner, "Owner", m.ownerText()), "")
	return append(lines, m.saveLines()...)
}

// dueLines say what the due field reads as, live: the absolute time and
// how far off, why it cannot be read, or examples built from now so each
// is ahead of it.
func (m *Model) dueLines() []string {
	st := m.c.Styles
	w := m.inputWidth()
	if strings.TrimSpace(m.due.Value()) == "" {
		const eg = "e.g. "
		return []string{sub(st.Muted.Render(eg + outbox.WhenHint(m.c.Now(), w-len(eg))))}
	}
	at, err := m.readDue()
	text, style := "→ "+at.Describe(m.c.Now()), st.LintOK
	if err != nil {
		text, style = "✗ "+err.Error(), st.ErrorText
	}
	var out []string
	for _, l := range strings.Split(ansi.Wrap(text, w, ""), "\n") {
		out = append(out, sub(style.Render(l)))
	}
	return out
}

// ownerText is the owner's name, with arrows while the field has focus and
// there is a choice.
func (m *Model) ownerText() string {
	st := m.c.Styles
	u := m.ownerUser()
	name := common.Printable(u.Name)
	if name == "" {
		name = common.Printable(u.Email)
	}
	you := ""
	if u.ID == m.opts.Me.ID {
		you = st.Muted.Render("  (you)")
	}
	if m.focus != fieldOwner || len(m.users) < 2 {
		return st.Value.Render(name) + you
	}
	return st.Muted.Render("‹ ") + st.Selected.Render(name) + st.Muted.Render(" ›") + you
}

// saveLines are the question, the refusal of the last save, or how to save.
func (m *Model) saveLines() []string {
	st := m.c.Styles
	if m.confirm == confirmDiscard {
		return []string{st.Confirm.Render("Discard this task? y/n")}
	}
	var lines []string
	if m.saveErr != "" {
		for _, l := range strings.Split(ansi.Wrap("✗ Not saved: "+m.saveErr, m.width, ""), "\n") {
			lines = append(lines, st.ErrorText.Render(l))
		}
	}
	if m.save == saveRunning {
		return append(lines, st.StatusInfo.Render("Saving…"))
	}
	if m.deal.ID != 0 {
		return append(lines, st.Muted.Render("ctrl+s saves the task; it shows in Today, the deal's timeline and the contact's."))
	}
	return append(lines, st.Muted.Render("ctrl+s saves the task; it shows in Today and in the contact's Life of the Lead."))
}
