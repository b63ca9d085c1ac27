package emails

// Unsaved implements common.Unsaved: an open email or signature editor
// whose fields differ from what was loaded or last saved.
func (m *Model) Unsaved() (what string, ok bool) {
	switch {
	case m.view == viewEditor && m.editor != nil && m.editor.dirty():
		return "the unsaved changes to this email", true
	case m.view == viewSigEditor && m.sig != nil && m.sig.dirty():
		return "the unsaved changes to this signature", true
	}
	return "", false
}
