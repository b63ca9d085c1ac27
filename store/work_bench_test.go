package store

import (
	"database/sql"
	"fmt"
	"testing"
	"time"
)

// BenchmarkSaveEdit is "saving an edit" (< 5 ms at 1M contacts): the
// company and a custom field of a contact the editor has open, with its
// edited events, in one transaction.
func BenchmarkSaveEdit(b *testing.B) {
	d := benchDB.get(b)
	ctx := b.Context()
	rows, err := d.db.sql.QueryContext(ctx, `SELECT id, version FROM contacts WHERE id % ? = 0 LIMIT 200`,
		max(1, *benchContacts/200))
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	versions := map[int64]int64{}
	var ids []int64
	for rows.Next() {
		var id, v int64
		if err := rows.Scan(&id, &v); err != nil {
			b.Fatal(err)
		}
		ids, versions[id] = append(ids, id), v
	}
	if err := rows.Err(); err != nil || len(ids) == 0 {
		b.Fatalf("contacts to edit: %v", err)
	}
	measure(b, func(i int) error {
		id := ids[i%len(ids)]
		c, err := d.db.UpdateContact(ctx, id, versions[id], ContactChanges{
			Company:   ptr(fmt.Sprint("Edited Company ", i)),
			SetCustom: map[string]string{"note": fmt.Sprint(i)}})
		versions[id] = c.Version
		return err
	})
}

// BenchmarkTimeline5000 opens the Life of the Lead of a contact with 5,000
// events: the first 300 (S15), as the Contact screen asks.
func BenchmarkTimeline5000(b *testing.B) {
	d := benchDB.get(b)
	ctx := b.Context()
	c := Contact{Kind: KindLead, FirstName: "Busy", LastName: "Timeline", Email: fmt.Sprintf("busy%d@example.com", time.Now().UnixNano())}
	if err := d.db.CreateContact(ctx, &c); err != nil {
		b.Fatal(err)
	}
	at := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	kinds := []EventKind{EventNote, EventCall, EventTask, EventStatus, EventEdited, EventEmailReceived}
	err := d.db.tx(ctx, func(tx *sql.Tx) error {
		for i := range 5000 {
			e := Event{ContactID: c.ID, At: at.Add(time.Duration(i) * time.Hour), Kind: kinds[i%len(kinds)],
				Subject: "Event", Detail: fmt.Sprint("detail ", i), Data: map[string]string{"i": fmt.Sprint(i)}}
			if err := d.db.insertEvent(ctx, tx, &e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	measure(b, func(int) error {
		es, err := d.db.Timeline(ctx, c.ID, TimelineLimit)
		if err == nil && len(es) != TimelineLimit {
			err = fmt.Errorf("%d events", len(es))
		}
		return err
	})
}
