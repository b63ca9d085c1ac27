package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// leadSteps are the statuses a person may set by hand from each status
// (S18): a lead is qualified or not, a qualified lead becomes a contact
// (the lead → contact conversion), and a contact may go back to being a
// lead. contact_with_opportunity is set and cleared by opportunities only.
var leadSteps = map[Status][]Status{
	StatusOpen:        {StatusUnqualified, StatusQualified},
	StatusUnqualified: {StatusOpen, StatusQualified},
	StatusQualified:   {StatusOpen, StatusUnqualified, StatusContact},
	StatusContact:     {StatusOpen, StatusUnqualified, StatusQualified},
}

// kindOf is the kind a status belongs to.
func kindOf(s Status) Kind {
	if s == StatusContact || s == StatusContactWithOpportunity {
		return KindContact
	}
	return KindLead
}

// conversionStatus is the status a kind change by hand leads to.
func conversionStatus(k Kind) Status {
	if k == KindContact {
		return StatusContact
	}
	return StatusQualified
}

// transition checks that cur may go to target by hand and returns the
// kind it has then.
func transition(cur Contact, target Status) (Kind, error) {
	switch {
	case !target.Valid():
		return "", invalid("%q is not a status: use open, unqualified, qualified or contact", target)
	case target == StatusContactWithOpportunity:
		return "", invalid("contact with opportunity is set by opening an opportunity, not by hand")
	case cur.Status == StatusContactWithOpportunity:
		return "", invalid("%s has an opportunity: its status follows the opportunity", cur.Name())
	case target == StatusContact && cur.Status != StatusQualified:
		return "", invalid("%s is %s: qualify the lead before converting it to a contact", cur.Name(), cur.Status)
	}
	for _, s := range leadSteps[cur.Status] {
		if s == target {
			return kindOf(target), nil
		}
	}
	return "", invalid("%s cannot go from %s to %s", cur.Name(), cur.Status, target)
}

// statusEvent says that cur became next.
func statusEvent(cur, next Contact) Event {
	e := Event{Kind: EventStatus, Subject: fmt.Sprintf("Status: %s → %s", cur.Status, next.Status),
		Data: map[string]string{"old": string(cur.Status), "new": string(next.Status)}}
	if cur.Kind != next.Kind {
		e.Detail = fmt.Sprintf("now a %s", next.Kind)
		e.Data["kind"] = string(next.Kind)
	}
	return e
}

// SetStatus moves the contact id to status, as the user by does by hand
// (S18): open → unqualified or qualified, qualified → contact (the kind
// becomes contact), a contact back to a lead status (the kind becomes
// lead). contact_with_opportunity is refused: opportunities set it. It
// writes a status event with the old and new status and by's name, and
// returns the contact as saved; setting the status it has changes nothing.
// A refused step is ErrInvalid with a sentence.
func (db *DB) SetStatus(ctx context.Context, id int64, status Status, by int64) (Contact, error) {
	var saved Contact
	err := db.tx(ctx, func(tx *sql.Tx) error {
		cur, err := txContact(ctx, tx, id)
		if err != nil {
			return err
		}
		saved = cur
		if cur.Status == status {
			return nil
		}
		kind, err := transition(cur, status)
		if err != nil {
			return err
		}
		saved.Status, saved.Kind = status, kind
		return db.saveContact(ctx, tx, cur, &saved, []Event{statusEvent(cur, saved)}, by)
	})
	if err != nil {
		return Contact{}, fmt.Errorf("set status of contact %d: %w", id, err)
	}
	return saved, nil
}

// Archive hides the contact id from listings, keeping it and its history,
// with an edited event; archiving an archived contact changes nothing.
func (db *DB) Archive(ctx context.Context, id int64, by int64) (Contact, error) {
	return db.setArchived(ctx, id, true, by)
}

// Unarchive brings an archived contact back into listings, with an edited
// event.
func (db *DB) Unarchive(ctx context.Context, id int64, by int64) (Contact, error) {
	return db.setArchived(ctx, id, false, by)
}

func (db *DB) setArchived(ctx context.Context, id int64, archive bool, by int64) (Contact, error) {
	var saved Contact
	err := db.tx(ctx, func(tx *sql.Tx) error {
		cur, err := txContact(ctx, tx, id)
		if err != nil {
			return err
		}
		saved = cur
		if archive == !cur.ArchivedAt.IsZero() {
			return nil
		}
		now := db.nowUTC()
		var at any
		e := Event{Kind: EventEdited, Subject: "Unarchived", Detail: "back in the lists",
			Data: map[string]string{"field": "archived", "old": "yes", "new": "no"}}
		saved.ArchivedAt = time.Time{}
		if archive {
			at, saved.ArchivedAt = dbTime(now), now
			e = Event{Kind: EventEdited, Subject: "Archived", Detail: "hidden from the lists, history kept",
				Data: map[string]string{"field": "archived", "old": "no", "new": "yes"}}
		}
		if err := execOne(ctx, tx, `UPDATE contacts SET archived_at = ?, updated_at = ?,
    version = version + 1 WHERE id = ?`, at, dbTime(now), id); err != nil {
			return err
		}
		saved.Version++
		saved.UpdatedAt = now
		return db.insertEvents(ctx, tx, id, now, by, []Event{e})
	})
	if err != nil {
		return Contact{}, fmt.Errorf("archive contact %d: %w", id, err)
	}
	return saved, nil
}

// Forgotten counts what Forget erased.
type Forgotten struct {
	Messages int // sent and queued messages to the person
	Received int // mail from or about the person that involved no one else
	Notes    int
	Calls    int
	Tasks    int
	Events   int
}

// Forget erases the contact id for a privacy request, in one transaction:
// the person, the messages sent to them (their bytes included), the mail
// Mail Sync recorded that involves only them (links to mail that also
// involves others are removed, that mail stays), their notes, calls,
// tasks, every event of their Life of the Lead, and their address in the
// list of addresses that bounced. Nothing records that they existed. An unknown id is ErrNotFound.
// The primary contact of an opportunity is refused (ErrInvalid, naming
// the opportunities): another contact must be made primary first; on
// other opportunities the person is simply taken off.
func (db *DB) Forget(ctx context.Context, id int64) (Forgotten, error) {
	var f Forgotten
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := txContact(ctx, tx, id); err != nil {
			return err
		}
		if err := checkNotPrimary(ctx, tx, id); err != nil {
			return err
		}
		steps := []struct {
			n *int
			q string
		}{
			{&f.Events, `DELETE FROM events WHERE contact_id = ?1`},
			{&f.Notes, `DELETE FROM notes WHERE contact_id = ?1`},
			{&f.Calls, `DELETE FROM calls WHERE contact_id = ?1`},
			{&f.Tasks, `DELETE FROM tasks WHERE contact_id = ?1`},
			{&f.Received, `DELETE FROM received WHERE id IN (
    SELECT rc.received_id FROM received_contacts rc WHERE rc.contact_id = ?1
      AND NOT EXISTS (SELECT 1 FROM received_contacts o
                      WHERE o.received_id = rc.received_id AND o.contact_id <> ?1))`},
			{nil, `DELETE FROM received_contacts WHERE contact_id = ?1`},
			{&f.Messages, `DELETE FROM messages WHERE contact_id = ?1`},
			{nil, `DELETE FROM bouncing_addresses WHERE address = (SELECT email FROM contacts WHERE id = ?1)
    AND NOT EXISTS (SELECT 1 FROM contacts o WHERE o.email = bouncing_addresses.address AND o.id <> ?1)`},
			{nil, `DELETE FROM contacts WHERE id = ?1`},
		}
		for _, s := range steps {
			res, err := tx.ExecContext(ctx, s.q, id)
			if err != nil {
				return err
			}
			if s.n != nil {
				n, err := res.RowsAffected()
				if err != nil {
					return err
				}
				*s.n = int(n)
			}
		}
		return nil
	})
	if err != nil {
		return Forgotten{}, fmt.Errorf("forget contact %d: %w", id, err)
	}
	return f, nil
}
