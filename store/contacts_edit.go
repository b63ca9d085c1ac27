package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// ContactOptions tunes CreateContactWith and UpdateContact. The zero value
// refuses what a person should be asked about first.
type ContactOptions struct {
	// AllowDuplicateEmail lets a contact take an email another contact
	// has, after the person was shown the other one and said yes.
	AllowDuplicateEmail bool
}

// CreateContact adds c and its "Created" event in one transaction, then sets
// c.ID, c.Version and its times. Each field is checked as typed by a person
// (see the Max* bounds; control characters and right-to-left overrides are
// refused): a refusal is ErrInvalid with a sentence. An email another
// contact has is a *DuplicateEmailError (errors.As) naming it. Nothing is
// written on any error.
func (db *DB) CreateContact(ctx context.Context, c *Contact) error {
	return db.createContact(ctx, c, ContactOptions{})
}

// CreateContactWith is CreateContact with options.
func (db *DB) CreateContactWith(ctx context.Context, c *Contact, opts ContactOptions) error {
	return db.createContact(ctx, c, opts)
}

// StaleError is an edit refused because the contact changed since the
// editor read it. Current is the contact as it is now, to show and choose
// from.
type StaleError struct {
	Current Contact
}

func (e *StaleError) Error() string {
	return fmt.Sprintf("%s changed since you opened it: look at it again and redo your change", e.Current.Name())
}

// Unwrap makes errors.Is(err, ErrConflict) true.
func (e *StaleError) Unwrap() error { return ErrConflict }

// ContactChanges is an edit of a contact: nil fields stay as they are.
type ContactChanges struct {
	FirstName, LastName, Email, Phone, Company, Title, City, Country *string
	// Status goes through the transitions of SetStatus; a kind change is
	// the conversion of SetStatus too (lead ↔ contact).
	Status *Status
	Kind   *Kind
	// OwnerID: a pointer to 0 unassigns the contact.
	OwnerID *int64
	// SetCustom adds or changes custom fields; RemoveCustom removes some;
	// RenameCustom renames old → new (applied first).
	SetCustom    map[string]string
	RemoveCustom []string
	RenameCustom map[string]string
	// By is the user making the edit, named in its events; 0 if unknown.
	By int64
	// Options as for CreateContactWith.
	Options ContactOptions
}

// UpdateContact applies ch to the contact id, provided it is still at
// expectedVersion, in one transaction: each changed field gets its own
// edited event ("email changed from … to …"), a status change its status
// event, and the version goes up by one. It returns the contact as saved.
//
// A contact that moved past expectedVersion is a *StaleError (ErrConflict);
// a refused value ErrInvalid with a sentence; an email another contact has
// a *DuplicateEmailError; an unknown id ErrNotFound. Nothing changes on any
// error. An edit that changes nothing writes nothing.
func (db *DB) UpdateContact(ctx context.Context, id, expectedVersion int64, ch ContactChanges) (Contact, error) {
	var saved Contact
	err := db.tx(ctx, func(tx *sql.Tx) error {
		cur, err := txContact(ctx, tx, id)
		if err != nil {
			return err
		}
		if cur.Version != expectedVersion {
			return &StaleError{Current: cur}
		}
		next, events, err := applyChanges(ctx, tx, cur, ch)
		if err != nil {
			return err
		}
		saved = next
		if len(events) == 0 {
			return nil
		}
		return db.saveContact(ctx, tx, cur, &saved, events, ch.By)
	})
	if err != nil {
		return Contact{}, fmt.Errorf("edit contact %d: %w", id, err)
	}
	return saved, nil
}

// txContact reads the contact id inside tx.
func txContact(ctx context.Context, tx *sql.Tx, id int64) (Contact, error) {
	c, _, err := scanContact(tx.QueryRowContext(ctx,
		`SELECT `+contactCols+` FROM `+contactFrom+` WHERE c.id = ?`, id))
	if err != nil {
		return Contact{}, translate(err)
	}
	return c, nil
}

// applyChanges checks ch against cur and returns the contact it makes and
// the events that say so, in field order.
func applyChanges(ctx context.Context, tx *sql.Tx, cur Contact, ch ContactChanges) (Contact, []Event, error) {
	next := cur
	next.Custom = maps.Clone(cur.Custom)
	var evs []Event
	set := []*string{ch.FirstName, ch.LastName, ch.Email, ch.Phone, ch.Company, ch.Title, ch.City, ch.Country}
	for i, f := range contactFields(&next) {
		if set[i] == nil {
			continue
		}
		v := strings.TrimSpace(*set[i])
		if err := checkField(f.name, v); err != nil {
			return Contact{}, nil, err
		}
		if v == *f.v {
			continue
		}
		evs = append(evs, editedEvent(f.name, *f.v, v))
		*f.v = v
	}
	if next.FirstName == "" && next.LastName == "" && next.Email == "" {
		return Contact{}, nil, invalid("a contact needs a name or an email")
	}
	if next.Email != cur.Email && !strings.EqualFold(next.Email, cur.Email) && !ch.Options.AllowDuplicateEmail {
		if err := duplicateEmail(ctx, tx, next.Email, cur.ID); err != nil {
			return Contact{}, nil, err
		}
	}
	if ch.OwnerID != nil && *ch.OwnerID != cur.OwnerID {
		ev, err := ownerEvent(ctx, tx, cur.OwnerName, *ch.OwnerID)
		if err != nil {
			return Contact{}, nil, err
		}
		next.OwnerID = *ch.OwnerID
		evs = append(evs, ev)
	}
	cevs, err := applyCustom(&next, ch)
	if err != nil {
		return Contact{}, nil, err
	}
	evs = append(evs, cevs...)
	target := cur.Status
	switch {
	case ch.Status != nil:
		target = *ch.Status
	case ch.Kind != nil && *ch.Kind != cur.Kind:
		target = conversionStatus(*ch.Kind)
	}
	if ch.Kind != nil && !ch.Kind.Valid() {
		return Contact{}, nil, invalid("the kind must be lead or contact, not %q", *ch.Kind)
	}
	if target != cur.Status {
		kind, err := transition(cur, target)
		if err != nil {
			return Contact{}, nil, err
		}
		if ch.Kind != nil && *ch.Kind != kind {
			return Contact{}, nil, invalid("a %s cannot have the status %s", *ch.Kind, target)
		}
		next.Status, next.Kind = target, kind
		evs = append(evs, statusEvent(cur, next))
	}
	return next, evs, nil
}

// editedEvent is the event of one changed standard field.
func editedEvent(field, old, new string) Event {
	return namedEdit(field, fieldNames[field], old, new)
}

// namedEdit is the event of field, called name in its sentence, changed
// from old to new.
func namedEdit(field, name, old, new string) Event {
	var detail string
	switch {
	case old == "":
		detail = fmt.Sprintf("%s set to %s", name, new)
	case new == "":
		detail = fmt.Sprintf("%s %s removed", name, old)
	default:
		detail = fmt.Sprintf("%s changed from %s to %s", name, old, new)
	}
	return Event{Kind: EventEdited, Subject: "Edited " + name, Detail: detail,
		Data: map[string]string{"field": field, "old": old, "new": new}}
}

// ownerEvent checks that the new owner exists and says who owns the
// contact now.
func ownerEvent(ctx context.Context, tx *sql.Tx, oldName string, owner int64) (Event, error) {
	var name string
	if owner < 0 {
		return Event{}, invalid("owner id %d", owner)
	}
	if owner != 0 {
		err := tx.QueryRowContext(ctx, `SELECT name FROM users WHERE id = ?`, owner).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return Event{}, invalid("user %d does not exist: choose an owner among the CRM's users", owner)
		}
		if err != nil {
			return Event{}, err
		}
	}
	e := namedEdit("owner", "owner", oldName, name)
	e.Subject = "Edited owner"
	e.Data["owner_id"] = idString(owner)
	switch {
	case owner == 0:
		e.Detail = "owner " + oldName + " removed"
	case oldName == "":
		e.Detail = "owner set to " + name
	default:
		e.Detail = "owner changed from " + oldName + " to " + name
	}
	return e, nil
}

// applyCustom renames, removes and sets custom fields of c as ch says,
// with an event for each change.
func applyCustom(c *Contact, ch ContactChanges) ([]Event, error) {
	var evs []Event
	if c.Custom == nil {
		c.Custom = map[string]string{}
	}
	for _, old := range slices.Sorted(maps.Keys(ch.RenameCustom)) {
		nw := ch.RenameCustom[old]
		v, ok := c.Custom[old]
		if !ok {
			return nil, invalid("there is no custom field %q to rename", old)
		}
		if err := checkCustomKey(nw); err != nil {
			return nil, err
		}
		if _, taken := c.Custom[nw]; taken && nw != old {
			return nil, invalid("there is already a custom field %q", nw)
		}
		if nw == old {
			continue
		}
		delete(c.Custom, old)
		c.Custom[nw] = v
		evs = append(evs, Event{Kind: EventEdited, Subject: "Edited custom fields",
			Detail: fmt.Sprintf("custom field %s renamed to %s", old, nw),
			Data:   map[string]string{"field": "custom", "old": old, "new": nw, "action": "renamed"}})
	}
	for _, k := range ch.RemoveCustom {
		v, ok := c.Custom[k]
		if !ok {
			return nil, invalid("there is no custom field %q to remove", k)
		}
		delete(c.Custom, k)
		evs = append(evs, Event{Kind: EventEdited, Subject: "Edited custom fields",
			Detail: fmt.Sprintf("custom field %s (%s) removed", k, v),
			Data:   map[string]string{"field": "custom." + k, "old": v, "new": "", "action": "removed"}})
	}
	for _, k := range slices.Sorted(maps.Keys(ch.SetCustom)) {
		v := strings.TrimSpace(ch.SetCustom[k])
		if err := checkCustomKey(k); err != nil {
			return nil, err
		}
		if err := checkCustomValue(k, v); err != nil {
			return nil, err
		}
		old, had := c.Custom[k]
		if had && old == v {
			continue
		}
		c.Custom[k] = v
		e := namedEdit("custom."+k, "custom field "+k, old, v)
		e.Subject = "Edited custom fields"
		evs = append(evs, e)
	}
	if len(c.Custom) > MaxCustomFields {
		return nil, invalid("%d custom fields; at most %d are allowed", len(c.Custom), MaxCustomFields)
	}
	return evs, nil
}

// saveContact writes what changed from prev to c over its row, bumping
// its version, with events stamped now and naming by. Only the changed
// columns are set: SQLite rewrites an index, and fires an UPDATE OF
// trigger, for every column an UPDATE sets, whatever its value, and the
// contacts table carries a dozen list indexes and two search indexes.
func (db *DB) saveContact(ctx context.Context, tx *sql.Tx, prev Contact, c *Contact, events []Event, by int64) error {
	custom, err := encodeCustom(c.Custom)
	if err != nil {
		return invalid("%v", err)
	}
	prevCustom, err := encodeCustom(prev.Custom)
	if err != nil {
		return invalid("%v", err)
	}
	now := db.nowUTC()
	var set []string
	var args []any
	col := func(name string, changed bool, v any) {
		if changed {
			set = append(set, name+" = ?")
			args = append(args, v)
		}
	}
	col("kind", c.Kind != prev.Kind, c.Kind)
	col("status", c.Status != prev.Status, c.Status)
	col("first_name", c.FirstName != prev.FirstName, c.FirstName)
	col("last_name", c.LastName != prev.LastName, c.LastName)
	col("email", c.Email != prev.Email, c.Email)
	col("phone", c.Phone != prev.Phone, c.Phone)
	col("company", c.Company != prev.Company, c.Company)
	col("title", c.Title != prev.Title, c.Title)
	col("city", c.City != prev.City, c.City)
	col("country", c.Country != prev.Country, c.Country)
	col("owner_id", c.OwnerID != prev.OwnerID, nullID(c.OwnerID))
	col("custom", custom != prevCustom, custom)
	key := sortKey(c.FirstName, c.LastName, c.Email)
	col("sort_key", key != sortKey(prev.FirstName, prev.LastName, prev.Email), key)
	set = append(set, "updated_at = ?", "version = version + 1")
	args = append(args, dbTime(now), c.ID, c.Version)
	err = execOne(ctx, tx, `UPDATE contacts SET `+strings.Join(set, ", ")+`
WHERE id = ? AND version = ?`, args...)
	if err != nil {
		return err
	}
	c.Version++
	c.UpdatedAt = now
	return db.insertEvents(ctx, tx, c.ID, now, by, events)
}

// insertEvents writes events on contactID at now, each naming by in its
// data.
func (db *DB) insertEvents(ctx context.Context, tx *sql.Tx, contactID int64, now time.Time, by int64, events []Event) error {
	who, err := userName(ctx, tx, by)
	if err != nil {
		return err
	}
	for i := range events {
		e := &events[i]
		e.ContactID = contactID
		e.At = now
		if who != "" {
			if e.Data == nil {
				e.Data = map[string]string{}
			}
			e.Data["by"] = who
		}
		if err := db.insertEvent(ctx, tx, e); err != nil {
			return err
		}
	}
	return nil
}

// userName is the name of user id for event data ("" for 0); an unknown
// user is ErrInvalid.
func userName(ctx context.Context, tx *sql.Tx, id int64) (string, error) {
	if id == 0 {
		return "", nil
	}
	var name, email string
	err := tx.QueryRowContext(ctx, `SELECT name, email FROM users WHERE id = ?`, id).Scan(&name, &email)
	if errors.Is(err, sql.ErrNoRows) {
		return "", invalid("user %d does not exist", id)
	}
	if err != nil {
		return "", err
	}
	if name == "" {
		return email, nil
	}
	return name, nil
}
