package common

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Unsaved is the optional interface of a screen holding typed input that
// quitting would lose: an editor with changes not saved, a form not sent.
// The root asks before quitting while any screen on the stack reports some.
type Unsaved interface {
	// Unsaved says what quitting now would lose, worded to follow
	// "discard", e.g. "the unsaved changes to this email", and whether
	// anything would be lost.
	Unsaved() (what string, ok bool)
}

// UnsavedOn returns the index in stack of the topmost screen holding
// unsaved input, and what it would lose; ok is false when nothing would.
func UnsavedOn(stack []Screen) (i int, what string, ok bool) {
	for i := len(stack) - 1; i >= 0; i-- {
		if u, is := stack[i].(Unsaved); is {
			if what, ok := u.Unsaved(); ok {
				return i, what, true
			}
		}
	}
	return -1, "", false
}

// AskBeforeQuit returns the question to push on the stack before quitting
// when a screen holds unsaved input, or nil when quitting loses nothing or
// the question is already on top (a second ctrl+c quits). Answering yes
// returns quit(), which ends the program; no or esc goes back to the input
// exactly as it was.
func AskBeforeQuit(c *Common, stack []Screen, quit func() tea.Cmd) Screen {
	if len(stack) == 0 {
		return nil
	}
	if _, asking := stack[len(stack)-1].(*QuitPrompt); asking {
		return nil
	}
	_, what, ok := UnsavedOn(stack)
	if !ok {
		return nil
	}
	return &QuitPrompt{c: c, under: stack[len(stack)-1], what: what, quit: quit, keys: DefaultQuitKeyMap()}
}

// QuitKeyMap is the keys of the question asked before quitting.
type QuitKeyMap struct {
	Yes key.Binding
	No  key.Binding
}

// DefaultQuitKeyMap returns the question's keys: y quits, n or esc stays.
func DefaultQuitKeyMap() QuitKeyMap {
	return QuitKeyMap{
		Yes: key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "quit and discard")),
		No:  key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n/esc", "stay")),
	}
}

// QuitPrompt asks "Quit and discard …? (y/n)" over the screen the user was
// typing in, the way that screen's own esc asks before discarding. It is a
// Screen so it holds the keys while it asks; the screen beneath keeps its
// input untouched and still receives every other message from the root.
type QuitPrompt struct {
	IntentQueue
	c     *Common
	under Screen
	what  string
	quit  func() tea.Cmd
	keys  QuitKeyMap
}

// Question is the sentence asked.
func (p *QuitPrompt) Question() string {
	return "Quit and discard " + p.what + "? (y/n)"
}

// Init implements Screen.
func (p *QuitPrompt) Init() tea.Cmd { return nil }

// Update implements Screen: y quits, n or esc goes back; any other key
// leaves the question waiting.
func (p *QuitPrompt) Update(msg tea.Msg) (Screen, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return p, nil
	}
	switch {
	case key.Matches(k, p.keys.Yes):
		p.Post(BackMsg{})
		return p, p.quit()
	case key.Matches(k, p.keys.No):
		p.Post(BackMsg{})
	}
	return p, nil
}

// View implements Screen: the screen beneath, its last line replaced by
// the question.
func (p *QuitPrompt) View() string {
	lines := strings.Split(p.under.View(), "\n")
	q := p.Question()
	if p.c != nil && p.c.Styles != nil {
		q = p.c.Styles.Confirm.Render(q)
	}
	lines[len(lines)-1] = q
	return strings.Join(lines, "\n")
}

// SetSize implements Screen; the screen beneath gets its size from the
// root.
func (p *QuitPrompt) SetSize(int, int) {}

// Title implements Screen.
func (p *QuitPrompt) Title() string { return "Quit?" }

// Capturing implements Screen: the root's letter keys wait for the answer.
func (p *QuitPrompt) Capturing() bool { return true }

// ShortHelp implements help.KeyMap.
func (p *QuitPrompt) ShortHelp() []key.Binding { return []key.Binding{p.keys.Yes, p.keys.No} }

// FullHelp implements help.KeyMap.
func (p *QuitPrompt) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }
