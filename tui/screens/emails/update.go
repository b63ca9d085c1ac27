package emails

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case emailsMsg:
		m.handleEmails(msg)
	case sampleMsg:
		m.sample, m.hasSample = msg.contact, msg.ok
	case deletedMsg:
		cmd = m.handleDeleted(msg)
	case duplicatedMsg:
		cmd = m.handleDuplicated(msg)
	case checkedMsg:
		cmd = m.handleChecked(msg)
	case externalBodyMsg:
		m.externalDone(msg.target, msg.body, msg.err)
	case sigsMsg:
		m.handleSigs(msg)
	case sigSavedMsg:
		cmd = m.handleSigSaved(msg)
	case sigChangedMsg:
		cmd = m.handleSigChanged(msg)
	case common.ThemeChangedMsg:
		if m.editor != nil {
			m.editor.applyStyles(m.c.Styles)
		}
		if m.sig != nil {
			m.sig.name.SetStyles(m.c.Styles.Input)
			m.sig.body.SetStyles(m.c.Styles.Textarea)
		}
	case tea.KeyPressMsg:
		cmd = m.handleKey(msg)
	case tea.PasteMsg:
		cmd = m.handlePaste(msg)
	}
	m.updateKeys()
	return m, cmd
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	if m.prompt != promptNone {
		return m.handlePromptKey(msg)
	}
	switch m.view {
	case viewEditor:
		if m.editor.busy == busyExternal {
			return nil // the body is in $EDITOR
		}
		return m.handleEditorKey(msg)
	case viewSignatures:
		return m.handleSigsKey(msg)
	case viewSigEditor:
		if m.sig.busy == busyExternal {
			return nil
		}
		return m.handleSigEditorKey(msg)
	}
	return m.handleListKey(msg)
}

func (m *Model) handlePaste(msg tea.PasteMsg) tea.Cmd {
	switch {
	case m.prompt != promptNone:
		return nil
	case m.view == viewEditor && m.editor.busy != busyExternal:
		return m.editor.updateFocused(msg)
	case m.view == viewSigEditor && m.sig.busy != busyExternal:
		var cmd tea.Cmd
		if m.sig.focus == sigFieldBody {
			m.sig.body, cmd = m.sig.body.Update(msg)
		} else {
			m.sig.name, cmd = m.sig.name.Update(msg)
		}
		return cmd
	}
	return nil
}

func (m *Model) handleListKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Up):
		m.setCursor(m.cursor - 1)
	case key.Matches(msg, k.Down):
		m.setCursor(m.cursor + 1)
	case key.Matches(msg, k.New):
		return m.openEditor(store.Email{})
	case key.Matches(msg, k.Duplicate):
		return m.duplicateSelected()
	case key.Matches(msg, k.Edit):
		if e, ok := m.Selected(); ok {
			return m.openEditor(e)
		}
	case key.Matches(msg, k.Delete):
		m.prompt = promptDelete
	case key.Matches(msg, k.Sigs):
		if m.opts.Sender.ID == 0 {
			m.Post(common.StatusMsg{Level: common.LevelWarning,
				Text: "Signatures belong to the sender: set user.email and user.name in the config, then restart leadmail"})
			return nil
		}
		return m.openSignatures()
	case key.Matches(msg, k.Retry):
		m.state = stateLoading
		return m.load(0)
	case key.Matches(msg, k.Back):
		m.Post(common.BackMsg{})
	}
	return nil
}

func (m *Model) handlePromptKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	yes := key.Matches(msg, k.Yes)
	if !yes && !key.Matches(msg, k.No) {
		return nil // the question waits for an answer
	}
	p := m.prompt
	m.prompt = promptNone
	if !yes {
		return nil
	}
	switch p {
	case promptDelete:
		return m.deleteSelected()
	case promptDiscard:
		m.closeEditor()
	case promptDeleteSig:
		return m.deleteSig()
	case promptDiscardSig:
		m.closeSigEditor()
	}
	return nil
}

// copyName is "<name> (copy)", numbered when that is taken too.
func copyName(name string, taken map[string]bool) string {
	c := name + " (copy)"
	for i := 2; taken[lower(c)]; i++ {
		c = fmt.Sprintf("%s (copy %d)", name, i)
	}
	return c
}

func lower(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
