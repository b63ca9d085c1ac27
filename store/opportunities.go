package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// MaxOpportunityContacts bounds the contacts of one opportunity.
const MaxOpportunityContacts = 50

// closeLayout is how a close date is stored: a calendar date.
const closeLayout = time.DateOnly

// briefOpportunityCols and briefOpportunityFrom read what a pipeline card
// shows (OpportunityQuery.Brief): no stage join, times or lost reason.
// opportunityCols and opportunityFrom read a whole Opportunity with its
// stage, owner's name and primary contact's name and company; its columns
// start with the brief ones, so one scan reads both.
const (
	briefOpportunityCols = `o.id AS id, o.name, o.value_minor, o.currency, o.stage_id, o.close_date,
    o.owner_id, coalesce(u.name, ''), o.primary_contact_id, c.first_name, c.last_name, c.email,
    c.company, o.state, o.close_key AS close_key`
	briefOpportunityFrom = `opportunities o JOIN contacts c ON c.id = o.primary_contact_id
    LEFT JOIN users u ON u.id = o.owner_id`
	opportunityCols = briefOpportunityCols + `, s.name, s.position, s.probability, s.outcome,
    o.lost_reason, o.version, o.created_at, o.updated_at`
	opportunityFrom = `opportunities o JOIN stages s ON s.id = o.stage_id
    JOIN contacts c ON c.id = o.primary_contact_id
    LEFT JOIN users u ON u.id = o.owner_id`
)

// scanOpportunity reads opportunityCols and returns the row's cursor.
func scanOpportunity(r rowScanner) (Opportunity, OpportunityCursor, error) {
	return scanOpportunityRow(r, false)
}

// scanBriefOpportunity reads briefOpportunityCols and returns the row's
// cursor.
func scanBriefOpportunity(r rowScanner) (Opportunity, OpportunityCursor, error) {
	return scanOpportunityRow(r, true)
}

// scanOpportunityRow reads briefOpportunityCols, and the rest of
// opportunityCols unless brief.
func scanOpportunityRow(r rowScanner, brief bool) (Opportunity, OpportunityCursor, error) {
	var (
		o                  Opportunity
		closeDate          sql.NullString
		first, last, email string
		cur                OpportunityCursor
	)
	dest := []any{&o.ID, &o.Name, &o.Value.Minor, &o.Value.Currency, &o.StageID, &closeDate,
		&o.OwnerID, &o.OwnerName, &o.PrimaryContactID, &first, &last, &email, &o.Company, &o.State, &cur.CloseKey}
	if !brief {
		dest = append(dest, &o.Stage.Name, &o.Stage.Position, &o.Stage.Probability, &o.Stage.Outcome,
			&o.LostReason, &o.Version, scanTime(&o.CreatedAt), scanTime(&o.UpdatedAt))
	}
	if err := r.Scan(dest...); err != nil {
		return Opportunity{}, OpportunityCursor{}, err
	}
	o.Stage.ID = o.StageID
	o.PrimaryName = Contact{FirstName: first, LastName: last, Email: email}.Name()
	if closeDate.Valid {
		// A date the store wrote; one edited by hand into something else
		// reads as none rather than hiding the opportunity.
		o.CloseDate, _ = time.Parse(closeLayout, closeDate.String)
	}
	cur.ID = o.ID
	return o, cur, nil
}

// txOpportunity reads opportunity id inside tx with its contact ids.
func txOpportunity(ctx context.Context, tx *sql.Tx, id int64) (Opportunity, error) {
	o, _, err := scanOpportunity(tx.QueryRowContext(ctx,
		`SELECT `+opportunityCols+` FROM `+opportunityFrom+` WHERE o.id = ?`, id))
	if err != nil {
		return Opportunity{}, translate(err)
	}
	o.ContactIDs, err = txOpportunityContacts(ctx, tx, o)
	return o, err
}

// txOpportunityContacts lists the contact ids of o, the primary first.
func txOpportunityContacts(ctx context.Context, tx *sql.Tx, o Opportunity) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT contact_id FROM opportunity_contacts
WHERE opportunity_id = ? ORDER BY contact_id <> ?, contact_id`, o.ID, o.PrimaryContactID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r rowScanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
}

// GetOpportunity returns the opportunity id with its stage and contacts;
// an unknown id is ErrNotFound.
func (db *DB) GetOpportunity(ctx context.Context, id int64) (Opportunity, error) {
	var o Opportunity
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		if o, err = txOpportunity(ctx, tx, id); err != nil {
			return err
		}
		o.Contacts, err = txContactsOf(ctx, tx, o)
		return err
	})
	if err != nil {
		return Opportunity{}, fmt.Errorf("opportunity %d: %w", id, err)
	}
	return o, nil
}

// readTx runs fn in a read-only transaction, so that what it reads is one
// snapshot.
func (db *DB) readTx(ctx context.Context, fn func(*sql.Tx) error) error {
	t, err := db.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return translate(err)
	}
	defer func() { _ = t.Rollback() }()
	return translate(fn(t))
}

// txContactsOf reads the contacts of o in the order of o.ContactIDs.
func txContactsOf(ctx context.Context, tx *sql.Tx, o Opportunity) ([]OpportunityContact, error) {
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.first_name, c.last_name, c.email,
    c.company, c.status
FROM opportunity_contacts oc JOIN contacts c ON c.id = oc.contact_id
WHERE oc.opportunity_id = ? ORDER BY c.id <> ?, c.id`, o.ID, o.PrimaryContactID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r rowScanner) (OpportunityContact, error) {
		var oc OpportunityContact
		var first, last string
		err := r.Scan(&oc.ID, &first, &last, &oc.Email, &oc.Company, &oc.Status)
		oc.Name = Contact{FirstName: first, LastName: last, Email: oc.Email}.Name()
		oc.Primary = oc.ID == o.PrimaryContactID
		return oc, err
	})
}

// CreateOpportunity adds o, made by user by, in one transaction: its row,
// its contacts (the primary and o.ContactIDs), an opportunity_created
// event on each contact, and each contact's status follows (S18: it now
// has an open opportunity). A zero StageID is the pipeline's first stage;
// a zero OwnerID is by. It sets o's ID, Version, State, Stage, times and
// names. A refused field is ErrInvalid with a sentence naming it; nothing
// is written on any error.
func (db *DB) CreateOpportunity(ctx context.Context, o *Opportunity, by int64) error {
	in, err := prepareOpportunity(*o, by)
	if err != nil {
		return fmt.Errorf("create opportunity: %w", err)
	}
	var saved Opportunity
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := userName(ctx, tx, by); err != nil {
			return err
		}
		if err := checkOwner(ctx, tx, in.OwnerID); err != nil {
			return err
		}
		stage, err := newStage(ctx, tx, in.StageID)
		if err != nil {
			return err
		}
		for _, cid := range in.ContactIDs {
			if err := checkContactRef(ctx, tx, cid); err != nil {
				return err
			}
		}
		now := db.nowUTC()
		if err := tx.QueryRowContext(ctx, `INSERT INTO opportunities (name, value_minor, currency,
    stage_id, close_date, close_key, owner_id, primary_contact_id, state, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?) RETURNING id`, in.Name, in.Value.Minor,
			in.Value.Currency, stage.ID, closeArg(in.CloseDate), closeKey(in.CloseDate), in.OwnerID, in.PrimaryContactID,
			dbTime(now), dbTime(now)).Scan(&in.ID); err != nil {
			return err
		}
		for _, cid := range in.ContactIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO opportunity_contacts (opportunity_id, contact_id)
VALUES (?, ?)`, in.ID, cid); err != nil {
				return err
			}
		}
		if saved, err = txOpportunity(ctx, tx, in.ID); err != nil {
			return err
		}
		e := Event{Kind: EventOpportunityCreated, Subject: "Opportunity: " + saved.Name,
			Detail: opportunitySummary(saved),
			Data:   map[string]string{"value": saved.Value.String(), "stage": saved.Stage.Name}}
		if err := db.opportunityEvents(ctx, tx, saved, saved.ContactIDs, now, by, e); err != nil {
			return err
		}
		return db.followPipeline(ctx, tx, saved, saved.ContactIDs, now, by)
	})
	if err != nil {
		return fmt.Errorf("create opportunity: %w", err)
	}
	*o = saved
	return nil
}

// prepareOpportunity checks what can be checked of a new opportunity in
// by user by without the database, and returns it trimmed, with its owner
// and its contact ids (the primary first, no repeats).
func prepareOpportunity(in Opportunity, by int64) (Opportunity, error) {
	in.Name = strings.TrimSpace(in.Name)
	if in.OwnerID == 0 {
		in.OwnerID = by
	}
	if err := checkOpportunityName(in.Name); err != nil {
		return Opportunity{}, err
	}
	if err := in.Value.Check(); err != nil {
		return Opportunity{}, err
	}
	if err := checkCloseDate(in.CloseDate); err != nil {
		return Opportunity{}, err
	}
	switch {
	case in.OwnerID <= 0:
		return Opportunity{}, invalid("an opportunity needs an owner")
	case in.PrimaryContactID <= 0:
		return Opportunity{}, invalid("an opportunity needs a primary contact")
	case in.StageID < 0:
		return Opportunity{}, invalid("stage %d does not exist", in.StageID)
	}
	ids := []int64{in.PrimaryContactID}
	for _, id := range in.ContactIDs {
		if id <= 0 {
			return Opportunity{}, invalid("contact %d does not exist", id)
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) > MaxOpportunityContacts {
		return Opportunity{}, invalid("%d contacts; an opportunity has at most %d", len(ids), MaxOpportunityContacts)
	}
	in.ContactIDs = ids
	return in, nil
}

// checkOpportunityName refuses an empty, overlong or disguised name.
func checkOpportunityName(name string) error {
	if name == "" {
		return invalid("an opportunity needs a name")
	}
	return checkText("opportunity name", name, MaxFieldLen)
}

// checkCloseDate refuses a date outside the years 1900–9999 (zero is no
// date).
func checkCloseDate(t time.Time) error {
	if !t.IsZero() && (t.Year() < 1900 || t.Year() > 9999) {
		return invalid("the close date %s is not a date to close a deal on", t.Format(closeLayout))
	}
	return nil
}

// closeArg binds a close date: NULL for none, else its calendar date.
func closeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format(closeLayout)
}

// closeKey is what close_key holds for a close date: the date, or "~"
// (after every date) for none.
func closeKey(t time.Time) string {
	if t.IsZero() {
		return "~"
	}
	return t.Format(closeLayout)
}

// checkOwner refuses an owner who is not a user.
func checkOwner(ctx context.Context, tx *sql.Tx, id int64) error {
	var ok bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE id = ?)`, id).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return invalid("user %d does not exist: choose an owner among the CRM's users", id)
	}
	return nil
}

// checkContactRef refuses a contact id that is not a contact.
func checkContactRef(ctx context.Context, tx *sql.Tx, id int64) error {
	if _, err := txContact(ctx, tx, id); err != nil {
		if errors.Is(err, ErrNotFound) {
			return invalid("contact %d does not exist", id)
		}
		return err
	}
	return nil
}

// newStage is the stage a new opportunity starts in: id, or the first
// open stage for 0. It must be an open stage.
func newStage(ctx context.Context, tx *sql.Tx, id int64) (Stage, error) {
	if id == 0 {
		return stageOf(ctx, tx, OutcomeOpen)
	}
	s, err := txStage(ctx, tx, id)
	if err != nil {
		return Stage{}, err
	}
	if s.Outcome != OutcomeOpen {
		return Stage{}, invalid("a new opportunity starts in an open stage, not %s: mark it %s once it exists", s.Name, s.Outcome)
	}
	return s, nil
}

// opportunitySummary is the detail of an opportunity's events: its value,
// stage and close date.
func opportunitySummary(o Opportunity) string {
	parts := []string{o.Value.String(), o.Stage.Name}
	if !o.CloseDate.IsZero() {
		parts = append(parts, "closes "+o.CloseDate.Format(closeLayout))
	}
	return strings.Join(parts, " · ")
}

// opportunityEvents writes the events evs about o on each contact of ids,
// stamped now and naming by, each with o's id and name in its data.
func (db *DB) opportunityEvents(ctx context.Context, tx *sql.Tx, o Opportunity, ids []int64, now time.Time, by int64, evs ...Event) error {
	for _, cid := range ids {
		copies := make([]Event, len(evs))
		for i, e := range evs {
			e.OpportunityID = o.ID
			data := map[string]string{"opportunity_id": idString(o.ID), "opportunity": o.Name}
			for k, v := range e.Data {
				data[k] = v
			}
			e.Data = data
			copies[i] = e
		}
		if err := db.insertEvents(ctx, tx, cid, now, by, copies); err != nil {
			return err
		}
	}
	return nil
}

// followPipeline makes the status of each contact of ids follow its open
// opportunities (S18): a contact with one gets contact_with_opportunity
// (and is a contact), one with none left goes back to contact. Each
// change is a status event naming by; o is the opportunity that caused
// it.
func (db *DB) followPipeline(ctx context.Context, tx *sql.Tx, o Opportunity, ids []int64, now time.Time, by int64) error {
	for _, id := range ids {
		c, err := txContact(ctx, tx, id)
		if err != nil {
			return err
		}
		var open bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM opportunity_contacts oc
    JOIN opportunities p ON p.id = oc.opportunity_id
WHERE oc.contact_id = ? AND p.state = 'open')`, id).Scan(&open); err != nil {
			return err
		}
		next := c
		switch {
		case open && c.Status != StatusContactWithOpportunity:
			next.Status = StatusContactWithOpportunity
		case !open && c.Status == StatusContactWithOpportunity:
			next.Status = StatusContact
		default:
			continue
		}
		next.Kind = KindContact
		if err := execOne(ctx, tx, `UPDATE contacts SET status = ?, kind = ?, updated_at = ?,
    version = version + 1 WHERE id = ?`, next.Status, next.Kind, dbTime(now), id); err != nil {
			return err
		}
		e := Event{Kind: EventStatus,
			Subject: fmt.Sprintf("Status: %s → %s", statusWords(c.Status), statusWords(next.Status)),
			Detail:  "opportunity " + o.Name,
			Data: map[string]string{"old": string(c.Status), "new": string(next.Status),
				"opportunity_id": idString(o.ID), "opportunity": o.Name}}
		if c.Kind != next.Kind {
			e.Detail += " · now a contact"
			e.Data["kind"] = string(next.Kind)
		}
		if err := db.insertEvents(ctx, tx, id, now, by, []Event{e}); err != nil {
			return err
		}
	}
	return nil
}

// statusWords is a status as a sentence says it: "contact with
// opportunity".
func statusWords(s Status) string { return strings.ReplaceAll(string(s), "_", " ") }

// checkNotPrimary refuses to erase a contact that is the primary contact
// of opportunities, naming them: the opportunity would have no one to
// write to.
func checkNotPrimary(ctx context.Context, tx *sql.Tx, contactID int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT `+opportunityCols+` FROM `+opportunityFrom+`
WHERE o.primary_contact_id = ? ORDER BY o.id LIMIT 5`, contactID)
	if err != nil {
		return err
	}
	os, err := collect(rows, func(r rowScanner) (Opportunity, error) {
		o, _, err := scanOpportunity(r)
		return o, err
	})
	if err != nil || len(os) == 0 {
		return err
	}
	return invalid("%s is the primary contact of %s: make another contact primary there first",
		os[0].PrimaryName, opportunityNames(os))
}
