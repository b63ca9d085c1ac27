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
	if d := p.Opportunity; d.ID != 0 {
		lines = append(lines, field("Deal", common.Printable(d.Name)+" · "+d.Value.Short()+" · "+d.Stage.Name))
	}
	lines = append(lines, m.remindLine(w))
	if at, ok := m.received[p.Email.ID]; ok && p.Email.ID != 0 {
		lines = append(lines, st.Received.Render("✓ already sent to this contact on "+m.c.ShortDate(at)))
	}
	return append(lines, common.PreviewBody(st, p, w, "Quick Send")...)
}
