package received

import (
	"context"
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// fakeFetcher stands for Mail Sync's FetchOriginal.
type fakeFetcher struct {
	raw   []byte
	err   error
	asked []int64
}

func (f *fakeFetcher) FetchOriginal(_ context.Context, r store.Received) ([]byte, error) {
	f.asked = append(f.asked, r.ID)
	return f.raw, f.err
}

func open(t *testing.T, w *tuitest.World, f Fetcher, id int64, width, height int) *Model {
	t.Helper()
	m := New(tuitest.Common(t), w.DB, f, id)
	m.SetSize(width, height)
	tuitest.Pump(t, m.update, m.Init(), nil)
	return m
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	_, cmd := m.Update(msg)
	return cmd
}

func (m *Model) press(t *testing.T, k string) {
	t.Helper()
	tuitest.Pump(t, m.update, m.update(tuitest.Key(k)), nil)
}

func TestReceivedGolden(t *testing.T) {
	w := tuitest.NewWorld(t)
	s := w.AddMailSync(t)
	m := open(t, w, nil, s.Reply.ID, 80, 24)
	tuitest.Golden(t, m.View())
}

// Headers, text and attachments with sizes; the mailbox's escape
// sequences never reach the terminal; a cut text says so.
func TestReceivedShowsTheMessageSafely(t *testing.T) {
	w := tuitest.NewWorld(t)
	s := w.AddMailSync(t)
	v := tuitest.Strip(open(t, w, nil, s.Reply.ID, 100, 40).View())
	for _, want := range []string{"↩ reply to your send", "Ada Lovelace <ada@analytical.test>", "Re: Hello Ada",
		"Sounds good, Tuesday works.", "agenda.pdf", "47 KB"} {
		if !strings.Contains(v, want) {
			t.Errorf("the view lacks %q:\n%s", want, v)
		}
	}
	raw := open(t, w, nil, s.Received.ID, 100, 40).View()
	if strings.ContainsAny(raw, "\x07") || strings.Contains(raw, "\x1b[2J") || strings.Contains(raw, "\x1b]0;") {
		t.Errorf("a control character from the mailbox reached the terminal: %q", raw)
	}
	if !strings.Contains(tuitest.Strip(raw), "cut at its limit") {
		t.Errorf("a truncated text does not say so:\n%s", tuitest.Strip(raw))
	}
	ooo := tuitest.Strip(open(t, w, nil, s.OutOfOffice.ID, 100, 40).View())
	if !strings.Contains(ooo, "automatic reply") || !strings.Contains(ooo, "30 Nov 2026") {
		t.Errorf("the out-of-office does not say what it is and until when:\n%s", ooo)
	}
}

// o fetches the original through Mail Sync and shows it; without Mail
// Sync o is not offered; a failed fetch is one sentence.
func TestReceivedOriginal(t *testing.T) {
	w := tuitest.NewWorld(t)
	s := w.AddMailSync(t)
	if m := open(t, w, nil, s.Received.ID, 100, 40); m.keys.Original.Enabled() {
		t.Error("o is offered without Mail Sync")
	}
	f := &fakeFetcher{raw: []byte("From: Ada <ada@analytical.test>\r\nSubject: Question\r\n\r\nDo you have a sandbox? The whole text.\x1b[31m\r\n")}
	m := open(t, w, f, s.Received.ID, 100, 40)
	m.press(t, "o")
	v := m.View()
	if len(f.asked) != 1 || f.asked[0] != s.Received.ID || !strings.Contains(tuitest.Strip(v), "The whole text.") {
		t.Fatalf("asked %v; view:\n%s", f.asked, tuitest.Strip(v))
	}
	if strings.Contains(v, "\x1b[31m") {
		t.Error("the original's escape reached the terminal")
	}
	f = &fakeFetcher{err: errors.New("the mail server cannot be reached")}
	m = open(t, w, f, s.Received.ID, 100, 40)
	m.press(t, "o")
	if v := tuitest.Strip(m.View()); !strings.Contains(v, "Could not fetch the original: the mail server cannot be reached") {
		t.Errorf("a failed fetch:\n%s", v)
	}
}
