package common

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// fakeScreen is a screen that may hold unsaved input.
type fakeScreen struct {
	IntentQueue
	what string
}

func (f *fakeScreen) Init() tea.Cmd                    { return nil }
func (f *fakeScreen) Update(tea.Msg) (Screen, tea.Cmd) { return f, nil }
func (f *fakeScreen) View() string                     { return "fields\nfooter" }
func (f *fakeScreen) SetSize(int, int)                 {}
func (f *fakeScreen) Title() string                    { return "Fake" }
func (f *fakeScreen) Capturing() bool                  { return true }
func (f *fakeScreen) ShortHelp() []key.Binding         { return nil }
func (f *fakeScreen) FullHelp() [][]key.Binding        { return nil }
func (f *fakeScreen) Unsaved() (string, bool)          { return f.what, f.what != "" }

func TestTrust16AskBeforeQuit(t *testing.T) {
	quits := 0
	quit := func() tea.Cmd { quits++; return tea.Quit }
	clean, dirty := &fakeScreen{}, &fakeScreen{what: "the draft"}
	tests := []struct {
		name  string
		stack []Screen
		ask   bool
	}{
		{"nothing unsaved", []Screen{clean, clean}, false},
		{"unsaved on top", []Screen{clean, dirty}, true},
		{"unsaved beneath", []Screen{dirty, clean}, true},
		{"already asking", []Screen{dirty, &QuitPrompt{}}, false},
	}
	for _, tt := range tests {
		if got := AskBeforeQuit(&Common{}, tt.stack, quit); (got != nil) != tt.ask {
			t.Errorf("%s: asked %v, want %v", tt.name, got != nil, tt.ask)
		}
	}

	p := AskBeforeQuit(&Common{}, []Screen{clean, dirty}, quit).(*QuitPrompt)
	if v := p.View(); v != "fields\nQuit and discard the draft? (y/n)" {
		t.Errorf("view = %q", v)
	}
	for _, k := range []string{"q", "x"} {
		p.Update(tea.KeyPressMsg{Code: rune(k[0]), Text: k})
	}
	if quits != 0 || len(p.Intents()) != 0 {
		t.Fatalf("a stray key answered: %d quits", quits)
	}
	p.Update(tea.KeyPressMsg{Code: 'n', Text: "n"})
	if in := p.Intents(); quits != 0 || len(in) != 1 || in[0] != (BackMsg{}) {
		t.Fatalf("n: %d quits, intents %v; want back without quitting", quits, in)
	}
	_, cmd := p.Update(tea.KeyPressMsg{Code: 'y', Text: "y"})
	if quits != 1 || cmd == nil || !strings.Contains(p.Question(), "the draft") {
		t.Errorf("y: %d quits, cmd %v", quits, cmd)
	}
}
