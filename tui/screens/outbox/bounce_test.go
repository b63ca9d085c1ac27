package outbox

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// AddressBouncing makes the recording store a BounceChecker, as *store.DB is.
func (r *recordingStore) AddressBouncing(ctx context.Context, email string) (store.Bouncing, bool, error) {
	return r.Store.(BounceChecker).AddressBouncing(ctx, email)
}

// flagBouncing records a permanent bounce of a fresh send to c, and
// returns that send.
func flagBouncing(t *testing.T, w *outboxWorld, c store.Contact) store.Message {
	t.Helper()
	sent := w.AddMessage(t, tuitest.MessageSpec{Contact: c, Subject: "Bounced", Status: store.MessageSent,
		At: tuitest.Now.Add(-48 * time.Hour)})
	_, err := w.DB.RecordSync(t.Context(), w.User.ID, store.SyncBatch{Bounces: []store.SyncBounce{{
		MessageID: sent.ID, Status: "5.1.1", Diagnostic: "User unknown", Recipient: c.Email, Permanent: true,
		At: tuitest.Now.Add(-47 * time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	return sent
}

// A sent message that bounced says so in its row, with the bounce in Last
// error, and its detail says when and why.
func TestBouncedSendShowsInTheOutbox(t *testing.T) {
	w := newOutboxWorld(t)
	sent := flagBouncing(t, w, w.Ada)
	h := open(t, w, 120, 40, Options{Status: gmail, HasWorker: true})
	h.on(t, sent.ID)
	v := tuitest.Strip(h.View())
	var row string
	for line := range strings.Lines(v) {
		if strings.Contains(line, "› ") && strings.Contains(line, "Bounced") {
			row = line
		}
	}
	if !strings.Contains(row, "✗ bounced") || !strings.Contains(row, "5.1.1 User unknown") {
		t.Errorf("the bounced send's row = %q", row)
	}
	if flat := strings.Join(strings.Fields(v), " "); !strings.Contains(flat, "; bounced Tue 24 Nov 2026 11:00: 5.1.1 User unknown") {
		t.Errorf("the detail does not say when and why it bounced:\n%s", v)
	}
}

// Retry (r), edit before send (e) and send held now (S) of a message whose
// recipient bounced for good ask first, as the picker does: n does nothing,
// y goes on. A recipient who never bounced is not asked.
func TestSendingAgainToABouncingAddressAsks(t *testing.T) {
	w := newOutboxWorld(t)
	failed, scheduled, cancelled := w.byStatus[store.MessageFailed], w.byStatus[store.MessageScheduled], w.byStatus[store.MessageCancelled]
	flagBouncing(t, w, w.Bulk[3]) // the failed message's recipient
	flagBouncing(t, w, w.Ada)     // the scheduled one's

	h := open(t, w, 80, 24, Options{Status: gmail, HasWorker: true})
	h.on(t, failed.ID)
	h.press(t, "r")
	v := strings.Join(strings.Fields(tuitest.Strip(h.View())), " ")
	want := w.Bulk[3].Email + " bounced on 24 Nov 2026 (5.1.1 User unknown): send anyway?"
	if !strings.Contains(v, want) || !strings.Contains(v, "y send anyway · n no") {
		t.Fatalf("r did not ask %q:\n%s", want, v)
	}
	tuitest.Golden(t, h.View())
	h.press(t, "n")
	if h.confirm != confirmNone || must(t, w, failed.ID).Status != store.MessageFailed {
		t.Fatalf("after n: confirm %v, status %v", h.confirm, must(t, w, failed.ID).Status)
	}
	if in := h.Intents(); len(in) != 1 || !strings.HasPrefix(in[0].(common.StatusMsg).Text, "Nothing sent to ") {
		t.Errorf("after n: intents %v", in)
	}
	h.press(t, "r", "y")
	if got := must(t, w, failed.ID).Status; got != store.MessageQueued {
		t.Errorf("after y: %v, want queued", got)
	}
	h.Intents() // what the retry said

	h.on(t, scheduled.ID)
	h.press(t, "e")
	if in := h.Intents(); len(in) != 0 || !strings.Contains(strings.Join(strings.Fields(tuitest.Strip(h.View())), " "), "edit it to send anyway?") {
		t.Fatalf("e opened %v without asking:\n%s", in, tuitest.Strip(h.View()))
	}
	h.press(t, "y")
	in := h.Intents()
	if len(in) != 1 {
		t.Fatalf("after y: intents %v", in)
	}
	if p, ok := in[0].(common.OpenPersonalizeMsg); !ok || p.Contact.ID != w.Ada.ID || p.MessageID != scheduled.ID {
		t.Errorf("after y: %+v", in[0])
	}

	// Never bounced: r retries at once.
	h.on(t, cancelled.ID)
	h.press(t, "r")
	if h.confirm != confirmNone || must(t, w, cancelled.ID).Status == store.MessageCancelled {
		t.Errorf("a recipient who never bounced was asked:\n%s", tuitest.Strip(h.View()))
	}
}

func must(t *testing.T, w *outboxWorld, id int64) store.Message {
	t.Helper()
	m, err := w.DB.GetMessage(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
