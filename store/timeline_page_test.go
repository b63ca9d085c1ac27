package store

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestTimelineBeforePagesEverything(t *testing.T) {
	w := newSyncWorld(t)
	ctx := t.Context()
	// 1,000 synced messages, several at each instant (ties go by id).
	var batch SyncBatch
	base := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 1000 {
		batch.Received = append(batch.Received, Received{MessageID: fmt.Sprintf("m%d@x", i), Direction: ReceivedIn,
			Date: base.Add(time.Duration(i/7) * time.Hour), ContactIDs: []int64{w.ada.ID}})
	}
	if _, err := w.db.RecordSync(ctx, w.user.ID, batch); err != nil {
		t.Fatal(err)
	}
	all := must(w.db.Timeline(ctx, w.ada.ID, 5000))
	if len(all) != 1003 {
		t.Fatalf("%d events, want 1,003", len(all))
	}
	got := must(w.db.Timeline(ctx, w.ada.ID, 0))
	for {
		last := got[len(got)-1]
		page := must(w.db.TimelineBefore(ctx, w.ada.ID, last.At, last.ID, 0))
		if len(page) == 0 {
			break
		}
		if len(page) > TimelineLimit {
			t.Fatalf("a page of %d", len(page))
		}
		got = append(got, page...)
	}
	if !reflect.DeepEqual(got, all) {
		t.Errorf("paged timeline differs from the whole one (%d and %d events)", len(got), len(all))
	}
	// The sent event keeps its answer mark on older pages too.
	var sent Event
	for _, e := range all {
		if e.Kind == EventEmailSent {
			sent = e
		}
	}
	if _, err := w.db.RecordSync(ctx, w.user.ID, SyncBatch{Received: []Received{{MessageID: "re@x",
		Direction: ReceivedIn, ReplyTo: w.send.ID, Date: base}}}); err != nil {
		t.Fatal(err)
	}
	page := must(w.db.TimelineBefore(ctx, w.ada.ID, sent.At.Add(time.Nanosecond), 0, 1))
	if len(page) != 1 || page[0].ID != sent.ID || !page[0].Answered {
		t.Errorf("page = %+v", page)
	}
	plan := explain(t, w.db, timelineSQL(timelineBeforeCond), EventEmailScheduled, EventEmailSent, w.ada.ID, 300, "", 0)
	if !strings.Contains(plan, "events_timeline (contact_id=? AND") || strings.Contains(plan, "TEMP B-TREE") {
		t.Errorf("plan:\n%s", plan)
	}
}

func TestThreadOf(t *testing.T) {
	w := newSyncWorld(t)
	ctx := t.Context()
	day := time.Date(2026, 3, 16, 9, 0, 0, 0, time.UTC)
	batch := SyncBatch{Received: []Received{
		{MessageID: "second@x", Direction: ReceivedIn, ReplyTo: w.send.ID, Date: day.Add(time.Hour), ContactIDs: []int64{w.bo.ID}},
		{MessageID: "first@x", Direction: ReceivedIn, Kind: ReceivedAutoReply, ReplyTo: w.send.ID, Date: day},
		{MessageID: "unrelated@x", Direction: ReceivedIn, Date: day, ContactIDs: []int64{w.ada.ID}},
	}}
	if _, err := w.db.RecordSync(ctx, w.user.ID, batch); err != nil {
		t.Fatal(err)
	}
	th := must(w.db.ThreadOf(ctx, w.send.ID))
	if len(th) != 2 || th[0].MessageID != "first@x" || th[1].MessageID != "second@x" ||
		!reflect.DeepEqual(th[0].ContactIDs, []int64{w.ada.ID}) ||
		!reflect.DeepEqual(th[1].ContactIDs, []int64{w.ada.ID, w.bo.ID}) {
		t.Errorf("thread = %+v", th)
	}
	if th := must(w.db.ThreadOf(ctx, 9999)); len(th) != 0 {
		t.Errorf("thread of nothing = %+v", th)
	}
	plan := explain(t, w.db, `SELECT id FROM received WHERE reply_to_message = ? ORDER BY date, id`, 1)
	if !strings.Contains(plan, "received_reply") || strings.Contains(plan, "TEMP B-TREE") {
		t.Errorf("plan:\n%s", plan)
	}
}
