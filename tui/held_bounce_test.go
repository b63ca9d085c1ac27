package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// A held send to an address that bounced for good says so in the launch
// dialog before s can send it: the user is asked, as Quick Send and the
// Outbox ask.
func TestHeldSendToBouncedAddressAsks(t *testing.T) {
	a := newApp(t, 120, 40)
	m := a.sendToAda(t)
	// The address bounced for good (an older send's bounce, read by Mail
	// Sync) while the send waited in its undo window.
	old := a.w.AddMessage(t, tuitest.MessageSpec{Contact: a.w.Ada, Subject: "Bounced", Status: store.MessageSent,
		At: tuitest.Now.Add(-48 * time.Hour)})
	if _, err := a.w.DB.RecordSync(t.Context(), a.w.User.ID, store.SyncBatch{Bounces: []store.SyncBounce{{
		MessageID: old.ID, Status: "5.1.1", Diagnostic: "User unknown", Recipient: a.w.Ada.Email, Permanent: true,
		At: tuitest.Now.Add(-47 * time.Hour)}}}); err != nil {
		t.Fatal(err)
	}
	next := relaunch(t, a, 120, 40)
	view := next.view()
	for _, want := range []string{"Held: undo window not confirmed", "⚠ " + a.w.Ada.Email + " bounced on",
		"5.1.1 User unknown", "send it now, 1 address that bounced too"} {
		if !strings.Contains(view, want) {
			t.Fatalf("the held dialog lacks %q:\n%s", want, view)
		}
	}
	next.deliver(t)
	if next.msgStatus(t, m.ID) != store.MessageQueued {
		t.Fatal("a held send to a bounced address left before the user chose")
	}
}
