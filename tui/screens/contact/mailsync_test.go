package contact

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// Mail Sync's kinds read in words as well as icons; the send that got a
// reply says answered, and its reply and out-of-office are threaded under
// it, indented.
func TestTimelineShowsTheMailboxSide(t *testing.T) {
	w := tuitest.NewWorld(t)
	w.AddMailSync(t)
	m := screen(t, w, w.Ada.ID, 120, 40)
	v := tuitest.Strip(m.View())
	for _, want := range []string{"← received", "→ sent", "from your mail app · Sandbox access",
		"↩ replied", "⏸ away", "out of office until Mon 30 Nov 2026", "✗ bounced", "5.1.1 User unknown",
		"answered · Hello Ada"} {
		if !strings.Contains(v, want) {
			t.Errorf("the timeline lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(m.View(), "\x1b[2J") {
		t.Error("an escape sequence from the mailbox reached the terminal")
	}
	// The thread: the send, then its answers oldest first, indented.
	var order []string
	for _, r := range m.rows {
		order = append(order, string(r.ev.Kind)+map[bool]string{true: "/child"}[r.child])
	}
	got := strings.Join(order, " ")
	if !strings.Contains(got, "email_sent auto_reply/child replied/child") {
		t.Errorf("rows = %s; want the send followed by its out-of-office and reply, indented", got)
	}
	if !strings.Contains(v, "└ ↩ replied") {
		t.Errorf("the reply is not indented under its send:\n%s", v)
	}
}

func TestTimelineMailSyncGolden(t *testing.T) {
	w := tuitest.NewWorld(t)
	w.AddMailSync(t)
	m := screen(t, w, w.Ada.ID, 80, 24)
	tuitest.Golden(t, m.View())
}

// enter on a received event asks for the received-mail view; on a send,
// for the sent one.
func TestEnterOpensReceivedMail(t *testing.T) {
	w := tuitest.NewWorld(t)
	s := w.AddMailSync(t)
	m := screen(t, w, w.Ada.ID, 120, 40)
	for i, r := range m.rows {
		if r.ev.ReceivedID == s.Reply.ID {
			m.move(i - m.cursor)
		}
	}
	m.press(t, "enter")
	in := m.Intents()
	if len(in) != 1 || in[0] != (common.OpenReceivedMsg{ReceivedID: s.Reply.ID}) {
		t.Fatalf("intents %#v; want the reply %d opened", in, s.Reply.ID)
	}
}

// Life of the Lead at scale (S15): the 300 most recent events, then L
// loads the next 300, never all at once.
func TestTimelineLoadsOlderPages(t *testing.T) {
	w := tuitest.NewWorld(t)
	ctx := context.Background()
	const extra = 700
	start := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range extra {
		e := store.Event{ContactID: w.Ada.ID, At: start.Add(time.Duration(i) * time.Hour), Kind: store.EventEmailReceived,
			Subject: "Mail", Detail: "ada@analytical.test"}
		if err := w.DB.AddEvent(ctx, &e); err != nil {
			t.Fatal(err)
		}
	}
	total := extra + 8 // Ada's own history
	st := &countingStore{Store: w.DB}
	m := New(tuitest.Common(t), st, w.Ada.ID)
	m.SetSize(120, 40)
	tuitest.Pump(t, m.update, m.Init(), nil)
	if len(m.events) != store.TimelineLimit || !m.more {
		t.Fatalf("%d events loaded, more %v; want the %d most recent", len(m.events), m.more, store.TimelineLimit)
	}
	if v := tuitest.Strip(m.View()); !strings.Contains(v, "300 of more events") || !strings.Contains(v, "L loads 300 older") {
		t.Errorf("the header does not say more are older:\n%s", v)
	}
	m.press(t, "L")
	m.press(t, "L")
	if len(m.events) != total || m.more || st.pages != 2 {
		t.Fatalf("%d events after two L, more %v, %d pages; want all %d in two pages", len(m.events), m.more, st.pages, total)
	}
	if m.keys.Older.Enabled() {
		t.Error("L is offered with nothing older")
	}
	seen := map[int64]bool{}
	for i, ev := range m.events {
		if seen[ev.ID] {
			t.Fatalf("event %d twice", ev.ID)
		}
		seen[ev.ID] = true
		if i > 0 && ev.At.After(m.events[i-1].At) {
			t.Fatalf("event %d is newer than the one above it", ev.ID)
		}
	}
}

type countingStore struct {
	Store
	pages int
}

func (c *countingStore) TimelineBefore(ctx context.Context, id int64, at time.Time, before int64, limit int) ([]store.Event, error) {
	c.pages++
	if limit > store.TimelineLimit {
		return nil, context.Canceled
	}
	return c.Store.TimelineBefore(ctx, id, at, before, limit)
}
