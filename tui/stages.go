package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/screens/stages"
)

// handleStages acts on the intents of the stages editor: the Pipeline
// opens it (for administrators), and once it saved, it closes and every
// screen hears that the stages changed, so the Pipeline shows the new
// columns.
func (m *Model) handleStages(msg tea.Msg) tea.Cmd {
	switch msg.(type) {
	case common.OpenStagesMsg:
		if _, ok := m.top().(*stages.Model); ok {
			return nil
		}
		return m.push(stages.New(m.common, m.opts.Store, stages.Options{Me: m.opts.Sender}))
	case stages.SavedMsg:
		for i := len(m.stack) - 1; i > 0; i-- {
			if _, ok := m.stack[i].(*stages.Model); ok {
				m.stack = append(m.stack[:i], m.stack[i+1:]...)
				break
			}
		}
		return m.broadcast(common.StagesChangedMsg{})
	}
	return nil
}
