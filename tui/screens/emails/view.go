package emails

import (
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/store"
)

// listHeaderLines is the title, the question line and the column titles.
const listHeaderLines = 3

func (m *Model) rowsShown() int { return max(1, m.height-listHeaderLines) }

// View implements common.Screen.
func (m *Model) View() string {
	if m.width == 0 || m.height == 0 {
		return ""
	}
	var out string
	switch m.view {
	case viewEditor, viewSigEditor:
		if m.view == viewSigEditor {
			out = m.sigEditorView()
			break
		}
		out = m.editorView()
	case viewSignatures:
		out = m.sigsView()
	default:
		out = m.listView()
	}
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, m.width, "…")
	}
	return m.c.Styles.Fit(m.width, m.height, strings.Join(lines, "\n"))
}

// spread puts left and right on one line of the screen's width.
func (m *Model) spread(left, right string) string {
	gap := m.width - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		return left
	}
	return left + strings.Repeat(" ", gap) + right
}

// question is the yes/no prompt line, or "" when nothing is asked.
func (m *Model) question() string {
	st := m.c.Styles
	var q string
	switch m.prompt {
	case promptDelete:
		e, _ := m.Selected()
		q = "Delete “" + e.Name + "”? (y/n) If sent messages use it, it is archived instead."
	case promptDiscard:
		q = "Discard the unsaved changes to this email? (y/n)"
	case promptDeleteSig:
		s, _ := m.sigs.selected()
		q = "Delete the signature “" + s.Name + "”? (y/n)"
	case promptDiscardSig:
		q = "Discard the unsaved changes to this signature? (y/n)"
	default:
		return ""
	}
	return st.Confirm.Render(q)
}

// column widths of the list: name, tags, and the subject takes the rest.
func (m *Model) listColumns() (name, tags int) {
	name = max(12, min(34, m.width*35/100))
	tags = max(8, min(26, m.width*22/100))
	return name, tags
}

func (m *Model) listView() string {
	st := m.c.Styles
	title := st.Title.Render("Emails")
	if m.state == stateReady {
		smart := 0
		for _, e := range m.emails {
			if e.SmartMail {
				smart++
			}
		}
		title += st.Muted.Render(" · " + plural(len(m.emails), "template") + ", " + itoa(smart) + " Smart Mail")
	}
	lines := []string{m.spread(title, st.Muted.Render("★ Smart Mail")), m.question()}
	switch {
	case m.state == stateLoading:
		lines = append(lines, st.Empty.Render("Loading emails…"))
	case m.state == stateError:
		lines = append(lines, st.ErrorText.Render("Could not load emails: "+m.errText), st.Muted.Render("Press r to try again."))
	case len(m.emails) == 0:
		lines = append(lines, st.Empty.Render("No emails yet. Press n to write the first one."))
	default:
		nw, tw := m.listColumns()
		lines = append(lines, st.Label.Render("    "+pad("Name", nw)+" "+pad("Tags", tw)+" Subject"))
		end := min(len(m.emails), m.offset+m.rowsShown())
		for i := m.offset; i < end; i++ {
			lines = append(lines, m.emailRow(m.emails[i], i == m.cursor, nw, tw))
		}
	}
	return strings.Join(lines, "\n")
}

func (m *Model) emailRow(e store.Email, selected bool, nw, tw int) string {
	st := m.c.Styles
	marker, star := " ", " "
	if selected {
		marker = st.Marker.Render("›")
	}
	if e.SmartMail {
		star = st.Received.Render("★")
	}
	name := pad(e.Name, nw)
	if selected {
		name = st.Selected.Render(name)
	} else {
		name = st.Value.Render(name)
	}
	tags := make([]string, len(e.Tags))
	for i, t := range e.Tags {
		tags[i] = "#" + t
	}
	rest := max(0, m.width-4-nw-tw-2)
	return marker + " " + star + " " + name + " " + st.Tag.Render(pad(strings.Join(tags, " "), tw)) + " " +
		st.Muted.Render(ansi.Truncate(e.Subject, rest, "…"))
}

func (m *Model) editorView() string {
	e, st := m.editor, m.c.Styles
	title := "New email"
	if e.orig.ID != 0 {
		title = "Edit email · " + e.orig.Name
	}
	var state string
	switch e.busy {
	case busyChecking:
		state = st.Muted.Render("checking…")
	case busySaving:
		state = st.Muted.Render("saving…")
	case busyExternal:
		state = st.Muted.Render("in $EDITOR…")
	default:
		if e.dirty() {
			state = st.StatusQueue.Render("● unsaved")
		}
	}
	head := m.spread(st.Title.Render(title), state)
	if q := m.question(); q != "" {
		head = q
	}
	lines := []string{head,
		m.label(fieldName, "Name") + e.inputs[fieldName].View(),
		m.label(fieldSubject, "Subject") + e.inputs[fieldSubject].View(),
	}
	if p := e.problem; p != nil && p.field != fieldBody {
		lines = append(lines, strings.Repeat(" ", labelWidth)+st.ErrorText.Render("✗ "+p.text()))
	}
	hint := "Body · Markdown · ctrl+e opens $EDITOR"
	lines = append(lines, m.label(fieldBody, hint), e.body.View())
	if p := e.problem; p != nil && p.field == fieldBody {
		lines = append(lines, st.ErrorText.Render("✗ "+p.text()))
	}
	check := "[ ] off"
	if e.smart {
		check = "[x] on "
	}
	if e.focus == fieldSmart {
		check = st.Selected.Render(check)
	}
	lines = append(lines,
		m.label(fieldSmart, "Smart Mail")+check+" "+m.label(fieldTags, "Tags")+e.inputs[fieldTags].View(),
		m.label(fieldFromName, "From name")+e.inputs[fieldFromName].View()+" "+
			m.label(fieldFromEmail, "From address")+e.inputs[fieldFromEmail].View(),
		m.label(fieldReplyTo, "Reply-To")+e.inputs[fieldReplyTo].View(),
	)
	if e.saveErr != "" {
		lines = append(lines, st.ErrorText.Render(e.saveErr))
	}
	if e.trial != nil {
		lines = append(lines, m.trialLines(e.trial, e.trialHeight())...)
	}
	return strings.Join(lines, "\n")
}

// trialLines is the trial render in at most h lines.
func (m *Model) trialLines(t *trial, h int) []string {
	st := m.c.Styles
	head := "── Trial render for " + t.contact + " "
	head += strings.Repeat("─", max(0, m.width-lipgloss.Width(head)))
	out := []string{st.Rule.Render(head), st.HeaderKey.Render("Subject: ") + st.HeaderValue.Render(t.subject)}
	var tail []string
	if len(t.missing) > 0 {
		tail = []string{st.LintMissing.Render("Missing for this contact: " + strings.Join(t.missing, ", "))}
	}
	room := max(0, h-len(out)-len(tail))
	text := strings.Split(t.text, "\n")
	if len(text) > room && room > 0 {
		text = append(text[:room-1], st.Muted.Render("…"))
	} else if room == 0 {
		text = nil
	}
	out = append(out, text...)
	return append(out, tail...)
}

// label is a field's name, marked when the field has focus.
func (m *Model) label(f field, text string) string {
	return m.fieldLabel(m.editor.focus == f, m.editor.problem != nil && m.editor.problem.field == f, text)
}

func (m *Model) fieldLabel(focused, bad bool, text string) string {
	st := m.c.Styles
	style := st.Label
	switch {
	case bad:
		style = st.ErrorText
	case focused:
		style = st.Title
	}
	marker := "  "
	if focused {
		marker = st.Marker.Render("›") + " "
	}
	if lipgloss.Width(text) >= labelWidth-2 {
		return marker + style.Render(text) + " "
	}
	return marker + style.Render(pad(text, labelWidth-2))
}

func (m *Model) sigsView() string {
	st, l := m.c.Styles, m.sigs
	title := st.Title.Render("Signatures") + st.Muted.Render(" · "+m.opts.Sender.Name)
	lines := []string{m.spread(title, st.Muted.Render("★ default")), m.question()}
	switch {
	case l.state == stateLoading:
		lines = append(lines, st.Empty.Render("Loading signatures…"))
	case l.state == stateError:
		lines = append(lines, st.ErrorText.Render("Could not load signatures: "+l.errText), st.Muted.Render("Press r to try again."))
	case len(l.items) == 0:
		lines = append(lines, st.Empty.Render("No signatures yet. Press n to write one."))
	default:
		nw := max(12, min(28, m.width/4))
		for i, s := range l.items {
			marker, star := " ", " "
			if i == l.cursor {
				marker = st.Marker.Render("›")
			}
			if s.IsDefault {
				star = st.Received.Render("★")
			}
			name := st.Value.Render(pad(s.Name, nw))
			if i == l.cursor {
				name = st.Selected.Render(pad(s.Name, nw))
			}
			first := strings.ReplaceAll(strings.TrimSpace(s.Body), "\n", " · ")
			lines = append(lines, marker+" "+star+" "+name+" "+st.Muted.Render(first))
		}
	}
	return strings.Join(lines, "\n")
}

func (m *Model) sigEditorView() string {
	e, st := m.sig, m.c.Styles
	title := "New signature"
	if e.orig.ID != 0 {
		title = "Edit signature · " + e.orig.Name
	}
	state := ""
	switch {
	case e.busy == busySaving:
		state = st.Muted.Render("saving…")
	case e.busy == busyExternal:
		state = st.Muted.Render("in $EDITOR…")
	case e.dirty():
		state = st.StatusQueue.Render("● unsaved")
	}
	head := m.spread(st.Title.Render(title), state)
	if q := m.question(); q != "" {
		head = q
	}
	lines := []string{head,
		m.fieldLabel(e.focus == sigFieldName, false, "Name") + e.name.View(),
		m.fieldLabel(e.focus == sigFieldBody, e.problem != nil, "Body · Markdown"),
		e.body.View(),
	}
	if e.problem != nil {
		lines = append(lines, st.ErrorText.Render("✗ "+e.problem.text()))
	}
	if e.saveErr != "" {
		lines = append(lines, st.ErrorText.Render(e.saveErr))
	}
	lines = append(lines, st.Muted.Render("May use {{user.name}}, {{user.email}}, {{user.title}}, {{user.phone}}."))
	return strings.Join(lines, "\n")
}

// pad truncates or pads s to exactly w cells.
func pad(s string, w int) string {
	s = ansi.Truncate(s, w, "…")
	return s + strings.Repeat(" ", max(0, w-lipgloss.Width(s)))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return itoa(n) + " " + word + "s"
}

func itoa(n int) string { return strconv.Itoa(n) }
