package store

import (
	"bytes"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

var msgSeq atomic.Int64

// queue enqueues a due message from user to contact (email 0: none).
func queue(t testing.TB, db *DB, user, contact, email int64) Message {
	t.Helper()
	n := msgSeq.Add(1)
	m := Message{ContactID: contact, UserID: user, EmailID: email,
		MessageID: fmt.Sprintf("<%d@test.example>", n), Subject: fmt.Sprint("Subject ", n),
		From: "u@example.com", Recipients: []string{"a@example.com", "b@example.com"},
		Raw: []byte(fmt.Sprintf("Subject: %d\r\n\r\nbody\r\n", n))}
	if err := db.EnqueueMessage(t.Context(), &m); err != nil {
		t.Fatalf("EnqueueMessage: %v", err)
	}
	return m
}

// fixture is a database with one user, one contact and one template.
func fixture(t *testing.T) (*DB, *testClock, User, Contact, Email) {
	t.Helper()
	db, clock := openTest(t, nil)
	u := mustUser(t, db, "u@example.com")
	c := mustContact(t, db, "Ada", "Lovelace", "ada@example.com")
	e := Email{Name: "Intro", Subject: "Hi"}
	if err := db.CreateEmail(t.Context(), &e); err != nil {
		t.Fatal(err)
	}
	return db, clock, u, c, e
}

func TestEnqueueMessage(t *testing.T) {
	db, clock, u, c, e := fixture(t)
	ctx := t.Context()
	now := clock.Advance(time.Minute)
	m := queue(t, db, u.ID, c.ID, e.ID)
	if m.ID == 0 || m.Status != MessageQueued || !m.SendAt.Equal(now) || !m.CreatedAt.Equal(now) {
		t.Fatalf("queued: %+v", m)
	}
	got, err := db.GetMessage(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Raw, m.Raw) || !slices.Equal(got.Recipients, m.Recipients) || got.EmailID != e.ID ||
		got.MessageID != m.MessageID || got.From != m.From || got.Subject != m.Subject ||
		got.Attempts != 0 || !got.LeaseUntil.IsZero() || !got.SentAt.IsZero() {
		t.Errorf("GetMessage = %+v, want %+v", got, m)
	}
	if byMID, err := db.MessageByMessageID(ctx, m.MessageID); err != nil || byMID.ID != m.ID || len(byMID.Raw) == 0 {
		t.Errorf("MessageByMessageID = %+v, %v", byMID, err)
	}

	future := now.Add(24 * time.Hour)
	s := Message{ContactID: c.ID, UserID: u.ID, MessageID: "<later@x>", Subject: "Later",
		Recipients: []string{"ada@example.com"}, Raw: []byte("x"), SendAt: future}
	if err := db.EnqueueMessage(ctx, &s); err != nil {
		t.Fatal(err)
	}
	if s.Status != MessageScheduled || !s.SendAt.Equal(future) {
		t.Errorf("scheduled: %+v", s)
	}
	evs, err := db.Timeline(ctx, c.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 3 || evs[0].Kind != EventEmailScheduled || evs[0].MessageID != s.ID || evs[0].Subject != "Later" ||
		evs[1].Kind != EventEmailQueued || evs[1].MessageID != m.ID || evs[1].Subject != m.Subject {
		t.Errorf("timeline = %+v", evs)
	}
	if cc, _ := db.GetContact(ctx, c.ID); !cc.LastActivityAt.Equal(now) {
		t.Errorf("last activity = %v, want %v", cc.LastActivityAt, now)
	}
	_, err = db.GetMessage(ctx, 999)
	wantErr(t, err, ErrNotFound)
	_, err = db.MessageByMessageID(ctx, "<nope@x>")
	wantErr(t, err, ErrNotFound)
}

func TestEnqueueMessageRejectsBadInput(t *testing.T) {
	db, _, u, c, e := fixture(t)
	taken := queue(t, db, u.ID, c.ID, 0)
	ok := Message{ContactID: c.ID, UserID: u.ID, EmailID: e.ID, MessageID: "<new@x>",
		Recipients: []string{"ada@example.com"}, Raw: []byte("x")}
	for _, tc := range []struct {
		name   string
		change func(*Message)
		want   error
	}{
		{"no contact", func(m *Message) { m.ContactID = 0 }, ErrInvalid},
		{"missing contact", func(m *Message) { m.ContactID = 999 }, ErrInvalid},
		{"no user", func(m *Message) { m.UserID = 0 }, ErrInvalid},
		{"missing user", func(m *Message) { m.UserID = 999 }, ErrInvalid},
		{"missing email", func(m *Message) { m.EmailID = 999 }, ErrInvalid},
		{"no Message-ID", func(m *Message) { m.MessageID = " " }, ErrInvalid},
		{"no bytes", func(m *Message) { m.Raw = nil }, ErrInvalid},
		{"no recipients", func(m *Message) { m.Recipients = nil }, ErrInvalid},
		{"empty recipient", func(m *Message) { m.Recipients = []string{"a@x", " "} }, ErrInvalid},
		{"born sent", func(m *Message) { m.Status = MessageSent }, ErrInvalid},
		{"duplicate Message-ID", func(m *Message) { m.MessageID = taken.MessageID }, ErrConflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := ok
			tc.change(&m)
			before := counts(t, db)
			wantErr(t, db.EnqueueMessage(t.Context(), &m), tc.want)
			if after := counts(t, db); !maps.Equal(before, after) {
				t.Errorf("rows changed: %v → %v", before, after)
			}
			if m.ID != 0 {
				t.Errorf("ID set to %d on failure", m.ID)
			}
		})
	}
}

func TestListMessages(t *testing.T) {
	db, clock, u, c, _ := fixture(t)
	ctx := t.Context()
	other := mustContact(t, db, "Bob", "B", "bob@example.com")
	a := queue(t, db, u.ID, c.ID, 0)
	b := queue(t, db, u.ID, other.ID, 0)
	d := queue(t, db, u.ID, c.ID, 0)
	if _, err := db.ClaimMessage(ctx, a.ID, clock.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	ids := func(ms []Message) []int64 {
		var out []int64
		for _, m := range ms {
			if m.Raw != nil {
				t.Errorf("ListMessages returned raw bytes of %d", m.ID)
			}
			out = append(out, m.ID)
		}
		return out
	}
	for _, tc := range []struct {
		f    MessageFilter
		want []int64
	}{
		{MessageFilter{}, []int64{d.ID, b.ID, a.ID}},
		{MessageFilter{ContactID: c.ID}, []int64{d.ID, a.ID}},
		{MessageFilter{Statuses: []MessageStatus{MessageQueued}}, []int64{d.ID, b.ID}},
		{MessageFilter{Statuses: []MessageStatus{MessageSending, MessageQueued}, ContactID: c.ID}, []int64{d.ID, a.ID}},
		{MessageFilter{Limit: 1}, []int64{d.ID}},
		{MessageFilter{Statuses: []MessageStatus{MessageSent}}, nil},
	} {
		ms, err := db.ListMessages(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(ms); !slices.Equal(got, tc.want) {
			t.Errorf("ListMessages(%+v) = %v, want %v", tc.f, got, tc.want)
		}
	}
	_, err := db.ListMessages(ctx, MessageFilter{Statuses: []MessageStatus{"lost"}})
	wantErr(t, err, ErrInvalid)
	_, err = db.ListMessages(ctx, MessageFilter{Limit: -1})
	wantErr(t, err, ErrInvalid)
}

func TestMessageCounts(t *testing.T) {
	db, clock, u, c, _ := fixture(t)
	ctx := t.Context()
	if got, err := db.MessageCounts(ctx); err != nil || len(got) != 0 {
		t.Errorf("empty outbox counts = %v, %v", got, err)
	}
	want := map[MessageStatus]int{}
	for i, st := range allStatuses {
		for range i%3 + 1 {
			inState(t, db, clock, u, c, st)
			want[st]++
		}
	}
	got, err := db.MessageCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("MessageCounts = %v, want %v", got, want)
	}
}

func TestNextDue(t *testing.T) {
	db, clock, u, c, _ := fixture(t)
	ctx := t.Context()
	if _, ok, err := db.NextDue(ctx); err != nil || ok {
		t.Fatalf("empty outbox: ok = %v, %v", ok, err)
	}
	now := clock.Now()
	// Settled messages never count.
	for _, st := range []MessageStatus{MessageSending, MessageSent, MessageFailed, MessageUncertain, MessageCancelled} {
		inState(t, db, clock, u, c, st)
	}
	if _, ok, err := db.NextDue(ctx); err != nil || ok {
		t.Fatalf("only settled messages: ok = %v, %v", ok, err)
	}
	enqueue := func(st MessageStatus, sendAt time.Time) Message {
		t.Helper()
		n := msgSeq.Add(1)
		m := Message{ContactID: c.ID, UserID: u.ID, MessageID: fmt.Sprintf("<%d@next>", n),
			Recipients: []string{"a@x"}, Raw: []byte("x"), Status: st, SendAt: sendAt}
		if err := db.EnqueueMessage(ctx, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	check := func(want time.Time) {
		t.Helper()
		got, ok, err := db.NextDue(ctx)
		if err != nil || !ok || !got.Equal(want) {
			t.Errorf("NextDue = %v, %v, %v; want %v", got, ok, err, want)
		}
	}
	enqueue(MessageScheduled, now.Add(2*time.Hour))
	check(now.Add(2 * time.Hour))
	// Backed off to +1h: the later of send_at and retry_at counts.
	b := enqueue(MessageQueued, now)
	if _, err := db.ClaimMessage(ctx, b.ID, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkFailed(ctx, b.ID, "421", false, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	check(now.Add(time.Hour))
	// In an undo window until +30s.
	enqueue(MessageQueued, now.Add(30*time.Second))
	check(now.Add(30 * time.Second))
	// Overdue messages give a time in the past.
	clock.Advance(time.Minute)
	check(now.Add(30 * time.Second))
}

func TestSentSince(t *testing.T) {
	db, clock, u, c, _ := fixture(t)
	ctx := t.Context()
	start := clock.Now()
	send := func(at time.Time, rcpts ...string) {
		t.Helper()
		n := msgSeq.Add(1)
		m := Message{ContactID: c.ID, UserID: u.ID, MessageID: fmt.Sprintf("<%d@quota>", n),
			Recipients: rcpts, Raw: []byte("x")}
		if err := db.EnqueueMessage(ctx, &m); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ClaimMessage(ctx, m.ID, clock.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkSent(ctx, m.ID, at); err != nil {
			t.Fatal(err)
		}
	}
	// Recorded out of order; listed in sent_at order.
	send(start.Add(3*time.Hour), "a@x", "b@x", "c@x")
	send(start.Add(time.Hour), "a@x")
	send(start.Add(2*time.Hour), "a@x", "b@x")
	inState(t, db, clock, u, c, MessageFailed) // never counts
	inState(t, db, clock, u, c, MessageQueued)
	for _, tc := range []struct {
		since time.Time
		want  []SentStat
	}{
		{time.Time{}, []SentStat{{start.Add(time.Hour), 1}, {start.Add(2 * time.Hour), 2}, {start.Add(3 * time.Hour), 3}}},
		{start.Add(2 * time.Hour), []SentStat{{start.Add(2 * time.Hour), 2}, {start.Add(3 * time.Hour), 3}}},
		{start.Add(2*time.Hour + 1), []SentStat{{start.Add(3 * time.Hour), 3}}},
		{start.Add(4 * time.Hour), nil},
	} {
		got, err := db.SentSince(ctx, tc.since)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("SentSince(%v) = %v, want %v", tc.since, got, tc.want)
		}
	}
}

// TestOutboxQueriesUseIndexes keeps the worker's frequent queries off a scan
// of the archive of sent mail, which only grows.
func TestOutboxQueriesUseIndexes(t *testing.T) {
	db, _ := openTest(t, nil)
	for _, tc := range []struct {
		name, q, want string
		args          []any
	}{
		{"SentSince", sentSinceSQL, "USING INDEX messages_sent (status=? AND sent_at>?)", []any{"", 0}},
		{"ClaimDue", dueIDs, "USING INDEX messages_due (status=? AND send_at<?)", []any{nil, "", 1, false, nil, 0}},
		{"NextDue", nextDueSQL, "USING INDEX messages_", []any{0}},
		{"RecoverExpired", `SELECT 1 FROM messages
WHERE status = 'sending' AND (lease_until IS NULL OR lease_until < ?)`, "USING INDEX messages_", []any{""}},
	} {
		plan := explain(t, db, tc.q, tc.args...)
		if !strings.Contains(plan, tc.want) || strings.Contains(plan, "SCAN messages") {
			t.Errorf("%s: plan\n%s\nwant %q", tc.name, plan, tc.want)
		}
	}
}
