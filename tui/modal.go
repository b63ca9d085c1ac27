package tui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

type modalKind int

const (
	modalError modalKind = iota
	modalHelp
	modalSync // Mail Sync's progress (tui/sync.go)
	// modalChoice is a question whose body lists its own keys (quit in the
	// undo window, held sends): it has no footer of its own.
	modalChoice
)

// modal is a dialog over the screen; it holds the keys until closed.
type modal struct {
	kind  modalKind
	title string
	body  string
	// top is the first body line shown when the body is taller than the
	// screen (a long help): arrows and page keys scroll it.
	top int
}

// scroll moves a tall modal's body by delta lines; render clamps it.
func (d *modal) scroll(delta int) { d.top = max(0, d.top+delta) }

func errorModal(title, text string) modal {
	return modal{kind: modalError, title: title, body: text}
}

// helpModal lists every key of the top screen and the root, with the demo
// mailbox when there is one.
func (m *Model) helpModal() modal {
	body := fullHelpView(m.help, m.footer().FullHelp(), max(10, m.width-m.common.Styles.Modal.GetHorizontalFrameSize()-2))
	if m.opts.Demo && m.opts.DemoMailbox != "" {
		body += "\n\nDemo mode: sent mail lands in " + m.opts.DemoMailbox
	}
	return modal{kind: modalHelp, title: m.top().Title() + " — keys", body: body}
}

// render draws the modal box at most width wide.
func (d modal) render(m *Model, width int) string {
	st := m.common.Styles
	frame := st.Modal.GetHorizontalFrameSize()
	inner := max(10, min(width-frame-2, 72))
	title := st.ModalTitle.Render(d.title)
	if d.kind == modalError {
		title = st.ModalError.Render(d.title)
	}
	body := d.body
	if d.kind == modalError {
		body = ansi.Wrap(body, inner, "")
	} else {
		inner = max(1, min(max(lipgloss.Width(title), lipgloss.Width(body)), width-frame-2))
		lines := strings.Split(body, "\n")
		for i, l := range lines {
			lines[i] = ansi.Truncate(l, inner, "…")
		}
		body = strings.Join(lines, "\n")
	}
	title = ansi.Truncate(title, inner, "…")
	hint := "esc/enter close"
	// Title, blank, body, blank, hint inside the frame must fit the screen.
	if room := m.height - st.Modal.GetVerticalFrameSize() - 4; d.kind != modalError && room > 0 {
		if lines := strings.Split(body, "\n"); len(lines) > room {
			top := min(d.top, len(lines)-room)
			body = strings.Join(lines[top:top+room], "\n")
			hint = "↑/↓ pgup/pgdn scroll · " + hint
		}
	}
	parts := []string{title, "", body}
	switch d.kind {
	case modalSync:
		parts = append(parts, "", st.ModalHint.Render("esc cancel the sync"))
	case modalChoice:
	default:
		parts = append(parts, "", st.ModalHint.Render(hint))
	}
	content := strings.Join(parts, "\n")
	return st.Modal.Width(inner + frame).Render(content)
}

// overlay draws the top modal centred over the base view.
func (m *Model) overlay(base string) string {
	if len(m.modals) == 0 {
		return base
	}
	box := m.modals[len(m.modals)-1].render(m, m.width)
	x := max(0, (m.width-lipgloss.Width(box))/2)
	y := max(0, (m.height-lipgloss.Height(box))/2)
	canvas := lipgloss.NewCanvas(m.width, m.height)
	canvas.Compose(lipgloss.NewCompositor(
		lipgloss.NewLayer(base),
		lipgloss.NewLayer(box).X(x).Y(y).Z(1),
	))
	return canvas.Render()
}
