package contactform

import (
	"fmt"
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// StatusKeyMap is the keys of the status chooser.
type StatusKeyMap struct {
	Up     key.Binding
	Down   key.Binding
	Choose key.Binding
	Cancel key.Binding
}

// DefaultStatusKeyMap returns the status chooser's keys.
func DefaultStatusKeyMap() StatusKeyMap {
	return StatusKeyMap{
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "set status")),
		Cancel: key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc", "cancel")),
	}
}

// statusOption is a status the contact may move to, and what the move
// does to its kind.
type statusOption struct {
	status store.Status
	note   string
}

// StatusModel is the status chooser (S18): the statuses the contact may
// move to by hand from the one it has, a lead ↔ contact conversion marked
// as such. contact with opportunity is never offered: opportunities set
// it.
type StatusModel struct {
	dialog
	keys    StatusKeyMap
	options []statusOption
	cursor  int
}

// NewStatus returns the status chooser for a contact, drawn over under;
// by is the user the status event names.
func NewStatus(c *common.Common, s Store, contactID, by int64, under common.Screen) *StatusModel {
	m := &StatusModel{dialog: newDialog(c, s, contactID, by, under), keys: DefaultStatusKeyMap()}
	m.updateKeys()
	return m
}

// Init implements common.Screen.
func (m *StatusModel) Init() tea.Cmd { return m.load() }

// Title implements common.Screen.
func (m *StatusModel) Title() string { return "Status" }

// Capturing implements common.Screen.
func (m *StatusModel) Capturing() bool { return false }

// statusSetMsg is the store's answer to SetStatus.
type statusSetMsg struct {
	to     *StatusModel
	before store.Contact
	after  store.Contact
	err    error
}

// Update implements common.Screen.
func (m *StatusModel) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case contactMsg:
		if m.handleContact(msg) && m.state == stateReady {
			m.offer()
		}
	case statusSetMsg:
		m.handleSet(msg)
	case tea.KeyPressMsg:
		cmd = m.handleKey(msg)
	}
	m.updateKeys()
	return m, cmd
}

// offer lists the statuses the contact may move to.
func (m *StatusModel) offer() {
	c := m.contact
	m.options = nil
	for _, s := range store.StatusSteps(c.Status) {
		o := statusOption{status: s}
		switch k := store.KindOfStatus(s); k {
		case c.Kind:
		case store.KindContact:
			o.note = "converts the lead to a contact"
		default:
			o.note = "makes the contact a lead again"
		}
		m.options = append(m.options, o)
	}
	m.cursor = 0
}

func (m *StatusModel) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Cancel):
		m.Post(common.BackMsg{})
	case key.Matches(msg, k.Up):
		m.cursor = (m.cursor + len(m.options) - 1) % len(m.options)
	case key.Matches(msg, k.Down):
		m.cursor = (m.cursor + 1) % len(m.options)
	case key.Matches(msg, k.Choose):
		return m.set(m.options[m.cursor].status)
	}
	return nil
}

// set moves the contact to status, as the user.
func (m *StatusModel) set(status store.Status) tea.Cmd {
	m.running, m.refused = true, ""
	ctx, s, id, by, before := m.c.Ctx, m.store, m.id, m.by, m.contact
	return func() tea.Msg {
		after, err := s.SetStatus(ctx, id, status, by)
		return statusSetMsg{to: m, before: before, after: after, err: err}
	}
}

func (m *StatusModel) handleSet(msg statusSetMsg) {
	if msg.to != m {
		return
	}
	m.running = false
	if msg.err != nil {
		m.refused = refusedText(m.c, msg.err)
		return
	}
	m.finished(m, StatusText(msg.before, msg.after), false)
}

// StatusText is the status line after a change: "Marcus Bell: open →
// qualified", and the kind when it changed with it.
func StatusText(before, after store.Contact) string {
	text := fmt.Sprintf("%s: %s → %s", common.Printable(after.Name()),
		common.Humanize(string(before.Status)), common.Humanize(string(after.Status)))
	if before.Kind != after.Kind {
		text += ", now a " + string(after.Kind)
	}
	return text
}

// View implements common.Screen.
func (m *StatusModel) View() string {
	st := m.c.Styles
	title := "Status"
	body, early := m.stateBody()
	if !early {
		c := m.contact
		title = "Status of " + m.name()
		body = []string{st.Muted.Render("Now: " + common.Humanize(string(c.Status)) + " (" + string(c.Kind) + ")"), ""}
		if len(m.options) == 0 {
			body = append(body, st.Value.Render(m.name()+" has an opportunity: its status follows the opportunity and is not set by hand."),
				"", st.ModalHint.Render("esc close"))
			return m.box(title, body)
		}
		for i, o := range m.options {
			label := common.Humanize(string(o.status))
			line := "  " + st.Value.Render(label)
			if i == m.cursor {
				line = st.Marker.Render("› ") + st.Selected.Render(label)
			}
			if o.note != "" {
				line += st.Muted.Render(" — " + o.note)
			}
			body = append(body, line)
		}
		if c.Kind == store.KindLead && !slices.ContainsFunc(m.options, func(o statusOption) bool {
			return o.status == store.StatusContact
		}) {
			body = append(body, st.Muted.Render("  (to convert to a contact, qualify the lead first)"))
		}
		switch {
		case m.running:
			body = append(body, "", st.StatusInfo.Render("Saving…"))
		case m.refused != "":
			body = append(body, "", st.ErrorText.Render("✗ "+m.refused))
		}
		body = append(body, "", st.ModalHint.Render("↑/↓ choose · enter set · esc cancel"))
	}
	return m.box(title, body)
}

// ShortHelp implements help.KeyMap.
func (m *StatusModel) ShortHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.Choose, k.Cancel, k.Up, k.Down}
}

// FullHelp implements help.KeyMap.
func (m *StatusModel) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

func (m *StatusModel) updateKeys() {
	k := &m.keys
	ok := m.state == stateReady && len(m.options) > 0 && !m.running
	k.Choose.SetEnabled(ok)
	k.Up.SetEnabled(ok && len(m.options) > 1)
	k.Down.SetEnabled(ok && len(m.options) > 1)
}
