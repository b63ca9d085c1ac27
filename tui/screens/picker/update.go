package picker

import (
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/tui/common"
)

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case loadedMsg:
		cmd = m.handleLoaded(msg)
	case previewMsg:
		m.handlePreview(msg)
	case common.QueuedMsg:
		if msg.Contact.ID == m.contact.ID && m.send == sendRunning {
			// On success the root closes the picker; on a refusal the
			// schedule prompt stays open with what was typed.
			m.send = sendIdle
			m.setPreviewContent()
		}
	case common.ThemeChangedMsg:
		m.filter.SetStyles(m.c.Styles.Input)
		m.when.SetStyles(m.c.Styles.Input)
		m.setPreviewContent()
	case tea.KeyPressMsg:
		switch {
		case m.asking != bounceNone:
			cmd = m.handleBounceKey(msg)
		case m.focus == focusFilter:
			cmd = m.handleFilterKey(msg)
		case m.focus == focusSchedule:
			cmd = m.handleScheduleKey(msg)
		default:
			cmd = m.handleKey(msg)
		}
	default:
		switch m.focus {
		case focusFilter:
			cmd = m.updateInput(msg) // paste
		case focusSchedule:
			m.when, cmd = m.when.Update(msg)
		}
	}
	m.relayout()
	m.updateKeys()
	return m, cmd
}

func (m *Model) handleLoaded(msg loadedMsg) tea.Cmd {
	if msg.contactID != m.contact.ID {
		return nil
	}
	if msg.err != nil {
		m.send = sendIdle
		text := m.c.ErrText(msg.err)
		if text == "" {
			return nil
		}
		m.state, m.errText = stateError, text
		return nil
	}
	m.state, m.contact = stateReady, msg.contact
	m.bounce, m.bounced = msg.bounce, msg.bounced
	m.emails, m.received = msg.emails, msg.received
	m.tags = m.tags[:0]
	for _, e := range m.emails {
		for _, t := range e.Tags {
			if !slices.Contains(m.tags, t) {
				m.tags = append(m.tags, t)
			}
		}
	}
	slices.Sort(m.tags)
	m.applyFilters()
	cmds := []tea.Cmd{m.requestPreview()}
	if m.send == sendPending {
		// Enter came before the list: send the first template now.
		m.send = sendIdle
		if len(m.visible) == 0 {
			m.Post(common.StatusMsg{Text: "Nothing sent: there are no Smart Mail templates yet", Level: common.LevelError})
		} else {
			cmds = append(cmds, m.quickSend())
		}
	}
	return tea.Batch(cmds...)
}

func (m *Model) handlePreview(msg previewMsg) {
	if msg.seq != m.previewSeq {
		return // the highlight moved on
	}
	if msg.err != nil {
		m.previewState, m.previewErr = previewError, m.c.ErrText(msg.err)
	} else {
		m.previewState, m.previewData = previewReady, msg.preview
		if msg.preview.Opportunity.ID != 0 {
			m.dealName = msg.preview.Opportunity.Name
		}
	}
	m.setPreviewContent()
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.QuickSend):
		if m.state == stateLoading {
			m.send = sendPending
			return nil
		}
		return m.quickSend()
	case key.Matches(msg, k.Schedule):
		if m.askBounce(bounceSchedule) {
			return nil
		}
		return m.openSchedule()
	case key.Matches(msg, k.Personalize):
		if m.askBounce(bouncePersonalize) {
			return nil
		}
		if e, ok := m.highlighted(); ok {
			m.Post(common.OpenPersonalizeMsg{Contact: m.contact, EmailID: e.ID, OpportunityID: m.opportunityID})
		}
	case key.Matches(msg, k.Up):
		return m.move(-1)
	case key.Matches(msg, k.Down):
		return m.move(1)
	case key.Matches(msg, k.PreviewDown):
		m.preview.HalfPageDown()
	case key.Matches(msg, k.PreviewUp):
		m.preview.HalfPageUp()
	case key.Matches(msg, k.Filter):
		m.focus = focusFilter
		m.filter.CursorEnd()
		return m.filter.Focus()
	case key.Matches(msg, k.Tag):
		m.tag++
		if m.tag >= len(m.tags) {
			m.tag = -1
		}
		m.applyFilters()
		return m.requestPreview()
	case key.Matches(msg, k.Remind):
		m.cycleRemind()
	case key.Matches(msg, k.ClearFilter):
		m.filter.Reset()
		m.tag = -1
		m.applyFilters()
		return m.requestPreview()
	case key.Matches(msg, k.Back):
		m.Post(common.BackMsg{})
	}
	return nil
}

func (m *Model) handleFilterKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Accept):
		m.focus = focusList
		m.filter.Blur()
		return nil
	case key.Matches(msg, k.Cancel):
		m.focus = focusList
		m.filter.Blur()
		m.filter.Reset()
		m.applyFilters()
		return m.requestPreview()
	}
	return m.updateInput(msg)
}

// updateInput gives msg to the filter input and refilters when the text
// changed. The list is short and local: no debounce.
func (m *Model) updateInput(msg tea.Msg) tea.Cmd {
	before := m.filter.Value()
	var cmd tea.Cmd
	m.filter, cmd = m.filter.Update(msg)
	if m.filter.Value() != before {
		m.applyFilters()
		return tea.Batch(cmd, m.requestPreview())
	}
	return cmd
}

func (m *Model) move(n int) tea.Cmd {
	m.cursor = max(0, min(m.cursor+n, len(m.visible)-1))
	m.clampOffset()
	return m.requestPreview()
}
