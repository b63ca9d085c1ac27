package store

import (
	"context"
	"fmt"
	"time"
)

// timelineBeforeCond keeps the events older than (?5, ?6): a row value
// comparison, one range on events_timeline (contact_id, at, id).
const timelineBeforeCond = ` AND (e.at, e.id) < (?5, ?6)`

// TimelineBefore returns the contact's events older than the one at
// (beforeAt, beforeID) in the timeline's order, newest first, as Timeline
// fills them: the page after the last event shown. limit <= 0 means
// TimelineLimit. It is a keyset page on the events_timeline index, so the
// thousandth page costs what the first does.
func (db *DB) TimelineBefore(ctx context.Context, contactID int64, beforeAt time.Time, beforeID int64, limit int) ([]Event, error) {
	if limit <= 0 {
		limit = TimelineLimit
	}
	es, err := db.timeline(ctx, timelineBeforeCond, contactID, limit, dbTime(beforeAt), beforeID)
	if err != nil {
		return nil, fmt.Errorf("timeline of contact %d before event %d: %w", contactID, beforeID, err)
	}
	return es, nil
}

// ThreadOf returns what answers our send messageID — replies,
// auto-replies, bounces, the rep's follow-ups from elsewhere — oldest
// first (by Date, then as recorded), each with its contacts.
func (db *DB) ThreadOf(ctx context.Context, messageID int64) ([]Received, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+receivedCols+` FROM received
WHERE reply_to_message = ? ORDER BY date, id`, messageID)
	if err != nil {
		return nil, fmt.Errorf("thread of message %d: %w", messageID, translate(err))
	}
	xs, err := collect(rows, scanReceived)
	if err == nil {
		ptrs := make([]*Received, len(xs))
		for i := range xs {
			ptrs[i] = &xs[i]
		}
		err = db.fillContacts(ctx, ptrs)
	}
	if err != nil {
		return nil, fmt.Errorf("thread of message %d: %w", messageID, translate(err))
	}
	return xs, nil
}
