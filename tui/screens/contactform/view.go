package contactform

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// labelWidth is the field names' column, with the focus marker.
const labelWidth = 14

// customKeyWidth is the width of a custom field's name input.
const customKeyWidth = 16

// SetSize implements common.Screen.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.relayout()
	m.scrollToFocus()
}

// relayout sizes the inputs for the width.
func (m *Model) relayout() {
	w := m.inputWidth()
	for i := range m.inputs {
		m.inputs[i].SetWidth(w)
	}
	for _, r := range m.custom {
		r.key.SetWidth(customKeyWidth)
		r.value.SetWidth(max(4, w-customKeyWidth-4)) // each input draws one cell more, for the cursor
	}
}

func (m *Model) inputWidth() int { return max(8, m.width-labelWidth-1) }

// View implements common.Screen.
func (m *Model) View() string {
	if m.width == 0 || m.height == 0 {
		return ""
	}
	st := m.c.Styles
	var out string
	switch m.state {
	case stateLoading:
		out = st.Empty.Render("Loading…")
	case stateError:
		out = st.ErrorText.Render(ansi.Wrap("Cannot open the form: "+m.errText, m.width, "")) + "\n" +
			st.Muted.Render("esc goes back.")
	default:
		m.relayout()
		head := m.headLines()
		bottom := m.bottomLines()
		lines, _ := m.formLines()
		room := max(1, m.height-len(head)-len(bottom))
		end := min(len(lines), m.offset+room)
		body := lines[min(m.offset, len(lines)):end]
		if m.offset > 0 {
			body[0] = st.Muted.Render(fmt.Sprintf("  ↑ %d more", m.offset+1))
		}
		if end < len(lines) {
			body[len(body)-1] = st.Muted.Render(fmt.Sprintf("  ↓ %d more", len(lines)-end+1))
		}
		all := append(append(append([]string{}, head...), body...), bottom...)
		for i, l := range all {
			all[i] = ansi.Truncate(l, m.width, "…")
		}
		out = strings.Join(all, "\n")
	}
	return st.Fit(m.width, m.height, out)
}

// headLines are the form's title and a blank line.
func (m *Model) headLines() []string {
	st := m.c.Styles
	title := st.Title.Render("New " + string(m.kind))
	if m.Editing() {
		c := m.loaded
		title = st.Title.Render("Edit "+common.Printable(c.Name())) +
			st.Muted.Render("  "+string(c.Kind)+" · "+common.Humanize(string(c.Status)))
		if !c.ArchivedAt.IsZero() {
			title += st.Muted.Render(" · archived")
		}
	}
	return []string{title, ""}
}

// scrollToFocus scrolls the form so the focused field and the sentences
// under it are on screen.
func (m *Model) scrollToFocus() {
	if m.state != stateReady || m.height == 0 {
		return
	}
	lines, at := m.formLines()
	room := max(1, m.height-len(m.headLines())-len(m.bottomLines()))
	first, last := at[m.focus][0], at[m.focus][1]
	if len(lines) <= room {
		m.offset = 0
		return
	}
	// The "↑/↓ more" lines take the first and last row of a scrolled view.
	if first <= m.offset && m.offset > 0 {
		m.offset = max(0, first-1)
	}
	if last >= m.offset+room-1 {
		m.offset = min(len(lines)-room, last-room+2)
	}
	if first <= m.offset && m.offset > 0 {
		m.offset = max(0, first-1)
	}
	m.offset = max(0, min(m.offset, len(lines)-room))
}

// row is one field: the focus marker and name, then its value.
func (m *Model) row(f field, name, value string) string {
	st := m.c.Styles
	label := st.Label.Render(fmt.Sprintf("%-*s", labelWidth-2, name))
	marker := "  "
	if f == m.focus && m.confirm == confirmNone {
		marker = st.Marker.Render("› ")
		label = st.Selected.Render(fmt.Sprintf("%-*s", labelWidth-2, name))
	}
	return marker + label + value
}

// sub is a line under a field, aligned with the values.
func sub(s string) string { return strings.Repeat(" ", labelWidth) + s }

// errLines is a refusal under a field, wrapped to the values' column.
func (m *Model) errLines(text string) []string {
	if text == "" {
		return nil
	}
	var out []string
	for _, l := range strings.Split(ansi.Wrap("✗ "+text, max(10, m.width-labelWidth), ""), "\n") {
		out = append(out, sub(m.c.Styles.ErrorText.Render(l)))
	}
	return out
}

// formLines draws the fields, and says on which lines each field is
// (first and last, its sentences included).
func (m *Model) formLines() ([]string, map[field][2]int) {
	st := m.c.Styles
	at := map[field][2]int{}
	var lines []string
	add := func(f field, ls ...string) {
		at[f] = [2]int{len(lines), len(lines) + len(ls) - 1}
		lines = append(lines, ls...)
	}
	add(fieldKind, m.row(fieldKind, "Kind", m.choiceText(fieldKind, string(m.kind), m.kindHint())))
	for i, tf := range textFields {
		ls := append([]string{m.row(tf.f, tf.label, m.inputs[i].View())}, m.errLines(m.errs[i])...)
		if tf.f == fieldEmail && m.dup != nil {
			ls = append(ls, sub(st.Confirm.Render("⚠ another contact has this email")))
		}
		add(tf.f, ls...)
	}
	add(fieldOwner, m.row(fieldOwner, "Owner", m.choiceText(fieldOwner, common.Printable(m.ownerName()), "")))
	if len(m.custom) == 0 {
		lines = append(lines, m.row(-1, "Custom", st.Muted.Render("none · ctrl+n adds one")))
	}
	for i, r := range m.custom {
		f := fieldCustom + field(2*i)
		name := ""
		if i == 0 {
			name = "Custom"
		}
		rowField := field(-1) // no marker
		if m.focus == f || m.focus == f+1 {
			rowField = m.focus
		}
		first := m.row(rowField, name, r.key.View()+st.Muted.Render(" = ")+r.value.View())
		ls := append([]string{first}, m.errLines(r.keyErr)...)
		ls = append(ls, m.errLines(r.valErr)...)
		at[f] = [2]int{len(lines), len(lines) + len(ls) - 1}
		at[f+1] = at[f]
		lines = append(lines, ls...)
	}
	if len(m.custom) > 0 {
		lines = append(lines, sub(st.Muted.Render("ctrl+n adds a custom field, ctrl+x removes the one in focus")))
	}
	return lines, at
}

// choiceText is a chooser's value: ‹ value › while it has focus.
func (m *Model) choiceText(f field, value, hint string) string {
	st := m.c.Styles
	if m.focus != f || m.confirm != confirmNone {
		return st.Value.Render(value)
	}
	out := st.Muted.Render("‹ ") + st.Selected.Render(value) + st.Muted.Render(" ›")
	if hint != "" {
		out += st.Muted.Render("  " + hint)
	}
	return out
}

// kindHint says what a kind switch does on an existing contact.
func (m *Model) kindHint() string {
	if !m.Editing() || m.kind == m.loaded.Kind {
		return ""
	}
	if m.kind == store.KindContact {
		return "converts the lead to a contact"
	}
	return "makes the contact a lead again (qualified)"
}

// otherText is the contact that has the same email: name, kind, status,
// company and owner.
func otherText(c store.Contact) string {
	parts := []string{"the " + string(c.Kind) + " " + c.Name(), common.Humanize(string(c.Status))}
	if c.Company != "" {
		parts = append(parts, c.Company)
	}
	if c.OwnerName != "" {
		parts = append(parts, "owner "+c.OwnerName)
	}
	return common.Printable(strings.Join(parts, " · "))
}

// bottomLines are the question asked, or why the last save was refused,
// and how to save; they stay on screen while the fields scroll.
func (m *Model) bottomLines() []string {
	st := m.c.Styles
	w := max(10, m.width)
	wrap := func(style lipgloss.Style, text string) []string {
		var out []string
		for _, l := range strings.Split(ansi.Wrap(text, w, ""), "\n") {
			out = append(out, style.Render(l))
		}
		return out
	}
	lines := []string{""}
	switch m.confirm {
	case confirmDiscard:
		what := "this new " + string(m.kind)
		if m.Editing() {
			what = "your changes"
		}
		return append(lines, st.Confirm.Render("Discard "+what+"? y/n"))
	case confirmDuplicate:
		d := m.dup
		lines = append(lines, wrap(st.Confirm, common.Printable(d.Email)+" is already the email of "+otherText(d.Other)+".")...)
		return append(lines, st.Confirm.Render("Save anyway? y save anyway · o open them · n/esc keep editing"))
	case confirmStale:
		c := m.stale.Current
		what := "changed"
		if fs := m.staleFields(); len(fs) > 0 {
			what = "changed (" + strings.Join(fs, ", ") + ")"
		}
		lines = append(lines, wrap(st.Confirm, common.Printable(c.Name())+" "+what+" since you opened it.")...)
		return append(lines, wrap(st.Confirm, "r keep theirs, drop mine · w overwrite with mine · n/esc keep editing")...)
	}
	switch {
	case m.saving:
		lines = append(lines, st.StatusInfo.Render("Saving…"))
	case m.formErr != "":
		lines = append(lines, wrap(st.ErrorText, "✗ "+m.formErr)...)
	case m.notice != "":
		lines = append(lines, wrap(st.StatusWarning, m.notice)...)
	default:
		lines = append(lines, st.Muted.Render("ctrl+s saves · enter on the last field saves · esc cancels"))
	}
	return lines
}
