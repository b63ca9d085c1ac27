package contactform

import (
	"errors"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// DoneMsg is the intent of the status chooser and the archive and forget
// questions once the store changed the contact: the root closes the
// dialog, shows Text in the status line and broadcasts
// common.ContactChangedMsg. After a forget (Forgotten), every screen about
// the person closes too.
type DoneMsg struct {
	Dialog    common.Screen
	ContactID int64
	Text      string
	Forgotten bool
}

// dialog is what the status chooser and the questions share: the contact
// they are about, read fresh when they open, and a box drawn over the
// screen they were opened from.
type dialog struct {
	common.IntentQueue
	c     *common.Common
	store Store
	id    int64
	by    int64
	under common.Screen

	width, height int
	state         state
	errText       string // why the contact could not be read
	contact       store.Contact
	running       bool
	refused       string // the store's refusal of the last try
}

func newDialog(c *common.Common, s Store, contactID, by int64, under common.Screen) dialog {
	return dialog{c: c, store: s, id: contactID, by: by, under: under}
}

// ContactID is the contact the dialog is about.
func (d *dialog) ContactID() int64 { return d.id }

// SetSize implements common.Screen; the screen beneath gets its size from
// the root.
func (d *dialog) SetSize(width, height int) { d.width, d.height = width, height }

// contactMsg carries the contact a dialog opened on.
type contactMsg struct {
	to      *dialog
	contact store.Contact
	err     error
}

// load reads the contact, so the dialog offers what is true now.
func (d *dialog) load() tea.Cmd {
	ctx, s, id := d.c.Ctx, d.store, d.id
	return func() tea.Msg {
		c, err := s.GetContact(ctx, id)
		return contactMsg{to: d, contact: c, err: err}
	}
}

// handleContact takes the loaded contact; it reports whether msg was this
// dialog's.
func (d *dialog) handleContact(msg contactMsg) bool {
	if msg.to != d {
		return false
	}
	if msg.err != nil {
		d.state, d.errText = stateError, d.c.ErrText(msg.err)
		return true
	}
	d.state, d.contact = stateReady, msg.contact
	return true
}

// name is the contact's name, safe for the terminal.
func (d *dialog) name() string { return common.Printable(d.contact.Name()) }

// finished posts the dialog's result for the root.
func (d *dialog) finished(self common.Screen, text string, forgotten bool) {
	d.Post(DoneMsg{Dialog: self, ContactID: d.id, Text: text, Forgotten: forgotten})
}

// box draws title and body lines in a modal box over the screen beneath,
// centred; lines are wrapped to the box.
func (d *dialog) box(title string, body []string) string {
	if d.width == 0 || d.height == 0 {
		return ""
	}
	st := d.c.Styles
	frame := st.Modal.GetHorizontalFrameSize()
	// As wide as the longest line, up to 64 cells, wrapped to that.
	widest := lipgloss.Width(title)
	for _, l := range body {
		widest = max(widest, lipgloss.Width(l))
	}
	inner := max(10, min(d.width-frame-2, 64, widest))
	var lines []string
	lines = append(lines, st.ModalTitle.Render(ansi.Truncate(title, inner, "…")), "")
	for _, l := range body {
		lines = append(lines, strings.Split(ansi.Wrap(l, inner, ""), "\n")...)
	}
	if room := d.height - st.Modal.GetVerticalFrameSize(); len(lines) > room {
		lines = lines[:max(1, room)]
	}
	boxView := st.Modal.Width(inner + frame).Render(strings.Join(lines, "\n"))
	base := ""
	if d.under != nil {
		base = d.under.View()
	}
	base = st.Fit(d.width, d.height, base)
	x := max(0, (d.width-lipgloss.Width(boxView))/2)
	y := max(0, (d.height-lipgloss.Height(boxView))/2)
	canvas := lipgloss.NewCanvas(d.width, d.height)
	canvas.Compose(lipgloss.NewCompositor(
		lipgloss.NewLayer(base),
		lipgloss.NewLayer(boxView).X(x).Y(y).Z(1),
	))
	return canvas.Render()
}

// stateBody is what a dialog shows before its contact is read.
func (d *dialog) stateBody() ([]string, bool) {
	st := d.c.Styles
	switch d.state {
	case stateLoading:
		return []string{st.Empty.Render("Loading…")}, true
	case stateError:
		return []string{st.ErrorText.Render("Cannot read this contact: " + d.errText), "", st.ModalHint.Render("esc close")}, true
	}
	return nil, false
}

// refusedText is the sentence for a store error met in a dialog: a
// refusal as the store words it, anything else through the root's
// translator.
func refusedText(c *common.Common, err error) string {
	if errors.Is(err, store.ErrInvalid) {
		return capitalize(refusal(err))
	}
	return c.ErrText(err)
}
