package store

import (
	"bytes"
	"testing"
	"time"
)

// A send held for a session's undo window is claimed only by that
// session's runner; its claim clears the hold, and a restamp rewrites the
// stored bytes in the claim's transaction.
func TestTrust01HeldForItsSession(t *testing.T) {
	db, clock, u, c, _ := fixture(t)
	ctx := t.Context()
	stamp := func(raw []byte, at time.Time) []byte { return append(raw, at.Format(time.RFC3339)...) }
	mine, other := db.Runner("mine", stamp), db.Runner("other", nil)
	m := Message{ContactID: c.ID, UserID: u.ID, MessageID: "<held@x>", Recipients: []string{"a@x"},
		Raw: []byte("x"), Status: MessageQueued, SendAt: clock.Now().Add(10 * time.Second)}
	if err := mine.Enqueue(ctx, &m); err != nil {
		t.Fatal(err)
	}
	if p, err := mine.Pending(ctx); err != nil || len(p) != 1 {
		t.Fatalf("Pending = %v, %v", p, err)
	}
	clock.Advance(time.Minute)
	lease := clock.Now().Add(time.Minute)
	for name, r := range map[string]*Runner{"anonymous": db.Runner("", nil), "another session": other} {
		if got, err := r.ClaimDue(ctx, lease, 10, ClaimOptions{}); err != nil || len(got) != 0 {
			t.Errorf("%s claimed a held send: %v, %v", name, got, err)
		}
		_, err := r.ClaimMessage(ctx, m.ID, lease)
		wantErr(t, err, ErrConflict)
	}
	if held, err := db.HeldMessages(ctx, "other"); err != nil || len(held) != 1 {
		t.Fatalf("HeldMessages = %v, %v", held, err)
	}
	if held, err := db.HeldMessages(ctx, "mine"); err != nil || len(held) != 0 {
		t.Fatalf("HeldMessages except its own session = %v, %v", held, err)
	}
	got, err := mine.ClaimDue(ctx, lease, 10, ClaimOptions{})
	if err != nil || len(got) != 1 {
		t.Fatalf("its own session did not claim it: %v, %v", got, err)
	}
	want := stamp([]byte("x"), clock.Now().UTC())
	stored, err := db.GetMessage(ctx, m.ID)
	if err != nil || !bytes.Equal(got[0].Raw, want) || !bytes.Equal(stored.Raw, want) {
		t.Fatalf("claimed %q, stored %q (%v); want %q", got[0].Raw, stored.Raw, err, want)
	}
	if held, err := db.HeldMessages(ctx); err != nil || len(held) != 0 {
		t.Fatalf("still held after its claim: %v, %v", held, err)
	}
}

// Releasing, renewing and recovering refuse what they cannot do and change
// nothing.
func TestTrust03RunnerRefusals(t *testing.T) {
	db, clock, u, c, _ := fixture(t)
	ctx := t.Context()
	m := queue(t, db, u.ID, c.ID, 0)
	_, err := db.ReleaseHeld(ctx, m.ID, time.Time{})
	wantErr(t, err, ErrConflict) // not held
	_, err = db.ReleaseHeld(ctx, 999, time.Time{})
	wantErr(t, err, ErrNotFound)
	a, b := db.Runner("a", nil), db.Runner("b", nil)
	lease := clock.Now().Add(time.Minute)
	if _, err := a.ClaimMessage(ctx, m.ID, lease); err != nil {
		t.Fatal(err)
	}
	wantErr(t, b.RenewLease(ctx, m.ID, lease.Add(time.Hour)), ErrConflict)
	if err := a.RenewLease(ctx, m.ID, lease.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	_, err = db.RecoverClaims(ctx, "")
	wantErr(t, err, ErrInvalid)
	if ms, err := db.RecoverClaims(ctx, "b"); err != nil || len(ms) != 0 {
		t.Fatalf("recovered another runner's claim: %v, %v", ms, err)
	}
	ms, err := db.RecoverClaims(ctx, "a")
	if err != nil || len(ms) != 1 || ms[0].Status != MessageUncertain {
		t.Fatalf("RecoverClaims = %v, %v", ms, err)
	}
	wantErr(t, a.RenewLease(ctx, m.ID, lease.Add(2*time.Hour)), ErrConflict) // no longer sending
	if got, err := db.GetMessage(ctx, m.ID); err != nil || got.Status != MessageUncertain || !got.LeaseUntil.IsZero() {
		t.Fatalf("after a refused renewal: %+v, %v", got, err)
	}
}
