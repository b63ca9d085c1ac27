package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/screens/contact"
	"github.com/leadmail/leadmail/tui/screens/message"
	"github.com/leadmail/leadmail/tui/screens/picker"
)

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.setSize(msg.Width, msg.Height)
		return m, m.broadcast(msg) // screens refetch if their page size changed
	case tea.BackgroundColorMsg:
		m.isDark = msg.IsDark()
		return m, m.restyle()
	case tea.ColorProfileMsg:
		no := msg.Profile == colorprofile.NoTTY || msg.Profile == colorprofile.ASCII
		if no == m.termNoColor {
			return m, nil
		}
		m.termNoColor = no
		return m, m.restyle()
	case tea.KeyPressMsg:
		return m, m.handleKey(msg)
	case tea.PasteMsg:
		if len(m.modals) > 0 {
			return m, nil
		}
		s, cmd := m.top().Update(msg) // pasted text belongs to the screen in front
		m.stack[len(m.stack)-1] = s
		return m, tea.Batch(cmd, m.drain(s))
	case statusClearMsg:
		m.clearStatus(msg)
		return m, nil
	case common.QueuedMsg:
		return m, m.handleQueued(msg)
	case common.DeliveredMsg:
		return m, m.handleDelivered(msg)
	}
	return m, m.broadcast(msg)
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Quit):
		return m.quit()
	case len(m.modals) > 0:
		if key.Matches(msg, m.keys.Close) {
			m.modals = m.modals[:len(m.modals)-1]
		}
		return nil // a modal holds the keys until it is closed
	case key.Matches(msg, m.keys.Help) && !m.top().Capturing():
		m.modals = append(m.modals, m.helpModal())
		return nil
	}
	s, cmd := m.top().Update(msg)
	m.stack[len(m.stack)-1] = s
	return tea.Batch(cmd, m.drain(s))
}

// broadcast gives a message to every screen on the stack, so a command's
// result reaches the screen that started it even when it is not on top.
func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	screens := append([]common.Screen(nil), m.stack...)
	for i, s := range screens {
		next, cmd := s.Update(msg)
		if i < len(m.stack) && m.stack[i] == s {
			m.stack[i] = next
		}
		cmds = append(cmds, cmd)
	}
	for _, s := range screens {
		cmds = append(cmds, m.drain(s))
	}
	return tea.Batch(cmds...)
}

// drain acts on the intents a screen posted during its last Update, at
// once, before any further key is read.
func (m *Model) drain(s common.Screen) tea.Cmd {
	var cmds []tea.Cmd
	for _, in := range s.Intents() {
		cmds = append(cmds, m.handleIntent(in))
	}
	return tea.Batch(cmds...)
}

func (m *Model) handleIntent(msg tea.Msg) tea.Cmd {
	st, c := m.opts.Store, m.common
	switch msg := msg.(type) {
	case common.OpenContactMsg:
		return m.push(contact.New(c, st, msg.ContactID))
	case common.OpenPickerMsg:
		return m.push(picker.New(c, st, m.opts.Mailer, msg.Contact))
	case common.OpenMessageMsg:
		return m.push(message.New(c, st, msg.MessageID))
	case common.BackMsg:
		if len(m.stack) == 1 {
			return m.quit()
		}
		m.pop()
	case common.StatusMsg:
		return m.setStatus(msg.Text, msg.Level)
	case common.ErrorMsg:
		return m.showError(msg.Title, msg.Err, msg.Blocking)
	}
	return nil
}

func (m *Model) push(s common.Screen) tea.Cmd {
	s.SetSize(m.bodySize())
	m.stack = append(m.stack, s)
	return s.Init()
}

func (m *Model) pop() {
	if len(m.stack) > 1 {
		m.stack = m.stack[:len(m.stack)-1]
	}
}

// showError translates err and shows it: in a modal when it blocks the
// user's intent, else in the status line.
func (m *Model) showError(title string, err error, blocking bool) tea.Cmd {
	text := ErrorText(err)
	if text == "" {
		return nil
	}
	m.opts.Logger.Debug("error shown", "title", title, "err", err)
	if blocking {
		if title == "" {
			title = "Something went wrong"
		}
		m.modals = append(m.modals, errorModal(title, text))
		return nil
	}
	return m.setStatus(text, common.LevelError)
}

// handleQueued follows a Quick Send: on a refusal it explains why nothing was
// queued; on success it says so, closes the picker, shows the contact's
// timeline and delivers the message.
func (m *Model) handleQueued(msg common.QueuedMsg) tea.Cmd {
	cmds := []tea.Cmd{m.broadcast(msg)}
	if msg.Err != nil {
		return tea.Batch(append(cmds, m.showError("Not sent", msg.Err, true))...)
	}
	subject := firstNonEmpty(msg.Message.Subject, msg.Email.Subject)
	cmds = append(cmds, m.setStatus(fmt.Sprintf("Queued for %s: %s", msg.Contact.Name(), subject), common.LevelInfo))
	// Show the send in the contact's timeline, unless the user already left
	// the picker for somewhere else.
	if p, ok := m.top().(*picker.Model); ok && p.ContactID() == msg.Contact.ID {
		m.pop()
		if c, ok := m.top().(*contact.Model); !ok || c.ContactID() != msg.Contact.ID {
			cmds = append(cmds, m.push(contact.New(m.common, m.opts.Store, msg.Contact.ID)))
		}
	}
	return tea.Batch(append(cmds, m.deliver(msg.Contact, msg.Message))...)
}

// deliver sends a queued message now.
func (m *Model) deliver(c store.Contact, queued store.Message) tea.Cmd {
	ctx, mailer := m.common.Ctx, m.opts.Mailer
	return func() tea.Msg {
		final, err := mailer.Deliver(ctx, queued.ID)
		if final.ID == 0 {
			final = queued
		}
		return common.DeliveredMsg{Contact: c, Message: final, Err: err}
	}
}

// handleDelivered reports how a delivery ended. It says "Sent" only when
// the message's status is sent.
func (m *Model) handleDelivered(msg common.DeliveredMsg) tea.Cmd {
	cmds := []tea.Cmd{m.broadcast(msg)}
	to := firstNonEmpty(msg.Contact.Email, strings.Join(msg.Message.Recipients, ", "), msg.Contact.Name())
	subject := msg.Message.Subject
	switch {
	case msg.Err != nil:
		text := ErrorText(msg.Err)
		if text == "" {
			break
		}
		cmds = append(cmds, m.setStatus(fmt.Sprintf("Not sent to %s yet: %s — it stays in the outbox", to, text), common.LevelError))
	case msg.Sent():
		cmds = append(cmds, m.setStatus(fmt.Sprintf("Sent to %s: %s", to, subject), common.LevelSuccess))
	default:
		cmds = append(cmds, m.setStatus(fmt.Sprintf("Not sent yet (%s) to %s: %s", msg.Message.Status, to, subject), common.LevelInfo))
	}
	return tea.Batch(cmds...)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
