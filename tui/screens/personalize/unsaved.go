package personalize

// Unsaved implements common.Unsaved: the form differs from the draft as
// opened, or holds typed text not yet added (see Dirty).
func (m *Model) Unsaved() (what string, ok bool) {
	if m.Dirty() {
		return "your changes to this message", true
	}
	return "", false
}
