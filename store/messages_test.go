package store

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"sync"
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

func TestClaimMessage(t *testing.T) {
	db, clock, u, c, _ := fixture(t)
	ctx := t.Context()
	m := queue(t, db, u.ID, c.ID, 0)
	lease := clock.Now().Add(time.Minute)
	got, err := db.ClaimMessage(ctx, m.ID, lease)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != MessageSending || got.Attempts != 1 || !got.LeaseUntil.Equal(lease) ||
		!bytes.Equal(got.Raw, m.Raw) || !slices.Equal(got.Recipients, m.Recipients) {
		t.Errorf("claimed = %+v", got)
	}
	_, err = db.ClaimMessage(ctx, m.ID, lease)
	wantErr(t, err, ErrConflict)
	_, err = db.ClaimMessage(ctx, 999, lease)
	wantErr(t, err, ErrNotFound)
	_, err = db.ClaimMessage(ctx, m.ID, time.Time{})
	wantErr(t, err, ErrInvalid)

	// A scheduled message is claimable only once due.
	s := Message{ContactID: c.ID, UserID: u.ID, MessageID: "<s@x>", Recipients: []string{"a@x"},
		Raw: []byte("x"), SendAt: clock.Now().Add(time.Hour)}
	if err := db.EnqueueMessage(ctx, &s); err != nil {
		t.Fatal(err)
	}
	_, err = db.ClaimMessage(ctx, s.ID, lease)
	wantErr(t, err, ErrConflict)
	clock.Advance(time.Hour)
	if got, err := db.ClaimMessage(ctx, s.ID, clock.Now().Add(time.Minute)); err != nil || got.Status != MessageSending {
		t.Errorf("claim once due: %+v, %v", got, err)
	}
}

func TestClaimDue(t *testing.T) {
	db, clock, u, c, _ := fixture(t)
	ctx := t.Context()
	var want []int64
	for range 5 {
		want = append(want, queue(t, db, u.ID, c.ID, 0).ID)
		clock.Advance(-time.Minute) // each newer message is due earlier
	}
	slices.Reverse(want)
	clock.Advance(time.Hour)
	notDue := Message{ContactID: c.ID, UserID: u.ID, MessageID: "<future@x>", Recipients: []string{"a@x"},
		Raw: []byte("x"), SendAt: clock.Now().Add(time.Hour)}
	if err := db.EnqueueMessage(ctx, &notDue); err != nil {
		t.Fatal(err)
	}
	lease := clock.Now().Add(time.Minute)
	first, err := db.ClaimDue(ctx, lease, 3)
	if err != nil {
		t.Fatal(err)
	}
	rest, err := db.ClaimDue(ctx, lease, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, m := range slices.Concat(first, rest) {
		if m.Status != MessageSending || m.Attempts != 1 || len(m.Raw) == 0 {
			t.Errorf("claimed %+v", m)
		}
		got = append(got, m.ID)
	}
	if len(first) != 3 || !slices.Equal(got, want) {
		t.Errorf("claimed %v (first batch %d), want %v oldest send_at first", got, len(first), want)
	}
	if none, err := db.ClaimDue(ctx, lease, 10); err != nil || len(none) != 0 {
		t.Errorf("third claim = %v, %v", none, err)
	}
	_, err = db.ClaimDue(ctx, lease, 0)
	wantErr(t, err, ErrInvalid)
}

// TestClaimDueConcurrently has two runners, each with its own *DB on the same
// file, as two processes would, claim the same queue: no message twice.
func TestClaimDueConcurrently(t *testing.T) {
	db, clock := openTest(t, nil)
	u := mustUser(t, db, "u@example.com")
	c := mustContact(t, db, "Ada", "Lovelace", "ada@example.com")
	const total = 200
	for range total {
		queue(t, db, u.ID, c.ID, 0)
	}
	// A second handle on the same file, as a second process would have.
	var file string
	if err := db.sql.QueryRowContext(t.Context(), `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&file); err != nil {
		t.Fatal(err)
	}
	db2, err := Open(t.Context(), file, Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db2.Close(); err != nil {
			t.Error(err)
		}
	})

	var (
		mu      sync.Mutex
		claimed = map[int64]int{}
		wg      sync.WaitGroup
	)
	for _, d := range []*DB{db, db2} {
		wg.Go(func() {
			for {
				ms, err := d.ClaimDue(t.Context(), clock.Now().Add(time.Minute), 7)
				if err != nil {
					t.Error(err)
					return
				}
				if len(ms) == 0 {
					return
				}
				mu.Lock()
				for _, m := range ms {
					claimed[m.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(claimed) != total {
		t.Errorf("claimed %d distinct messages, want %d", len(claimed), total)
	}
	for id, n := range claimed {
		if n != 1 {
			t.Errorf("message %d claimed %d times", id, n)
		}
	}
}

func TestMarkSent(t *testing.T) {
	db, clock, u, c, _ := fixture(t)
	ctx := t.Context()
	m := queue(t, db, u.ID, c.ID, 0)
	wantErr(t, db.MarkSent(ctx, m.ID, clock.Now()), ErrConflict) // not claimed
	if _, err := db.ClaimMessage(ctx, m.ID, clock.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkFailed(ctx, m.ID, "421 try later", false, clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ClaimMessage(ctx, m.ID, clock.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	at := clock.Advance(3 * time.Second)
	clock.Advance(time.Second) // recorded a little after the server answered
	if err := db.MarkSent(ctx, m.ID, at); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetMessage(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != MessageSent || !got.SentAt.Equal(at) || !got.LeaseUntil.IsZero() ||
		got.LastError != "" || got.Attempts != 2 {
		t.Errorf("after MarkSent: %+v", got)
	}
	evs, _ := db.Timeline(ctx, c.ID, 1)
	if len(evs) != 1 || evs[0].Kind != EventEmailSent || !evs[0].At.Equal(at) ||
		evs[0].MessageID != m.ID || evs[0].Subject != m.Subject {
		t.Errorf("sent event = %+v", evs)
	}
	if cc, _ := db.GetContact(ctx, c.ID); !cc.LastActivityAt.Equal(at) {
		t.Errorf("last activity = %v, want %v", cc.LastActivityAt, at)
	}
	wantErr(t, db.MarkSent(ctx, m.ID, at), ErrConflict) // already sent
	wantErr(t, db.MarkSent(ctx, 999, at), ErrNotFound)
}

func TestMarkFailed(t *testing.T) {
	db, clock, u, c, _ := fixture(t)
	ctx := t.Context()
	m := queue(t, db, u.ID, c.ID, 0)
	wantErr(t, db.MarkFailed(ctx, m.ID, "x", true, time.Time{}), ErrConflict)
	if _, err := db.ClaimMessage(ctx, m.ID, clock.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	events := rowCount(t, db, "events")
	retry := clock.Now().Add(5 * time.Minute)
	if err := db.MarkFailed(ctx, m.ID, "421 busy", false, retry); err != nil {
		t.Fatal(err)
	}
	got, _ := db.GetMessage(ctx, m.ID)
	if got.Status != MessageQueued || !got.SendAt.Equal(retry) || got.LastError != "421 busy" ||
		!got.LeaseUntil.IsZero() || rowCount(t, db, "events") != events {
		t.Errorf("after temporary failure: %+v", got)
	}
	_, err := db.ClaimMessage(ctx, m.ID, clock.Now().Add(time.Minute))
	wantErr(t, err, ErrConflict) // not due before retry
	clock.Advance(5 * time.Minute)
	if _, err := db.ClaimMessage(ctx, m.ID, clock.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkFailed(ctx, m.ID, "550 no such user", true, time.Time{}); err != nil {
		t.Fatal(err)
	}
	got, _ = db.GetMessage(ctx, m.ID)
	if got.Status != MessageFailed || got.LastError != "550 no such user" || got.Attempts != 2 {
		t.Errorf("after permanent failure: %+v", got)
	}
	evs, _ := db.Timeline(ctx, c.ID, 1)
	if len(evs) != 1 || evs[0].Kind != EventEmailFailed || evs[0].Detail != "550 no such user" ||
		evs[0].MessageID != m.ID || !evs[0].At.Equal(clock.Now()) {
		t.Errorf("failed event = %+v", evs)
	}
	wantErr(t, db.MarkFailed(ctx, m.ID, "x", false, time.Time{}), ErrConflict)
	wantErr(t, db.MarkFailed(ctx, 999, "x", true, time.Time{}), ErrNotFound)
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
