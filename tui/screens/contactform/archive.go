package contactform

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// YesNoKeyMap is the keys of a yes/no question.
type YesNoKeyMap struct {
	Yes key.Binding
	No  key.Binding
}

// DefaultYesNoKeyMap returns a yes/no question's keys.
func DefaultYesNoKeyMap() YesNoKeyMap {
	return YesNoKeyMap{
		Yes: key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
		No:  key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n/esc", "no")),
	}
}

// ArchiveModel asks before archiving a contact (hidden from the lists,
// history kept), or before bringing an archived one back.
type ArchiveModel struct {
	dialog
	keys YesNoKeyMap
}

// NewArchive returns the question for a contact, drawn over under; by is
// the user the event names.
func NewArchive(c *common.Common, s Store, contactID, by int64, under common.Screen) *ArchiveModel {
	m := &ArchiveModel{dialog: newDialog(c, s, contactID, by, under), keys: DefaultYesNoKeyMap()}
	m.updateKeys()
	return m
}

// Init implements common.Screen.
func (m *ArchiveModel) Init() tea.Cmd { return m.load() }

// archiving reports whether yes archives (rather than unarchives).
func (m *ArchiveModel) archiving() bool { return m.contact.ArchivedAt.IsZero() }

// Title implements common.Screen.
func (m *ArchiveModel) Title() string {
	if m.state == stateReady && !m.archiving() {
		return "Unarchive"
	}
	return "Archive"
}

// Capturing implements common.Screen.
func (m *ArchiveModel) Capturing() bool { return false }

// archivedMsg is the store's answer.
type archivedMsg struct {
	to      *ArchiveModel
	archive bool
	contact store.Contact
	err     error
}

// Update implements common.Screen.
func (m *ArchiveModel) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case contactMsg:
		m.handleContact(msg)
	case archivedMsg:
		m.handleArchived(msg)
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, m.keys.No):
			m.Post(common.BackMsg{})
		case key.Matches(msg, m.keys.Yes):
			cmd = m.run()
		}
	}
	m.updateKeys()
	return m, cmd
}

func (m *ArchiveModel) run() tea.Cmd {
	m.running, m.refused = true, ""
	ctx, s, id, by, archive := m.c.Ctx, m.store, m.id, m.by, m.archiving()
	return func() tea.Msg {
		op := s.Archive
		if !archive {
			op = s.Unarchive
		}
		c, err := op(ctx, id, by)
		return archivedMsg{to: m, archive: archive, contact: c, err: err}
	}
}

func (m *ArchiveModel) handleArchived(msg archivedMsg) {
	if msg.to != m {
		return
	}
	m.running = false
	if msg.err != nil {
		m.refused = refusedText(m.c, msg.err)
		return
	}
	name := common.Printable(msg.contact.Name())
	text := "Archived " + name + ": hidden from the lists, history kept; press a on their screen to bring them back."
	if !msg.archive {
		text = "Unarchived " + name + ": back in the lists."
	}
	m.finished(m, text, false)
}

// View implements common.Screen.
func (m *ArchiveModel) View() string {
	st := m.c.Styles
	body, early := m.stateBody()
	if early {
		return m.box("Archive", body)
	}
	title := "Archive " + m.name() + "?"
	body = []string{st.Value.Render("They leave the lists and searches. Their history is kept; press a on their screen to bring them back.")}
	if !m.archiving() {
		title = "Unarchive " + m.name() + "?"
		body = []string{st.Value.Render("They come back into the lists and searches.")}
	}
	switch {
	case m.running:
		body = append(body, "", st.StatusInfo.Render("Saving…"))
	case m.refused != "":
		body = append(body, "", st.ErrorText.Render("✗ "+m.refused))
	}
	yes := "archive"
	if !m.archiving() {
		yes = "unarchive"
	}
	body = append(body, "", st.Confirm.Render("y "+yes+" · n/esc cancel"))
	return m.box(title, body)
}

// ShortHelp implements help.KeyMap.
func (m *ArchiveModel) ShortHelp() []key.Binding { return []key.Binding{m.keys.Yes, m.keys.No} }

// FullHelp implements help.KeyMap.
func (m *ArchiveModel) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

func (m *ArchiveModel) updateKeys() {
	k := &m.keys
	k.Yes.SetEnabled(m.state == stateReady && !m.running)
	if m.state == stateReady && !m.archiving() {
		k.Yes.SetHelp("y", "unarchive")
	} else {
		k.Yes.SetHelp("y", "archive")
	}
	k.No.SetHelp("n/esc", "cancel")
}
