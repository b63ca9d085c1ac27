package store

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// The kinds of event that working a lead makes (notes.go, calls.go,
// tasks.go, contacts_edit.go). Each carries Data:
const (
	// EventStatus is a status change (S18): data old, new, by (the user's
	// name) and, for a conversion, kind.
	EventStatus EventKind = "status"
	// EventCall is a logged call: data call_id, outcome, seconds.
	EventCall EventKind = "call"
	// EventTask is a task made, done, snoozed or rescheduled: data
	// task_id, action (added, done, snoozed, rescheduled), due, by.
	EventTask EventKind = "task"
	// EventEdited is one changed field of a contact, or its archiving:
	// data field, old, new, by.
	EventEdited EventKind = "edited"
)

// The event data of a note (EventNote) is note_id and by.

// insertEventDataSQL is insertEventSQL with the event's data.
const insertEventDataSQL = `
INSERT INTO events (contact_id, at, kind, message_id, subject, detail, received_id, data)
VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`

// insertEventOpportunitySQL is insertEventDataSQL (data may be NULL) with
// the opportunity the event is about.
const insertEventOpportunitySQL = `
INSERT INTO events (contact_id, at, kind, message_id, subject, detail, received_id, data, opportunity_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`

// encodeData is the JSON of an event's data.
func encodeData(m map[string]string) (string, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("event data: %w", err)
	}
	return string(b), nil
}

// decodeData reads an event's data; a row edited by hand into something
// else than an object of strings gives what could be read, never an error
// that would hide the timeline.
func decodeData(s string) map[string]string {
	var raw map[string]json.RawMessage
	if json.Unmarshal([]byte(s), &raw) != nil {
		return nil
	}
	m := make(map[string]string, len(raw))
	for k, v := range raw {
		var str string
		if json.Unmarshal(v, &str) == nil {
			m[k] = str
		} else {
			m[k] = string(v)
		}
	}
	return m
}

// idString is an id as event data holds it.
func idString(id int64) string { return strconv.FormatInt(id, 10) }
