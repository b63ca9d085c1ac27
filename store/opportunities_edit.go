package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// MaxLostReasonLen bounds why an opportunity was lost, in characters.
const MaxLostReasonLen = 500

// UpdateOpportunity applies ch to the opportunity id, made by user by,
// provided it is still at expectedVersion, in one transaction: each
// changed field gets an opportunity_edited event on every contact of the
// opportunity ("value changed from €10,000.00 to €12,000.00") and the
// version goes up by one. A new primary contact that was not among the
// contacts is added (its status follows, S18). It returns the opportunity
// as saved.
//
// An opportunity that moved past expectedVersion is a
// *StaleOpportunityError (ErrConflict); a refused value ErrInvalid with a
// sentence; an unknown id ErrNotFound. Nothing changes on any error; an
// edit that changes nothing writes nothing.
func (db *DB) UpdateOpportunity(ctx context.Context, id, expectedVersion int64, ch OpportunityChanges, by int64) (Opportunity, error) {
	var saved Opportunity
	err := db.tx(ctx, func(tx *sql.Tx) error {
		cur, err := txOpportunity(ctx, tx, id)
		if err != nil {
			return err
		}
		if cur.Version != expectedVersion {
			return &StaleOpportunityError{Current: cur}
		}
		if _, err := userName(ctx, tx, by); err != nil {
			return err
		}
		next, evs, err := applyOpportunityChanges(ctx, tx, cur, ch)
		if err != nil {
			return err
		}
		saved = cur
		if len(evs) == 0 {
			return nil
		}
		now := db.nowUTC()
		if err := execOne(ctx, tx, `UPDATE opportunities SET name = ?, value_minor = ?,
    currency = ?, close_date = ?, close_key = ?, owner_id = ?, primary_contact_id = ?,
    updated_at = ?, version = version + 1
WHERE id = ? AND version = ?`, next.Name, next.Value.Minor, next.Value.Currency,
			closeArg(next.CloseDate), closeKey(next.CloseDate), next.OwnerID, next.PrimaryContactID, dbTime(now),
			id, cur.Version); err != nil {
			return err
		}
		added := !containsID(cur.ContactIDs, next.PrimaryContactID)
		if added {
			if _, err := tx.ExecContext(ctx, `INSERT INTO opportunity_contacts (opportunity_id, contact_id)
VALUES (?, ?)`, id, next.PrimaryContactID); err != nil {
				return err
			}
		}
		if saved, err = txOpportunity(ctx, tx, id); err != nil {
			return err
		}
		if err := db.opportunityEvents(ctx, tx, saved, saved.ContactIDs, now, by, evs...); err != nil {
			return err
		}
		if !added {
			return nil
		}
		return db.followPipeline(ctx, tx, saved, []int64{next.PrimaryContactID}, now, by)
	})
	if err != nil {
		return Opportunity{}, fmt.Errorf("edit opportunity %d: %w", id, err)
	}
	return saved, nil
}

// applyOpportunityChanges checks ch against cur and returns the
// opportunity it makes and the events that say so, in field order.
func applyOpportunityChanges(ctx context.Context, tx *sql.Tx, cur Opportunity, ch OpportunityChanges) (Opportunity, []Event, error) {
	next := cur
	var evs []Event
	edit := func(field, old, new string) {
		e := namedEdit(field, field, old, new)
		e.Kind, e.Subject = EventOpportunityEdited, "Edited opportunity "+field
		evs = append(evs, e)
	}
	if ch.Name != nil {
		name := strings.TrimSpace(*ch.Name)
		if err := checkOpportunityName(name); err != nil {
			return Opportunity{}, nil, err
		}
		if name != cur.Name {
			next.Name = name
			edit("name", cur.Name, name)
		}
	}
	if ch.Value != nil {
		if err := ch.Value.Check(); err != nil {
			return Opportunity{}, nil, err
		}
		if *ch.Value != cur.Value {
			next.Value = *ch.Value
			edit("value", cur.Value.String(), next.Value.String())
		}
	}
	if ch.CloseDate != nil {
		if err := checkCloseDate(*ch.CloseDate); err != nil {
			return Opportunity{}, nil, err
		}
		old, nw := dateText(cur.CloseDate), dateText(*ch.CloseDate)
		if old != nw {
			next.CloseDate = time.Time{}
			if nw != "" {
				next.CloseDate, _ = time.Parse(closeLayout, nw)
			}
			edit("close date", old, nw)
		}
	}
	if ch.OwnerID != nil && *ch.OwnerID != cur.OwnerID {
		if *ch.OwnerID <= 0 {
			return Opportunity{}, nil, invalid("an opportunity needs an owner")
		}
		if err := checkOwner(ctx, tx, *ch.OwnerID); err != nil {
			return Opportunity{}, nil, err
		}
		name, err := userName(ctx, tx, *ch.OwnerID)
		if err != nil {
			return Opportunity{}, nil, err
		}
		next.OwnerID = *ch.OwnerID
		edit("owner", cur.OwnerName, name)
		evs[len(evs)-1].Data["owner_id"] = idString(next.OwnerID)
	}
	if ch.PrimaryContactID != nil && *ch.PrimaryContactID != cur.PrimaryContactID {
		pid := *ch.PrimaryContactID
		if err := checkContactRef(ctx, tx, pid); err != nil {
			return Opportunity{}, nil, err
		}
		if !containsID(cur.ContactIDs, pid) && len(cur.ContactIDs) >= MaxOpportunityContacts {
			return Opportunity{}, nil, invalid("an opportunity has at most %d contacts", MaxOpportunityContacts)
		}
		c, err := txContact(ctx, tx, pid)
		if err != nil {
			return Opportunity{}, nil, err
		}
		next.PrimaryContactID = pid
		edit("primary contact", cur.PrimaryName, c.Name())
		evs[len(evs)-1].Data["contact_id"] = idString(pid)
	}
	return next, evs, nil
}

// dateText is a close date as stored, "" for none.
func dateText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(closeLayout)
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// MoveOpportunity moves the opportunity id to stage stageID, as user by
// does on the pipeline, with a stage_changed event on each of its contacts
// ("Stage: proposal → negotiation"). Moving to the won stage wins it; a
// won or lost opportunity moved to an open stage is open again. The lost
// stage needs a reason: LoseOpportunity. Contacts' statuses follow (S18).
// Moving to the stage it is in changes nothing. It returns the
// opportunity as saved.
func (db *DB) MoveOpportunity(ctx context.Context, id, stageID, by int64) (Opportunity, error) {
	var saved Opportunity
	err := db.tx(ctx, func(tx *sql.Tx) error {
		cur, err := txOpportunity(ctx, tx, id)
		if err != nil {
			return err
		}
		stage, err := txStage(ctx, tx, stageID)
		if err != nil {
			return err
		}
		if stage.Outcome == OutcomeLost && cur.State != OutcomeLost {
			return invalid("say why %s was lost: mark it lost with a reason", cur.Name)
		}
		saved, err = db.setStage(ctx, tx, cur, stage, cur.LostReason, by)
		return err
	})
	if err != nil {
		return Opportunity{}, fmt.Errorf("move opportunity %d: %w", id, err)
	}
	return saved, nil
}

// WinOpportunity moves the opportunity id to the won stage, as user by
// does, with an opportunity_won event on each of its contacts; contacts
// with no other open opportunity go back to contact (S18). Winning a won
// opportunity changes nothing.
func (db *DB) WinOpportunity(ctx context.Context, id, by int64) (Opportunity, error) {
	var saved Opportunity
	err := db.tx(ctx, func(tx *sql.Tx) error {
		cur, err := txOpportunity(ctx, tx, id)
		if err != nil {
			return err
		}
		stage, err := stageOf(ctx, tx, OutcomeWon)
		if err != nil {
			return err
		}
		saved, err = db.setStage(ctx, tx, cur, stage, "", by)
		return err
	})
	if err != nil {
		return Opportunity{}, fmt.Errorf("win opportunity %d: %w", id, err)
	}
	return saved, nil
}

// LoseOpportunity moves the opportunity id to the lost stage for reason,
// as user by does, with an opportunity_lost event on each of its contacts;
// contacts with no other open opportunity go back to contact (S18). The
// reason is required: ErrInvalid with a sentence without one. A lost
// opportunity given another reason keeps the new one, with its event.
func (db *DB) LoseOpportunity(ctx context.Context, id int64, reason string, by int64) (Opportunity, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Opportunity{}, fmt.Errorf("lose opportunity %d: %w", id,
			invalid("say why the opportunity was lost: the reason is what the team learns from"))
	}
	if err := checkText("reason", reason, MaxLostReasonLen); err != nil {
		return Opportunity{}, fmt.Errorf("lose opportunity %d: %w", id, err)
	}
	var saved Opportunity
	err := db.tx(ctx, func(tx *sql.Tx) error {
		cur, err := txOpportunity(ctx, tx, id)
		if err != nil {
			return err
		}
		stage, err := stageOf(ctx, tx, OutcomeLost)
		if err != nil {
			return err
		}
		saved, err = db.setStage(ctx, tx, cur, stage, reason, by)
		return err
	})
	if err != nil {
		return Opportunity{}, fmt.Errorf("lose opportunity %d: %w", id, err)
	}
	return saved, nil
}

// setStage moves cur to stage (reason is kept for a lost one), with the
// event that says so on each contact, and the contacts' statuses follow.
func (db *DB) setStage(ctx context.Context, tx *sql.Tx, cur Opportunity, stage Stage, reason string, by int64) (Opportunity, error) {
	if stage.Outcome != OutcomeLost {
		reason = ""
	}
	if cur.StageID == stage.ID && cur.LostReason == reason {
		return cur, nil
	}
	if _, err := userName(ctx, tx, by); err != nil {
		return Opportunity{}, err
	}
	now := db.nowUTC()
	if err := execOne(ctx, tx, `UPDATE opportunities SET stage_id = ?, state = ?, lost_reason = ?,
    updated_at = ?, version = version + 1 WHERE id = ?`, stage.ID, stage.Outcome, reason,
		dbTime(now), cur.ID); err != nil {
		return Opportunity{}, err
	}
	saved, err := txOpportunity(ctx, tx, cur.ID)
	if err != nil {
		return Opportunity{}, err
	}
	e := Event{Kind: EventStageChanged,
		Subject: fmt.Sprintf("Stage: %s → %s", cur.Stage.Name, stage.Name), Detail: saved.Name,
		Data: map[string]string{"old": cur.Stage.Name, "new": stage.Name}}
	switch {
	case stage.Outcome == OutcomeWon:
		e.Kind, e.Subject, e.Detail = EventOpportunityWon, "Won: "+saved.Name, saved.Value.String()
		e.Data["value"] = saved.Value.String()
	case stage.Outcome == OutcomeLost:
		e.Kind, e.Subject, e.Detail = EventOpportunityLost, "Lost: "+saved.Name, reason
		e.Data["reason"] = reason
	case cur.State != OutcomeOpen:
		e.Detail = saved.Name + " · open again"
	}
	if err := db.opportunityEvents(ctx, tx, saved, saved.ContactIDs, now, by, e); err != nil {
		return Opportunity{}, err
	}
	if err := db.followPipeline(ctx, tx, saved, saved.ContactIDs, now, by); err != nil {
		return Opportunity{}, err
	}
	return saved, nil
}

// AddOpportunityContact adds the contact to the opportunity, as user by
// does, with an opportunity_edited event on each of its contacts; the
// contact's status follows (S18). Adding a contact it has changes
// nothing. It returns the opportunity as saved.
func (db *DB) AddOpportunityContact(ctx context.Context, id, contactID, by int64) (Opportunity, error) {
	var saved Opportunity
	err := db.tx(ctx, func(tx *sql.Tx) error {
		cur, err := txOpportunity(ctx, tx, id)
		if err != nil {
			return err
		}
		if containsID(cur.ContactIDs, contactID) {
			saved = cur
			return nil
		}
		if err := checkContactRef(ctx, tx, contactID); err != nil {
			return err
		}
		if len(cur.ContactIDs) >= MaxOpportunityContacts {
			return invalid("an opportunity has at most %d contacts", MaxOpportunityContacts)
		}
		if _, err := userName(ctx, tx, by); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO opportunity_contacts (opportunity_id, contact_id)
VALUES (?, ?)`, id, contactID); err != nil {
			return err
		}
		saved, err = db.touchOpportunity(ctx, tx, id)
		if err != nil {
			return err
		}
		c, err := txContact(ctx, tx, contactID)
		if err != nil {
			return err
		}
		now := db.nowUTC()
		e := Event{Kind: EventOpportunityEdited, Subject: "Contact added: " + c.Name(), Detail: saved.Name,
			Data: map[string]string{"field": "contact", "action": "added", "contact_id": idString(contactID)}}
		if err := db.opportunityEvents(ctx, tx, saved, saved.ContactIDs, now, by, e); err != nil {
			return err
		}
		return db.followPipeline(ctx, tx, saved, []int64{contactID}, now, by)
	})
	if err != nil {
		return Opportunity{}, fmt.Errorf("add contact %d to opportunity %d: %w", contactID, id, err)
	}
	return saved, nil
}

// RemoveOpportunityContact takes the contact off the opportunity, as user
// by does, with an opportunity_edited event on the contact and on those
// that stay; a contact with no open opportunity left goes back to contact
// (S18). The primary contact cannot be removed (make another one primary
// first), nor one the opportunity does not have: ErrInvalid with a
// sentence. It returns the opportunity as saved.
func (db *DB) RemoveOpportunityContact(ctx context.Context, id, contactID, by int64) (Opportunity, error) {
	var saved Opportunity
	err := db.tx(ctx, func(tx *sql.Tx) error {
		cur, err := txOpportunity(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := checkContactRef(ctx, tx, contactID); err != nil {
			return err
		}
		c, err := txContact(ctx, tx, contactID)
		if err != nil {
			return err
		}
		switch {
		case contactID == cur.PrimaryContactID:
			return invalid("%s is the primary contact of %s: make another contact primary first", c.Name(), cur.Name)
		case !containsID(cur.ContactIDs, contactID):
			return invalid("%s is not a contact of %s", c.Name(), cur.Name)
		}
		if _, err := userName(ctx, tx, by); err != nil {
			return err
		}
		if err := execOne(ctx, tx, `DELETE FROM opportunity_contacts WHERE opportunity_id = ? AND contact_id = ?`,
			id, contactID); err != nil {
			return err
		}
		if saved, err = db.touchOpportunity(ctx, tx, id); err != nil {
			return err
		}
		now := db.nowUTC()
		e := Event{Kind: EventOpportunityEdited, Subject: "Contact removed: " + c.Name(), Detail: saved.Name,
			Data: map[string]string{"field": "contact", "action": "removed", "contact_id": idString(contactID)}}
		if err := db.opportunityEvents(ctx, tx, saved, append(saved.ContactIDs, contactID), now, by, e); err != nil {
			return err
		}
		return db.followPipeline(ctx, tx, saved, []int64{contactID}, now, by)
	})
	if err != nil {
		return Opportunity{}, fmt.Errorf("remove contact %d from opportunity %d: %w", contactID, id, err)
	}
	return saved, nil
}

// touchOpportunity bumps the version of opportunity id (its contacts
// changed) and reads it back.
func (db *DB) touchOpportunity(ctx context.Context, tx *sql.Tx, id int64) (Opportunity, error) {
	if err := execOne(ctx, tx, `UPDATE opportunities SET updated_at = ?, version = version + 1 WHERE id = ?`,
		dbTime(db.nowUTC()), id); err != nil {
		return Opportunity{}, err
	}
	return txOpportunity(ctx, tx, id)
}
