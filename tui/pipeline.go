package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/screens/opportunity"
	"github.com/leadmail/leadmail/tui/screens/pipeline"
)

// PipelineStore is what the Pipeline, the Opportunity screen and its form
// read and write; Store embeds it. *store.DB and the store scoped to the
// current user satisfy it.
type PipelineStore interface {
	pipeline.Store
	opportunity.FormStore
}

// handlePipeline acts on the intents of the pipeline: it opens the
// Pipeline, an Opportunity and the opportunity form, closes the form when
// it saved, and tells every screen an opportunity changed, and its
// contacts with it (their status follows the pipeline).
func (m *Model) handlePipeline(msg tea.Msg) tea.Cmd {
	st, c := m.opts.Store, m.common
	switch msg := msg.(type) {
	case common.OpenPipelineMsg:
		if _, ok := m.top().(*pipeline.Model); ok {
			return nil
		}
		return m.push(pipeline.New(c, st, pipeline.Options{Me: m.opts.Sender}))
	case common.OpenOpportunityMsg:
		if o, ok := m.top().(*opportunity.Model); ok && o.OpportunityID() == msg.OpportunityID {
			return nil
		}
		return m.push(opportunity.New(c, st, msg.OpportunityID))
	case common.NewOpportunityMsg:
		return m.push(opportunity.NewForm(c, st, opportunity.FormOptions{StageID: msg.StageID,
			ContactID: msg.ContactID, Me: m.opts.Sender}))
	case common.EditOpportunityMsg:
		return m.push(opportunity.NewForm(c, st, opportunity.FormOptions{OpportunityID: msg.OpportunityID,
			Me: m.opts.Sender}))
	case opportunity.SavedMsg:
		return m.opportunitySaved(msg)
	case common.OpportunityChangedMsg:
		return m.opportunityChanged(msg)
	}
	return nil
}

// opportunitySaved closes the form that saved, says what it did, and
// opens a new opportunity's screen.
func (m *Model) opportunitySaved(msg opportunity.SavedMsg) tea.Cmd {
	for i := len(m.stack) - 1; i > 0; i-- {
		if _, ok := m.stack[i].(*opportunity.Form); ok {
			m.stack = append(m.stack[:i], m.stack[i+1:]...)
			break
		}
	}
	o := msg.Opportunity
	text := "Saved " + common.Printable(o.Name)
	if msg.Created {
		text = "Created " + common.Printable(o.Name) + " in " + common.Printable(o.Stage.Name) + " (" + o.Value.Short() + ")"
	}
	cmds := []tea.Cmd{m.setStatus(text, common.LevelSuccess),
		m.opportunityChanged(common.OpportunityChangedMsg{OpportunityID: o.ID, ContactIDs: o.ContactIDs})}
	if msg.Created {
		cmds = append(cmds, m.handlePipeline(common.OpenOpportunityMsg{OpportunityID: o.ID}))
	}
	return tea.Batch(cmds...)
}

// opportunityChanged tells every screen: the pipeline's totals, the
// opportunity's screen, and its contacts, whose status may have followed.
func (m *Model) opportunityChanged(msg common.OpportunityChangedMsg) tea.Cmd {
	cmds := []tea.Cmd{m.broadcast(msg)}
	for _, id := range msg.ContactIDs {
		cmds = append(cmds, m.broadcast(common.ContactChangedMsg{ContactID: id}))
	}
	return tea.Batch(cmds...)
}
