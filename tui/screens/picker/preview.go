package picker

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/tui/common"
)

// setPreviewContent renders the preview pane's content for its width: the
// envelope, the merge lint, then the text body. The lint comes before the
// body so a blocked send is visible without scrolling.
func (m *Model) setPreviewContent() {
	st := m.c.Styles
	w := m.preview.Width()
	if w <= 0 {
		return
	}
	var lines []string
	switch m.previewState {
	case previewNone:
		lines = []string{st.Empty.Render("No template highlighted.")}
	case previewLoading:
		lines = []string{st.Empty.Render("Rendering preview…")}
	case previewError:
		lines = []string{st.ErrorText.Render(ansi.Wrap("Cannot preview: "+m.previewErr, w, ""))}
	case previewReady:
		lines = m.previewLines(w)
	}
	if m.send == sendRunning {
		lines = append([]string{st.StatusInfo.Render("Queuing…"), ""}, lines...)
	}
	m.preview.SetContent(strings.Join(lines, "\n"))
}

func (m *Model) previewLines(w int) []string {
	st := m.c.Styles
	p := m.previewData
	field := func(k, v string) string {
		return st.HeaderKey.Render(fmt.Sprintf("%-9s", k)) + st.HeaderValue.Render(ansi.Truncate(common.OrNone(v), max(1, w-9), "…"))
	}
	lines := []string{field("From", p.From), field("To", p.To), field("Subject", p.Subject)}
	if at, ok := m.received[p.Email.ID]; ok && p.Email.ID != 0 {
		lines = append(lines, st.Received.Render("✓ already sent to this contact on "+m.c.ShortDate(at)))
	}
	lines = append(lines, "", st.Title.Render("Merge lint"))
	lines = append(lines, m.lintLines(w)...)
	lines = append(lines, "", st.Rule.Render(strings.Repeat("─", w)))
	lines = append(lines, strings.Split(ansi.Wrap(strings.TrimRight(p.Text, "\n"), w, ""), "\n")...)
	return lines
}

// lintLines lists each merge variable with its value; a missing one is
// marked in words, not only in colour.
func (m *Model) lintLines(w int) []string {
	st := m.c.Styles
	p := m.previewData
	if len(p.Lint) == 0 {
		return []string{st.Muted.Render("No merge variables.")}
	}
	nameW := 0
	for _, it := range p.Lint {
		nameW = max(nameW, len(it.Name))
	}
	nameW = min(nameW, max(8, w/3))
	var lines []string
	if missing := p.Missing(); len(missing) > 0 {
		lines = append(lines, st.Blocked.Render(ansi.Truncate(fmt.Sprintf("✗ Quick Send blocked: %d missing (%s)", len(missing), strings.Join(missing, ", ")), w, "…")))
	}
	for _, it := range p.Lint {
		name := ansi.Truncate(it.Name, nameW, "…")
		name += strings.Repeat(" ", nameW-ansi.StringWidth(name))
		if it.Missing {
			lines = append(lines, ansi.Truncate(st.LintMissing.Render("✗ "+name+"  missing — Quick Send blocked"), w, "…"))
			continue
		}
		value := it.Value
		if it.Fallback != "" && it.Value == it.Fallback {
			value += " (fallback)"
		}
		lines = append(lines, st.LintOK.Render("✓ ")+name+"  "+ansi.Truncate(st.Value.Render(value), max(1, w-nameW-4), "…"))
	}
	return lines
}
