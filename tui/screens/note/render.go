package note

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/tui/common"
)

// Render is a note's Markdown as text for the terminal, rendered as the
// text part of a Smart Mail is (headings, lists, links and emphasis read
// as a person would have typed them), every control character made
// harmless. A note is no template: "{{" in it is text, never a merge
// variable.
func Render(body string) string {
	text := body
	if t, err := mail.ParseTemplate(strings.ReplaceAll(body, "{{", `\{{`)); err == nil {
		if b, err := mail.RenderBody(t, nil); err == nil {
			text = b.Text
		}
	}
	return common.PrintableText(strings.TrimRight(text, "\n"))
}

// setRendered puts the rendered note into the viewport at the screen's
// width.
func (m *Model) setRendered() {
	if m.width <= 0 {
		return
	}
	m.vp.SetContent(ansi.Wrap(Render(m.note.Body), m.width, ""))
	m.keys.Enable(m.vp)
}

// scroll moves the rendered note for a scrolling key.
func (m *Model) scroll(msg tea.KeyPressMsg) bool {
	if !m.keys.Scroll(&m.vp, msg) {
		return false
	}
	m.keys.Enable(m.vp)
	return true
}
