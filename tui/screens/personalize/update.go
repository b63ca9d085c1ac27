package personalize

import (
	"fmt"
	"net/mail"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case loadedMsg:
		cmd = m.handleLoaded(msg)
	case previewTickMsg:
		cmd = m.handlePreviewTick(msg)
	case previewMsg:
		m.handlePreview(msg)
	case searchTickMsg:
		cmd = m.handleSearchTick(msg)
	case searchMsg:
		m.handleSearch(msg)
	case checkedMsg:
		cmd = m.handleChecked(msg)
	case attachedMsg:
		cmd = m.handleAttached(msg)
	case completedMsg:
		m.handleCompleted(msg)
	case editedMsg:
		cmd = m.handleEdited(msg)
	case common.QueuedMsg:
		m.handleQueued(msg)
	case common.ThemeChangedMsg:
		m.restyle()
		m.setPreviewContent()
	case tea.KeyPressMsg:
		switch {
		case m.confirm != confirmNone:
			m.handleConfirmKey(msg)
		case m.state != stateReady:
			if key.Matches(msg, m.keys.Back) {
				m.Post(common.BackMsg{})
			}
		default:
			cmd = m.handleKey(msg)
		}
	case tea.PasteMsg:
		if m.state == stateReady && m.confirm == confirmNone {
			cmd = m.updateFocused(msg)
		}
	}
	m.relayout()
	m.updateKeys()
	return m, cmd
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Back):
		if m.Dirty() {
			m.confirm = confirmDiscard
			return nil
		}
		m.Post(common.BackMsg{})
		return nil
	case key.Matches(msg, k.Send):
		return m.sendDraft()
	case key.Matches(msg, k.CompletePath): // tab in a typed path, before next field
		return m.completePath()
	case key.Matches(msg, k.Next):
		return m.focusField(m.nextField(1))
	case key.Matches(msg, k.Prev):
		return m.focusField(m.nextField(-1))
	case key.Matches(msg, k.PreviewDown):
		m.preview.HalfPageDown()
		return nil
	case key.Matches(msg, k.PreviewUp):
		m.preview.HalfPageUp()
		return nil
	case m.send == sendRunning && msg.Text != "":
		return nil // the draft stays as it was sent until the outbox answers
	}
	if r, ok := m.focusedRecipients(); ok {
		i := int(m.focus - fieldTo)
		switch {
		case key.Matches(msg, k.AddRecipient):
			return m.addRecipient(i)
		case key.Matches(msg, k.RemoveRecipient):
			return m.removeLast(i)
		case key.Matches(msg, k.MatchUp):
			r.cursor = (r.cursor + len(r.matches) - 1) % len(r.matches)
			return nil
		case key.Matches(msg, k.MatchDown):
			r.cursor = (r.cursor + 1) % len(r.matches)
			return nil
		}
	}
	switch m.focus {
	case fieldSignature:
		return m.handleSignatureKey(msg)
	case fieldRemind:
		m.handleRemindKey(msg)
		return nil
	case fieldBody:
		if key.Matches(msg, k.Editor) {
			return m.openEditor()
		}
	case fieldAttachments:
		switch {
		case key.Matches(msg, k.AddAttachment):
			return m.attach()
		case key.Matches(msg, k.AttachmentUp):
			m.fileCursor = max(0, m.fileCursor-1)
			return nil
		case key.Matches(msg, k.AttachmentDown):
			m.fileCursor = min(len(m.files)-1, m.fileCursor+1)
			return nil
		case key.Matches(msg, k.RemoveAttachment):
			return m.removeAttachment()
		}
	}
	return m.updateFocused(msg)
}

func (m *Model) handleSignatureKey(msg tea.KeyPressMsg) tea.Cmd {
	n := len(m.signatures) + 1 // and none
	switch {
	case key.Matches(msg, m.keys.SignatureNext):
		m.signature = (m.signature+2)%n - 1
	case key.Matches(msg, m.keys.SignaturePrev):
		m.signature = (m.signature+n)%n - 1
	default:
		return nil
	}
	return m.schedulePreview()
}

func (m *Model) handleConfirmKey(msg tea.KeyPressMsg) {
	switch {
	case key.Matches(msg, m.keys.Yes):
		m.confirm = confirmNone
		m.Post(common.BackMsg{})
	case key.Matches(msg, m.keys.No):
		m.confirm = confirmNone
	}
}

// updateFocused gives msg (a key or a paste) to the focused input and
// follows what changed.
func (m *Model) updateFocused(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch m.focus {
	case fieldTo, fieldCc, fieldBcc:
		i := int(m.focus - fieldTo)
		r := m.recipients[i]
		before := r.input.Value()
		r.input, cmd = r.input.Update(msg)
		if r.input.Value() != before {
			return tea.Batch(cmd, m.typedChanged(i))
		}
		return cmd
	case fieldBody:
		before := m.body.Value()
		m.body, cmd = m.body.Update(msg)
		if m.body.Value() != before {
			return tea.Batch(cmd, m.schedulePreview())
		}
		return cmd
	case fieldSignature, fieldRemind:
		return nil
	case fieldAttachments:
		before := m.attachIn.Value()
		m.attachIn, cmd = m.attachIn.Update(msg)
		if m.attachIn.Value() != before {
			m.attachErr, m.pathMatches = "", nil
		}
		return cmd
	}
	in := m.input(m.focus)
	before := in.Value()
	*in, cmd = in.Update(msg)
	if in.Value() != before && m.focus != fieldSchedule {
		return tea.Batch(cmd, m.schedulePreview())
	}
	return cmd
}

// input is the text input behind a one-line field.
func (m *Model) input(f field) *textinput.Model {
	switch f {
	case fieldSubject:
		return &m.subject
	case fieldFromName:
		return &m.fromName
	case fieldFromEmail:
		return &m.fromEmail
	case fieldReplyTo:
		return &m.replyTo
	case fieldAttachments:
		return &m.attachIn
	case fieldSchedule:
		return &m.when
	}
	return nil
}

// focusField moves the focus, blurring every other input.
func (m *Model) focusField(f field) tea.Cmd {
	m.focus = f
	for _, r := range m.recipients {
		r.input.Blur()
		r.matches = nil
	}
	for _, in := range m.inputs() {
		in.Blur()
	}
	m.body.Blur()
	switch f {
	case fieldTo, fieldCc, fieldBcc:
		m.offerDeal()
		return m.recipients[f-fieldTo].input.Focus()
	case fieldSignature, fieldRemind:
		return nil
	case fieldBody:
		return m.body.Focus()
	}
	return m.input(f).Focus()
}

// blocked says why send cannot run now, if it cannot.
func (m *Model) blocked() (string, bool) {
	switch {
	case m.state != stateReady:
		return "", true
	case m.send == sendRunning:
		return "Sending…", true
	case isBlank(m.contact.Email):
		return m.contact.Name() + " has no email address: add one to the contact first", true
	case isBlank(m.subject.Value()):
		return "the subject is empty", true
	case isBlank(m.fromEmail.Value()):
		return "the From address is empty", true
	case !isAddress(m.fromEmail.Value()):
		return "the From address is not an email address", true
	case !isBlank(m.replyTo.Value()) && !isAddress(m.replyTo.Value()):
		return "the Reply-To is not an email address", true
	}
	for _, r := range m.recipients {
		switch {
		case r.checking > 0:
			return "checking " + r.label + "…", true
		case !isBlank(r.input.Value()):
			return "add or clear what is typed in " + r.label, true
		}
	}
	if m.checking > 0 {
		return "checking the attachment…", true
	}
	if !isBlank(m.attachIn.Value()) {
		return "attach or clear the typed file path", true
	}
	if _, err := m.sendAt(); err != nil {
		return "the send time is not valid", true
	}
	switch m.previewState {
	case previewLoading:
		return "rendering the preview…", true
	case previewError:
		return m.previewErr, true
	}
	if missing := m.previewData.Missing(); len(missing) > 0 {
		return fmt.Sprintf("%d merge variable(s) missing: %s", len(missing), strings.Join(missing, ", ")), true
	}
	return "", false
}

// sendDraft queues the draft (or replaces the queued message). The result
// is a common.QueuedMsg for the root, which handles it like a Quick Send.
func (m *Model) sendDraft() tea.Cmd {
	if _, blocked := m.blocked(); blocked {
		return nil
	}
	m.send, m.sendErr = sendRunning, ""
	m.setPreviewContent()
	d := m.draft()
	mode := common.SendNow
	if !d.SendAt.IsZero() {
		mode = common.SendScheduled
	}
	ctx, mailer, contact, id, opts := m.c.Ctx, m.mailer, m.contact, m.opts.MessageID, m.sendOptions()
	email := store.Email{ID: d.EmailID, Subject: m.previewData.Subject}
	return func() tea.Msg {
		var (
			sent outbox.Sent
			err  error
		)
		if id != 0 {
			sent.Message, err = mailer.ReplaceDraft(ctx, id, d)
		} else {
			sent, err = mailer.SendDraftWith(ctx, d, opts)
		}
		return common.QueuedMsg{Mode: mode, Contact: contact, Email: email, Message: sent.Message,
			Reminder: sent.Reminder, Err: err}
	}
}

// handleQueued follows this screen's send: on success the root closes the
// screen; a refusal stays on screen with every edit kept.
func (m *Model) handleQueued(msg common.QueuedMsg) {
	if m.send != sendRunning || msg.Contact.ID != m.contact.ID {
		return
	}
	m.send = sendIdle
	if msg.Err != nil {
		m.sendErr = m.c.ErrText(msg.Err)
	}
	m.setPreviewContent()
}

func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

// isAddress reports whether s reads as one address, bare or with a name.
func isAddress(s string) bool {
	_, err := mail.ParseAddress(strings.TrimSpace(s))
	return err == nil
}
