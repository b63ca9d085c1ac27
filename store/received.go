package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Mail Sync (S14) records what a mailbox says about the CRM's people in
// received (the messages, each once per user), received_contacts (who each
// involves) and their timeline events, together with each folder's sync
// state, in one transaction per batch: a sync killed at any instant resumes
// from the last batch it committed, and recording a batch again adds
// nothing.

// jsonList binds a list of strings or ids as one JSON array: SQLite's
// json_each(?) then reads it as a table. Lookups of thousands of addresses
// or Message-IDs are one statement with one variable, never chunked under
// SQLite's variable limit (32,766) nor re-prepared per length. This and the
// json_valid checks of the schema are the store's only JSON functions.
func jsonList[T any](xs []T) (string, error) {
	if xs == nil {
		return "[]", nil
	}
	b, err := json.Marshal(xs)
	return string(b), err
}

// ContactsByEmails maps each of emails, lowercased, to the ids of the
// contacts with that address (case-insensitively; duplicates from imports
// all come back, lowest id first). Addresses without a contact are absent.
// Archived contacts are included. Thousands of addresses are one query.
func (db *DB) ContactsByEmails(ctx context.Context, emails []string) (map[string][]int64, error) {
	keys := make([]string, 0, len(emails))
	for _, e := range emails {
		if e = strings.ToLower(strings.TrimSpace(e)); e != "" {
			keys = append(keys, e)
		}
	}
	out := map[string][]int64{}
	if len(keys) == 0 {
		return out, nil
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	list, err := jsonList(keys)
	if err != nil {
		return nil, fmt.Errorf("contacts by email: %w", err)
	}
	// c.email = j.value compares with c.email's NOCASE collation, on the
	// contacts_email index: one index probe per address.
	rows, err := db.sql.QueryContext(ctx, `SELECT j.value, c.id
FROM json_each(?) AS j JOIN contacts AS c ON c.email = j.value
ORDER BY c.id`, list)
	if err != nil {
		return nil, fmt.Errorf("contacts by email: %w", translate(err))
	}
	type hit struct {
		email string
		id    int64
	}
	hits, err := collect(rows, func(r rowScanner) (hit, error) {
		var h hit
		err := r.Scan(&h.email, &h.id)
		return h, err
	})
	if err != nil {
		return nil, fmt.Errorf("contacts by email: %w", translate(err))
	}
	for _, h := range hits {
		out[h.email] = append(out[h.email], h.id)
	}
	return out, nil
}

// OurMessages maps those of messageIDs (Message-ID values without
// brackets) that leadmail composed to their message. Thousands are one
// query.
func (db *DB) OurMessages(ctx context.Context, messageIDs []string) (map[string]OurMessage, error) {
	out := map[string]OurMessage{}
	if len(messageIDs) == 0 {
		return out, nil
	}
	list, err := jsonList(messageIDs)
	if err != nil {
		return nil, fmt.Errorf("find our messages: %w", err)
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT message_id, id, contact_id, status, sent_at
FROM messages WHERE message_id IN (SELECT value FROM json_each(?))`, list)
	if err != nil {
		return nil, fmt.Errorf("find our messages: %w", translate(err))
	}
	type hit struct {
		mid string
		m   OurMessage
	}
	hits, err := collect(rows, func(r rowScanner) (hit, error) {
		var h hit
		err := r.Scan(&h.mid, &h.m.ID, &h.m.ContactID, &h.m.Status, scanTime(&h.m.SentAt))
		return h, err
	})
	if err != nil {
		return nil, fmt.Errorf("find our messages: %w", translate(err))
	}
	for _, h := range hits {
		out[h.mid] = h.m
	}
	return out, nil
}

// receivedCols reads a Received (without ContactIDs); scanReceived is its
// scanner.
const receivedCols = `id, user_id, message_id, direction, kind, from_text, from_addr, to_addrs,
    cc_addrs, subject, date, in_reply_to, refs, coalesce(reply_to_message, 0), text, truncated,
    attachments, notes, auto_reply_until, folder, uid, uidvalidity, created_at`

func scanReceived(r rowScanner) (Received, error) {
	var (
		x                   Received
		to, cc, refs, files string
	)
	if err := r.Scan(&x.ID, &x.UserID, &x.MessageID, &x.Direction, &x.Kind, &x.From, &x.FromAddr,
		&to, &cc, &x.Subject, scanTime(&x.Date), &x.InReplyTo, &refs, &x.ReplyTo, &x.Text,
		&x.Truncated, &files, &x.Notes, scanTime(&x.AutoReplyUntil), &x.Folder, &x.UID,
		&x.UIDValidity, scanTime(&x.CreatedAt)); err != nil {
		return Received{}, err
	}
	var stored []storedAttachment
	for _, f := range []struct {
		col string
		v   any
	}{{to, &x.To}, {cc, &x.Cc}, {refs, &x.References}, {files, &stored}} {
		if err := json.Unmarshal([]byte(f.col), f.v); err != nil {
			return Received{}, fmt.Errorf("received %d: %w", x.ID, err)
		}
	}
	for _, a := range stored {
		x.Attachments = append(x.Attachments, ReceivedAttachment(a))
	}
	return x, nil
}

// storedAttachment is a ReceivedAttachment as the attachments column
// holds it.
type storedAttachment struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Size int64  `json:"size"`
}

// GetReceived returns the received message with this id, with the
// contacts it involves, or ErrNotFound.
func (db *DB) GetReceived(ctx context.Context, id int64) (Received, error) {
	x, err := scanReceived(db.sql.QueryRowContext(ctx, `SELECT `+receivedCols+` FROM received WHERE id = ?`, id))
	if err == nil {
		err = db.fillContacts(ctx, []*Received{&x})
	}
	if err != nil {
		return Received{}, fmt.Errorf("get received message %d: %w", id, translate(err))
	}
	return x, nil
}

// fillContacts sets ContactIDs of xs, in contact id order, in one query.
func (db *DB) fillContacts(ctx context.Context, xs []*Received) error {
	if len(xs) == 0 {
		return nil
	}
	byID := make(map[int64]*Received, len(xs))
	ids := make([]int64, 0, len(xs))
	for _, x := range xs {
		byID[x.ID] = x
		ids = append(ids, x.ID)
	}
	list, err := jsonList(ids)
	if err != nil {
		return err
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT received_id, contact_id FROM received_contacts
WHERE received_id IN (SELECT value FROM json_each(?)) ORDER BY received_id, contact_id`, list)
	if err != nil {
		return err
	}
	links, err := collect(rows, func(r rowScanner) ([2]int64, error) {
		var l [2]int64
		err := r.Scan(&l[0], &l[1])
		return l, err
	})
	for _, l := range links {
		byID[l[0]].ContactIDs = append(byID[l[0]].ContactIDs, l[1])
	}
	return err
}

// The statements that record a batch's messages: each reads its rows from
// one JSON array of arrays (see jsonList; value ->> N is element N), so
// the batch costs a few statements, not a few per message. json_each reads
// an array in order, so rows are inserted in the batch's order.
const (
	// insertReceivedSQL inserts the messages not recorded yet, in the
	// batch's order, and returns them. ?1 is the user, ?2 now, ?3 the rows:
	// [message_id, direction, kind, from_text, from_addr, to_addrs,
	// cc_addrs, subject, date, in_reply_to, refs, reply_to_message, text,
	// truncated, attachments, notes, auto_reply_until, folder, uid,
	// uidvalidity].
	insertReceivedSQL = `
INSERT INTO received (user_id, message_id, direction, kind, from_text, from_addr, to_addrs,
    cc_addrs, subject, date, in_reply_to, refs, reply_to_message, text, truncated, attachments,
    notes, auto_reply_until, folder, uid, uidvalidity, created_at)
SELECT ?1, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
    value ->> 6, value ->> 7, value ->> 8, value ->> 9, value ->> 10, value ->> 11, value ->> 12,
    value ->> 13, value ->> 14, value ->> 15, value ->> 16, value ->> 17, value ->> 18,
    value ->> 19, ?2
FROM json_each(?3) WHERE true
ON CONFLICT (user_id, message_id) DO NOTHING RETURNING id, message_id`
	// findReceivedSQL finds the messages recorded before (?2: their
	// Message-IDs) and where they were last seen; CROSS JOIN keeps the
	// planner from scanning all of the user's messages for each.
	findReceivedSQL = `
SELECT r.id, r.message_id, r.folder, r.uid, r.uidvalidity
FROM json_each(?2) AS j CROSS JOIN received AS r
WHERE r.user_id = ?1 AND r.message_id = j.value`
	// A message seen again keeps its first record; only where it was
	// last seen moves, so that its original can be fetched again.
	relocateReceivedSQL = `UPDATE received SET folder = ?, uid = ?, uidvalidity = ? WHERE id = ?`
	linkReceivedSQL     = `
INSERT INTO received_contacts (received_id, contact_id) VALUES (?, ?)
ON CONFLICT DO NOTHING`
)

// recordRow is a Received checked and encoded for RecordSync.
type recordRow struct {
	Received
	to, cc, refs, files string
	bounce              *SyncBounce // the bounce this DSN reports, if the batch has one
	id                  int64       // set by insertAll
	fresh               bool        // recorded by this batch
}

// RecordSync records a batch of a sync in one transaction, for userID's
// mailbox, and returns what it added.
//
// Each received message is recorded once per user, by MessageID: one
// already there adds no row and no event (it only notes where it was seen
// last), but a contact of its ContactIDs not yet linked to it gets its link
// and its event — the backfill of a contact added later. Each contact
// linked gets one event at the message's Date (now when it has none),
// showing it (Event.ReceivedID): email_received for ordinary mail from
// them, or replied when ReplyTo names one of our sends — then the send's
// contact gets it too, even when the reply came from another address, and
// the send's RepliedAt is set; auto_reply for an automatic answer;
// email_sent_elsewhere for mail the rep sent them outside leadmail; bounced
// for a DSN.
//
// Each bounce marks its send bounced (BouncedAt, BounceStatus,
// BounceDetail), gives the send's contact a bounced event and, when
// Permanent, flags the address bouncing (AddressBouncing); mail received
// from a flagged address, dated after its bounce, clears the flag with a
// bounce_cleared event (bouncing.go). A send already
// bounced keeps its first bounce, and a later DSN of it adds nothing. A
// received message whose MessageID is a bounce's ReceivedMessageID is that
// bounce: its events are the bounce's.
//
// Then b.Folder, when it has a Name, becomes the folder's state, so the
// state never runs ahead of what was recorded. Anything wrong (a contact or
// send that does not exist, a bad direction or kind) is an error and
// records nothing.
func (db *DB) RecordSync(ctx context.Context, userID int64, b SyncBatch) (SyncResult, error) {
	rows, bounces, err := checkBatch(userID, b)
	if err != nil {
		return SyncResult{}, fmt.Errorf("record sync: %w", err)
	}
	var res SyncResult
	now := db.nowUTC()
	err = db.tx(ctx, func(tx *sql.Tx) error {
		res = SyncResult{}
		r := &recorder{db: db, tx: tx, user: userID, now: now, res: &res,
			contactOf: map[int64]int64{}, newBounce: map[int64]string{}, latest: map[int64]string{},
			stmts: map[string]*sql.Stmt{}}
		for i := range bounces {
			if err := r.bounce(ctx, &bounces[i]); err != nil {
				return err
			}
		}
		if err := r.insertAll(ctx, rows); err != nil {
			return err
		}
		for i := range rows {
			if err := r.received(ctx, &rows[i]); err != nil {
				return fmt.Errorf("message %q: %w", rows[i].MessageID, err)
			}
		}
		if err := r.linkAll(ctx); err != nil {
			return err
		}
		if err := r.clearBouncing(ctx, rows); err != nil {
			return err
		}
		if err := r.bumpActivity(ctx); err != nil {
			return err
		}
		if b.Folder.Name != "" {
			return putFolder(ctx, tx, userID, b.Folder, now)
		}
		return nil
	})
	if err != nil {
		return SyncResult{}, fmt.Errorf("record sync: %w", err)
	}
	return res, nil
}

// checkBatch validates and encodes a batch before anything is written,
// and pairs each DSN with its bounce.
func checkBatch(userID int64, b SyncBatch) ([]recordRow, []SyncBounce, error) {
	if userID <= 0 {
		return nil, nil, invalid("no user")
	}
	bounces := slices.Clone(b.Bounces)
	byMID := map[string]*SyncBounce{}
	for i := range bounces {
		x := &bounces[i]
		if x.MessageID <= 0 {
			return nil, nil, invalid("a bounce names no message")
		}
		x.Status, x.Diagnostic = strings.TrimSpace(x.Status), strings.TrimSpace(x.Diagnostic)
		x.Recipient = strings.ToLower(strings.TrimSpace(x.Recipient))
		x.ReceivedMessageID = strings.TrimSpace(x.ReceivedMessageID)
		if x.ReceivedMessageID != "" {
			byMID[x.ReceivedMessageID] = x
		}
	}
	rows := make([]recordRow, len(b.Received))
	for i, in := range b.Received {
		x := recordRow{Received: in}
		x.MessageID = strings.TrimSpace(x.MessageID)
		x.FromAddr = strings.ToLower(strings.TrimSpace(x.FromAddr))
		if x.Kind == "" {
			x.Kind = ReceivedOrdinary
		}
		switch {
		case x.MessageID == "":
			return nil, nil, invalid("a message has no Message-ID")
		case x.Direction != ReceivedIn && x.Direction != ReceivedOut:
			return nil, nil, invalid("message %q: unknown direction %q", x.MessageID, x.Direction)
		case x.Kind != ReceivedOrdinary && x.Kind != ReceivedAutoReply && x.Kind != ReceivedBounce:
			return nil, nil, invalid("message %q: unknown kind %q", x.MessageID, x.Kind)
		case x.ReplyTo < 0:
			return nil, nil, invalid("message %q: reply to message %d", x.MessageID, x.ReplyTo)
		}
		if bb := byMID[x.MessageID]; bb != nil {
			x.bounce = bb
			if x.ReplyTo == 0 {
				x.ReplyTo = bb.MessageID
			}
		}
		files := make([]storedAttachment, len(x.Attachments))
		for j, a := range x.Attachments {
			files[j] = storedAttachment(a)
		}
		var err error
		for _, f := range []struct {
			dst *string
			v   []string
		}{{&x.to, x.To}, {&x.cc, x.Cc}, {&x.refs, x.References}} {
			if *f.dst, err = jsonList(f.v); err != nil {
				return nil, nil, fmt.Errorf("message %q: %w", x.MessageID, err)
			}
		}
		if x.files, err = jsonList(files); err != nil {
			return nil, nil, fmt.Errorf("message %q: %w", x.MessageID, err)
		}
		rows[i] = x
	}
	return rows, bounces, nil
}

// recorder is one RecordSync transaction.
type recorder struct {
	db   *DB
	tx   *sql.Tx
	user int64
	now  time.Time
	res  *SyncResult
	// contactOf caches the contact of our sends the batch names.
	contactOf map[int64]int64
	// newBounce maps the sends this batch marked bounced to the DSN that
	// did (its ReceivedMessageID): only that one makes events.
	newBounce map[int64]string
	// latest is each contact's latest event of the batch: its
	// last_activity_at moves once, at the end, not once per event.
	latest map[int64]string
	// links and events are what the batch's messages ask of linkAll.
	links  []pendingLink
	events []Event
	// stmts are the per-message statements bound to tx, once per batch
	// (txStmt binds anew at each call).
	stmts map[string]*sql.Stmt
}

// stmt returns the cached statement q bound to the batch's transaction.
func (r *recorder) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := r.stmts[q]; ok {
		return st, nil
	}
	st, err := r.db.txStmt(ctx, r.tx, q) //nolint:sqlclosecheck // bound to tx, closed when it ends
	if err != nil {
		return nil, err
	}
	r.stmts[q] = st
	return st, nil
}

// bumpActivity moves each contact's last_activity_at to its latest event.
func (r *recorder) bumpActivity(ctx context.Context) error {
	for c, at := range r.latest {
		if err := r.db.bumpActivity(ctx, r.tx, c, at); err != nil {
			return err
		}
	}
	return nil
}

// sendContact returns the contact of our send id.
func (r *recorder) sendContact(ctx context.Context, id int64) (int64, error) {
	if c, ok := r.contactOf[id]; ok {
		return c, nil
	}
	var c int64
	err := r.tx.QueryRowContext(ctx, `SELECT contact_id FROM messages WHERE id = ?`, id).Scan(&c)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, invalid("message %d does not exist", id)
	}
	if err != nil {
		return 0, err
	}
	r.contactOf[id] = c
	return c, nil
}

// bounce marks the send of x bounced unless it already was, flags the
// address on a permanent failure, and gives the send's contact its event
// unless the batch holds the DSN itself (then received does).
func (r *recorder) bounce(ctx context.Context, x *SyncBounce) error {
	at := orNow(x.At, r.now).UTC()
	var (
		contact int64
		subject string
		rcpts   string
	)
	err := r.tx.QueryRowContext(ctx, `
UPDATE messages SET bounced_at = ?, bounce_status = ?, bounce_detail = ?, updated_at = ?
WHERE id = ? AND bounced_at IS NULL RETURNING contact_id, subject, recipients`,
		dbTime(at), x.Status, x.Diagnostic, dbTime(r.now), x.MessageID).Scan(&contact, &subject, &rcpts)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := r.sendContact(ctx, x.MessageID); err != nil {
			return fmt.Errorf("bounce: %w", err)
		}
		return nil // bounced before: its first bounce stands
	}
	if err != nil {
		return fmt.Errorf("bounce of message %d: %w", x.MessageID, err)
	}
	r.contactOf[x.MessageID] = contact
	r.newBounce[x.MessageID] = x.ReceivedMessageID
	r.res.Bounces++
	if x.Permanent {
		addr := x.Recipient
		if addr == "" {
			var list []string
			if json.Unmarshal([]byte(rcpts), &list) == nil && len(list) > 0 {
				addr = strings.ToLower(strings.TrimSpace(list[0]))
			}
		}
		if addr != "" {
			if _, err := r.tx.ExecContext(ctx, `
INSERT INTO bouncing_addresses (address, at, status, diagnostic, message_id) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (address) DO UPDATE SET at = excluded.at, status = excluded.status,
    diagnostic = excluded.diagnostic, message_id = excluded.message_id
WHERE excluded.at > bouncing_addresses.at`,
				addr, dbTime(at), x.Status, x.Diagnostic, x.MessageID); err != nil {
				return fmt.Errorf("flag %q bouncing: %w", addr, err)
			}
		}
	}
	if x.ReceivedMessageID == "" {
		return r.event(ctx, &Event{ContactID: contact, At: at, Kind: EventBounced,
			MessageID: x.MessageID, Subject: subject, Detail: bounceDetail(x)})
	}
	// The DSN in this batch makes the events (received, called next); one
	// recorded by an earlier batch is linked to the send's contact here.
	var rid int64
	err = r.tx.QueryRowContext(ctx, `SELECT id FROM received WHERE user_id = ? AND message_id = ?`,
		r.user, x.ReceivedMessageID).Scan(&rid)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	linked, err := r.link(ctx, rid, contact)
	if err != nil || !linked {
		return err
	}
	return r.event(ctx, &Event{ContactID: contact, At: at, Kind: EventBounced,
		MessageID: x.MessageID, ReceivedID: rid, Subject: subject, Detail: bounceDetail(x)})
}

func bounceDetail(x *SyncBounce) string {
	return strings.Join(slices.DeleteFunc([]string{x.Status, x.Diagnostic}, isBlank), " ")
}

// received records x (or finds it recorded), links its contacts and gives
// each newly linked one its event.
func (r *recorder) received(ctx context.Context, x *recordRow) error {
	id, fresh := x.id, x.fresh
	if fresh {
		r.res.Recorded++
		if x.Kind == ReceivedAutoReply && x.bounce == nil {
			r.res.AutoReplies++
		}
	} else {
		r.res.Duplicates++
	}
	contacts := x.ContactIDs
	if x.ReplyTo != 0 {
		c, err := r.sendContact(ctx, x.ReplyTo)
		if err != nil {
			return err
		}
		if !slices.Contains(contacts, c) {
			contacts = append(slices.Clip(contacts), c)
		}
	}
	e := eventOf(x, r.now)
	// Only the DSN that marked its send bounced makes events: one of a
	// send bounced before, or a second DSN, adds nothing but its row and
	// links.
	quiet := e.Kind == EventBounced && e.MessageID != 0 && r.newBounce[e.MessageID] != x.MessageID
	ev := -1
	if !quiet {
		ev = len(r.events)
		r.events = append(r.events, e)
	}
	for i, c := range contacts {
		if !slices.Contains(contacts[:i], c) {
			r.links = append(r.links, pendingLink{Received: id, Contact: c, event: ev})
		}
	}
	if e.Kind == EventReplied {
		if _, err := r.tx.ExecContext(ctx, `UPDATE messages SET replied_at = ?1
WHERE id = ?2 AND (replied_at IS NULL OR replied_at > ?1)`, dbTime(e.At), x.ReplyTo); err != nil {
			return fmt.Errorf("mark message %d replied: %w", x.ReplyTo, err)
		}
	}
	return nil
}

// pendingLink is a contact a received message of the batch involves, to
// link (and to give events[event], unless event is -1) in linkAll.
type pendingLink struct {
	Received, Contact int64
	event             int
}

// Links and events of the batch's messages are written by one statement
// each too, as the messages are (see insertReceivedSQL).
const (
	// linkAllSQL links [received_id, contact_id] pairs and returns those
	// that were not linked before: they get their events.
	linkAllSQL = `
INSERT INTO received_contacts (received_id, contact_id)
SELECT value ->> 0, value ->> 1 FROM json_each(?) WHERE true
ON CONFLICT DO NOTHING RETURNING received_id, contact_id`
	// insertEventsSQL inserts events given as [contact_id, at, kind,
	// message_id, subject, detail, received_id].
	insertEventsSQL = `
INSERT INTO events (contact_id, at, kind, message_id, subject, detail, received_id)
SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6
FROM json_each(?)`
)

// linkAll writes the links the batch's messages asked for and the events
// of the new ones, in the order of the batch.
func (r *recorder) linkAll(ctx context.Context) error {
	if len(r.links) == 0 {
		return nil
	}
	pairs := make([][2]int64, len(r.links))
	for i, l := range r.links {
		pairs[i] = [2]int64{l.Received, l.Contact}
	}
	list, err := jsonList(pairs)
	if err != nil {
		return err
	}
	rows, err := r.tx.QueryContext(ctx, linkAllSQL, list)
	if err != nil {
		return fmt.Errorf("link contacts: %w", translate(err))
	}
	added, err := collect(rows, func(rs rowScanner) ([2]int64, error) {
		var p [2]int64
		err := rs.Scan(&p[0], &p[1])
		return p, err
	})
	if err != nil {
		return fmt.Errorf("link contacts: %w", translate(err))
	}
	fresh := make(map[[2]int64]bool, len(added))
	for _, p := range added {
		fresh[p] = true
	}
	var evs [][]any
	for _, l := range r.links {
		p := [2]int64{l.Received, l.Contact}
		if !fresh[p] || l.event < 0 {
			continue
		}
		delete(fresh, p)
		e := r.events[l.event]
		e.ContactID, e.ReceivedID = l.Contact, l.Received
		at := e.At.UTC().Format(timeLayout) // never zero here
		evs = append(evs, eventArgs(&e, at))
		r.count(&e, at)
	}
	if len(evs) == 0 {
		return nil
	}
	if list, err = jsonList(evs); err == nil {
		_, err = r.tx.ExecContext(ctx, insertEventsSQL, list)
	}
	if err != nil {
		return fmt.Errorf("insert events: %w", translate(err))
	}
	return nil
}

// insertAll records the batch's messages and sets each row's id; fresh
// is set on the first occurrence of each message recorded now.
func (r *recorder) insertAll(ctx context.Context, rows []recordRow) error {
	if len(rows) == 0 {
		return nil
	}
	vals := make([][]any, len(rows))
	for i := range rows {
		x := &rows[i]
		var reply any
		if x.ReplyTo != 0 {
			reply = x.ReplyTo
		}
		vals[i] = []any{x.MessageID, x.Direction, x.Kind, x.From, x.FromAddr, x.to, x.cc,
			x.Subject, dbTime(x.Date), x.InReplyTo, x.refs, reply, x.Text, x.Truncated, x.files,
			x.Notes, dbTime(x.AutoReplyUntil), x.Folder, x.UID, x.UIDValidity}
	}
	list, err := jsonList(vals)
	if err != nil {
		return err
	}
	rs, err := r.tx.QueryContext(ctx, insertReceivedSQL, r.user, dbTime(r.now), list)
	if err != nil {
		return fmt.Errorf("insert received messages: %w", translate(err))
	}
	found, err := collect(rs, scanInserted)
	if err != nil {
		return fmt.Errorf("insert received messages: %w", translate(err))
	}
	ids := make(map[string]int64, len(found))
	for _, f := range found {
		ids[f.mid] = f.id
	}
	var again []string
	for i := range rows {
		x := &rows[i]
		if id, ok := ids[x.MessageID]; ok {
			x.id, x.fresh = id, true
			delete(ids, x.MessageID) // a second occurrence is a duplicate
			continue
		}
		again = append(again, x.MessageID)
	}
	if len(again) == 0 {
		return nil
	}
	if list, err = jsonList(again); err != nil {
		return err
	}
	if rs, err = r.tx.QueryContext(ctx, findReceivedSQL, r.user, list); err != nil {
		return fmt.Errorf("find received messages: %w", translate(err))
	}
	if found, err = collect(rs, scanFound); err != nil {
		return fmt.Errorf("find received messages: %w", translate(err))
	}
	seen := make(map[string]*receivedAt, len(found))
	for i := range found {
		seen[found[i].mid] = &found[i]
	}
	for i := range rows {
		x := &rows[i]
		if x.fresh {
			continue
		}
		at := seen[x.MessageID]
		if at == nil {
			return fmt.Errorf("message %q was neither recorded nor found", x.MessageID)
		}
		x.id = at.id
		if at.folder == x.Folder && at.uid == x.UID && at.validity == x.UIDValidity {
			continue
		}
		st, err := r.stmt(ctx, relocateReceivedSQL) //nolint:sqlclosecheck // cached per batch, bound to tx, closed when it ends
		if err == nil {
			_, err = st.ExecContext(ctx, x.Folder, x.UID, x.UIDValidity, x.id)
		}
		if err != nil {
			return fmt.Errorf("move received message %q: %w", x.MessageID, translate(err))
		}
		at.folder, at.uid, at.validity = x.Folder, x.UID, x.UIDValidity
	}
	return nil
}

// receivedAt is a recorded message and where it was last seen (folder,
// uid and validity: scanFound only).
type receivedAt struct {
	id            int64
	mid, folder   string
	uid, validity uint32
}

// scanInserted reads what insertReceivedSQL returns.
func scanInserted(rs rowScanner) (receivedAt, error) {
	var f receivedAt
	return f, rs.Scan(&f.id, &f.mid)
}

// scanFound reads what findReceivedSQL returns.
func scanFound(rs rowScanner) (receivedAt, error) {
	var f receivedAt
	return f, rs.Scan(&f.id, &f.mid, &f.folder, &f.uid, &f.validity)
}

// link links received message id to contact, reporting whether the link
// is new. A contact that does not exist is ErrInvalid.
func (r *recorder) link(ctx context.Context, id, contact int64) (bool, error) {
	st, err := r.stmt(ctx, linkReceivedSQL) //nolint:sqlclosecheck // cached per batch, bound to tx, closed when it ends
	if err != nil {
		return false, err
	}
	res, err := st.ExecContext(ctx, id, contact)
	if err != nil {
		return false, fmt.Errorf("link contact %d: %w", contact, translate(err))
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// event inserts e (as insertEvent does, the contact's last activity moved
// at the end of the batch) and counts it.
func (r *recorder) event(ctx context.Context, e *Event) error {
	st, err := r.stmt(ctx, insertEventSQL) //nolint:sqlclosecheck // cached per batch, bound to tx, closed when it ends
	if err != nil {
		return err
	}
	at := e.At.UTC().Format(timeLayout) // never zero here
	if err := st.QueryRowContext(ctx, eventArgs(e, at)...).Scan(&e.ID); err != nil {
		return fmt.Errorf("insert event: %w", translate(err))
	}
	r.count(e, at)
	return nil
}

// count counts e, stored at at, and notes the contact's latest activity.
func (r *recorder) count(e *Event, at string) {
	if at > r.latest[e.ContactID] {
		r.latest[e.ContactID] = at
	}
	r.res.Events++
	if e.Kind == EventReplied {
		r.res.Replies++
	}
}

// eventOf is the event x gives each of its contacts (ContactID and
// ReceivedID aside).
func eventOf(x *recordRow, now time.Time) Event {
	e := Event{At: orNow(x.Date, now).UTC(), MessageID: x.ReplyTo, Subject: x.Subject, Detail: x.From}
	switch {
	case x.bounce != nil || x.Kind == ReceivedBounce:
		e.Kind = EventBounced
		if x.bounce != nil {
			e.Detail = bounceDetail(x.bounce)
		}
	case x.Direction == ReceivedOut:
		e.Kind, e.Detail = EventEmailSentElsewhere, "to "+strings.Join(slices.Concat(x.To, x.Cc), ", ")
		e.MessageID = 0 // a follow-up in a thread is not our send
	case x.Kind == ReceivedAutoReply:
		e.Kind = EventAutoReply
		if !x.AutoReplyUntil.IsZero() {
			e.Detail = strings.Join(slices.DeleteFunc([]string{e.Detail,
				"back " + x.AutoReplyUntil.Format("Mon 2 Jan 2006")}, isBlank), " · ")
		}
	case x.ReplyTo != 0:
		e.Kind = EventReplied
	default:
		e.Kind = EventEmailReceived
	}
	return e
}
