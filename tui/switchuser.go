package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// The demo's "who am I" (S16): U on Contacts offers the seeded team; the
// choice is handed to Options.SwitchUser and the UI quits, so that the
// demo reopens every screen as that user, through a store scoped to them
// and an outbox that sends as them. Nothing of the old user's session is
// carried over.

// SwitchKeyMap is the keys of switching user: U opens the team, and the
// chooser's own keys.
type SwitchKeyMap struct {
	Open   key.Binding
	Up     key.Binding
	Down   key.Binding
	Choose key.Binding
	Cancel key.Binding
}

// DefaultSwitchKeyMap returns the keys of switching user; Open starts
// disabled and the root enables it on Contacts in a demo with a team.
func DefaultSwitchKeyMap() SwitchKeyMap {
	km := SwitchKeyMap{
		Open:   key.NewBinding(key.WithKeys("U"), key.WithHelp("U", "switch user (demo)")),
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", "choose")),
		Down:   key.NewBinding(key.WithKeys("down", "j")),
		Choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter/1-9", "be them")),
		Cancel: key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc", "stay who you are")),
	}
	km.Open.SetEnabled(false)
	return km
}

// switchState is the team chooser on show: its modal and the row chosen.
type switchState struct {
	open  bool
	sel   int
	modal modal
}

// RoleLabel is a role as the header and the team chooser name it.
func RoleLabel(r store.Role) string {
	switch r {
	case store.RoleAdministrator:
		return "Administrator"
	case store.RoleCompanyManager:
		return "Company Manager"
	case store.RoleMarketingManager:
		return "Marketing Manager"
	case store.RoleSalesManager:
		return "Sales Manager"
	case store.RoleSalesperson:
		return "Salesperson"
	case store.RoleJrSalesperson:
		return "Jr. Salesperson"
	}
	return "no role"
}

// userLabel is who the header says you are: your name, and in the demo,
// where you can switch, your role.
func (m *Model) userLabel() string {
	name := m.opts.UserName
	if m.opts.Demo && name != "" && m.opts.Sender.Role.Valid() {
		name += " · " + RoleLabel(m.opts.Sender.Role)
	}
	return common.Printable(name)
}

// canSwitchUser reports whether U may offer the team now.
func (m *Model) canSwitchUser() bool {
	return m.opts.Demo && m.opts.SwitchUser != nil && len(m.opts.Team) > 1
}

// openSwitch shows the team, the current user chosen.
func (m *Model) openSwitch() tea.Cmd {
	if n := len(m.pendingUndo()); n > 0 {
		return m.setStatus(fmt.Sprintf("%s still in the undo window: let it leave or undo it (u) before switching user",
			countText(n, "send is", "sends are")), common.LevelWarning)
	}
	m.switchUser = switchState{open: true}
	for i, u := range m.opts.Team {
		if u.ID == m.opts.Sender.ID {
			m.switchUser.sel = i
		}
	}
	m.switchUser.modal = m.switchModal()
	m.modals = append(m.modals, m.switchUser.modal)
	return nil
}

// closeSwitch takes the chooser off the modal stack.
func (m *Model) closeSwitch() {
	for i := len(m.modals) - 1; i >= 0; i-- {
		if m.modals[i] == m.switchUser.modal {
			m.modals = append(m.modals[:i], m.modals[i+1:]...)
			break
		}
	}
	m.switchUser = switchState{}
}

// switchModal lists the team: a number to press, name, role and what the
// role sees, the chosen row marked, you named.
func (m *Model) switchModal() modal {
	st := m.common.Styles
	nameW := 0
	for _, u := range m.opts.Team {
		nameW = max(nameW, lipgloss.Width(common.Printable(u.Name)))
	}
	var b strings.Builder
	for i, u := range m.opts.Team {
		mark := "  "
		if i == m.switchUser.sel {
			mark = "› "
		}
		num := " "
		if i < 9 {
			num = fmt.Sprint(i + 1)
		}
		name := common.Printable(u.Name)
		line := fmt.Sprintf("%s%s  %s%s  %s", mark, num, name, strings.Repeat(" ", nameW-lipgloss.Width(name)), RoleLabel(u.Role))
		if u.ID == m.opts.Sender.ID {
			line += " (you)"
		}
		if i == m.switchUser.sel {
			line = st.Selected.Render(line)
		}
		b.WriteString(line + "\n")
	}
	b.WriteString("\n" + st.Muted.Render(roleSees(m.opts.Team[m.switchUser.sel].Role)) + "\n\n")
	b.WriteString("enter/1-9 be them · esc stay who you are")
	return modal{kind: modalChoice, title: "Switch user: see the CRM as someone else", body: b.String()}
}

// roleSees says in a line what a role sees and may do (S16).
func roleSees(r store.Role) string {
	switch r {
	case store.RoleAdministrator:
		return "Sees everything; manages users and the pipeline's stages."
	case store.RoleCompanyManager, store.RoleSalesManager:
		return "Sees every lead, contact and opportunity."
	case store.RoleMarketingManager:
		return "Sees every lead and contact; no pipeline."
	case store.RoleSalesperson:
		return "Sees every lead and contact, and only their own opportunities."
	case store.RoleJrSalesperson:
		return "Sees and works only the leads and contacts assigned to them."
	}
	return "Can do nothing until an administrator gives them a role."
}

// handleSwitchKey opens the chooser on U, and gives it every key while it
// is in front; ok is false when the key is not its business.
func (m *Model) handleSwitchKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := m.switchKeys
	if !m.switchUser.open {
		if key.Matches(msg, k.Open) {
			return m.openSwitch(), true
		}
		return nil, false
	}
	if len(m.modals) == 0 || m.modals[len(m.modals)-1] != m.switchUser.modal || key.Matches(msg, m.keys.Quit) {
		return nil, false
	}
	n := len(m.opts.Team)
	switch s := msg.String(); {
	case key.Matches(msg, k.Cancel):
		m.closeSwitch()
		return nil, true
	case key.Matches(msg, k.Up):
		m.switchUser.sel = (m.switchUser.sel + n - 1) % n
	case key.Matches(msg, k.Down):
		m.switchUser.sel = (m.switchUser.sel + 1) % n
	case key.Matches(msg, k.Choose):
		return m.switchTo(m.opts.Team[m.switchUser.sel]), true
	case len(s) == 1 && s[0] >= '1' && s[0] <= '9' && int(s[0]-'1') < n:
		return m.switchTo(m.opts.Team[s[0]-'1']), true
	default:
		return nil, true // the chooser holds the keys
	}
	old := m.switchUser.modal
	m.switchUser.modal = m.switchModal()
	for i := range m.modals {
		if m.modals[i] == old {
			m.modals[i] = m.switchUser.modal
		}
	}
	return nil, true
}

// switchTo hands u to Options.SwitchUser and quits, for the demo to reopen
// as u; choosing yourself only closes the chooser.
func (m *Model) switchTo(u store.User) tea.Cmd {
	m.closeSwitch()
	if u.ID == m.opts.Sender.ID {
		return m.setStatus("You are "+common.Printable(u.Name)+" already", common.LevelInfo)
	}
	m.opts.SwitchUser(u)
	return m.exit()
}

// switchFooter is the footer while the chooser is in front.
func (m *Model) switchFooter() footerKeys {
	k := m.switchKeys
	return footerKeys{screen: []key.Binding{k.Choose, k.Up}, global: []key.Binding{k.Cancel, m.keys.Quit}}
}
