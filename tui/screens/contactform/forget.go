package contactform

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// ForgetKeyMap is the keys of the forget confirmation.
type ForgetKeyMap struct {
	Confirm key.Binding
	Cancel  key.Binding
}

// DefaultForgetKeyMap returns the forget confirmation's keys.
func DefaultForgetKeyMap() ForgetKeyMap {
	return ForgetKeyMap{
		Confirm: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "forget for good")),
		Cancel:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// ForgetModel erases a person for a privacy request after a typed
// confirmation: their email or their name, so that a stray key can never
// erase anyone.
type ForgetModel struct {
	dialog
	keys  ForgetKeyMap
	input textinput.Model
}

// NewForget returns the confirmation for a contact, drawn over under.
func NewForget(c *common.Common, s Store, contactID int64, under common.Screen) *ForgetModel {
	m := &ForgetModel{dialog: newDialog(c, s, contactID, 0, under), keys: DefaultForgetKeyMap(), input: newInput()}
	m.input.SetStyles(c.Styles.Input)
	m.updateKeys()
	return m
}

// Init implements common.Screen.
func (m *ForgetModel) Init() tea.Cmd { return tea.Batch(m.load(), m.input.Focus()) }

// Title implements common.Screen.
func (m *ForgetModel) Title() string { return "Forget" }

// Capturing implements common.Screen: the confirmation is typed.
func (m *ForgetModel) Capturing() bool { return m.state == stateReady }

// forgottenMsg is the store's answer.
type forgottenMsg struct {
	to  *ForgetModel
	f   store.Forgotten
	err error
}

// Update implements common.Screen.
func (m *ForgetModel) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case contactMsg:
		m.handleContact(msg)
	case forgottenMsg:
		m.handleForgotten(msg)
	case common.ThemeChangedMsg:
		m.input.SetStyles(m.c.Styles.Input)
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, m.keys.Cancel):
			m.Post(common.BackMsg{})
			m.Post(common.StatusMsg{Text: "Nothing was erased.", Level: common.LevelInfo})
		case key.Matches(msg, m.keys.Confirm):
			cmd = m.confirm()
		case m.state == stateReady && !m.running:
			m.input, cmd = m.input.Update(msg)
			m.refused = ""
		}
	case tea.PasteMsg:
		if m.state == stateReady && !m.running && len(msg.Content) <= 1024 {
			m.input, cmd = m.input.Update(msg)
			m.refused = ""
		}
	}
	m.updateKeys()
	return m, cmd
}

// want is what may be typed to confirm: the email, or the name.
func (m *ForgetModel) want() []string {
	var out []string
	for _, s := range []string{m.contact.Email, common.Printable(m.contact.Name())} {
		if strings.TrimSpace(s) != "" {
			out = append(out, strings.TrimSpace(s))
		}
	}
	return out
}

func (m *ForgetModel) confirm() tea.Cmd {
	typed := strings.TrimSpace(m.input.Value())
	match := false
	for _, w := range m.want() {
		match = match || strings.EqualFold(typed, w)
	}
	if !match {
		m.refused = "That is not " + strings.Join(m.want(), " or ") + ": nothing was erased."
		return nil
	}
	m.running, m.refused = true, ""
	ctx, s, id := m.c.Ctx, m.store, m.id
	return func() tea.Msg {
		f, err := s.Forget(ctx, id)
		return forgottenMsg{to: m, f: f, err: err}
	}
}

func (m *ForgetModel) handleForgotten(msg forgottenMsg) {
	if msg.to != m {
		return
	}
	m.running = false
	if msg.err != nil {
		m.refused = refusedText(m.c, msg.err)
		return
	}
	m.finished(m, ForgottenText(m.contact.Name(), msg.f), true)
}

// ForgottenText says what forgetting a person removed.
func ForgottenText(name string, f store.Forgotten) string {
	return fmt.Sprintf("Forgot %s: removed %s, %s, %s, %s, %s and %s.", common.Printable(name),
		plural(f.Messages, "message"), plural(f.Received, "received message"), plural(f.Notes, "note"),
		plural(f.Calls, "call"), plural(f.Tasks, "task"), plural(f.Events, "event"))
}

func plural(n int, one string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %ss", n, one)
}

// View implements common.Screen.
func (m *ForgetModel) View() string {
	st := m.c.Styles
	body, early := m.stateBody()
	if early {
		return m.box("Forget", body)
	}
	m.input.SetWidth(max(8, min(m.width-12, 60)))
	want := m.want()
	ask := "Type their email, " + want[0] + ", or their name to confirm:"
	if len(want) == 1 || m.contact.Email == "" {
		ask = "Type their name, " + want[len(want)-1] + ", to confirm:"
	}
	body = []string{
		st.Value.Render("This erases " + m.name() + ", the messages sent to them, mail that involves only them, " +
			"their notes, calls, tasks and every event of their Life of the Lead. It cannot be undone."),
		"",
		st.Confirm.Render(ask),
		"› " + m.input.View(),
	}
	switch {
	case m.running:
		body = append(body, "", st.StatusInfo.Render("Erasing…"))
	case m.refused != "":
		body = append(body, "", st.ErrorText.Render("✗ "+m.refused))
	}
	body = append(body, "", st.ModalHint.Render("enter forget for good · esc cancel"))
	return m.box("Forget "+m.name()+" for good?", body)
}

// ShortHelp implements help.KeyMap.
func (m *ForgetModel) ShortHelp() []key.Binding { return []key.Binding{m.keys.Confirm, m.keys.Cancel} }

// FullHelp implements help.KeyMap.
func (m *ForgetModel) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

func (m *ForgetModel) updateKeys() {
	m.keys.Confirm.SetEnabled(m.state == stateReady && !m.running && strings.TrimSpace(m.input.Value()) != "")
}
