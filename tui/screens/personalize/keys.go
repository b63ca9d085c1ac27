package personalize

import (
	"charm.land/bubbles/v2/key"
)

// KeyMap is every key of Personalize. Keys that do nothing in the current
// field or state are disabled, so the help never offers them.
type KeyMap struct {
	Next key.Binding
	Prev key.Binding
	Send key.Binding
	Back key.Binding

	// In More To, CC and BCC.
	MatchUp         key.Binding
	MatchDown       key.Binding
	AddRecipient    key.Binding
	RemoveRecipient key.Binding

	// In Signature.
	SignaturePrev key.Binding
	SignatureNext key.Binding

	// In Remind.
	RemindLess key.Binding
	RemindMore key.Binding

	// In Body.
	Editor key.Binding

	// In Attachments.
	AddAttachment    key.Binding
	CompletePath     key.Binding
	AttachmentUp     key.Binding
	AttachmentDown   key.Binding
	RemoveAttachment key.Binding

	PreviewDown key.Binding
	PreviewUp   key.Binding

	// While "Discard your changes?" waits.
	Yes key.Binding
	No  key.Binding
}

// DefaultKeyMap returns the keys of Personalize.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Next:             key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field")),
		Prev:             key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field")),
		Send:             key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "send")),
		Back:             key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		MatchUp:          key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "previous match")),
		MatchDown:        key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "next match")),
		AddRecipient:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "add recipient")),
		RemoveRecipient:  key.NewBinding(key.WithKeys("backspace"), key.WithHelp("backspace", "remove last recipient")),
		SignaturePrev:    key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "previous signature")),
		SignatureNext:    key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "next signature")),
		RemindLess:       key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "remind sooner / off")),
		RemindMore:       key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "remind later")),
		Editor:           key.NewBinding(key.WithKeys("ctrl+e"), key.WithHelp("ctrl+e", "edit in $EDITOR")),
		AddAttachment:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "attach file")),
		CompletePath:     key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete path")),
		AttachmentUp:     key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "previous attachment")),
		AttachmentDown:   key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "next attachment")),
		RemoveAttachment: key.NewBinding(key.WithKeys("ctrl+x"), key.WithHelp("ctrl+x", "remove attachment")),
		PreviewDown:      key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "scroll preview")),
		PreviewUp:        key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "scroll preview up")),
		Yes:              key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "discard")),
		No:               key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "keep editing")),
	}
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.Yes, k.No, k.Send, k.AddRecipient, k.AddAttachment, k.CompletePath, k.SignatureNext,
		k.RemindMore, k.RemindLess, k.Editor, k.RemoveAttachment, k.Next, k.Prev, k.Back}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		{k.Next, k.Prev, k.Send, k.Back, k.PreviewDown, k.PreviewUp},
		{k.MatchUp, k.MatchDown, k.AddRecipient, k.RemoveRecipient, k.SignaturePrev, k.SignatureNext,
			k.RemindLess, k.RemindMore},
		{k.Editor, k.AddAttachment, k.CompletePath, k.AttachmentUp, k.AttachmentDown, k.RemoveAttachment},
		{k.Yes, k.No},
	}
}

func (m *Model) updateKeys() {
	k := &m.keys
	asking := m.confirm != confirmNone
	ready := m.state == stateReady && !asking
	idle := ready && m.send == sendIdle
	k.Yes.SetEnabled(asking)
	k.No.SetEnabled(asking)
	k.Back.SetEnabled(!asking)
	k.Next.SetEnabled(ready)
	k.Prev.SetEnabled(ready)
	_, blocked := m.blocked()
	k.Send.SetEnabled(idle && !blocked)
	if m.opts.MessageID != 0 {
		k.Send.SetHelp("ctrl+s", "save and send")
	}

	r, inRecipients := m.focusedRecipients()
	k.MatchUp.SetEnabled(ready && inRecipients && len(r.matches) > 1)
	k.MatchDown.SetEnabled(ready && inRecipients && len(r.matches) > 1)
	k.AddRecipient.SetEnabled(ready && inRecipients && (!isBlank(r.input.Value()) || len(r.matches) > 0))
	k.RemoveRecipient.SetEnabled(ready && inRecipients && r.input.Value() == "" && len(r.chips) > 0)

	onSig := ready && m.focus == fieldSignature
	k.SignaturePrev.SetEnabled(onSig && len(m.signatures) > 0)
	k.SignatureNext.SetEnabled(onSig && len(m.signatures) > 0)

	onRemind := idle && m.focus == fieldRemind
	k.RemindLess.SetEnabled(onRemind && m.remind > 0)
	k.RemindMore.SetEnabled(onRemind && m.remind < maxRemindStep)

	k.Editor.SetEnabled(idle && m.focus == fieldBody)

	onFiles := ready && m.focus == fieldAttachments
	k.AddAttachment.SetEnabled(onFiles && !isBlank(m.attachIn.Value()) && len(m.files)+m.checking < MaxAttachments)
	k.CompletePath.SetEnabled(onFiles && !isBlank(m.attachIn.Value()) && len(m.files) < MaxAttachments)
	k.Next.SetEnabled(ready && !k.CompletePath.Enabled()) // tab completes the path first
	k.AttachmentUp.SetEnabled(onFiles && len(m.files) > 1)
	k.AttachmentDown.SetEnabled(onFiles && len(m.files) > 1)
	k.RemoveAttachment.SetEnabled(onFiles && len(m.files) > 0)

	k.PreviewDown.SetEnabled(ready && !m.preview.AtBottom())
	k.PreviewUp.SetEnabled(ready && !m.preview.AtTop())
}

// focusedRecipients returns the recipient field with focus, if any.
func (m *Model) focusedRecipients() (*recipientField, bool) {
	if m.focus >= fieldTo && m.focus <= fieldBcc {
		return m.recipients[m.focus-fieldTo], true
	}
	return nil, false
}
