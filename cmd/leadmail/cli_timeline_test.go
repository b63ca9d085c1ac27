package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/leadmail/leadmail/store"
)

// timelineEnv is a database with one lead who has 700 events and Mail
// Sync's kinds: a reply to a send (which is then answered), an
// out-of-office, mail sent from the rep's mail app, and a bounce.
func timelineEnv(t *testing.T) (cliEnv, string, int) {
	t.Helper()
	e := emptyEnv(t)
	ctx := context.Background()
	db, err := store.Open(ctx, e.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB(t, db)
	u, err := db.UpsertUser(ctx, demoSender)
	if err != nil {
		t.Fatal(err)
	}
	c := store.Contact{Kind: store.KindLead, Status: store.StatusOpen, FirstName: "Jürgen", LastName: "Müller",
		Email: "jurgen@example.test"}
	if err := db.CreateContact(ctx, &c); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)
	const many = 700
	for i := range many {
		ev := store.Event{ContactID: c.ID, At: start.Add(time.Duration(i) * time.Hour), Kind: store.EventNote, Subject: "note"}
		if err := db.AddEvent(ctx, &ev); err != nil {
			t.Fatal(err)
		}
	}
	m := store.Message{ContactID: c.ID, UserID: u.ID, MessageID: "<send-1@acme.test>", Subject: "Hello Jürgen",
		From: u.Email, Recipients: []string{c.Email}, Raw: []byte("Subject: Hello\r\n\r\nHi\r\n")}
	if err := db.EnqueueMessage(ctx, &m); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ClaimMessage(ctx, m.ID, time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkSent(ctx, m.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(time.Hour)
	in := func(mid, subject string, kind string, replyTo int64) store.Received {
		return store.Received{MessageID: mid, Direction: store.ReceivedIn, Kind: kind, From: "Jürgen Müller <jurgen@example.test>",
			FromAddr: c.Email, To: []string{u.Email}, Subject: subject, Date: at, ReplyTo: replyTo, Text: "text",
			UserID: u.ID, ContactIDs: []int64{c.ID}, Folder: "INBOX", UIDValidity: 1}
	}
	out := in("phone-1@acme.test", "From my phone", store.ReceivedOrdinary, 0)
	out.Direction, out.From, out.FromAddr, out.To = store.ReceivedOut, u.Email, u.Email, []string{c.Email}
	batch := store.SyncBatch{Folder: store.SyncFolder{Name: "INBOX", UIDValidity: 1, LastUID: 4, UIDNext: 5, Messages: 4},
		Received: []store.Received{
			in("reply-1@example.test", "Re: Hello Jürgen", store.ReceivedOrdinary, m.ID),
			in("ooo-1@example.test", "Abwesenheit", store.ReceivedAutoReply, m.ID),
			in("own-1@example.test", "A question", store.ReceivedOrdinary, 0),
			out,
		},
		Bounces: []store.SyncBounce{{MessageID: m.ID, Status: "5.1.1", Diagnostic: "User unknown", Permanent: true, At: at}},
	}
	if _, err := db.RecordSync(ctx, u.ID, batch); err != nil {
		t.Fatal(err)
	}
	evs, err := db.Timeline(ctx, c.ID, 10000)
	if err != nil {
		t.Fatal(err)
	}
	return e, c.Email, len(evs)
}

// --all pages through every event with TimelineBefore; --json has the
// new kinds, received_id and answered.
func TestTimelineAllJSON(t *testing.T) {
	e, email, total := timelineEnv(t)
	if total <= 2*store.TimelineLimit {
		t.Fatalf("only %d events: the test wants more than two pages", total)
	}
	out, err := e.run(t, "timeline", email, "--all", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var evs []eventJSON
	if err := json.Unmarshal([]byte(out), &evs); err != nil {
		t.Fatalf("not one JSON array: %v\n%s", err, out[:min(len(out), 400)])
	}
	if len(evs) != total {
		t.Fatalf("%d events, want all %d", len(evs), total)
	}
	kinds := map[store.EventKind]bool{}
	answered := false
	for i, ev := range evs {
		kinds[ev.Kind] = true
		if i > 0 && ev.Time.After(evs[i-1].Time) {
			t.Fatalf("event %d is newer than the one before it", i)
		}
		if ev.Kind != store.EventNote && ev.Kind != store.EventEmailSent && ev.Kind != store.EventEmailQueued &&
			ev.Kind != store.EventCreated && ev.ReceivedID == 0 && ev.Kind != store.EventBounced {
			t.Errorf("a %s event without received_id", ev.Kind)
		}
		answered = answered || (ev.Kind == store.EventEmailSent && ev.Answered)
	}
	for _, k := range []store.EventKind{store.EventEmailReceived, store.EventEmailSentElsewhere, store.EventReplied,
		store.EventAutoReply, store.EventBounced} {
		if !kinds[k] {
			t.Errorf("no %s event in %v", k, kinds)
		}
	}
	if !answered || !strings.Contains(out, `"received_id"`) {
		t.Error("no answered send or no received_id in the JSON")
	}

	// Without --all: the 300 most recent, as before.
	out, err = e.run(t, "timeline", email, "--json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(out), &evs); err != nil || len(evs) != store.TimelineLimit {
		t.Fatalf("%d events, err %v; want the %d most recent", len(evs), err, store.TimelineLimit)
	}
}

func TestTimelineAllTable(t *testing.T) {
	e, email, total := timelineEnv(t)
	out, err := e.run(t, "timeline", email, "--all")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	// The contact line, a blank line, one head, then one line per event.
	if got := len(lines) - 3; got != total || strings.Count(out, "TIME") != 1 {
		t.Fatalf("%d event lines and %d heads, want %d and 1", got, strings.Count(out, "TIME"), total)
	}
	if !strings.Contains(out, "email_sent (answered)") || !strings.Contains(out, "auto_reply") {
		t.Errorf("the table lacks the answered send or the out-of-office:\n%s", strings.Join(lines[:min(len(lines), 20)], "\n"))
	}
	if _, err := e.run(t, "timeline", email, "--all", "--limit", "5"); err == nil ||
		!strings.Contains(err.Error(), "leave out --limit") {
		t.Errorf("--all with --limit: %v", err)
	}
}
