package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// eventKinds are the kinds AddEvent accepts. The schema only asks for a
// non-empty kind, so adding one here needs no migration.
var eventKinds = map[EventKind]bool{
	EventCreated: true, EventEmailQueued: true, EventEmailScheduled: true,
	EventEmailSent: true, EventEmailFailed: true, EventEmailCancelled: true,
	EventEmailUncertain: true, EventEmailOpened: true, EventEmailClicked: true,
	EventReplied: true, EventEmailReceived: true, EventStatusChanged: true,
	EventNote: true, EventEmailSentElsewhere: true, EventAutoReply: true,
	EventBounced: true, EventCall: true, EventTask: true, EventEdited: true,
	EventOpportunityCreated: true, EventStageChanged: true, EventOpportunityWon: true,
	EventOpportunityLost: true, EventOpportunityEdited: true,
}

// insertEventSQL and bumpActivitySQL run with every outbox transition and
// every enqueue: they are cached prepared statements (see txStmt).
const (
	insertEventSQL = `
INSERT INTO events (contact_id, at, kind, message_id, subject, detail, received_id)
VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`
	bumpActivitySQL = `
UPDATE contacts SET last_activity_at = ?1
WHERE id = ?2 AND (last_activity_at IS NULL OR last_activity_at < ?1)`
)

// insertEvent writes e inside tx, sets e.ID and moves the contact's
// last_activity_at forward to e.At (never backward: an old event imported
// late does not make a contact look recently active).
func (db *DB) insertEvent(ctx context.Context, tx *sql.Tx, e *Event) error {
	at := dbTime(e.At)
	q, args := insertEventSQL, eventArgs(e, at)
	if e.Data != nil {
		data, err := encodeData(e.Data)
		if err != nil {
			return fmt.Errorf("insert event: %w", err)
		}
		q, args = insertEventDataSQL, append(args, data)
	}
	if e.OpportunityID != 0 {
		q = insertEventOpportunitySQL
		if e.Data == nil {
			args = append(args, nil)
		}
		args = append(args, e.OpportunityID)
	}
	st, err := db.txStmt(ctx, tx, q) //nolint:sqlclosecheck // bound to tx, closed when it ends
	if err != nil {
		return fmt.Errorf("insert event: %w", err)
	}
	if err := st.QueryRowContext(ctx, args...).Scan(&e.ID); err != nil {
		return fmt.Errorf("insert event: %w", translate(err))
	}
	return db.bumpActivity(ctx, tx, e.ContactID, at)
}

// eventArgs binds e, stored at at, to insertEventSQL.
func eventArgs(e *Event, at any) []any {
	var msg, rcv any
	if e.MessageID != 0 {
		msg = e.MessageID
	}
	if e.ReceivedID != 0 {
		rcv = e.ReceivedID
	}
	return []any{e.ContactID, at, e.Kind, msg, e.Subject, e.Detail, rcv}
}

// bumpActivity sets the contact's last_activity_at to at if that is later.
func (db *DB) bumpActivity(ctx context.Context, tx *sql.Tx, contactID int64, at any) error {
	st, err := db.txStmt(ctx, tx, bumpActivitySQL) //nolint:sqlclosecheck // bound to tx, closed when it ends
	if err == nil {
		_, err = st.ExecContext(ctx, at, contactID)
	}
	if err != nil {
		return fmt.Errorf("bump last activity of contact %d: %w", contactID, translate(err))
	}
	return nil
}

// AddEvent records e in the contact's Life of the Lead and sets e.ID; a zero
// e.At means now. An unknown kind, a missing contact or message is
// ErrInvalid.
func (db *DB) AddEvent(ctx context.Context, e *Event) error {
	if !eventKinds[e.Kind] {
		return fmt.Errorf("add event: %w", invalid("unknown kind %q", e.Kind))
	}
	if e.ContactID <= 0 {
		return fmt.Errorf("add event: %w", invalid("no contact"))
	}
	in := *e
	in.Subject, in.Detail = strings.TrimSpace(in.Subject), strings.TrimSpace(in.Detail)
	in.At = orNow(in.At, db.nowUTC()).UTC()
	if err := db.tx(ctx, func(tx *sql.Tx) error { return db.insertEvent(ctx, tx, &in) }); err != nil {
		return fmt.Errorf("add event to contact %d: %w", e.ContactID, err)
	}
	*e = in
	return nil
}

// Timeline returns the contact's most recent events, newest first (ties by
// id, newest first). limit <= 0 means TimelineLimit; older events are had
// with TimelineBefore.
//
// A scheduled email's event is stamped when it was scheduled; while the
// message still waits, the latest such event of each message also says when
// it leaves, in its Detail ("leaves Fri 27 Nov 2026 09:30 CET", in the
// local zone), so nobody reads the scheduling time as the sending time. An
// email_sent event whose message got a reply is Answered.
func (db *DB) Timeline(ctx context.Context, contactID int64, limit int) ([]Event, error) {
	if limit <= 0 {
		limit = TimelineLimit
	}
	es, err := db.timeline(ctx, ``, contactID, limit)
	if err != nil {
		return nil, fmt.Errorf("timeline of contact %d: %w", contactID, err)
	}
	return es, nil
}

// timeline reads up to limit events of contactID newest first, those
// matching cond (on e; its args are ?5 and on) only. Each row costs index
// lookups only: the scheduled message's send_at, the sent message's
// replied_at, both by primary key.
func (db *DB) timeline(ctx context.Context, cond string, contactID int64, limit int, args ...any) ([]Event, error) {
	rows, err := db.sql.QueryContext(ctx, timelineSQL(cond),
		append([]any{EventEmailScheduled, EventEmailSent, contactID, limit}, args...)...)
	if err != nil {
		return nil, translate(err)
	}
	es, err := collect(rows, scanTimelineEvent)
	if err != nil {
		return nil, translate(err)
	}
	return es, nil
}

// scanTimelineEvent reads a row of timelineSQL's columns.
func scanTimelineEvent(r rowScanner) (Event, error) {
	var (
		e        Event
		leaves   time.Time
		answered sql.NullBool
		data     sql.NullString
	)
	err := r.Scan(&e.ID, &e.ContactID, scanTime(&e.At), &e.Kind, &e.MessageID,
		&e.Subject, &e.Detail, &e.ReceivedID, scanTime(&leaves), &answered, &data, &e.OpportunityID, &e.OpportunityName)
	if err == nil && data.Valid {
		e.Data = decodeData(data.String)
	}
	if !leaves.IsZero() {
		e.Detail = strings.Join(slices.DeleteFunc([]string{e.Detail,
			"leaves " + leaves.Local().Format("Mon 2 Jan 2006 15:04 MST")}, isBlank), " · ")
	}
	e.Answered = answered.Bool
	return e, err
}

// timelineSQL is the query of timeline with cond.
func timelineSQL(cond string) string {
	return timelineColsSQL + `
WHERE e.contact_id = ?3` + cond + ` ORDER BY e.at DESC, e.id DESC LIMIT ?4`
}

// timelineColsSQL reads the columns of scanTimelineEvent; ?1 and ?2 are
// the kinds email_scheduled and email_sent.
const timelineColsSQL = `SELECT e.id, e.contact_id, e.at, e.kind, coalesce(e.message_id, 0),
    e.subject, e.detail, coalesce(e.received_id, 0), m.send_at,
    CASE WHEN e.kind = ?2 THEN (SELECT a.replied_at IS NOT NULL FROM messages a WHERE a.id = e.message_id) END,
    e.data, coalesce(e.opportunity_id, 0), coalesce(o.name, '')
FROM events e
LEFT JOIN opportunities o ON o.id = e.opportunity_id
LEFT JOIN messages m ON m.id = e.message_id AND e.kind = ?1 AND m.status = 'scheduled'
    AND e.id = (SELECT max(x.id) FROM events x WHERE x.message_id = e.message_id AND x.kind = e.kind)`

func isBlank(s string) bool { return strings.TrimSpace(s) == "" }
