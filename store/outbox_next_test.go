package store

import (
	"bytes"
	"context"
	"errors"
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
	rows, err := db.sql.QueryContext(t.Context(), `EXPLAIN QUERY PLAN `+claimDueSQL, nil, "", 1, false, nil, 0)
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

// TestRecordSentClaimNext records a group of sends with one claim: each
// send becomes sent at its own time with its event, the next due message
// is claimed by the runner, a send that can no longer be recorded is
// skipped without holding back the others, a zero lease claims nothing,
// and a transaction that fails writes nothing.
func TestRecordSentClaimNext(t *testing.T) {
	db, clock, u, c, _ := fixture(t)
	ctx := t.Context()
	r := db.Runner("runner-a", nil)
	lease := func() time.Time { return clock.Now().Add(time.Minute) }
	var group []Message
	for range 3 {
		group = append(group, inState(t, db, clock, u, c, MessageSending))
	}
	settled := inState(t, db, clock, u, c, MessageSent) // recovered and confirmed by someone else
	due := inState(t, db, clock, u, c, MessageQueued)
	stamp := func(i int) time.Time { return clock.Now().Add(time.Duration(i-10) * time.Second) }
	var sent []Delivered
	for i, m := range group {
		sent = append(sent, Delivered{ID: m.ID, At: stamp(i)})
	}
	sent = append(sent[:1], append([]Delivered{{ID: settled.ID, At: stamp(9)}, {ID: 999_999}}, sent[1:]...)...)
	sent = append(sent, Delivered{ID: group[0].ID, At: stamp(7)}) // named twice: recorded once

	t.Run("a failed transaction writes nothing", func(t *testing.T) {
		before := counts(t, db)
		stopped, cancel := context.WithCancel(ctx)
		cancel()
		_, ok, _, err := r.RecordSentClaimNext(stopped, sent, lease(), ClaimOptions{})
		if err == nil || ok {
			t.Fatalf("with a cancelled context: ok %v, err %v; want an error", ok, err)
		}
		for _, m := range append(group, due) {
			if got, err := db.GetMessage(ctx, m.ID); err != nil || got.Status != m.Status {
				t.Errorf("message %d is %s (%v), want %s", m.ID, got.Status, err, m.Status)
			}
		}
		if after := counts(t, db); after["events"] != before["events"] {
			t.Errorf("a failed call wrote %d events", after["events"]-before["events"])
		}
	})

	events := rowCount(t, db, "events")
	next, ok, refused, err := r.RecordSentClaimNext(ctx, sent, lease(), ClaimOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(refused) != len(sent) || refused[0] != nil || refused[3] != nil || refused[4] != nil ||
		!errors.Is(refused[1], ErrConflict) || !errors.Is(refused[2], ErrNotFound) || !errors.Is(refused[5], ErrConflict) {
		t.Fatalf("refused = %v, want the settled one and the second naming in conflict, the unknown one not found", refused)
	}
	for i, m := range group {
		got, err := db.GetMessage(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != MessageSent || !got.SentAt.Equal(stamp(i)) || !got.LeaseUntil.IsZero() {
			t.Errorf("message %d after the group: %s at %v, lease %v; want sent at %v", m.ID, got.Status, got.SentAt, got.LeaseUntil, stamp(i))
		}
	}
	if got := rowCount(t, db, "events"); got != events+len(group) {
		t.Errorf("the group wrote %d events, want %d", got-events, len(group))
	}
	for i, m := range group {
		var n int
		if err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM events WHERE message_id = ? AND kind = ?`,
			m.ID, EventEmailSent).Scan(&n); err != nil || n != 1 {
			t.Errorf("message %d has %d sent events (%v), want 1", m.ID, n, err)
		}
		if err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM events WHERE message_id = ? AND kind = ? AND at = ?`,
			m.ID, EventEmailSent, dbTime(stamp(i))).Scan(&n); err != nil || n != 1 {
			t.Errorf("message %d has no sent event at its time (%v)", m.ID, err)
		}
	}
	if !ok || next.ID != due.ID || next.Status != MessageSending {
		t.Fatalf("claimed %d (%s), %v; want %d", next.ID, next.Status, ok, due.ID)
	}
	var by string
	if err := db.sql.QueryRowContext(ctx, `SELECT claimed_by FROM messages WHERE id = ?`, due.ID).Scan(&by); err != nil || by != "runner-a" {
		t.Errorf("claimed by %q, %v; want runner-a", by, err)
	}

	// Recording alone: the claimed one, and nothing claimed with it.
	another := inState(t, db, clock, u, c, MessageQueued)
	next, ok, refused, err = r.RecordSentClaimNext(ctx, []Delivered{{ID: due.ID}}, time.Time{}, ClaimOptions{})
	if err != nil || ok || refused[0] != nil {
		t.Fatalf("record alone = %+v, %v, %v, %v", next, ok, refused, err)
	}
	if got, err := db.GetMessage(ctx, another.ID); err != nil || got.Status != MessageQueued {
		t.Errorf("a record without a lease claimed %d: %s, %v", another.ID, got.Status, err)
	}
	if got, err := db.GetMessage(ctx, due.ID); err != nil || got.Status != MessageSent || !got.SentAt.Equal(clock.Now()) {
		t.Errorf("a send without a time: %s at %v, %v; want sent now", got.Status, got.SentAt, err)
	}
}
