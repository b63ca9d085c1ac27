package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/tui/common"
)

// chromeLines is the header, the status line and the help footer.
const chromeLines = 3

// View implements tea.Model.
func (m *Model) View() tea.View {
	var v tea.View
	v.AltScreen = true
	v.WindowTitle = m.windowTitle()
	if m.width == 0 || m.height == 0 {
		return v
	}
	_, bh := m.bodySize()
	body := m.common.Styles.Fit(m.width, bh, m.top().View())
	out := strings.Join([]string{m.headerView(), body, m.statusView(), m.footerView()}, "\n")
	v.SetContent(m.overlay(out))
	return v
}

func (m *Model) windowTitle() string {
	t := "leadmail — " + m.top().Title()
	if m.opts.Demo {
		t += " (demo)"
	}
	return t
}

// headerView is the breadcrumb on the left and the user and demo badge on
// the right.
func (m *Model) headerView() string {
	st := m.common.Styles
	crumbs := make([]string, len(m.stack))
	for i, s := range m.stack {
		crumbs[i] = s.Title()
	}
	left := st.AppName.Render("leadmail") + st.Muted.Render(" › ") + st.Breadcrumb.Render(strings.Join(crumbs, " › "))

	var right []string
	if m.demo == demoStopped {
		right = append(right, st.ServerStopped.Render("mail server: stopped"))
	}
	if m.opts.UserName != "" {
		right = append(right, st.User.Render(m.userLabel())) // with the role in the demo (tui/switchuser.go)
	}
	// Separators and a gap keep the parts apart without colour too; the
	// badge (filled, or in brackets) separates itself.
	const gap = 3
	r := strings.Join(right, st.Muted.Render(" · "))
	if m.opts.Demo {
		badge := "DEMO"
		if st.NoColor {
			badge = "[DEMO]"
		}
		r = strings.TrimSpace(r + " " + st.DemoBadge.Render(badge))
		if m.opts.DemoMailbox != "" {
			r += " " + st.DemoPath.Render("mail → "+m.opts.DemoMailbox)
		}
	}
	// The left side wins; the right is cut from its end when space is short.
	left = ansi.Truncate(left, m.width, "…")
	room := m.width - lipgloss.Width(left) - gap
	if room < 4 || r == "" {
		return left
	}
	r = ansi.Truncate(r, room, "…")
	return left + strings.Repeat(" ", m.width-lipgloss.Width(left)-lipgloss.Width(r)) + r
}

// statusView is the status line: the countdown or the latest text on the
// left, the outbox at a glance on the right. The left keeps at least half
// the width; the summary is cut first.
func (m *Model) statusView() string {
	st := m.common.Styles
	var left string
	if m.showsCountdown() {
		left = st.StatusInfo.Render(m.countdownText())
	} else if m.status.text != "" {
		style := st.StatusInfo
		switch m.status.level {
		case common.LevelSuccess:
			style = st.StatusSuccess
		case common.LevelWarning:
			style = st.StatusWarning
		case common.LevelError:
			style = st.StatusError
		}
		left = style.Render(m.status.text)
	}
	const gap = 3
	right := m.outboxSummary(false)
	if lipgloss.Width(left)+gap+lipgloss.Width(right) > m.width {
		right = m.outboxSummary(true)
	}
	if right == "" {
		return ansi.Truncate(left, m.width, "…")
	}
	leftW := min(lipgloss.Width(left), max(m.width/2, m.width-lipgloss.Width(right)-gap))
	left = ansi.Truncate(left, leftW, "…")
	room := m.width - lipgloss.Width(left) - gap
	if room < 8 {
		return left
	}
	right = ansi.Truncate(right, room, "…")
	return left + strings.Repeat(" ", m.width-lipgloss.Width(left)-lipgloss.Width(right)) + right
}

// footer is the help for the current state: a modal's close key, or the top
// screen's keys plus the root's.
func (m *Model) footer() footerKeys {
	if m.switchUser.open { // the demo's team chooser (tui/switchuser.go)
		return m.switchFooter()
	}
	if len(m.modals) > 0 {
		switch m.modals[len(m.modals)-1].kind {
		case modalSync:
			return footerKeys{global: []key.Binding{m.syncKeys.Cancel, m.keys.Quit}}
		case modalChoice:
			return m.dialogFooter()
		}
		return footerKeys{global: []key.Binding{m.keys.Close, m.keys.Quit}}
	}
	// The footer's tail leads to every key: ? where it is free, f1 while
	// a field takes typed text (? is text there).
	s := m.top()
	help := m.keys.Help
	if s.Capturing() {
		help = m.keys.HelpF1
		help.SetHelp("f1", "all keys")
	}
	global := append([]key.Binding{help, m.keys.Quit}, m.rootKeys()...)
	if !s.Capturing() {
		global = append(global, m.keys.HelpF1)
	}
	return footerKeys{screen: s.ShortHelp(), full: s.FullHelp(), global: global}
}

// footerView is the short help: the screen's most important keys that
// fit, then the root's "? all keys" (or a modal's close key), which always
// stays.
func (m *Model) footerView() string {
	f := m.footer()
	return shortHelpLine(m.help, f.screen, f.global[:1], m.width)
}
