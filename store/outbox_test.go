package store

import (
	"bytes"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

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
	first, err := db.ClaimDue(ctx, lease, 3, ClaimOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rest, err := db.ClaimDue(ctx, lease, 10, ClaimOptions{})
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
	if none, err := db.ClaimDue(ctx, lease, 10, ClaimOptions{}); err != nil || len(none) != 0 {
		t.Errorf("third claim = %v, %v", none, err)
	}
	_, err = db.ClaimDue(ctx, lease, 0, ClaimOptions{})
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
				ms, err := d.ClaimDue(t.Context(), clock.Now().Add(time.Minute), 7, ClaimOptions{})
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
	if got.Status != MessageQueued || !got.SendAt.Equal(m.SendAt) || !got.RetryAt.Equal(retry) ||
		got.LastError != "421 busy" || !got.LeaseUntil.IsZero() || rowCount(t, db, "events") != events {
		t.Errorf("after temporary failure: %+v (send_at must stay %v)", got, m.SendAt)
	}
	lease := clock.Now().Add(time.Minute)
	if ms, err := db.ClaimDue(ctx, lease, 10, ClaimOptions{}); err != nil || len(ms) != 0 {
		t.Fatalf("claimed during the backoff: %v, %v", ms, err)
	}
	clock.Advance(5 * time.Minute)
	if ms, err := db.ClaimDue(ctx, clock.Now().Add(time.Minute), 10, ClaimOptions{}); err != nil ||
		len(ms) != 1 || ms[0].ID != m.ID || !ms[0].RetryAt.IsZero() || ms[0].Attempts != 2 {
		t.Fatalf("claim after the backoff: %+v, %v", ms, err)
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
	if !got.RetryAt.IsZero() || !got.LeaseUntil.IsZero() {
		t.Errorf("failed message keeps a retry or lease: %+v", got)
	}
	wantErr(t, db.MarkFailed(ctx, m.ID, "x", false, time.Time{}), ErrConflict)
	wantErr(t, db.MarkFailed(ctx, 999, "x", true, time.Time{}), ErrNotFound)
}

func TestClaimMessageIgnoresBackoffNotSendAt(t *testing.T) {
	db, clock, u, c, _ := fixture(t)
	ctx := t.Context()
	m := inState(t, db, clock, u, c, MessageSending)
	retry := clock.Now().Add(time.Hour)
	if err := db.MarkFailed(ctx, m.ID, "421 later", false, retry); err != nil {
		t.Fatal(err)
	}
	// The user asks to send it now: the backoff does not hold it back.
	got, err := db.ClaimMessage(ctx, m.ID, clock.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != MessageSending || !got.RetryAt.IsZero() || got.Attempts != 2 || len(got.Raw) == 0 {
		t.Errorf("claimed = %+v", got)
	}
	// The undo window or a schedule (send_at) still does.
	later := Message{ContactID: c.ID, UserID: u.ID, MessageID: "<undo@x>", Recipients: []string{"a@x"},
		Raw: []byte("x"), Status: MessageQueued, SendAt: clock.Now().Add(10 * time.Second)}
	if err := db.EnqueueMessage(ctx, &later); err != nil {
		t.Fatal(err)
	}
	_, err = db.ClaimMessage(ctx, later.ID, clock.Now().Add(time.Minute))
	wantErr(t, err, ErrConflict)
}

func TestClaimDueBackoff(t *testing.T) {
	db, clock, u, c, _ := fixture(t)
	ctx := t.Context()
	now := clock.Now()
	backedOff := inState(t, db, clock, u, c, MessageSending)
	if err := db.MarkFailed(ctx, backedOff.ID, "421 later", false, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	ready := queue(t, db, u.ID, c.ID, 0)
	undo := Message{ContactID: c.ID, UserID: u.ID, MessageID: "<undo@x>", Recipients: []string{"a@x"},
		Raw: []byte("x"), Status: MessageQueued, SendAt: now.Add(10 * time.Second)}
	if err := db.EnqueueMessage(ctx, &undo); err != nil {
		t.Fatal(err)
	}
	ids := func(ms []Message) []int64 {
		var out []int64
		for _, m := range ms {
			if m.Status != MessageSending || !m.RetryAt.IsZero() {
				t.Errorf("claimed %+v", m)
			}
			out = append(out, m.ID)
		}
		return out
	}
	lease := now.Add(time.Minute)
	ms, err := db.ClaimDue(ctx, lease, 10, ClaimOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(ms); !slices.Equal(got, []int64{ready.ID}) {
		t.Errorf("ClaimDue = %v, want only %d (the others wait for retry_at, send_at)", got, ready.ID)
	}
	ms, err = db.ClaimDue(ctx, lease, 10, ClaimOptions{IgnoreBackoff: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(ms); !slices.Equal(got, []int64{backedOff.ID}) {
		t.Errorf("ClaimDue(IgnoreBackoff) = %v, want %d (the undo window still holds)", got, backedOff.ID)
	}
	clock.Advance(10 * time.Second)
	ms, err = db.ClaimDue(ctx, lease, 10, ClaimOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(ms); !slices.Equal(got, []int64{undo.ID}) {
		t.Errorf("ClaimDue after the undo window = %v, want %d", got, undo.ID)
	}
}

func TestMarkUncertain(t *testing.T) {
	db, clock, u, c, _ := fixture(t)
	ctx := t.Context()
	m := inState(t, db, clock, u, c, MessageSending)
	now := clock.Advance(time.Second)
	if err := db.MarkUncertain(ctx, m.ID, "  connection reset after DATA "); err != nil {
		t.Fatal(err)
	}
	got, _ := db.GetMessage(ctx, m.ID)
	if got.Status != MessageUncertain || got.LastError != "connection reset after DATA" ||
		!got.LeaseUntil.IsZero() || !got.UpdatedAt.Equal(now) || got.Attempts != 1 {
		t.Errorf("after MarkUncertain: %+v", got)
	}
	evs, _ := db.Timeline(ctx, c.ID, 1)
	if len(evs) != 1 || evs[0].Kind != EventEmailUncertain || evs[0].Detail != "connection reset after DATA" ||
		evs[0].MessageID != m.ID || evs[0].Subject != m.Subject || !evs[0].At.Equal(now) {
		t.Errorf("uncertain event = %+v", evs)
	}
	// Not retried by itself.
	if ms, err := db.ClaimDue(ctx, now.Add(time.Minute), 10, ClaimOptions{IgnoreBackoff: true}); err != nil || len(ms) != 0 {
		t.Errorf("uncertain message claimed: %v, %v", ms, err)
	}
	// The user saw it arrive.
	at := now.Add(-time.Second)
	if err := db.MarkSent(ctx, m.ID, at); err != nil {
		t.Fatal(err)
	}
	got, _ = db.GetMessage(ctx, m.ID)
	if got.Status != MessageSent || !got.SentAt.Equal(at) || got.LastError != "" {
		t.Errorf("after confirming: %+v", got)
	}
}

func TestRecoverExpired(t *testing.T) {
	db, clock, u, c, _ := fixture(t)
	ctx := t.Context()
	start := clock.Now()
	claimWith := func(lease time.Duration) Message {
		t.Helper()
		m := queue(t, db, u.ID, c.ID, 0)
		if _, err := db.ClaimMessage(ctx, m.ID, start.Add(lease)); err != nil {
			t.Fatal(err)
		}
		return m
	}
	short1, long, short2 := claimWith(time.Minute), claimWith(time.Hour), claimWith(2*time.Minute)
	waiting := queue(t, db, u.ID, c.ID, 0)
	sent := inState(t, db, clock, u, c, MessageSent)

	if ms, err := db.RecoverExpired(ctx); err != nil || len(ms) != 0 {
		t.Fatalf("nothing expired yet: %v, %v", ms, err)
	}
	// A lease ends strictly before now to count as expired.
	clock.Advance(time.Minute)
	if ms, err := db.RecoverExpired(ctx); err != nil || len(ms) != 0 {
		t.Fatalf("lease ending now taken as expired: %v, %v", ms, err)
	}
	now := clock.Advance(5 * time.Minute) // the process was killed; it restarts
	events := rowCount(t, db, "events")
	ms, err := db.RecoverExpired(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, m := range ms {
		got = append(got, m.ID)
		if m.Status != MessageUncertain || m.Raw != nil || !m.LeaseUntil.IsZero() ||
			m.LastError != detailRecovered || !m.UpdatedAt.Equal(now) {
			t.Errorf("recovered %+v", m)
		}
	}
	if !slices.Equal(got, []int64{short1.ID, short2.ID}) {
		t.Errorf("recovered %v, want %v", got, []int64{short1.ID, short2.ID})
	}
	if n := rowCount(t, db, "events"); n != events+2 {
		t.Errorf("%d events written, want 2", n-events)
	}
	evs, _ := db.Timeline(ctx, c.ID, 2)
	for _, e := range evs {
		if e.Kind != EventEmailUncertain || e.Detail != detailRecovered || !e.At.Equal(now) ||
			(e.MessageID != short1.ID && e.MessageID != short2.ID) {
			t.Errorf("recovery event %+v", e)
		}
	}
	for id, want := range map[int64]MessageStatus{long.ID: MessageSending, waiting.ID: MessageQueued,
		sent.ID: MessageSent, short1.ID: MessageUncertain} {
		if m, _ := db.GetMessage(ctx, id); m.Status != want {
			t.Errorf("message %d is %s, want %s", id, m.Status, want)
		}
	}
	// Nothing left to recover: no transaction, no write.
	writes := db.writes.Load()
	if ms, err := db.RecoverExpired(ctx); err != nil || len(ms) != 0 {
		t.Errorf("second recovery = %v, %v", ms, err)
	}
	if db.writes.Load() != writes {
		t.Error("an empty recovery committed a transaction")
	}
	// The runner that held short1 was only slow: its late verdict still lands.
	if err := db.MarkSent(ctx, short1.ID, now); err != nil {
		t.Errorf("late MarkSent of a recovered message: %v", err)
	}
}

func TestCancelMessage(t *testing.T) {
	db, clock, u, c, _ := fixture(t)
	ctx := t.Context()
	m := Message{ContactID: c.ID, UserID: u.ID, MessageID: "<undo@x>", Subject: "Oops",
		Recipients: []string{"a@x"}, Raw: []byte("composed"), SendAt: clock.Now().Add(10 * time.Second),
		Status: MessageQueued}
	if err := db.EnqueueMessage(ctx, &m); err != nil {
		t.Fatal(err)
	}
	now := clock.Advance(3 * time.Second)
	got, err := db.CancelMessage(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != m.ID || got.Status != MessageCancelled || got.Raw != nil || !got.UpdatedAt.Equal(now) ||
		got.Subject != "Oops" {
		t.Errorf("CancelMessage = %+v", got)
	}
	if stored, _ := db.GetMessage(ctx, m.ID); string(stored.Raw) != "composed" {
		t.Errorf("composed bytes not kept: %q", stored.Raw)
	}
	evs, _ := db.Timeline(ctx, c.ID, 1)
	if len(evs) != 1 || evs[0].Kind != EventEmailCancelled || evs[0].Detail != detailCancelled ||
		evs[0].Subject != "Oops" || !evs[0].At.Equal(now) {
		t.Errorf("cancel event = %+v", evs)
	}
	if ms, err := db.ClaimDue(ctx, now.Add(time.Hour), 10, ClaimOptions{IgnoreBackoff: true}); err != nil || len(ms) != 0 {
		t.Errorf("cancelled message claimed: %v, %v", ms, err)
	}
	_, err = db.CancelMessage(ctx, m.ID)
	wantErr(t, err, ErrConflict)
}

func TestRequeueMessage(t *testing.T) {
	db, clock, u, c, _ := fixture(t)
	ctx := t.Context()
	m := inState(t, db, clock, u, c, MessageSending)
	if err := db.MarkFailed(ctx, m.ID, "421", false, clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ClaimMessage(ctx, m.ID, clock.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkFailed(ctx, m.ID, "550 no such user", true, time.Time{}); err != nil {
		t.Fatal(err)
	}
	now := clock.Advance(time.Hour)
	sendAt := now.Add(10 * time.Second) // a fresh undo window
	got, err := db.RequeueMessage(ctx, m.ID, sendAt)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != MessageQueued || !got.SendAt.Equal(sendAt) || !got.RetryAt.IsZero() ||
		!got.LeaseUntil.IsZero() || got.LastError != "" || got.Attempts != 2 || got.Raw != nil ||
		got.MessageID != m.MessageID {
		t.Errorf("RequeueMessage = %+v", got)
	}
	evs, _ := db.Timeline(ctx, c.ID, 1)
	if len(evs) != 1 || evs[0].Kind != EventEmailQueued || evs[0].Detail != detailRequeued || !evs[0].At.Equal(now) {
		t.Errorf("requeue event = %+v", evs)
	}
	if next, ok, err := db.NextDue(ctx); err != nil || !ok || !next.Equal(sendAt) {
		t.Errorf("NextDue = %v, %v, %v; want %v", next, ok, err, sendAt)
	}
	clock.Advance(10 * time.Second)
	ms, err := db.ClaimDue(ctx, clock.Now().Add(time.Minute), 10, ClaimOptions{})
	if err != nil || len(ms) != 1 || ms[0].ID != m.ID || !bytes.Equal(ms[0].Raw, m.Raw) {
		t.Errorf("claim after requeue = %+v, %v", ms, err)
	}

	// Zero means now.
	cancelled := inState(t, db, clock, u, c, MessageCancelled)
	got, err = db.RequeueMessage(ctx, cancelled.ID, time.Time{})
	if err != nil || !got.SendAt.Equal(clock.Now()) {
		t.Errorf("requeue for now = %+v, %v", got, err)
	}
}

// TestRunnerAsOneUser: a runner of one user claims, waits for and counts
// only that user's messages, since it sends through that user's mailbox;
// another user's due message stays queued for their own runner.
func TestRunnerAsOneUser(t *testing.T) {
	db, clock, u, c, _ := fixture(t)
	ctx := t.Context()
	other := mustUser(t, db, "other@example.com")
	theirs := queue(t, db, other.ID, c.ID, 0)
	clock.Advance(time.Minute)
	mine := queue(t, db, u.ID, c.ID, 0)
	clock.Advance(time.Hour)
	r := db.Runner("r1", nil).As(u.ID)
	lease := clock.Now().Add(time.Minute)

	if at, ok, err := r.NextDue(ctx); err != nil || !ok || !at.Equal(mine.SendAt) {
		t.Errorf("NextDue of the runner = %v, %v, %v; want its own message's %v", at, ok, err, mine.SendAt)
	}
	_, err := r.ClaimMessage(ctx, theirs.ID, lease)
	wantErr(t, err, ErrConflict)
	got, err := r.ClaimDue(ctx, lease, 10, ClaimOptions{})
	if err != nil || len(got) != 1 || got[0].ID != mine.ID {
		t.Fatalf("ClaimDue claimed %d messages, %v; want only its own", len(got), err)
	}
	if _, ok, err := r.NextDue(ctx); err != nil || ok {
		t.Errorf("with its own message claimed the runner still waits for one: %v, %v", ok, err)
	}
	if m, err := db.GetMessage(ctx, theirs.ID); err != nil || m.Status != MessageQueued || m.Attempts != 0 {
		t.Errorf("the other user's message = %+v, %v; want it untouched", m, err)
	}
	if _, _, _, err := r.RecordSentClaimNext(ctx, []Delivered{{ID: mine.ID}}, lease, ClaimOptions{}); err != nil {
		t.Fatal(err)
	}
	if m, err := db.GetMessage(ctx, theirs.ID); err != nil || m.Status != MessageQueued {
		t.Errorf("claiming the next took the other user's message: %+v, %v", m, err)
	}
	if sent, err := r.SentSince(ctx, time.Time{}); err != nil || len(sent) != 1 {
		t.Errorf("the runner's quota counts %d sends, %v; want its own one", len(sent), err)
	}
	// Their runner, and an anonymous one, see it.
	if got, err := db.Runner("r2", nil).As(other.ID).ClaimDue(ctx, lease, 10, ClaimOptions{}); err != nil ||
		len(got) != 1 || got[0].ID != theirs.ID {
		t.Errorf("their runner claimed %d, %v", len(got), err)
	}
	if sent, err := db.SentSince(ctx, time.Time{}); err != nil || len(sent) != 1 {
		t.Errorf("SentSince of everyone = %d, %v", len(sent), err)
	}
}

// TestLiveCountsOfOneUser: a runner of one user counts only that user's
// mail still in the outbox, never the sent archive.
func TestLiveCountsOfOneUser(t *testing.T) {
	db, clock, u, c, _ := fixture(t)
	ctx := t.Context()
	other := mustUser(t, db, "other@example.com")
	queue(t, db, other.ID, c.ID, 0)
	mine := queue(t, db, u.ID, c.ID, 0)
	queue(t, db, u.ID, c.ID, 0)
	clock.Advance(time.Hour)
	if _, err := db.ClaimMessage(ctx, mine.ID, clock.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkSent(ctx, mine.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	got, err := db.Runner("", nil).As(u.ID).LiveCounts(ctx)
	if err != nil || len(got) != 1 || got[MessageQueued] != 1 {
		t.Errorf("LiveCounts of the user = %v, %v; want 1 queued", got, err)
	}
	all, err := db.Runner("", nil).LiveCounts(ctx)
	if err != nil || len(all) != 1 || all[MessageQueued] != 2 {
		t.Errorf("LiveCounts of everyone = %v, %v; want 2 queued", all, err)
	}
	// The ranges of the live statuses in an index on status, not a scan.
	if plan := explain(t, db, liveCountsSQL, u.ID); !strings.Contains(plan, "SEARCH messages USING INDEX messages_") ||
		!strings.Contains(plan, "(status=?") {
		t.Errorf("LiveCounts plan: %s", plan)
	}
}
