package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxNoteLen bounds a note's Markdown text, and a call's note, in bytes.
const MaxNoteLen = 64 << 10

// Note is a Markdown note on a contact, or on an opportunity and its
// primary contact.
type Note struct {
	ID        int64
	ContactID int64
	// OpportunityID is the deal the note is about, 0 for a note on the
	// contact alone (AddOpportunityNote).
	OpportunityID int64
	UserID        int64 // who wrote it, 0 if unknown
	Body          string
	CreatedAt     time.Time
	EditedAt      time.Time // zero until edited
}

// noteSummary is the first line of a note, bounded, for an event's detail.
func noteSummary(body string) string {
	line, _, _ := strings.Cut(body, "\n")
	line = strings.TrimSpace(line)
	if utf8.RuneCountInString(line) > 120 {
		line = string([]rune(line)[:119]) + "…"
	}
	return line
}

// checkLongText refuses text that is empty, too long, not UTF-8, or holds
// control characters other than newlines and tabs, or bidirectional
// overrides; what names it in the sentence.
func checkLongText(what, v string, allowEmpty bool) error {
	switch {
	case v == "" && !allowEmpty:
		return invalid("the %s is empty", what)
	case len(v) > MaxNoteLen:
		return invalid("the %s is %d KB; at most %d KB are allowed", what, (len(v)+1023)/1024, MaxNoteLen>>10)
	case !utf8.ValidString(v):
		return invalid("the %s is not valid UTF-8 text", what)
	}
	for _, r := range v {
		switch {
		case r == '\n' || r == '\t':
		case isBidiControl(r):
			return invalid("the %s contains a right-to-left control character (U+%04X): remove it", what, r)
		case unicode.IsControl(r):
			return invalid("the %s contains a control character (U+%04X): remove it", what, r)
		}
	}
	return nil
}

// cleanText trims text and makes its line ends \n.
func cleanText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

// AddNote writes a note by user by on the contact, with its note event, in
// one transaction, and returns it. An empty or oversized text, or one with
// control characters, is ErrInvalid; an unknown contact ErrNotFound.
func (db *DB) AddNote(ctx context.Context, contactID, by int64, body string) (Note, error) {
	n, err := db.addNote(ctx, Note{ContactID: contactID, UserID: by, Body: body})
	if err != nil {
		return Note{}, fmt.Errorf("add note to contact %d: %w", contactID, err)
	}
	return n, nil
}

// addNote writes the note in, on in.OpportunityID's primary contact when
// it is set, else on in.ContactID, with its note event, in one
// transaction.
func (db *DB) addNote(ctx context.Context, in Note) (Note, error) {
	n := Note{ContactID: in.ContactID, OpportunityID: in.OpportunityID, UserID: in.UserID,
		Body: cleanText(in.Body), CreatedAt: db.nowUTC()}
	if err := checkLongText("note", n.Body, false); err != nil {
		return Note{}, err
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		deal, err := workOn(ctx, tx, &n.ContactID, n.OpportunityID)
		if err != nil {
			return err
		}
		if deal.ID == 0 {
			if _, err := txContact(ctx, tx, n.ContactID); err != nil {
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO notes (contact_id, user_id, body, created_at, opportunity_id)
VALUES (?, ?, ?, ?, ?) RETURNING id`, n.ContactID, nullID(n.UserID), n.Body, dbTime(n.CreatedAt),
			nullID(n.OpportunityID)).Scan(&n.ID); err != nil {
			return err
		}
		return db.workEvents(ctx, tx, n.ContactID, deal, n.CreatedAt, n.UserID, Event{Kind: EventNote,
			Subject: "Note", Detail: noteSummary(n.Body),
			Data: map[string]string{"note_id": idString(n.ID), "text": n.Body}})
	})
	if err != nil {
		return Note{}, err
	}
	return n, nil
}

// EditNote replaces the text of note id, as user by, with an edited event
// on its contact; the note's own event shows the new text. An unchanged
// text writes nothing.
func (db *DB) EditNote(ctx context.Context, id, by int64, body string) (Note, error) {
	body = cleanText(body)
	if err := checkLongText("note", body, false); err != nil {
		return Note{}, fmt.Errorf("edit note: %w", err)
	}
	var n Note
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if n, err = scanNote(tx.QueryRowContext(ctx, `SELECT `+noteCols+` FROM notes WHERE id = ?`, id)); err != nil {
			return translate(err)
		}
		if n.Body == body {
			return nil
		}
		n.Body, n.EditedAt = body, db.nowUTC()
		if err := execOne(ctx, tx, `UPDATE notes SET body = ?, edited_at = ? WHERE id = ?`,
			body, dbTime(n.EditedAt), id); err != nil {
			return err
		}
		deal, err := dealOf(ctx, tx, n.OpportunityID)
		if err != nil {
			return err
		}
		m := map[string]string{"note_id": idString(id), "text": body}
		if author, err := userName(ctx, tx, n.UserID); err == nil && author != "" {
			m["by"] = author
		}
		if deal.ID != 0 {
			m["opportunity_id"], m["opportunity"] = idString(deal.ID), deal.Name
		}
		data, err := encodeData(m)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, noteEventSQL, noteSummary(body), data, n.ContactID, EventNote, idString(id)); err != nil {
			return err
		}
		return db.workEvents(ctx, tx, n.ContactID, deal, n.EditedAt, by, Event{Kind: EventEdited,
			Subject: "Edited note", Detail: noteSummary(body),
			Data: map[string]string{"field": "note", "note_id": idString(id)}})
	})
	if err != nil {
		return Note{}, fmt.Errorf("edit note %d: %w", id, err)
	}
	return n, nil
}

// noteEventSQL rewrites the note event of a note. It is SQLite's JSON
// (json_extract), the one place notes need it; PostgreSQL says
// data::json->>'note_id'.
const noteEventSQL = `UPDATE events SET detail = ?, data = ?
WHERE contact_id = ? AND kind = ? AND data IS NOT NULL AND json_extract(data, '$.note_id') = ?`

const noteCols = `id, contact_id, coalesce(opportunity_id, 0), coalesce(user_id, 0), body, created_at, edited_at`

func scanNote(r rowScanner) (Note, error) {
	var n Note
	err := r.Scan(&n.ID, &n.ContactID, &n.OpportunityID, &n.UserID, &n.Body, scanTime(&n.CreatedAt), scanTime(&n.EditedAt))
	return n, err
}

// Notes returns the contact's notes, newest first, at most limit (0: 100).
func (db *DB) Notes(ctx context.Context, contactID int64, limit int) ([]Note, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT `+noteCols+` FROM notes
WHERE contact_id = ? ORDER BY id DESC LIMIT ?`, contactID, limit)
	if err != nil {
		return nil, fmt.Errorf("notes of contact %d: %w", contactID, translate(err))
	}
	ns, err := collect(rows, scanNote)
	if err != nil {
		return nil, fmt.Errorf("notes of contact %d: %w", contactID, translate(err))
	}
	return ns, nil
}

// nullID binds an optional id: NULL for 0.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
