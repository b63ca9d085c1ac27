package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/screens/callform"
	"github.com/leadmail/leadmail/tui/screens/contact"
	"github.com/leadmail/leadmail/tui/screens/contactform"
	importscreen "github.com/leadmail/leadmail/tui/screens/importer"
	"github.com/leadmail/leadmail/tui/screens/message"
	"github.com/leadmail/leadmail/tui/screens/note"
	"github.com/leadmail/leadmail/tui/screens/opportunity"
	outboxscreen "github.com/leadmail/leadmail/tui/screens/outbox"
	"github.com/leadmail/leadmail/tui/screens/picker"
	"github.com/leadmail/leadmail/tui/screens/received"
	"github.com/leadmail/leadmail/tui/screens/stages"
	"github.com/leadmail/leadmail/tui/screens/taskform"
	"github.com/leadmail/leadmail/tui/screens/today"
)

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.route(msg)
	m.updateKeys()
	return m, cmd
}

func (m *Model) route(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.setSize(msg.Width, msg.Height)
		return m.broadcast(msg) // screens refetch if their page size changed
	case tea.BackgroundColorMsg:
		m.isDark = msg.IsDark()
		return m.restyle()
	case tea.ColorProfileMsg:
		no := msg.Profile == colorprofile.NoTTY || msg.Profile == colorprofile.ASCII
		if no == m.termNoColor {
			return nil
		}
		m.termNoColor = no
		return m.restyle()
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.PasteMsg:
		if len(m.modals) > 0 {
			return nil
		}
		s, cmd := m.top().Update(msg) // pasted text belongs to the screen in front
		m.stack[len(m.stack)-1] = s
		return tea.Batch(cmd, m.drain(s))
	case statusClearMsg:
		m.clearStatus(msg)
		return nil
	case common.QueuedMsg:
		return m.handleQueued(msg)
	case countdownTickMsg:
		return m.handleCountdownTick(msg)
	case undoneMsg:
		return m.handleUndone(msg)
	case workerUpdateMsg:
		return m.handleWorkerUpdate(msg.update)
	case workerClosedMsg:
		m.updates = nil
		m.opts.Logger.Info("the worker stopped publishing updates")
		return nil
	case outboxStatusMsg:
		return m.handleOutboxStatus(msg)
	case demoStateMsg:
		return m.handleDemoState(msg)
	case quitDoneMsg:
		return m.handleQuitDone(msg)
	case heldMsg:
		return m.handleHeld(msg)
	case heldDoneMsg:
		return m.handleHeldDone(msg)
	case syncReportMsg:
		return m.handleSyncReport(msg.report)
	case syncWatchEndMsg:
		return m.handleSyncWatchEnd(msg)
	case syncProgressMsg:
		return m.handleSyncProgress(msg.p)
	case syncDoneMsg:
		return m.handleSyncDone(msg)
	case syncReplyMsg:
		return m.handleSyncReply(msg)
	case overdueMsg:
		return m.handleOverdue(msg)
	case overdueTickMsg:
		return m.handleOverdueTick()
	}
	return m.broadcast(msg)
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	if cmd, ok := m.handleDialogKey(msg); ok {
		return cmd
	}
	if cmd, ok := m.handleSyncKey(msg); ok {
		return cmd
	}
	if cmd, ok := m.handleSwitchKey(msg); ok { // tui/switchuser.go
		return cmd
	}
	switch {
	case key.Matches(msg, m.keys.Quit):
		return m.quit()
	case len(m.modals) > 0:
		top := &m.modals[len(m.modals)-1]
		switch msg.String() {
		case "up", "k":
			top.scroll(-1)
		case "down", "j":
			top.scroll(1)
		case "pgup":
			top.scroll(-max(1, m.height/2))
		case "pgdown", "space":
			top.scroll(max(1, m.height/2))
		}
		if key.Matches(msg, m.keys.Close) {
			m.modals = m.modals[:len(m.modals)-1]
		}
		return nil // a modal holds the keys until it is closed
	case key.Matches(msg, m.keys.HelpF1),
		key.Matches(msg, m.keys.Help) && !m.top().Capturing():
		m.modals = append(m.modals, m.helpModal())
		return nil
	// The root's letters are disabled while an input has focus.
	case key.Matches(msg, m.keys.Undo):
		return m.undoSend()
	case key.Matches(msg, m.keys.RetryAll):
		return m.runNow()
	case key.Matches(msg, m.keys.DemoServer):
		return m.toggleDemo()
	case key.Matches(msg, m.syncKeys.Run):
		return m.runSync()
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
	cmds = append(cmds, m.tasksHear(msg)) // the overdue count may have changed
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
		return m.push(picker.New(c, st, m.opts.Mailer, msg.Contact).FromOpportunity(msg.OpportunityID))
	case common.OpenMessageMsg:
		return m.push(message.New(c, st, msg.MessageID))
	case common.OpenReceivedMsg:
		var f received.Fetcher
		if m.opts.Sync != nil {
			f = m.opts.Sync
		}
		return m.push(received.New(c, st, f, msg.ReceivedID))
	case common.OpenPersonalizeMsg:
		return m.openPersonalize(msg)
	case common.OpenOutboxMsg:
		if _, ok := m.top().(*outboxscreen.Model); ok {
			return nil
		}
		return m.push(outboxscreen.New(c, st, m.opts.Mailer, outboxscreen.Options{
			Status: m.outbox.status, HasWorker: m.opts.Worker != nil}))
	case common.OpenEmailsMsg:
		return m.openEmails()
	case common.OpenImportMsg:
		if m.opts.Importer == nil {
			return nil
		}
		return m.push(importscreen.New(c, m.opts.Importer))
	case common.NewContactMsg, common.EditContactMsg, common.SetStatusMsg, common.ArchiveContactMsg,
		common.ForgetContactMsg, contactform.SavedMsg, contactform.DoneMsg:
		return m.handleContactEdit(msg) // tui/contactedit.go
	case common.ContactsChangedMsg:
		return m.broadcast(msg)
	case common.NewTaskMsg:
		return m.openTaskForm(msg)
	case common.OpenTodayMsg:
		return m.openToday()
	case taskform.SavedMsg:
		return m.taskSaved(msg)
	case today.ChangedMsg:
		return m.taskChanged(msg.ContactID)
	case common.NewNoteMsg:
		return m.openNoteEditor(msg) // tui/notes.go
	case common.OpenNoteMsg:
		return m.openNote(msg)
	case common.LogCallMsg:
		return m.openCallForm(msg)
	case note.SavedMsg:
		return m.noteSaved(msg)
	case callform.SavedMsg:
		return m.callSaved(msg)
	case common.OpenPipelineMsg, common.OpenOpportunityMsg, common.NewOpportunityMsg, common.EditOpportunityMsg,
		opportunity.SavedMsg, common.OpportunityChangedMsg:
		return m.handlePipeline(msg) // tui/pipeline.go
	case common.OpenStagesMsg, stages.SavedMsg:
		return m.handleStages(msg) // tui/stages.go
	case common.RunOutboxMsg:
		return m.runNow()
	case common.OutboxChangedMsg:
		return m.outboxChanged(msg)
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

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
