package tuitest

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/leadmail/leadmail/store"
)

// timeLayout is the store's time format, so the fixtures' SQL reads back
// like the store's own.
const timeLayout = "2006-01-02 15:04:05.000000000-07:00"

func dbTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func (w *World) openRaw(t testing.TB) {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+w.path+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = raw.Close() })
	w.raw = raw
}

// MessageSpec is a message in a given state, with the times and attempts a
// screen shows, for outbox fixtures.
type MessageSpec struct {
	Contact   store.Contact
	Subject   string
	Status    store.MessageStatus
	SendAt    time.Time // queued and scheduled: when it may leave
	RetryAt   time.Time // queued after a temporary failure: the next try
	At        time.Time // when it was sent, or last changed
	Attempts  int
	LastError string
}

// AddMessage puts a message in the outbox in the spec's state. It is queued
// through the store, then set with plain SQL: reaching each state through
// the outbox would need a mail server failing in each way, which the outbox's
// own tests do.
func (w *World) AddMessage(t testing.TB, s MessageSpec) store.Message {
	t.Helper()
	ctx := context.Background()
	m := store.Message{ContactID: s.Contact.ID, UserID: w.User.ID, Subject: s.Subject, From: w.User.Email,
		MessageID:  fmt.Sprintf("<added-%d@acme.test>", w.seq.Add(1)),
		Recipients: []string{s.Contact.Email}, Raw: []byte("Subject: " + s.Subject + "\r\n\r\nHello\r\n"), Status: store.MessageQueued}
	if err := w.DB.EnqueueMessage(ctx, &m); err != nil {
		t.Fatal(err)
	}
	sendAt, at := s.SendAt, s.At
	if sendAt.IsZero() {
		sendAt = Now
	}
	if at.IsZero() {
		at = Now
	}
	var sentAt, retryAt any
	if s.Status == store.MessageSent {
		sentAt = dbTime(at)
	}
	if !s.RetryAt.IsZero() {
		retryAt = dbTime(s.RetryAt)
	}
	if _, err := w.raw.ExecContext(ctx, `UPDATE messages SET status = ?, send_at = ?, retry_at = ?, attempts = ?,
    last_error = ?, sent_at = ?, updated_at = ? WHERE id = ?`,
		s.Status, dbTime(sendAt), retryAt, s.Attempts, s.LastError, sentAt, dbTime(at), m.ID); err != nil {
		t.Fatal(err)
	}
	got, err := w.DB.GetMessage(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}
