package store

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// sendTo queues a message to contact and marks it sent at the clock's now.
func sendTo(t testing.TB, db *DB, user, contact int64) Message {
	t.Helper()
	m := queue(t, db, user, contact, 0)
	if err := db.MarkSent(t.Context(), mustClaim(t, db, m.ID).ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetMessage(t.Context(), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func mustClaim(t testing.TB, db *DB, id int64) Message {
	t.Helper()
	m, err := db.ClaimMessage(t.Context(), id, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// dump renders every row of the tables Mail Sync writes, to compare a
// database before and after a call.
func dump(t testing.TB, db *DB) map[string][]string {
	t.Helper()
	return dumpTables(t, db, "received", "received_contacts", "events", "messages",
		"sync_folders", "bouncing_addresses", "contacts")
}

// dumpTables renders every row of tables.
func dumpTables(t testing.TB, db *DB, tables ...string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, tb := range tables {
		func() {
			rows, err := db.sql.QueryContext(t.Context(), `SELECT * FROM `+tb+` ORDER BY 1, 2`)
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				if err := rows.Close(); err != nil {
					t.Fatal(err)
				}
			}()
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				out[tb] = append(out[tb], fmt.Sprintf("%v", vals))
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
		}()
	}
	return out
}

// kinds lists the kinds (and related received and message ids) of a
// contact's timeline, oldest first.
func kinds(t testing.TB, db *DB, contact int64) []string {
	t.Helper()
	es, err := db.Timeline(t.Context(), contact, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range slices.Backward(es) {
		out = append(out, fmt.Sprintf("%s r%d m%d", e.Kind, e.ReceivedID, e.MessageID))
	}
	return out
}

type syncWorld struct {
	db      *DB
	clock   *testClock
	user    User
	ada, bo Contact
	send    Message // a send to ada
}

func newSyncWorld(t *testing.T) syncWorld {
	db, clock := openTest(t, nil)
	w := syncWorld{db: db, clock: clock, user: mustUser(t, db, "rep@example.com")}
	w.ada = mustContact(t, db, "Ada", "Lovelace", "Ada@Example.com")
	w.bo = mustContact(t, db, "Bo", "Diddley", "bo@example.com")
	w.send = sendTo(t, db, w.user.ID, w.ada.ID)
	clock.Advance(time.Hour)
	return w
}

func TestRecordSyncEventsAndIdempotence(t *testing.T) {
	w := newSyncWorld(t)
	ctx := t.Context()
	day := time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)
	batch := SyncBatch{
		Folder: SyncFolder{Name: "INBOX", UIDValidity: 7, LastUID: 40, UIDNext: 41, Messages: 30, ModSeq: 99, Matched: 5},
		Received: []Received{
			{MessageID: "hello@ada", Direction: ReceivedIn, From: "Ada <ada@example.com>", FromAddr: "ada@example.com",
				To: []string{"rep@example.com"}, Subject: "Hello", Date: day, ContactIDs: []int64{w.ada.ID},
				Folder: "INBOX", UID: 3, UIDValidity: 7},
			// The colleague who is no contact answers our send: Ada's timeline shows it.
			{MessageID: "re1@colleague", Direction: ReceivedIn, From: "Cy <cy@example.com>", FromAddr: "cy@example.com",
				Subject: "Re: " + w.send.Subject, Date: day.Add(time.Hour), InReplyTo: "x", ReplyTo: w.send.ID},
			// Bo answers too, with Ada in copy: each of them once.
			{MessageID: "re2@bo", Direction: ReceivedIn, From: "bo@example.com", FromAddr: "bo@example.com",
				Cc: []string{"ada@example.com"}, Subject: "Re: " + w.send.Subject, Date: day.Add(2 * time.Hour),
				ReplyTo: w.send.ID, ContactIDs: []int64{w.bo.ID, w.ada.ID, w.bo.ID}},
			{MessageID: "ooo@ada", Direction: ReceivedIn, Kind: ReceivedAutoReply, From: "ada@example.com",
				Subject: "Out of office", Date: day.Add(3 * time.Hour), ReplyTo: w.send.ID,
				AutoReplyUntil: time.Date(2026, 3, 23, 0, 0, 0, 0, time.UTC), ContactIDs: []int64{w.ada.ID}},
			{MessageID: "phone@rep", Direction: ReceivedOut, From: "rep@example.com", To: []string{"ada@example.com"},
				Subject: "From my phone", Date: day.Add(4 * time.Hour), ContactIDs: []int64{w.ada.ID}},
		},
	}
	res, err := w.db.RecordSync(ctx, w.user.ID, batch)
	if err != nil {
		t.Fatal(err)
	}
	if want := (SyncResult{Recorded: 5, Events: 6, Replies: 3, AutoReplies: 1}); res != want {
		t.Errorf("result = %+v, want %+v", res, want)
	}
	ids := map[string]int64{}
	for _, e := range must(w.db.Timeline(ctx, w.ada.ID, 0)) {
		if e.ReceivedID != 0 {
			r := must(w.db.GetReceived(ctx, e.ReceivedID))
			ids[r.MessageID] = r.ID
		}
	}
	r := func(mid string) int64 { return ids[mid] }
	m := w.send.ID
	wantAda := []string{"created r0 m0", "email_queued r0 m" + fmt.Sprint(m), "email_sent r0 m" + fmt.Sprint(m),
		fmt.Sprintf("email_received r%d m0", r("hello@ada")),
		fmt.Sprintf("replied r%d m%d", r("re1@colleague"), m),
		fmt.Sprintf("replied r%d m%d", r("re2@bo"), m),
		fmt.Sprintf("auto_reply r%d m%d", r("ooo@ada"), m),
		fmt.Sprintf("email_sent_elsewhere r%d m0", r("phone@rep"))}
	if got := kinds(t, w.db, w.ada.ID); !slices.Equal(got, wantAda) {
		t.Errorf("Ada's timeline:\n%q\nwant\n%q", got, wantAda)
	}
	if got, want := kinds(t, w.db, w.bo.ID), []string{"created r0 m0", fmt.Sprintf("replied r%d m%d", r("re2@bo"), m)}; !slices.Equal(got, want) {
		t.Errorf("Bo's timeline: %q, want %q", got, want)
	}
	for _, e := range must(w.db.Timeline(ctx, w.ada.ID, 0)) {
		if e.Answered != (e.Kind == EventEmailSent) {
			t.Errorf("%s event answered = %v", e.Kind, e.Answered)
		}
		if e.Kind == EventAutoReply && e.Detail != "ada@example.com · back Mon 23 Mar 2026" {
			t.Errorf("auto-reply detail %q", e.Detail)
		}
		if e.Kind == EventEmailSentElsewhere && (e.Detail != "to ada@example.com" || !e.At.Equal(day.Add(4*time.Hour))) {
			t.Errorf("sent elsewhere: %+v", e)
		}
	}
	if got := must(w.db.GetMessage(ctx, m)); !got.RepliedAt.Equal(day.Add(time.Hour)) {
		t.Errorf("replied at %v, want the first reply's date", got.RepliedAt)
	}
	folders := must(w.db.SyncFolders(ctx))
	if len(folders) != 1 || folders[0].Name != "INBOX" || folders[0].LastUID != 40 || folders[0].ModSeq != 99 ||
		folders[0].Matched != 5 || !folders[0].LastRun.Equal(w.clock.Now()) {
		t.Errorf("folders = %+v", folders)
	}

	// The same batch again (a rescan, a rerun after kill -9): nothing new.
	before := dump(t, w.db)
	w.clock.Advance(time.Minute)
	batch.Folder.LastRun = w.clock.Now().Add(-time.Minute)
	res, err = w.db.RecordSync(ctx, w.user.ID, batch)
	if err != nil {
		t.Fatal(err)
	}
	if want := (SyncResult{Duplicates: 5}); res != want {
		t.Errorf("again: result = %+v, want %+v", res, want)
	}
	if after := dump(t, w.db); !reflect.DeepEqual(before, after) {
		t.Errorf("recording the same batch again changed the database:\n%v\n%v", before, after)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestRecordSyncBackfillsNewContact(t *testing.T) {
	w := newSyncWorld(t)
	ctx := t.Context()
	msg := Received{MessageID: "thread@x", Direction: ReceivedIn, From: "ada@example.com", FromAddr: "ada@example.com",
		Cc: []string{"cleo@example.com"}, Subject: "Team", ContactIDs: []int64{w.ada.ID}, Folder: "INBOX", UID: 9}
	if _, err := w.db.RecordSync(ctx, w.user.ID, SyncBatch{Received: []Received{msg}}); err != nil {
		t.Fatal(err)
	}
	// Cleo is imported later; her backfill finds the same message in another folder.
	cleo := mustContact(t, w.db, "Cleo", "Laine", "cleo@example.com")
	msg.ContactIDs = []int64{w.ada.ID, cleo.ID}
	msg.Folder, msg.UID = "Archive", 12
	res, err := w.db.RecordSync(ctx, w.user.ID, SyncBatch{Received: []Received{msg}})
	if err != nil {
		t.Fatal(err)
	}
	if want := (SyncResult{Duplicates: 1, Events: 1}); res != want {
		t.Errorf("result = %+v, want %+v", res, want)
	}
	if got := kinds(t, w.db, cleo.ID); len(got) != 2 || !strings.HasPrefix(got[1], "email_received") {
		t.Errorf("Cleo's timeline %q", got)
	}
	if n := len(kinds(t, w.db, w.ada.ID)); n != 4 {
		t.Errorf("Ada has %d events, want 4 (created, queued, sent, received once)", n)
	}
	es := must(w.db.Timeline(ctx, cleo.ID, 1))
	got := must(w.db.GetReceived(ctx, es[0].ReceivedID))
	if got.Folder != "Archive" || got.UID != 12 || !slices.Equal(got.ContactIDs, []int64{w.ada.ID, cleo.ID}) {
		t.Errorf("received = %+v", got)
	}
}

func TestRecordSyncFailsWhole(t *testing.T) {
	w := newSyncWorld(t)
	ctx := t.Context()
	if _, err := w.db.RecordSync(ctx, w.user.ID, SyncBatch{
		Folder:   SyncFolder{Name: "INBOX", UIDValidity: 1, LastUID: 5},
		Received: []Received{{MessageID: "a@x", Direction: ReceivedIn, ContactIDs: []int64{w.ada.ID}}},
	}); err != nil {
		t.Fatal(err)
	}
	before := dump(t, w.db)
	for name, b := range map[string]SyncBatch{
		"unknown contact": {Folder: SyncFolder{Name: "INBOX", UIDValidity: 1, LastUID: 9}, Received: []Received{
			{MessageID: "b@x", Direction: ReceivedIn, ContactIDs: []int64{w.bo.ID}},
			{MessageID: "c@x", Direction: ReceivedIn, ContactIDs: []int64{w.ada.ID, 9999}},
			{MessageID: "d@x", Direction: ReceivedIn, ContactIDs: []int64{w.ada.ID}},
		}},
		"unknown send": {Received: []Received{
			{MessageID: "b@x", Direction: ReceivedIn, ContactIDs: []int64{w.bo.ID}},
			{MessageID: "e@x", Direction: ReceivedIn, ReplyTo: 9999},
		}},
		"unknown bounced send": {Received: []Received{{MessageID: "b@x", Direction: ReceivedIn, ContactIDs: []int64{w.bo.ID}}},
			Bounces: []SyncBounce{{MessageID: 9999, Status: "5.1.1", Permanent: true}}},
		"no Message-ID":     {Received: []Received{{Direction: ReceivedIn}}},
		"bad direction":     {Received: []Received{{MessageID: "f@x", Direction: "sideways"}}},
		"bad kind":          {Received: []Received{{MessageID: "f@x", Direction: ReceivedIn, Kind: "spam"}}},
		"bounce of nothing": {Bounces: []SyncBounce{{Status: "5.1.1"}}},
	} {
		_, err := w.db.RecordSync(ctx, w.user.ID, b)
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: error %v, want ErrInvalid", name, err)
		}
		if after := dump(t, w.db); !reflect.DeepEqual(before, after) {
			t.Errorf("%s: the failed batch changed the database", name)
		}
	}
	_, err := w.db.RecordSync(ctx, 0, SyncBatch{})
	wantErr(t, err, ErrInvalid)
}

func TestRecordSyncBounces(t *testing.T) {
	w := newSyncWorld(t)
	ctx := t.Context()
	at := w.clock.Now().Add(-time.Minute)
	dsn := Received{MessageID: "dsn1@mx", Direction: ReceivedIn, Kind: ReceivedBounce,
		From: "Mail Delivery System <mailer-daemon@mx>", FromAddr: "mailer-daemon@mx",
		Subject: "Undelivered Mail Returned to Sender", Date: at, ContactIDs: []int64{w.ada.ID}}
	bounce := SyncBounce{MessageID: w.send.ID, Status: "5.1.1", Diagnostic: "smtp; 550 5.1.1 no such user",
		Recipient: "Ada@Example.com", Permanent: true, At: at, ReceivedMessageID: "dsn1@mx"}
	res, err := w.db.RecordSync(ctx, w.user.ID, SyncBatch{Received: []Received{dsn}, Bounces: []SyncBounce{bounce}})
	if err != nil {
		t.Fatal(err)
	}
	if want := (SyncResult{Recorded: 1, Events: 1, Bounces: 1}); res != want {
		t.Errorf("result = %+v, want %+v", res, want)
	}
	m := must(w.db.GetMessage(ctx, w.send.ID))
	if !m.BouncedAt.Equal(at) || m.BounceStatus != "5.1.1" || m.BounceDetail != bounce.Diagnostic || m.Status != MessageSent {
		t.Errorf("bounced message = %+v", m)
	}
	es := must(w.db.Timeline(ctx, w.ada.ID, 1))
	if e := es[0]; e.Kind != EventBounced || e.MessageID != w.send.ID || e.ReceivedID == 0 ||
		e.Detail != "5.1.1 smtp; 550 5.1.1 no such user" {
		t.Errorf("bounced event = %+v", e)
	}
	if got := must(w.db.GetReceived(ctx, es[0].ReceivedID)); got.ReplyTo != w.send.ID {
		t.Errorf("the DSN answers message %d, want %d", got.ReplyTo, w.send.ID)
	}
	b, ok, err := w.db.AddressBouncing(ctx, "ADA@example.COM")
	if err != nil || !ok || b.Email != "ada@example.com" || b.Status != "5.1.1" || b.MessageID != w.send.ID || !b.At.Equal(at) {
		t.Errorf("AddressBouncing = %+v, %v, %v", b, ok, err)
	}
	if _, ok, err := w.db.AddressBouncing(ctx, "bo@example.com"); ok || err != nil {
		t.Errorf("bo bouncing: %v, %v", ok, err)
	}

	// A second DSN of the same send: recorded, but nothing else.
	before := kinds(t, w.db, w.ada.ID)
	dsn2, bounce2 := dsn, bounce
	dsn2.MessageID, bounce2.ReceivedMessageID, bounce2.Status = "dsn2@mx", "dsn2@mx", "5.2.2"
	res, err = w.db.RecordSync(ctx, w.user.ID, SyncBatch{Received: []Received{dsn2}, Bounces: []SyncBounce{bounce2}})
	if err != nil {
		t.Fatal(err)
	}
	if want := (SyncResult{Recorded: 1}); res != want {
		t.Errorf("second DSN: result = %+v, want %+v", res, want)
	}
	if got := kinds(t, w.db, w.ada.ID); !slices.Equal(got, before) {
		t.Errorf("second DSN changed the timeline: %q", got)
	}
	if m := must(w.db.GetMessage(ctx, w.send.ID)); m.BounceStatus != "5.1.1" {
		t.Errorf("the first bounce was replaced: %+v", m)
	}

	// Two DSNs of one send in one batch: the first one counts.
	third := sendTo(t, w.db, w.user.ID, w.bo.ID)
	d1, d2 := dsn, dsn
	d1.MessageID, d2.MessageID = "dsn3@mx", "dsn4@mx"
	d1.ContactIDs, d2.ContactIDs = []int64{w.bo.ID}, []int64{w.bo.ID}
	b1 := SyncBounce{MessageID: third.ID, Status: "5.1.1", ReceivedMessageID: "dsn3@mx"}
	b2 := SyncBounce{MessageID: third.ID, Status: "5.7.1", ReceivedMessageID: "dsn4@mx"}
	res, err = w.db.RecordSync(ctx, w.user.ID, SyncBatch{Received: []Received{d1, d2}, Bounces: []SyncBounce{b1, b2}})
	if want := (SyncResult{Recorded: 2, Events: 1, Bounces: 1}); err != nil || res != want {
		t.Errorf("two DSNs: %+v, %v; want %+v", res, err, want)
	}
	if m := must(w.db.GetMessage(ctx, third.ID)); m.BounceStatus != "5.1.1" {
		t.Errorf("two DSNs: status %q", m.BounceStatus)
	}

	// A bounce whose DSN is not in the batch, temporary: an event on the
	// send's contact, no flag.
	other := sendTo(t, w.db, w.user.ID, w.bo.ID)
	res, err = w.db.RecordSync(ctx, w.user.ID, SyncBatch{Bounces: []SyncBounce{{MessageID: other.ID, Status: "4.2.2"}}})
	if err != nil || res != (SyncResult{Events: 1, Bounces: 1}) {
		t.Errorf("bare bounce: %+v, %v", res, err)
	}
	if got := kinds(t, w.db, w.bo.ID); got[len(got)-1] != fmt.Sprintf("bounced r0 m%d", other.ID) {
		t.Errorf("Bo's timeline %q", got)
	}
	if _, ok, _ := w.db.AddressBouncing(ctx, "a@example.com"); ok {
		t.Error("a temporary bounce flagged the address")
	}
}

func TestGetReceivedRoundTrips(t *testing.T) {
	w := newSyncWorld(t)
	ctx := t.Context()
	in := Received{MessageID: "full@x", Direction: ReceivedIn, Kind: ReceivedOrdinary,
		From: "Ada <ada@example.com>", FromAddr: "ADA@example.com", To: []string{"rep@example.com", "z@example.com"},
		Cc: []string{"bo@example.com"}, Subject: "Ünïcode ✓", Date: time.Date(2027, 1, 2, 3, 4, 5, 6, time.UTC),
		InReplyTo: "root@x", References: []string{"root@x", "mid@x"}, ReplyTo: w.send.ID, Text: "Hi\r\nthere",
		Truncated: true, Attachments: []ReceivedAttachment{{Name: "a.pdf", Type: "application/pdf", Size: 1 << 20}},
		Notes: "unknown charset x-foo: shown as is", Folder: "INBOX", UID: 4_000_000_000, UIDValidity: 3_000_000_000,
		ContactIDs: []int64{w.bo.ID, w.ada.ID}}
	if _, err := w.db.RecordSync(ctx, w.user.ID, SyncBatch{Received: []Received{in}}); err != nil {
		t.Fatal(err)
	}
	es := must(w.db.Timeline(ctx, w.bo.ID, 1))
	got := must(w.db.GetReceived(ctx, es[0].ReceivedID))
	want := in
	want.ID, want.UserID, want.FromAddr, want.CreatedAt = got.ID, w.user.ID, "ada@example.com", w.clock.Now()
	want.ContactIDs = []int64{w.ada.ID, w.bo.ID}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	_, err := w.db.GetReceived(ctx, 9999)
	wantErr(t, err, ErrNotFound)
}

func TestContactsByEmails(t *testing.T) {
	w := newSyncWorld(t)
	ctx := t.Context()
	dup := mustDuplicate(t, w.db, "Ada", "Again", "ada@example.COM")
	got, err := w.db.ContactsByEmails(ctx, []string{"ADA@example.com", " bo@example.com", "nobody@example.com", "", "ada@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]int64{"ada@example.com": {w.ada.ID, dup.ID}, "bo@example.com": {w.bo.ID}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ContactsByEmails = %v, want %v", got, want)
	}
	// Far more addresses than SQLite's variable limit, in one query.
	many := make([]string, 40_000)
	for i := range many {
		many[i] = fmt.Sprintf("someone%d@example.org", i)
	}
	many[len(many)-1] = "bo@example.com"
	if got, err := w.db.ContactsByEmails(ctx, many); err != nil || len(got) != 1 {
		t.Errorf("40,000 addresses: %v, %v", got, err)
	}
	plan := explain(t, w.db, `SELECT j.value, c.id FROM json_each(?) AS j JOIN contacts AS c ON c.email = j.value`, `[]`)
	if !strings.Contains(plan, "INDEX contacts_email (email=?)") {
		t.Errorf("plan:\n%s", plan)
	}
}

func TestOurMessages(t *testing.T) {
	w := newSyncWorld(t)
	got, err := w.db.OurMessages(t.Context(), []string{w.send.MessageID, "stranger@x"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]OurMessage{w.send.MessageID: {ID: w.send.ID, ContactID: w.ada.ID, Status: MessageSent, SentAt: w.send.SentAt}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("OurMessages = %+v, want %+v", got, want)
	}
	if got, err := w.db.OurMessages(t.Context(), nil); err != nil || len(got) != 0 {
		t.Errorf("none: %v, %v", got, err)
	}
}

// TestSyncQueriesUseIndexes keeps the lookups of a batch to index probes,
// one per message, whatever the size of the mailbox already recorded.
func TestSyncQueriesUseIndexes(t *testing.T) {
	db, _ := openTest(t, nil)
	for _, tc := range []struct {
		name, q, want string
		args          []any
	}{
		{"find received", findReceivedSQL, "INDEX sqlite_autoindex_received_1 (user_id=? AND message_id=?)", []any{1, `[]`}},
		{"our messages", `SELECT id FROM messages WHERE message_id IN (SELECT value FROM json_each(?))`,
			"INDEX sqlite_autoindex_messages_1 (message_id=?)", []any{`[]`}},
		{"contacts of received", `SELECT contact_id FROM received_contacts WHERE received_id IN (SELECT value FROM json_each(?))`,
			"SEARCH received_contacts USING PRIMARY KEY (received_id=?)", []any{`[]`}},
	} {
		if plan := explain(t, db, tc.q, tc.args...); !strings.Contains(plan, tc.want) {
			t.Errorf("%s: plan\n%s\nwant %q", tc.name, plan, tc.want)
		}
	}
}

// TestRecordSyncSameMessageTwice: a message found twice in one batch (two
// copies in a folder) is one row, one event, seen last where it was last.
func TestRecordSyncSameMessageTwice(t *testing.T) {
	w := newSyncWorld(t)
	ctx := t.Context()
	m := Received{MessageID: "twice@x", Direction: ReceivedIn, ContactIDs: []int64{w.bo.ID}, Folder: "INBOX", UID: 1}
	m2 := m
	m2.UID, m2.ContactIDs = 2, []int64{w.bo.ID, w.ada.ID}
	res, err := w.db.RecordSync(ctx, w.user.ID, SyncBatch{Received: []Received{m, m2}})
	if err != nil {
		t.Fatal(err)
	}
	if want := (SyncResult{Recorded: 1, Duplicates: 1, Events: 2}); res != want {
		t.Errorf("result = %+v, want %+v", res, want)
	}
	es := must(w.db.Timeline(ctx, w.bo.ID, 1))
	if got := must(w.db.GetReceived(ctx, es[0].ReceivedID)); got.UID != 2 || len(got.ContactIDs) != 2 {
		t.Errorf("received = %+v", got)
	}
	if n := rowCount(t, w.db, "received"); n != 1 {
		t.Errorf("%d rows", n)
	}
}
