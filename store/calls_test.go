package store

import (
	"errors"
	"testing"
	"time"
)

func TestLogCall(t *testing.T) {
	db, clock := openTest(t, nil)
	ctx := t.Context()
	rep := mustUser(t, db, "rep@example.com")
	c := mustContact(t, db, "Ada", "Lovelace", "ada@example.com")
	before := snapshot(t, db)
	for _, bad := range []Call{
		{ContactID: c.ID, Outcome: "busy"},
		{ContactID: c.ID, Outcome: CallConnected, Duration: -time.Second},
		{ContactID: c.ID, Outcome: CallConnected, Duration: 25 * time.Hour},
		{ContactID: c.ID, Outcome: CallConnected, At: clock.Now().Add(time.Hour)},
		{ContactID: c.ID, Outcome: CallConnected, Note: "\x1b]0;pwned\a"},
	} {
		if err := db.LogCall(ctx, &bad, rep.ID); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v, want ErrInvalid", bad, err)
		}
	}
	if err := db.LogCall(ctx, &Call{ContactID: 9999, Outcome: CallNoAnswer}, rep.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown contact: %v", err)
	}
	if snapshot(t, db) != before {
		t.Error("refused calls wrote")
	}
	call := Call{ContactID: c.ID, Outcome: CallVoicemail, Duration: 90 * time.Second, Note: "left my number"}
	if err := db.LogCall(ctx, &call, rep.ID); err != nil {
		t.Fatal(err)
	}
	cs, err := db.Calls(ctx, c.ID, 0)
	if err != nil || len(cs) != 1 || cs[0].Duration != 90*time.Second || cs[0].Outcome != CallVoicemail || cs[0].UserID != rep.ID {
		t.Fatalf("calls = %+v, %v", cs, err)
	}
	es, _ := db.Timeline(ctx, c.ID, 1)
	if e := es[0]; e.Kind != EventCall || e.Data["outcome"] != "voicemail" || e.Data["seconds"] != "90" ||
		e.Detail != "1 min 30 s · left my number" {
		t.Errorf("call event = %+v", e)
	}
}
