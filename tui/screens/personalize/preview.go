package personalize

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/tui/common"
)

// previewTickMsg ends the preview's debounce.
type previewTickMsg struct{ seq int }

// previewMsg carries the draft rendered as it would leave.
type previewMsg struct {
	seq     int
	preview outbox.Preview
	err     error
}

// schedulePreview starts the debounce of a new preview; results of older
// ones are dropped.
func (m *Model) schedulePreview() tea.Cmd {
	m.previewSeq++
	m.previewState = previewLoading
	seq := m.previewSeq
	return tea.Tick(m.opts.Debounce, func(time.Time) tea.Msg { return previewTickMsg{seq: seq} })
}

func (m *Model) handlePreviewTick(msg previewTickMsg) tea.Cmd {
	if msg.seq != m.previewSeq || m.state != stateReady {
		return nil
	}
	ctx, mailer, d, seq := m.c.Ctx, m.mailer, m.draft(), m.previewSeq
	var sig string
	if m.signature >= 0 && m.signature < len(m.signatures) {
		sig = m.signatures[m.signature].Body
	}
	return func() tea.Msg {
		p, err := mailer.PreviewDraft(ctx, d)
		p = common.MarkMissing(p, d.Subject, d.Body, sig)
		return previewMsg{seq: seq, preview: p, err: err}
	}
}

func (m *Model) handlePreview(msg previewMsg) {
	if msg.seq != m.previewSeq {
		return // the draft changed since
	}
	if msg.err != nil {
		m.previewState, m.previewErr = previewError, m.c.ErrText(msg.err)
	} else {
		m.previewState, m.previewData, m.previewErr = previewReady, msg.preview, ""
		m.offerDeal()
	}
	m.setPreviewContent()
}

// setPreviewContent renders the preview for the pane's width.
func (m *Model) setPreviewContent() {
	st := m.c.Styles
	w := m.preview.Width()
	if w <= 0 {
		return
	}
	var lines []string
	switch m.previewState {
	case previewLoading:
		if m.previewData.Subject == "" {
			lines = []string{st.Empty.Render("Rendering preview…")}
			break
		}
		lines = append([]string{st.Muted.Render("Updating…")}, m.previewLines(w)...)
	case previewError:
		lines = []string{st.ErrorText.Render(ansi.Wrap("Cannot preview: "+m.previewErr, w, ""))}
	case previewReady:
		lines = m.previewLines(w)
	}
	m.preview.SetContent(strings.Join(lines, "\n"))
}

func (m *Model) previewLines(w int) []string {
	st := m.c.Styles
	p := m.previewData
	field := func(k, v string) string {
		return st.HeaderKey.Render(fmt.Sprintf("%-9s", k)) + st.HeaderValue.Render(ansi.Truncate(common.OrNone(v), max(1, w-9), "…"))
	}
	lines := []string{field("From", p.From), field("To", p.To)}
	if cc := strings.Join(p.Cc, ", "); cc != "" {
		lines = append(lines, field("Cc", cc))
	}
	if bcc := strings.Join(p.Bcc, ", "); bcc != "" {
		lines = append(lines, field("Bcc", bcc))
	}
	lines = append(lines, field("Subject", p.Subject))
	if len(p.Attachments) > 0 {
		var names []string
		for _, a := range p.Attachments {
			names = append(names, a.Name)
		}
		lines = append(lines, field("Attached", strings.Join(names, ", ")))
	}
	return append(lines, common.PreviewBody(st, p, w, "Send")...)
}
