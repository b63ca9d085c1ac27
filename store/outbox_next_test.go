package store

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestMarkSentClaimNext walks a queue through MarkSentClaimNext: each call
// records one send with its event and claims the next due message, oldest
// send_at first across queued and scheduled, honouring send_at, retry_at and
// IgnoreBackoff as ClaimDue does; a refused call writes and claims nothing.
func TestMarkSentClaimNext(t *testing.T) {
	db, clock, u, c, _ := fixture(t)
	ctx := t.Context()
	now := clock.Now()
	lease := func() time.Time { return clock.Now().Add(time.Minute) }
	enqueue := func(st MessageStatus, sendAt time.Time) Message {
		t.Helper()
		n := msgSeq.Add(1)
		m := Message{ContactID: c.ID, UserID: u.ID, MessageID: fmt.Sprintf("<%d@next>", n),
			Subject: fmt.Sprint("Next ", n), Recipients: []string{"a@x"},
			Raw: fmt.Appendf(nil, "Subject: %d\r\n\r\nx\r\n", n), Status: st, SendAt: sendAt}
		if err := db.EnqueueMessage(ctx, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	status := func(id int64) MessageStatus {
		t.Helper()
		m, err := db.GetMessage(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return m.Status
	}

	sending := inState(t, db, clock, u, c, MessageSending)
	// The oldest of all, but backed off for an hour.
	backedOff := enqueue(MessageQueued, now.Add(-4*time.Minute))
	if _, err := db.ClaimMessage(ctx, backedOff.ID, lease()); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkFailed(ctx, backedOff.ID, "421 later", false, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	s1 := enqueue(MessageScheduled, now.Add(-3*time.Minute))
	q1 := enqueue(MessageQueued, now.Add(-2*time.Minute))
	s2 := enqueue(MessageScheduled, now.Add(-time.Minute))
	future := enqueue(MessageScheduled, now.Add(time.Hour))

	t.Run("refused", func(t *testing.T) {
		before := counts(t, db)
		_, ok, err := db.MarkSentClaimNext(ctx, q1.ID, now, lease(), ClaimOptions{})
		wantErr(t, err, ErrConflict)
		_, ok2, err := db.MarkSentClaimNext(ctx, 999_999, now, lease(), ClaimOptions{})
		wantErr(t, err, ErrNotFound)
		_, ok3, err := db.MarkSentClaimNext(ctx, sending.ID, now, time.Time{}, ClaimOptions{})
		wantErr(t, err, ErrInvalid)
		if ok || ok2 || ok3 {
			t.Error("a refused call reported a claim")
		}
		for id, want := range map[int64]MessageStatus{sending.ID: MessageSending, s1.ID: MessageScheduled,
			q1.ID: MessageQueued, backedOff.ID: MessageQueued} {
			if got := status(id); got != want {
				t.Errorf("message %d is %s after a refused call, want %s", id, got, want)
			}
		}
		if after := counts(t, db); after["events"] != before["events"] {
			t.Errorf("a refused call wrote %d events", after["events"]-before["events"])
		}
	})

	// step marks sent sent at at and wants want claimed next (0: none due).
	step := func(sent Message, opts ClaimOptions, want Message) Message {
		t.Helper()
		at := clock.Advance(time.Second)
		events := rowCount(t, db, "events")
		next, ok, err := db.MarkSentClaimNext(ctx, sent.ID, at, lease(), opts)
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.GetMessage(ctx, sent.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != MessageSent || !got.SentAt.Equal(at) || !got.LeaseUntil.IsZero() ||
			!got.RetryAt.IsZero() || got.LastError != "" {
			t.Errorf("after MarkSentClaimNext: %+v", got)
		}
		evs, err := db.Timeline(ctx, c.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if rowCount(t, db, "events") != events+1 || len(evs) != 1 || evs[0].Kind != EventEmailSent ||
			evs[0].MessageID != sent.ID || evs[0].Subject != sent.Subject || !evs[0].At.Equal(at) {
			t.Errorf("sent event = %+v, want one %s at %v", evs, EventEmailSent, at)
		}
		if cc, err := db.GetContact(ctx, c.ID); err != nil || !cc.LastActivityAt.Equal(at) {
			t.Errorf("last activity = %v, %v; want %v", cc.LastActivityAt, err, at)
		}
		if want.ID == 0 {
			if ok {
				t.Errorf("claimed %d (%s), want nothing due", next.ID, next.Subject)
			}
			return Message{}
		}
		if !ok || next.ID != want.ID {
			t.Fatalf("claimed %d (%s), %v; want %d (%s)", next.ID, next.Subject, ok, want.ID, want.Subject)
		}
		stored, err := db.GetMessage(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if next.Status != MessageSending || stored.Status != MessageSending || !next.LeaseUntil.Equal(lease()) ||
			!next.RetryAt.IsZero() || next.Attempts != want.Attempts+1 || !bytes.Equal(next.Raw, want.Raw) {
			t.Errorf("claimed %+v (stored %s), from %+v", next, stored.Status, want)
		}
		return next
	}

	next := step(sending, ClaimOptions{}, s1) // scheduled and due
	next = step(next, ClaimOptions{}, q1)     // queued, a minute younger
	next = step(next, ClaimOptions{}, s2)
	step(next, ClaimOptions{}, Message{}) // backedOff waits for retry_at, future for send_at
	// The user confirms an uncertain one and asks to send now.
	confirmed := inState(t, db, clock, u, c, MessageUncertain)
	backedOff.Attempts = 1
	next = step(confirmed, ClaimOptions{IgnoreBackoff: true}, backedOff)
	clock.Advance(time.Hour) // future is due
	next = step(next, ClaimOptions{}, future)
	step(next, ClaimOptions{}, Message{})
	if mc, err := db.MessageCounts(ctx); err != nil || mc[MessageSending] != 0 {
		t.Errorf("messages left in sending: %v, %v", mc, err)
	}
}

// TestClaimReadsIndexInOrder guards the claim's plan: it reads messages_due
// in order and stops, never sorting every due message on each claim.
func TestClaimReadsIndexInOrder(t *testing.T) {
	db, _ := openTest(t, nil)
	rows, err := db.sql.QueryContext(t.Context(), `EXPLAIN QUERY PLAN `+claimDueSQL, nil, "", 1, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(plan, "\n")
	if strings.Contains(all, "TEMP B-TREE") || strings.Count(all, "USING INDEX messages_due") != 2 {
		t.Errorf("claim plan:\n%s\nwant two ordered reads of messages_due and no sort", all)
	}
}
