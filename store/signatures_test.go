package store

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestSignatureCRUD(t *testing.T) {
	db, _ := openTest(t, nil)
	ctx := t.Context()
	u := mustUser(t, db, "u@example.com")
	other := mustUser(t, db, "o@example.com")
	a := Signature{UserID: u.ID, Name: "Formal", Body: "Best,\n{{user.name}}", IsDefault: true}
	if err := db.CreateSignature(ctx, &a); err != nil {
		t.Fatal(err)
	}
	b := Signature{UserID: u.ID, Name: "Short", Body: "— {{user.name}}"}
	if err := db.CreateSignature(ctx, &b); err != nil {
		t.Fatal(err)
	}
	// Same name for another user is fine; same name (other case) for u is not.
	if err := db.CreateSignature(ctx, &Signature{UserID: other.ID, Name: "formal"}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateSignature(ctx, &Signature{UserID: u.ID, Name: "FORMAL"}); !errors.Is(err, ErrConflict) {
		t.Fatalf("duplicate name: %v, want ErrConflict", err)
	}
	for _, bad := range []Signature{{UserID: u.ID, Name: "  "}, {Name: "x"}} {
		if err := db.CreateSignature(ctx, &bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("CreateSignature(%+v) = %v, want ErrInvalid", bad, err)
		}
	}
	got, err := db.GetSignature(ctx, a.ID)
	if err != nil || !reflect.DeepEqual(got, a) {
		t.Fatalf("GetSignature = %+v, %v; want %+v", got, err, a)
	}
	// A new default takes over.
	b.IsDefault = true
	if err := db.UpdateSignature(ctx, b); err != nil {
		t.Fatal(err)
	}
	list, err := db.ListSignatures(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != b.ID || !list[0].IsDefault || list[1].IsDefault {
		t.Fatalf("after default change: %+v", list)
	}
	c := Signature{UserID: u.ID, Name: "Third", IsDefault: true}
	if err := db.CreateSignature(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if list, _ = db.ListSignatures(ctx, u.ID); list[0].ID != c.ID || list[1].IsDefault || list[2].IsDefault {
		t.Fatalf("create default: %+v", list)
	}
	// A rename onto an existing name is refused and changes nothing.
	c.Name = "short"
	if err := db.UpdateSignature(ctx, c); !errors.Is(err, ErrConflict) {
		t.Fatalf("rename onto existing: %v", err)
	}
	if after, _ := db.ListSignatures(ctx, u.ID); !reflect.DeepEqual(after, list) {
		t.Fatalf("refused update changed rows:\n%+v\n%+v", after, list)
	}
	if err := db.UpdateSignature(ctx, Signature{ID: 999, Name: "x"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("update unknown: %v", err)
	}
	if err := db.DeleteSignature(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteSignature(ctx, a.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("delete twice: %v", err)
	}
	if _, err := db.GetSignature(ctx, a.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("get deleted: %v", err)
	}
}

func TestDeleteEmailDeletesOrArchives(t *testing.T) {
	db, _, u, c, used := fixture(t)
	ctx := t.Context()
	unused := Email{Name: "Unused", Subject: "S"}
	if err := db.CreateEmail(ctx, &unused); err != nil {
		t.Fatal(err)
	}
	queue(t, db, u.ID, c.ID, used.ID)
	archived, err := db.DeleteEmail(ctx, unused.ID)
	if err != nil || archived {
		t.Fatalf("delete unused: archived=%v err=%v", archived, err)
	}
	if _, err := db.GetEmail(ctx, unused.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("unused still there: %v", err)
	}
	archived, err = db.DeleteEmail(ctx, used.ID)
	if err != nil || !archived {
		t.Fatalf("delete used: archived=%v err=%v", archived, err)
	}
	got, err := db.GetEmail(ctx, used.ID)
	if err != nil || !got.Archived {
		t.Fatalf("used email: %+v %v", got, err)
	}
	if es, _ := db.ListEmails(ctx, EmailFilter{}); len(es) != 0 {
		t.Errorf("archived email listed: %+v", es)
	}
	if es, _ := db.ListEmails(ctx, EmailFilter{IncludeArchived: true}); len(es) != 1 || es[0].ID != used.ID {
		t.Errorf("IncludeArchived: %+v", es)
	}
	if _, err := db.DeleteEmail(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("delete unknown: %v", err)
	}
}

func TestDuplicateEmail(t *testing.T) {
	db, _ := openTest(t, nil)
	ctx := t.Context()
	e := Email{Name: "Intro", Subject: "Hi {{first_name}}", Body: "Body", Tags: []string{"a", "b"},
		SmartMail: true, FromName: "F", FromEmail: "f@example.com", ReplyTo: "r@example.com"}
	if err := db.CreateEmail(ctx, &e); err != nil {
		t.Fatal(err)
	}
	cp, err := db.DuplicateEmail(ctx, e.ID, "Intro (copy)")
	if err != nil {
		t.Fatal(err)
	}
	if cp.ID == e.ID || cp.SmartMail || cp.Name != "Intro (copy)" || cp.Subject != e.Subject ||
		cp.Body != e.Body || !reflect.DeepEqual(cp.Tags, e.Tags) || cp.FromEmail != e.FromEmail || cp.ReplyTo != e.ReplyTo {
		t.Fatalf("copy = %+v", cp)
	}
	if _, err := db.DuplicateEmail(ctx, e.ID, "intro"); !errors.Is(err, ErrConflict) {
		t.Errorf("duplicate onto existing name: %v", err)
	}
	if _, err := db.DuplicateEmail(ctx, 999, "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("duplicate unknown: %v", err)
	}
	if es, _ := db.ListEmails(ctx, EmailFilter{}); len(es) != 2 {
		t.Errorf("emails: %+v", es)
	}
}

func TestReplaceUnsent(t *testing.T) {
	db, clock, u, c, e := fixture(t)
	ctx := t.Context()
	m := queue(t, db, u.ID, c.ID, e.ID)
	if got, _ := db.GetMessage(ctx, m.ID); got.Draft != nil {
		t.Fatalf("quick send message has a draft: %q", got.Draft)
	}
	at := clock.Now().Add(time.Hour)
	repl := Message{MessageID: "<new@test.example>", Subject: "New", From: "u@example.com",
		Recipients: []string{"x@example.com"}, Raw: []byte("Subject: New\r\n\r\nnew\r\n"),
		Draft: []byte(`{"Subject":"New"}`), SendAt: at}
	got, err := db.ReplaceUnsent(ctx, m.ID, repl)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != MessageScheduled || got.MessageID != repl.MessageID || string(got.Raw) != string(repl.Raw) ||
		string(got.Draft) != string(repl.Draft) || !got.SendAt.Equal(at) || got.ContactID != c.ID || got.EmailID != e.ID {
		t.Fatalf("replaced = %+v", got)
	}
	evs, err := db.Timeline(ctx, c.ID, 1)
	if err != nil || len(evs) != 1 || evs[0].Kind != EventEmailScheduled || evs[0].Detail != "Edited · leaves "+at.Local().Format("Mon 2 Jan 2006 15:04 MST") {
		t.Fatalf("event: %+v %v", evs, err)
	}
	// A cancelled message may be edited back into the queue.
	if _, err := db.CancelMessage(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	repl.SendAt = time.Time{}
	if got, err = db.ReplaceUnsent(ctx, m.ID, repl); err != nil || got.Status != MessageQueued {
		t.Fatalf("replace cancelled: %+v %v", got, err)
	}
	// Once claimed it has left: refused, nothing changes.
	if _, err := db.ClaimMessage(ctx, m.ID, clock.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	before, _ := db.GetMessage(ctx, m.ID)
	repl.Subject = "Too late"
	if _, err := db.ReplaceUnsent(ctx, m.ID, repl); !errors.Is(err, ErrConflict) {
		t.Fatalf("replace sending: %v, want ErrConflict", err)
	}
	if after, _ := db.GetMessage(ctx, m.ID); !reflect.DeepEqual(after, before) {
		t.Fatalf("refused replace changed the row:\n%+v\n%+v", after, before)
	}
	if _, err := db.ReplaceUnsent(ctx, 999, repl); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown: %v", err)
	}
	if _, err := db.ReplaceUnsent(ctx, m.ID, Message{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty: %v", err)
	}
}

func TestImportEmailsAllOrNothing(t *testing.T) {
	db, _ := openTest(t, nil)
	ctx := t.Context()
	old := Email{Name: "Intro", Subject: "Old", FromEmail: "f@example.com"}
	if err := db.CreateEmail(ctx, &old); err != nil {
		t.Fatal(err)
	}
	// The second is invalid: nothing is written.
	if _, _, err := db.ImportEmails(ctx, []Email{{Name: "intro", Subject: "New"}, {Name: "Bad"}}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("invalid import: %v", err)
	}
	es, _ := db.ListEmails(ctx, EmailFilter{})
	n := len(es)
	c, u, err := db.ImportEmails(ctx, []Email{{Name: "INTRO", Subject: "New", SmartMail: true, Tags: []string{"x"}}, {Name: "Fresh", Subject: "F"}})
	if err != nil || c != 1 || u != 1 {
		t.Fatalf("import: created %d updated %d err %v", c, u, err)
	}
	got, _ := db.GetEmail(ctx, old.ID)
	if got.Subject != "New" || !got.SmartMail || got.FromEmail != "f@example.com" || got.Name != "Intro" {
		t.Errorf("updated = %+v", got)
	}
	if es, _ := db.ListEmails(ctx, EmailFilter{}); len(es) != n+1 {
		t.Errorf("%d emails, want %d", len(es), n+1)
	}
}

func TestFirstSignatureIsTheDefault(t *testing.T) {
	db, _ := openTest(t, nil)
	ctx := t.Context()
	u := mustUser(t, db, "u@example.com")
	first := Signature{UserID: u.ID, Name: "Standard", Body: "{{user.name}}"}
	second := Signature{UserID: u.ID, Name: "Short", Body: "— {{user.name}}"}
	for _, s := range []*Signature{&first, &second} {
		if err := db.CreateSignature(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if !first.IsDefault || second.IsDefault {
		t.Fatalf("defaults: first %v, second %v; want only the first", first.IsDefault, second.IsDefault)
	}
	list, err := db.ListSignatures(ctx, u.ID)
	if err != nil || len(list) != 2 || list[0].ID != first.ID || !list[0].IsDefault {
		t.Fatalf("ListSignatures = %+v, %v", list, err)
	}
}
