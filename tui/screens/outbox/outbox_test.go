package outbox

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	mailoutbox "github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// outboxWorld is the test world with a message in every state, newest
// first: cancelled, uncertain, failed, sending, scheduled, retrying,
// queued, then the world's sent Intro.
type outboxWorld struct {
	*tuitest.World
	byStatus map[store.MessageStatus]store.Message
	retrying store.Message
}

func newOutboxWorld(t *testing.T) *outboxWorld {
	t.Helper()
	w := &outboxWorld{World: tuitest.NewWorld(t), byStatus: map[store.MessageStatus]store.Message{}}
	b := w.Bulk
	add := func(s tuitest.MessageSpec) store.Message {
		m := w.AddMessage(t, s)
		if _, seen := w.byStatus[s.Status]; !seen {
			w.byStatus[s.Status] = m
		}
		return m
	}
	add(tuitest.MessageSpec{Contact: b[0], Subject: "Following up, Alex", Status: store.MessageQueued,
		SendAt: tuitest.Now.Add(5 * time.Minute)})
	w.retrying = add(tuitest.MessageSpec{Contact: b[1], Subject: "Following up, Blair", Status: store.MessageQueued,
		SendAt: tuitest.Now.Add(-10 * time.Minute), RetryAt: tuitest.Now.Add(2 * time.Minute), Attempts: 2, LastError: "dial tcp 127.0.0.1:587: connect: connection refused"})
	add(tuitest.MessageSpec{Contact: w.Ada, Subject: "What we see in computing", Status: store.MessageScheduled,
		SendAt: time.Date(2026, 11, 27, 14, 30, 0, 0, time.UTC)})
	add(tuitest.MessageSpec{Contact: b[2], Subject: "Hello Casey", Status: store.MessageSending, Attempts: 1})
	add(tuitest.MessageSpec{Contact: b[3], Subject: "Hello Alex", Status: store.MessageFailed, Attempts: 1,
		At: tuitest.Now.Add(-time.Hour), LastError: "550 5.1.1 <alex.baker@example.test>: Recipient address rejected: User unknown in virtual mailbox table"})
	add(tuitest.MessageSpec{Contact: b[4], Subject: "Hello Blair", Status: store.MessageUncertain, Attempts: 1,
		At: tuitest.Now.Add(-3 * time.Hour), LastError: "connection reset by peer after the message was handed over"})
	add(tuitest.MessageSpec{Contact: b[5], Subject: "Industry note", Status: store.MessageCancelled,
		At: tuitest.Now.Add(-26 * time.Hour)})
	w.byStatus[store.MessageSent] = w.Sent
	return w
}

// gmail is a status with a quota near nothing: 12 of 500 today.
var gmail = mailoutbox.Status{Queued: 2, Scheduled: 1, Failed: 1, Uncertain: 1,
	Quota: mailoutbox.QuotaStatus{Preset: "gmail", Used: 12, Limit: 500, PerMinuteLimit: 30}}

// recordingStore is the real store, remembering the filters asked for.
type recordingStore struct {
	Store
	mu      sync.Mutex
	filters []store.MessageFilter
}

func (r *recordingStore) ListMessages(ctx context.Context, f store.MessageFilter) ([]store.Message, error) {
	r.mu.Lock()
	r.filters = append(r.filters, f)
	r.mu.Unlock()
	return r.Store.ListMessages(ctx, f)
}

type harness struct {
	*Model
	w  *outboxWorld
	st *recordingStore
}

func open(t *testing.T, w *outboxWorld, width, height int, opts Options) *harness {
	t.Helper()
	st := &recordingStore{Store: w.DB}
	h := &harness{Model: New(tuitest.Common(t), st, w.Mailer(t, &tuitest.Transport{}), opts), w: w, st: st}
	h.SetSize(width, height)
	tuitest.Pump(t, h.update, h.Init(), nil)
	if h.state != stateReady {
		t.Fatalf("state %v: %s", h.state, h.errText)
	}
	return h
}

func (h *harness) update(msg tea.Msg) tea.Cmd {
	_, cmd := h.Update(msg)
	return cmd
}

func (h *harness) press(t *testing.T, keys ...string) {
	t.Helper()
	for _, k := range keys {
		tuitest.Pump(t, h.update, h.update(tuitest.Key(k)), nil)
	}
}

// on moves the cursor to the row with this id.
func (h *harness) on(t *testing.T, id int64) {
	t.Helper()
	i := slices.IndexFunc(h.rows, func(r store.Message) bool { return r.ID == id })
	if i < 0 {
		t.Fatalf("message %d is not listed", id)
	}
	h.move(i - h.cursor)
	h.updateKeys()
}

func (h *harness) statuses() []store.MessageStatus {
	out := make([]store.MessageStatus, len(h.rows))
	for i, r := range h.rows {
		out[i] = r.Status
	}
	return out
}

func TestOutboxGolden(t *testing.T) {
	w := newOutboxWorld(t)
	for _, size := range []struct{ w, h int }{{120, 40}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			h := open(t, w, size.w, size.h, Options{Status: gmail, HasWorker: true})
			h.on(t, w.byStatus[store.MessageFailed].ID)
			tuitest.Golden(t, h.View())
		})
	}
}

func TestEveryStateNewestFirst(t *testing.T) {
	w := newOutboxWorld(t)
	h := open(t, w, 120, 40, Options{Status: gmail})
	want := []store.MessageStatus{store.MessageCancelled, store.MessageUncertain, store.MessageFailed, store.MessageSending,
		store.MessageScheduled, store.MessageQueued, store.MessageQueued, store.MessageSent}
	if got := h.statuses(); !slices.Equal(got, want) {
		t.Fatalf("rows = %v\nwant   %v", got, want)
	}
	view := tuitest.Strip(h.View())
	for _, s := range []string{"◔ queued", "◷ scheduled", "… sending", "✉ sent", "✗ failed", "? uncertain", "⊘ cancelled",
		"in 5 min · 10:05", "in 2 min · 10:02", "27 Nov 14:30", "23 Nov 14:15", "09:00"} {
		if !strings.Contains(view, s) {
			t.Errorf("view lacks %q", s)
		}
	}
	if f := h.st.filters[0]; f.Limit != Limit || f.Statuses != nil {
		t.Errorf("first load asked for %+v, want the %d newest of every state", f, Limit)
	}
}

func TestFiltersCycle(t *testing.T) {
	w := newOutboxWorld(t)
	h := open(t, w, 120, 40, Options{Status: gmail})
	tests := []struct {
		tab  string
		want []store.MessageStatus
	}{
		{"Waiting 4", []store.MessageStatus{store.MessageSending, store.MessageScheduled, store.MessageQueued, store.MessageQueued}},
		{"Problems 2", []store.MessageStatus{store.MessageUncertain, store.MessageFailed}},
		{"Sent 1", []store.MessageStatus{store.MessageSent}},
		{"Cancelled 1", []store.MessageStatus{store.MessageCancelled}},
	}
	if tabs := tuitest.Strip(h.tabsLine()); tabs != "All 8  Waiting 4  Problems 2  Sent 1  Cancelled 1" {
		t.Errorf("tabs = %q", tabs)
	}
	for _, tt := range tests {
		h.press(t, "tab")
		if got := h.statuses(); !slices.Equal(got, tt.want) {
			t.Errorf("%s: rows %v, want %v", tt.tab, got, tt.want)
		}
		if !strings.Contains(tuitest.Strip(h.tabsLine()), tt.tab) {
			t.Errorf("tabs = %q, want %q", tuitest.Strip(h.tabsLine()), tt.tab)
		}
	}
	h.press(t, "tab")
	if len(h.rows) != 8 {
		t.Errorf("back to All: %d rows", len(h.rows))
	}
	last := h.st.filters[len(h.st.filters)-2]
	if !slices.Equal(last.Statuses, []store.MessageStatus{store.MessageCancelled}) || last.Limit != Limit {
		t.Errorf("the Cancelled tab asked for %+v", last)
	}
}

func TestKeysFollowTheRowState(t *testing.T) {
	tests := []struct {
		status                        store.MessageStatus
		retry, cancel, markSent, edit bool
	}{
		{store.MessageQueued, false, true, false, true},
		{store.MessageScheduled, false, true, false, true},
		{store.MessageSending, false, false, false, false},
		{store.MessageSent, false, false, false, false},
		{store.MessageFailed, true, false, false, false},
		{store.MessageUncertain, true, false, true, false},
		{store.MessageCancelled, true, false, false, true},
	}
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			w := newOutboxWorld(t)
			h := open(t, w, 120, 40, Options{Status: gmail, HasWorker: true})
			h.on(t, w.byStatus[tt.status].ID)
			k := h.keys
			if k.Retry.Enabled() != tt.retry || k.Cancel.Enabled() != tt.cancel || k.MarkSent.Enabled() != tt.markSent {
				t.Errorf("r %v x %v s %v; want %v %v %v", k.Retry.Enabled(), k.Cancel.Enabled(), k.MarkSent.Enabled(),
					tt.retry, tt.cancel, tt.markSent)
			}
			if !k.Open.Enabled() || !k.RetryAll.Enabled() {
				t.Error("enter or R disabled")
			}
			// e opens the message's draft exactly when it has not left.
			h.press(t, "e")
			intents := h.Intents()
			want := w.byStatus[tt.status]
			got, opened := common.OpenPersonalizeMsg{}, false
			if len(intents) == 1 {
				got, opened = intents[0].(common.OpenPersonalizeMsg)
			}
			opened = opened && got.MessageID == want.ID && got.Contact.ID == want.ContactID
			if k.Edit.Enabled() != tt.edit || opened != tt.edit {
				t.Errorf("e enabled %v, opened %v (%v); want %v", k.Edit.Enabled(), opened, intents, tt.edit)
			}
			// r and x act exactly when enabled (they never both are).
			h.press(t, "r", "x")
			if acted := len(h.Intents()) > 0; acted != (tt.retry || tt.cancel) {
				t.Errorf("r/x acted: %v", acted)
			}
		})
	}
}

func TestRetryCancelAndMarkSent(t *testing.T) {
	w := newOutboxWorld(t)
	h := open(t, w, 120, 40, Options{Status: gmail, HasWorker: true})
	check := func(t *testing.T, id int64, status store.MessageStatus, text string) {
		t.Helper()
		got, err := w.DB.GetMessage(t.Context(), id)
		if err != nil || got.Status != status {
			t.Fatalf("message %d: %s %v, want %s", id, got.Status, err, status)
		}
		in := h.Intents()
		if len(in) != 2 || in[0] != (common.StatusMsg{Text: text, Level: common.LevelSuccess}) {
			t.Fatalf("intents = %#v", in)
		}
		if c, ok := in[1].(common.OutboxChangedMsg); !ok || c.MessageID != id || c.Status != status {
			t.Errorf("change = %#v", in[1])
		}
		tuitest.Pump(t, h.update, h.update(in[1]), nil) // as the root broadcasts it
	}
	t.Run("retry a failed one", func(t *testing.T) {
		id := w.byStatus[store.MessageFailed].ID
		h.on(t, id)
		h.press(t, "r")
		check(t, id, store.MessageQueued, "Queued again: Hello Alex to alex.baker@example.test")
		if r, _ := h.Selected(); r.ID != id || r.Status != store.MessageQueued {
			t.Errorf("after the reload the highlight is on %d (%s)", r.ID, r.Status)
		}
	})
	t.Run("cancel a queued one", func(t *testing.T) {
		id := w.byStatus[store.MessageQueued].ID
		h.on(t, id)
		h.press(t, "x")
		check(t, id, store.MessageCancelled, "Cancelled: not sent to alex.abbott@example.test")
	})
	t.Run("mark an uncertain one sent, after asking", func(t *testing.T) {
		id := w.byStatus[store.MessageUncertain].ID
		h.on(t, id)
		h.press(t, "s")
		view := tuitest.Strip(h.View())
		if !strings.Contains(view, "Mark “Hello Blair” to blair.baker@example.test as sent?") || !h.keys.Yes.Enabled() {
			t.Fatalf("no question:\n%s", view)
		}
		if h.keys.Retry.Enabled() || h.keys.Back.Enabled() || h.keys.Down.Enabled() {
			t.Error("other keys enabled while asking")
		}
		h.press(t, "n")
		if got, _ := w.DB.GetMessage(t.Context(), id); got.Status != store.MessageUncertain || h.confirm != confirmNone {
			t.Fatalf("n: %s, confirm %v", got.Status, h.confirm)
		}
		h.press(t, "s", "y")
		check(t, id, store.MessageSent, "Marked as sent: Hello Blair to blair.baker@example.test")
	})
}

func TestActionOnAMessageThatMovedOn(t *testing.T) {
	w := newOutboxWorld(t)
	h := open(t, w, 120, 40, Options{Status: gmail})
	sched := w.byStatus[store.MessageScheduled]
	h.on(t, sched.ID)
	// Meanwhile the CLI cancelled it.
	if _, err := w.Mailer(t, &tuitest.Transport{}).Cancel(t.Context(), sched.ID); err != nil {
		t.Fatal(err)
	}
	h.press(t, "x")
	in := h.Intents()
	if len(in) != 1 {
		t.Fatalf("intents = %#v", in)
	}
	if e, ok := in[0].(common.ErrorMsg); !ok || !e.Blocking || e.Title != "Not cancelled" || !strings.Contains(e.Err.Error(), "cancelled") {
		t.Errorf("intent = %#v", in[0])
	}
	if r, _ := h.Selected(); r.Status != store.MessageCancelled {
		t.Errorf("not reloaded: %s", r.Status)
	}
}

func TestRetryAllEnterAndBack(t *testing.T) {
	w := newOutboxWorld(t)
	h := open(t, w, 120, 40, Options{Status: gmail, HasWorker: true})
	h.press(t, "R", "enter", "esc")
	in := h.Intents()
	first := h.rows[0].ID
	if len(in) != 3 || in[0] != (common.RunOutboxMsg{}) || in[1] != (common.OpenMessageMsg{MessageID: first}) || in[2] != (common.BackMsg{}) {
		t.Errorf("intents = %#v", in)
	}
	noWorker := open(t, w, 120, 40, Options{Status: gmail})
	if noWorker.keys.RetryAll.Enabled() {
		t.Error("R enabled without a worker")
	}
}

func TestTrust20RetryAllWithNothingDueSaysSo(t *testing.T) {
	empty := open(t, &outboxWorld{World: tuitest.NewWorld(t)}, 120, 40, Options{HasWorker: true})
	empty.press(t, "R")
	in := empty.Intents()
	if len(in) != 1 {
		t.Fatalf("R with nothing due posted %#v, want one status", in)
	}
	if s, ok := in[0].(common.StatusMsg); !ok || !strings.Contains(s.Text, "Nothing to send") {
		t.Errorf("R with nothing due posted %#v", in[0])
	}
	scheduled := open(t, &outboxWorld{World: tuitest.NewWorld(t)}, 120, 40,
		Options{HasWorker: true, Status: mailoutbox.Status{Scheduled: 2}})
	scheduled.press(t, "R")
	if in := scheduled.Intents(); len(in) != 1 || !strings.Contains(fmt.Sprint(in[0]), "2 scheduled messages") {
		t.Errorf("R with only scheduled mail posted %#v", in)
	}
}

func TestReloadsOnChangesKeepingTheHighlight(t *testing.T) {
	w := newOutboxWorld(t)
	h := open(t, w, 120, 40, Options{Status: gmail})
	held := w.byStatus[store.MessageFailed].ID
	h.on(t, held)
	added := w.AddMessage(t, tuitest.MessageSpec{Contact: w.Ada, Subject: "Newest", Status: store.MessageQueued})
	tuitest.Pump(t, h.update, h.update(common.OutboxChangedMsg{ContactID: w.Ada.ID, MessageID: added.ID}), nil)
	if h.rows[0].ID != added.ID {
		t.Errorf("the new message is not on top: %v", h.rows[0].Subject)
	}
	if r, _ := h.Selected(); r.ID != held {
		t.Errorf("highlight moved to %q", r.Subject)
	}
}

func TestEmptyOutbox(t *testing.T) {
	w := &outboxWorld{World: tuitest.NewWorld(t)}
	h := open(t, w, 80, 24, Options{})
	for range 4 {
		h.press(t, "tab") // to Cancelled: the world has none
	}
	if !strings.Contains(tuitest.Strip(h.View()), "Nothing cancelled.") {
		t.Errorf("no empty state:\n%s", tuitest.Strip(h.View()))
	}
	if h.keys.Open.Enabled() || h.keys.Retry.Enabled() || h.keys.Down.Enabled() {
		t.Error("keys enabled with no rows")
	}
}
