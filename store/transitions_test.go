package store

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"
)

// inState drives a new message of user u to contact c into status st through
// the real transitions, and returns it as stored (raw bytes included).
func inState(t *testing.T, db *DB, clock *testClock, u User, c Contact, st MessageStatus) Message {
	t.Helper()
	ctx := t.Context()
	var m Message
	if st == MessageScheduled {
		n := msgSeq.Add(1)
		m = Message{ContactID: c.ID, UserID: u.ID, MessageID: fmt.Sprintf("<%d@sched>", n),
			Subject: fmt.Sprint("Scheduled ", n), Recipients: []string{"a@x"}, Raw: []byte("x"),
			Status: MessageScheduled} // due now: the schedule has come
		if err := db.EnqueueMessage(ctx, &m); err != nil {
			t.Fatal(err)
		}
	} else {
		m = queue(t, db, u.ID, c.ID, 0)
	}
	claim := func() {
		t.Helper()
		if _, err := db.ClaimMessage(ctx, m.ID, clock.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	switch st {
	case MessageQueued, MessageScheduled:
	case MessageSending:
		claim()
	case MessageSent:
		claim()
		err = db.MarkSent(ctx, m.ID, time.Time{})
	case MessageFailed:
		claim()
		err = db.MarkFailed(ctx, m.ID, "550 no", true, time.Time{})
	case MessageUncertain:
		claim()
		err = db.MarkUncertain(ctx, m.ID, "connection reset after DATA")
	case MessageCancelled:
		_, err = db.CancelMessage(ctx, m.ID)
	default:
		t.Fatalf("inState(%s)", st)
	}
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.GetMessage(ctx, m.ID)
	if err != nil || got.Status != st {
		t.Fatalf("inState(%s) = %+v, %v", st, got, err)
	}
	return got
}

var allStatuses = []MessageStatus{MessageQueued, MessageScheduled, MessageSending, MessageSent,
	MessageFailed, MessageUncertain, MessageCancelled}

// TestTransitions tries every transition from every state: the allowed ones
// land in their state with their event, the others are ErrConflict and leave
// the row and the timeline exactly as they were.
func TestTransitions(t *testing.T) {
	db, clock, u, c, _ := fixture(t)
	ctx := t.Context()
	lease := func() time.Time { return clock.Now().Add(time.Minute) }
	for _, tc := range []struct {
		name  string
		from  []MessageStatus
		to    MessageStatus
		event EventKind // "" for none
		do    func(id int64) error
	}{
		{"ClaimMessage", []MessageStatus{MessageQueued, MessageScheduled}, MessageSending, "",
			func(id int64) error { _, err := db.ClaimMessage(ctx, id, lease()); return err }},
		{"MarkSent", []MessageStatus{MessageSending, MessageUncertain}, MessageSent, EventEmailSent,
			func(id int64) error { return db.MarkSent(ctx, id, time.Time{}) }},
		{"MarkSentClaimNext", []MessageStatus{MessageSending, MessageUncertain}, MessageSent, EventEmailSent,
			func(id int64) error {
				_, _, err := db.MarkSentClaimNext(ctx, id, time.Time{}, lease(), ClaimOptions{})
				return err
			}},
		{"MarkFailed temporary", []MessageStatus{MessageSending}, MessageQueued, "",
			func(id int64) error { return db.MarkFailed(ctx, id, "421", false, lease()) }},
		{"MarkFailed permanent", []MessageStatus{MessageSending}, MessageFailed, EventEmailFailed,
			func(id int64) error { return db.MarkFailed(ctx, id, "550", true, time.Time{}) }},
		{"MarkUncertain", []MessageStatus{MessageSending}, MessageUncertain, EventEmailUncertain,
			func(id int64) error { return db.MarkUncertain(ctx, id, "EOF after DATA") }},
		{"CancelMessage", []MessageStatus{MessageQueued, MessageScheduled}, MessageCancelled, EventEmailCancelled,
			func(id int64) error { _, err := db.CancelMessage(ctx, id); return err }},
		{"RequeueMessage", []MessageStatus{MessageFailed, MessageUncertain, MessageCancelled}, MessageQueued, EventEmailQueued,
			func(id int64) error { _, err := db.RequeueMessage(ctx, id, time.Time{}); return err }},
	} {
		for _, from := range allStatuses {
			t.Run(tc.name+" from "+string(from), func(t *testing.T) {
				m := inState(t, db, clock, u, c, from)
				events := rowCount(t, db, "events")
				err := tc.do(m.ID)
				got, gerr := db.GetMessage(ctx, m.ID)
				if gerr != nil {
					t.Fatal(gerr)
				}
				if !slices.Contains(tc.from, from) {
					wantErr(t, err, ErrConflict)
					if !reflect.DeepEqual(got, m) || rowCount(t, db, "events") != events {
						t.Errorf("refused transition changed things:\n got %+v\nwant %+v", got, m)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if got.Status != tc.to || !bytes.Equal(got.Raw, m.Raw) || got.MessageID != m.MessageID {
					t.Errorf("after %s: %+v", tc.name, got)
				}
				if tc.event == "" {
					if n := rowCount(t, db, "events"); n != events {
						t.Errorf("%d events written, want none", n-events)
					}
					return
				}
				evs, err := db.Timeline(ctx, c.ID, 1)
				if err != nil {
					t.Fatal(err)
				}
				if rowCount(t, db, "events") != events+1 || len(evs) != 1 || evs[0].Kind != tc.event ||
					evs[0].MessageID != m.ID || evs[0].Subject != m.Subject {
					t.Errorf("event = %+v, want one %s", evs, tc.event)
				}
			})
		}
		t.Run(tc.name+" unknown id", func(t *testing.T) {
			wantErr(t, tc.do(999_999), ErrNotFound)
		})
	}
}
