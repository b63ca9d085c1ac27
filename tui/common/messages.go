package common

import (
	"charm.land/bubbles/v2/key"

	"github.com/leadmail/leadmail/store"
)

// Intents a screen posts for the root.

// OpenContactMsg asks the root to open the Contact screen.
type OpenContactMsg struct{ ContactID int64 }

// OpenPickerMsg asks the root to open the Smart Mail picker for a contact.
type OpenPickerMsg struct{ Contact store.Contact }

// OpenMessageMsg asks the root to show a stored message as it was sent.
type OpenMessageMsg struct{ MessageID int64 }

// BackMsg asks the root to close the top screen (or quit from the first).
type BackMsg struct{}

// Level is the severity of a status line.
type Level int

// Status line severities.
const (
	LevelInfo Level = iota
	LevelSuccess
	LevelError
)

// StatusMsg asks the root to show a short-lived status line.
type StatusMsg struct {
	Text  string
	Level Level
}

// ErrorMsg reports an error for the root to translate and show: in a modal
// when Blocking, else in the status line.
type ErrorMsg struct {
	Err      error
	Blocking bool
	// Title heads the modal, e.g. "Not sent".
	Title string
}

// Messages the root broadcasts to every screen.

// ThemeChangedMsg tells screens the styles in Common were replaced, so
// components that copy styles (table, textinput) must take them again.
type ThemeChangedMsg struct{}

// QueuedMsg is the result of a Quick Send: the message durably queued, or
// the refusal. It is produced by the picker's command and handled by the
// root, which then delivers the message.
type QueuedMsg struct {
	Contact store.Contact
	Email   store.Email
	Message store.Message
	Err     error
}

// DeliveredMsg is the result of delivering a queued message. Message holds
// the final status; Err is a sentence for the user when it did not go out.
type DeliveredMsg struct {
	Contact store.Contact
	Message store.Message
	Err     error
}

// Sent reports whether the message really left.
func (m DeliveredMsg) Sent() bool {
	return m.Err == nil && m.Message.Status == store.MessageSent
}

// LegendBinding makes a help entry that explains a symbol rather than a key.
// Its key can never be typed, so it only ever appears in the full help.
func LegendBinding(symbol, meaning string) key.Binding {
	return key.NewBinding(key.WithKeys("\x00legend "+meaning), key.WithHelp(symbol, meaning))
}
