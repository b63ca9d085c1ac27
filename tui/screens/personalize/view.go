package personalize

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/tui/common"
)

// sideBySide is the width from which the preview sits right of the form
// rather than under it.
const sideBySide = 100

// labelWidth is the field names' column, with the focus marker.
const labelWidth = 14

// minBodyLines and maxBodyLines bound the body editor's height.
const (
	minBodyLines = 3
	maxBodyLines = 14
)

// minPreviewLines is the least the preview pane gets under the form.
const minPreviewLines = 4

func errorIntent(err error) common.ErrorMsg { return common.ErrorMsg{Err: err} }

// SetSize implements common.Screen.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.relayout()
}

func (m *Model) formWidth() int {
	if m.width >= sideBySide {
		return max(56, m.width*11/20)
	}
	return m.width
}

func (m *Model) inputWidth() int { return max(8, m.formWidth()-labelWidth-1) }

// formLinesWithoutBody counts the form's lines other than the body editor.
func (m *Model) formLinesWithoutBody() int {
	return len(m.formLines(0))
}

// bodyLines is the body editor's height: what the form leaves, within
// bounds; under the form the preview keeps its minimum.
func (m *Model) bodyLines() int {
	room := m.height - m.formLinesWithoutBody()
	if m.width < sideBySide {
		room -= minPreviewLines + m.c.Styles.Pane.GetVerticalFrameSize()
	}
	return max(minBodyLines, min(maxBodyLines, room))
}

// previewSize is the inner size of the preview pane.
func (m *Model) previewSize() (int, int) {
	fw, fh := m.c.Styles.Pane.GetFrameSize()
	if m.width >= sideBySide {
		return max(1, m.width-m.formWidth()-1-fw), max(1, m.height-fh)
	}
	return max(1, m.width-fw), max(1, m.height-len(m.formLines(m.bodyLines()))-fh)
}

// relayout sizes the inputs, the body and the preview for the current
// size and content.
func (m *Model) relayout() {
	if m.width == 0 || m.height == 0 {
		return
	}
	w := m.inputWidth()
	for _, in := range m.inputs() {
		in.SetWidth(w)
	}
	m.attachIn.SetWidth(max(8, w-lipgloss.Width(m.attachCount())))
	for i, r := range m.recipients {
		r.input.SetWidth(max(8, w-lipgloss.Width(m.chipsText(r, w, field(i)+fieldTo == m.focus))))
	}
	m.body.SetWidth(w)
	m.body.SetHeight(m.bodyLines())
	pw, ph := m.previewSize()
	if pw != m.preview.Width() || ph != m.preview.Height() {
		m.preview.SetWidth(pw)
		m.preview.SetHeight(ph)
		m.setPreviewContent()
	}
}

// View implements common.Screen.
func (m *Model) View() string {
	if m.width == 0 || m.height == 0 {
		return ""
	}
	st := m.c.Styles
	var out string
	switch m.state {
	case stateLoading:
		out = st.Empty.Render("Composing the draft…")
	case stateError:
		out = st.ErrorText.Render(ansi.Wrap("Cannot personalize: "+m.errText, m.width, "")) + "\n" +
			st.Muted.Render("esc goes back.")
	default:
		fw := m.formWidth()
		lines := m.formLines(m.bodyLines())
		for i, l := range lines {
			lines[i] = ansi.Truncate(l, fw, "…")
		}
		form := m.c.Styles.FitWidth(fw, strings.Join(lines, "\n"))
		pw, ph := m.previewSize()
		pane := st.Pane.Width(pw + st.Pane.GetHorizontalFrameSize()).Height(ph + st.Pane.GetVerticalFrameSize()).
			Render(m.preview.View())
		if m.width >= sideBySide {
			out = lipgloss.JoinHorizontal(lipgloss.Top, form, " ", pane)
		} else {
			out = lipgloss.JoinVertical(lipgloss.Left, form, pane)
		}
	}
	return m.c.Styles.Fit(m.width, m.height, out)
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

// formLines draws the form with a body editor of bodyH lines (0 leaves
// the editor out, to measure the rest).
func (m *Model) formLines(bodyH int) []string {
	st := m.c.Styles
	w := m.inputWidth()
	to := m.contact.Name()
	if m.contact.Email != "" && m.contact.Email != to {
		to += " <" + m.contact.Email + ">"
	}
	primary := st.Value.Render(to) + st.Muted.Render("  (primary)")
	if isBlank(m.contact.Email) {
		primary = st.Value.Render(to) + st.Blocked.Render("  ✗ no email address")
	}
	lines := []string{m.row(fieldCount, "To", primary)}
	for i, r := range m.recipients {
		lines = append(lines, m.recipientLines(field(i)+fieldTo, r, w)...)
	}
	lines = append(lines,
		m.row(fieldSubject, "Subject", m.subject.View()),
		m.row(fieldFromName, "From name", m.fromName.View()),
		m.row(fieldFromEmail, "From", m.fromEmail.View()),
		m.row(fieldReplyTo, "Reply-To", m.replyTo.View()),
		m.row(fieldSignature, "Signature", m.signatureText()),
	)
	if bodyH > 0 {
		for i, l := range strings.Split(m.body.View(), "\n") {
			switch {
			case i == 0:
				lines = append(lines, m.row(fieldBody, "Body", l))
			case i == 1 && m.keys.Editor.Enabled():
				lines = append(lines, "  "+st.Muted.Render(fmt.Sprintf("%-*s", labelWidth-2, "ctrl+e"))+l)
			default:
				lines = append(lines, sub(l))
			}
		}
	}
	lines = append(lines, m.attachmentLines(w)...)
	lines = append(lines, m.scheduleLines(w)...)
	lines = append(lines, m.remindLines()...)
	return append(lines, m.sendLines()...)
}

// chipsText is the recipients added; with the input beside them they
// leave it room.
func (m *Model) chipsText(r *recipientField, w int, withInput bool) string {
	var chips []string
	for _, c := range r.chips {
		chips = append(chips, chipText(c))
	}
	s := strings.Join(chips, ", ")
	if s != "" && withInput {
		s += ", "
	}
	if withInput {
		w -= min(24, w/3)
	}
	return ansi.Truncate(s, max(0, w), "…, ")
}

func (m *Model) recipientLines(f field, r *recipientField, w int) []string {
	st := m.c.Styles
	withInput := f == m.focus || r.input.Value() != ""
	chips := m.chipsText(r, w, withInput)
	value := st.Value.Render(chips)
	if withInput {
		value += r.input.View()
	} else if chips == "" {
		value = st.Muted.Render(common.NoValue)
	}
	lines := []string{m.row(f, r.label, value)}
	if f == m.focus {
		for i, c := range r.matches {
			text := c.Name() + " <" + c.Email + ">"
			if c.Company != "" {
				text += st.Muted.Render(" · " + c.Company)
			}
			if i == r.cursor {
				lines = append(lines, sub(st.Marker.Render("› ")+st.Selected.Render(text)))
			} else {
				lines = append(lines, sub("  "+st.Value.Render(text)))
			}
		}
	}
	switch {
	case r.checking > 0:
		lines = append(lines, sub(st.StatusInfo.Render("Checking…")))
	case r.err != "":
		for _, l := range strings.Split(ansi.Wrap("✗ "+r.err, w, ""), "\n") {
			lines = append(lines, sub(st.ErrorText.Render(l)))
		}
	}
	return lines
}

func (m *Model) signatureText() string {
	st := m.c.Styles
	name := "none"
	if m.signature >= 0 && m.signature < len(m.signatures) {
		name = m.signatures[m.signature].Name
	}
	if m.focus != fieldSignature {
		return st.Value.Render(name)
	}
	if len(m.signatures) == 0 {
		return st.Value.Render(name) + st.Muted.Render("  (no signatures yet)")
	}
	return st.Muted.Render("‹ ") + st.Selected.Render(name) + st.Muted.Render(" ›")
}

func (m *Model) scheduleLines(w int) []string {
	st := m.c.Styles
	zone := m.c.Now().Format("MST")
	if m.focus != fieldSchedule && isBlank(m.when.Value()) {
		// One line when nothing is typed: the form is tight at 80×24.
		return []string{m.row(fieldSchedule, "Send", st.Value.Render("as soon as possible")+st.Muted.Render(" · local zone "+zone))}
	}
	lines := []string{m.row(fieldSchedule, "Send", m.when.View())}
	switch at, err := m.readWhen(); {
	case err != nil:
		for _, l := range strings.Split(ansi.Wrap("✗ "+err.Error(), w, ""), "\n") {
			lines = append(lines, sub(st.ErrorText.Render(l)))
		}
	case at.At.IsZero():
		// Examples built from now, so each is ahead of it.
		asap := "→ as soon as possible · or "
		lines = append(lines, sub(st.Muted.Render(asap+outbox.WhenHint(m.c.Now(), w-ansi.StringWidth(asap)))))
	default:
		for _, l := range strings.Split(ansi.Wrap("→ "+at.Describe(m.c.Now()), w, ""), "\n") {
			lines = append(lines, sub(st.LintOK.Render(l)))
		}
	}
	return lines
}

// sendLines is the question, the refusal of the last send, or whether
// send is possible and why not.
func (m *Model) sendLines() []string {
	st := m.c.Styles
	w := m.formWidth()
	if m.confirm == confirmDiscard {
		return []string{"", st.Confirm.Render("Discard your changes? y/n")}
	}
	var lines []string
	if m.sendErr != "" {
		for _, l := range strings.Split(ansi.Wrap("✗ Not sent: "+m.sendErr, w, ""), "\n") {
			lines = append(lines, st.ErrorText.Render(l))
		}
	}
	switch reason, blocked := m.blocked(); {
	case m.send == sendRunning:
		lines = append(lines, st.StatusInfo.Render("Sending…"))
	case blocked:
		lines = append(lines, st.Blocked.Render(ansi.Truncate("✗ Send blocked: "+reason, w, "…")))
	default:
		ready := "✓ Ready: ctrl+s sends"
		if m.opts.MessageID != 0 {
			ready = "✓ Ready: ctrl+s saves and sends"
		}
		lines = append(lines, st.LintOK.Render(ready))
	}
	return append([]string{""}, lines...)
}
