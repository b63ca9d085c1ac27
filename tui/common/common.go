// Package common is the contract between the root model of the leadmail TUI
// and its screens: the Screen interface every screen implements, the shared
// Common context (styles, clock, error translator), and the messages that go
// up from a screen to the root.
//
// Screens never return tea.View and never navigate on their own: they post
// intents (open this contact, go back) that the root acts on. Intents are
// drained synchronously after each Update rather than sent through a command,
// because a command's message is delivered after keys the user has already
// typed: with an asynchronous "open picker", the enter that follows m would
// reach the Contacts screen instead of the picker and break the
// three-keystroke Quick Send.
package common

import (
	"context"
	"log/slog"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/tui/theme"
)

// Screen is one page of the UI. Screens are pointers; Update returns the
// screen itself (or a replacement) and a command.
type Screen interface {
	// ShortHelp lists the keys most important first: the footer shows as
	// many as fit, in that order, and FullHelp has them all.
	help.KeyMap
	// Init returns the screen's first command, usually its initial load.
	Init() tea.Cmd
	// Update handles a message. Key presses reach only the top screen; all
	// other messages reach every screen on the stack, so results of a
	// screen's commands find it even when another screen is on top.
	Update(msg tea.Msg) (Screen, tea.Cmd)
	// View renders the screen into exactly the size last given to SetSize.
	View() string
	// SetSize gives the screen the area it may draw in.
	SetSize(width, height int)
	// Title is the screen's name in the breadcrumb and window title.
	Title() string
	// Capturing reports whether typed text currently goes into an input, in
	// which case the root leaves printable keys such as "?" to the screen.
	Capturing() bool
	// Intents returns and clears the intents posted during the last Update.
	Intents() []tea.Msg
}

// IntentQueue collects a screen's intents; embed it to satisfy Screen.Intents.
type IntentQueue struct{ pending []tea.Msg }

// Post records an intent for the root to act on after this Update.
func (i *IntentQueue) Post(msg tea.Msg) { i.pending = append(i.pending, msg) }

// Intents returns and clears the posted intents.
func (i *IntentQueue) Intents() []tea.Msg {
	out := i.pending
	i.pending = nil
	return out
}

// Common is what every screen shares. The root owns it and may replace
// Styles when the terminal's background is known; screens read it at render
// time and must not keep copies of the styles.
type Common struct {
	// Ctx bounds every command's I/O; the root cancels it when the UI quits.
	Ctx    context.Context
	Styles *theme.Styles
	// Now is the clock behind relative ages ("3d"); tests freeze it.
	Now    func() time.Time
	Logger *slog.Logger
	// ErrText turns an error into a sentence for the user; "" means say
	// nothing (a cancelled context). It is the root's single translator.
	ErrText func(error) string
	// Remind is the session's "remind me if no reply" choice (remind.go);
	// nil means none is remembered.
	Remind *Remind
}
