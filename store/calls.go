package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// CallOutcome is how a logged call went.
type CallOutcome string

// The outcomes of a call.
const (
	CallConnected CallOutcome = "connected"
	CallVoicemail CallOutcome = "voicemail"
	CallNoAnswer  CallOutcome = "no_answer"
)

// Valid reports whether o is a known outcome.
func (o CallOutcome) Valid() bool {
	return o == CallConnected || o == CallVoicemail || o == CallNoAnswer
}

// Words is the outcome as a sentence says it.
func (o CallOutcome) Words() string {
	switch o {
	case CallVoicemail:
		return "left a voicemail"
	case CallNoAnswer:
		return "no answer"
	}
	return "connected"
}

// MaxCallDuration bounds a logged call's duration.
const MaxCallDuration = 24 * time.Hour

// Call is a logged phone call with a contact.
type Call struct {
	ID        int64
	ContactID int64
	UserID    int64 // who called, 0 if unknown
	Outcome   CallOutcome
	Duration  time.Duration // whole seconds
	Note      string
	At        time.Time // when the call was; zero means now
	CreatedAt time.Time
}

// LogCall records c, made by user by, with its call event in one
// transaction, and sets c.ID and its times. An unknown outcome, a negative
// or day-long duration, a note LogCall refuses as AddNote does, or a time
// in the future is ErrInvalid; an unknown contact ErrNotFound.
func (db *DB) LogCall(ctx context.Context, c *Call, by int64) error {
	in := *c
	in.UserID, in.Note = by, cleanText(in.Note)
	now := db.nowUTC()
	in.At, in.CreatedAt = orNow(in.At, now).UTC(), now
	in.Duration = in.Duration.Truncate(time.Second)
	switch {
	case !in.Outcome.Valid():
		return fmt.Errorf("log call: %w", invalid("%q is not a call outcome: use connected, voicemail or no-answer", in.Outcome))
	case in.Duration < 0 || in.Duration > MaxCallDuration:
		return fmt.Errorf("log call: %w", invalid("a call of %s cannot be logged: give a duration between 0 and 24 hours", in.Duration))
	case in.At.After(now.Add(time.Minute)):
		return fmt.Errorf("log call: %w", invalid("a call cannot be logged in the future"))
	}
	if err := checkLongText("call note", in.Note, true); err != nil {
		return fmt.Errorf("log call: %w", err)
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := txContact(ctx, tx, in.ContactID); err != nil {
			return err
		}
		secs := int64(in.Duration / time.Second)
		if err := tx.QueryRowContext(ctx, `INSERT INTO calls (contact_id, user_id, outcome,
    duration_s, note, at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			in.ContactID, nullID(by), in.Outcome, secs, in.Note, dbTime(in.At), dbTime(now)).Scan(&in.ID); err != nil {
			return err
		}
		var parts []string
		if in.Duration > 0 {
			parts = append(parts, callLength(in.Duration))
		}
		if in.Note != "" {
			parts = append(parts, noteSummary(in.Note))
		}
		detail := strings.Join(parts, " · ")
		return db.insertEvents(ctx, tx, in.ContactID, in.At, by, []Event{{Kind: EventCall,
			Subject: "Call: " + in.Outcome.Words(), Detail: detail,
			Data: map[string]string{"call_id": idString(in.ID), "outcome": string(in.Outcome),
				"seconds": strconv.FormatInt(secs, 10), "note": in.Note}}})
	})
	if err != nil {
		return fmt.Errorf("log call with contact %d: %w", c.ContactID, err)
	}
	*c = in
	return nil
}

// Calls returns the contact's logged calls, newest first, at most limit
// (0: 100).
func (db *DB) Calls(ctx context.Context, contactID int64, limit int) ([]Call, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT id, contact_id, coalesce(user_id, 0), outcome,
    duration_s, note, at, created_at FROM calls
WHERE contact_id = ? ORDER BY at DESC, id DESC LIMIT ?`, contactID, limit)
	if err != nil {
		return nil, fmt.Errorf("calls of contact %d: %w", contactID, translate(err))
	}
	cs, err := collect(rows, func(r rowScanner) (Call, error) {
		var c Call
		var secs int64
		err := r.Scan(&c.ID, &c.ContactID, &c.UserID, &c.Outcome, &secs, &c.Note,
			scanTime(&c.At), scanTime(&c.CreatedAt))
		c.Duration = time.Duration(secs) * time.Second
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("calls of contact %d: %w", contactID, translate(err))
	}
	return cs, nil
}

// callLength says how long a call took in plain units: "45 s",
// "1 min 30 s", "12 min", "1 h 5 min" (seconds only under 10 minutes).
func callLength(d time.Duration) string {
	h, m, sec := int(d/time.Hour), int(d/time.Minute)%60, int(d/time.Second)%60
	switch {
	case h > 0 && m > 0:
		return fmt.Sprintf("%d h %d min", h, m)
	case h > 0:
		return fmt.Sprintf("%d h", h)
	case m > 0 && m < 10 && sec > 0:
		return fmt.Sprintf("%d min %d s", m, sec)
	case m > 0:
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d s", sec)
}
