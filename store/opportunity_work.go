package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Notes and tasks on an opportunity (issue 12: "notes and tasks like
// contacts"). Such a note or task is also on one of the deal's contacts,
// its primary one unless a task names another: its row and its events
// carry the deal's id, as a send from the deal does, so it shows in the
// deal's own timeline (OpportunityTimeline) and in that contact's Life of
// the Lead, once in each.

// AddOpportunityNote writes a note by user by on opportunity id and its
// primary contact, with its note event, in one transaction, and returns
// it. The text is refused as AddNote refuses it (ErrInvalid); an unknown
// opportunity is ErrNotFound.
func (db *DB) AddOpportunityNote(ctx context.Context, id, by int64, body string) (Note, error) {
	if id <= 0 {
		return Note{}, fmt.Errorf("add note: %w", invalid("opportunity %d does not exist", id))
	}
	n, err := db.addNote(ctx, Note{OpportunityID: id, UserID: by, Body: body})
	if err != nil {
		return Note{}, fmt.Errorf("add note to opportunity %d: %w", id, err)
	}
	return n, nil
}

// AddOpportunityTask writes t, made by user by, on opportunity
// t.OpportunityID, with its task event, and sets t's ID, times, contact
// and names. A zero t.ContactID is the deal's primary contact; another
// must be one of its contacts. The task is checked as AddTask checks it
// (ErrInvalid); an unknown opportunity is ErrNotFound.
func (db *DB) AddOpportunityTask(ctx context.Context, t *Task, by int64) error {
	if t.OpportunityID <= 0 {
		return fmt.Errorf("add task: %w", invalid("opportunity %d does not exist", t.OpportunityID))
	}
	return db.addTask(ctx, t, by, fmt.Sprintf("opportunity %d", t.OpportunityID))
}

// workOn reads, inside tx, the opportunity a note or a task is written on,
// and *contactID becomes its primary contact when it is 0 and must
// otherwise be one of its contacts. Without an opportunity (0) it reads
// nothing and the deal is zero.
func workOn(ctx context.Context, tx *sql.Tx, contactID *int64, opportunityID int64) (Opportunity, error) {
	if opportunityID == 0 {
		return Opportunity{}, nil
	}
	o, err := txOpportunity(ctx, tx, opportunityID)
	if err != nil {
		return Opportunity{}, err
	}
	switch {
	case *contactID == 0:
		*contactID = o.PrimaryContactID
	case !slices.Contains(o.ContactIDs, *contactID):
		c, err := txContact(ctx, tx, *contactID)
		if err != nil {
			return Opportunity{}, err
		}
		return Opportunity{}, invalid("%s is not one of the contacts of the opportunity %s: add them to it first", c.Name(), o.Name)
	}
	return o, nil
}

// dealOf reads the id and name of opportunity id for the events of a note
// or task about it, inside tx: zero for 0, or for a deal since deleted.
func dealOf(ctx context.Context, tx *sql.Tx, id int64) (Opportunity, error) {
	if id == 0 {
		return Opportunity{}, nil
	}
	o := Opportunity{ID: id}
	err := tx.QueryRowContext(ctx, `SELECT name FROM opportunities WHERE id = ?`, id).Scan(&o.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return Opportunity{}, nil
	}
	return o, err
}

// workEvents writes the events evs of a note or task on contactID at now,
// naming by; with a deal (a non-zero deal.ID) they carry its id and name,
// as opportunityEvents writes them.
func (db *DB) workEvents(ctx context.Context, tx *sql.Tx, contactID int64, deal Opportunity, now time.Time, by int64, evs ...Event) error {
	if deal.ID == 0 {
		return db.insertEvents(ctx, tx, contactID, now, by, evs)
	}
	return db.opportunityEvents(ctx, tx, deal, []int64{contactID}, now, by, evs...)
}
