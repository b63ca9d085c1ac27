package store

import (
	"maps"
	"slices"
	"testing"
	"time"
)

func TestCreateGetUpdateEmail(t *testing.T) {
	db, clock := openTest(t, nil)
	ctx := t.Context()
	e := Email{Name: " Intro ", Subject: "Hello {{first_name}}", Body: "**Hi**",
		Tags: []string{"Promo", " ", "promo", "Q4"}, SmartMail: true, FromName: "Ada",
		FromEmail: "ada@example.com", ReplyTo: "sales@example.com"}
	if err := db.CreateEmail(ctx, &e); err != nil {
		t.Fatal(err)
	}
	if e.ID == 0 || e.Name != "Intro" || !slices.Equal(e.Tags, []string{"Promo", "Q4"}) ||
		!e.CreatedAt.Equal(clock.Now()) {
		t.Fatalf("after create: %+v", e)
	}
	got, err := db.GetEmail(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != e.Name || got.Subject != e.Subject || got.Body != e.Body || !got.SmartMail ||
		!slices.Equal(got.Tags, e.Tags) || got.FromName != "Ada" || got.FromEmail != e.FromEmail ||
		got.ReplyTo != e.ReplyTo || !got.CreatedAt.Equal(e.CreatedAt) || !got.UpdatedAt.Equal(e.UpdatedAt) {
		t.Errorf("GetEmail = %+v, want %+v", got, e)
	}
	if byName, err := db.EmailByName(ctx, "INTRO"); err != nil || byName.ID != e.ID {
		t.Errorf("EmailByName = %+v, %v", byName, err)
	}

	later := clock.Advance(time.Hour)
	got.Subject, got.Tags, got.SmartMail = "Hi again", nil, false
	if err := db.UpdateEmail(ctx, got); err != nil {
		t.Fatal(err)
	}
	upd, err := db.GetEmail(ctx, e.ID)
	if err != nil || upd.Subject != "Hi again" || upd.Tags != nil || upd.SmartMail ||
		!upd.UpdatedAt.Equal(later) || !upd.CreatedAt.Equal(e.CreatedAt) {
		t.Errorf("after update: %+v, %v", upd, err)
	}

	_, err = db.GetEmail(ctx, 999)
	wantErr(t, err, ErrNotFound)
	_, err = db.EmailByName(ctx, "nope")
	wantErr(t, err, ErrNotFound)
	wantErr(t, db.UpdateEmail(ctx, Email{ID: 999, Name: "X", Subject: "Y"}), ErrNotFound)
}

func TestEmailRejectsBadInput(t *testing.T) {
	db, _ := openTest(t, nil)
	ctx := t.Context()
	first := Email{Name: "Intro", Subject: "Hi"}
	second := Email{Name: "Follow-up", Subject: "Again"}
	for _, e := range []*Email{&first, &second} {
		if err := db.CreateEmail(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name   string
		create bool
		e      Email
		want   error
	}{
		{"create without name", true, Email{Subject: "S"}, ErrInvalid},
		{"create without subject", true, Email{Name: "N", Subject: "  "}, ErrInvalid},
		{"create duplicate name", true, Email{Name: "INTRO", Subject: "S"}, ErrConflict},
		{"update without subject", false, Email{ID: second.ID, Name: "Follow-up"}, ErrInvalid},
		{"update to a taken name", false, Email{ID: second.ID, Name: "intro", Subject: "S"}, ErrConflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := counts(t, db)
			var err error
			if tc.create {
				err = db.CreateEmail(ctx, &tc.e)
			} else {
				err = db.UpdateEmail(ctx, tc.e)
			}
			wantErr(t, err, tc.want)
			if after := counts(t, db); !maps.Equal(before, after) {
				t.Errorf("rows changed: %v → %v", before, after)
			}
		})
	}
	if got, _ := db.GetEmail(ctx, second.ID); got.Name != "Follow-up" || got.Subject != "Again" {
		t.Errorf("rejected update changed the row: %+v", got)
	}
}

func TestListEmails(t *testing.T) {
	db, _ := openTest(t, nil)
	ctx := t.Context()
	for _, e := range []Email{
		{Name: "zeta", Subject: "s", Tags: []string{"promo"}, SmartMail: true},
		{Name: "Alpha", Subject: "s", Tags: []string{"Promotion", "intro"}, SmartMail: true},
		{Name: "beta", Subject: "s", Tags: []string{"PROMO"}},
		{Name: "Gamma", Subject: "s"},
	} {
		if err := db.CreateEmail(ctx, &e); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		f    EmailFilter
		want []string
	}{
		{EmailFilter{}, []string{"Alpha", "beta", "Gamma", "zeta"}},
		{EmailFilter{SmartMailOnly: true}, []string{"Alpha", "zeta"}},
		{EmailFilter{Tag: "Promo"}, []string{"beta", "zeta"}},
		{EmailFilter{Tag: "promo", SmartMailOnly: true}, []string{"zeta"}},
		{EmailFilter{Tag: "prom"}, nil},
		{EmailFilter{Tag: `"]`}, nil},
	} {
		es, err := db.ListEmails(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range es {
			names = append(names, e.Name)
		}
		if !slices.Equal(names, tc.want) {
			t.Errorf("ListEmails(%+v) = %v, want %v", tc.f, names, tc.want)
		}
	}
}

func TestReceivedEmails(t *testing.T) {
	db, clock := openTest(t, nil)
	ctx := t.Context()
	u := mustUser(t, db, "u@example.com")
	c := mustContact(t, db, "Ada", "Lovelace", "ada@example.com")
	other := mustContact(t, db, "Bob", "B", "bob@example.com")
	var e1, e2, e3 Email
	for i, e := range []*Email{&e1, &e2, &e3} {
		*e = Email{Name: string(rune('a' + i)), Subject: "s"}
		if err := db.CreateEmail(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	send := func(contact, email int64, ok bool) time.Time {
		m := queue(t, db, u.ID, contact, email)
		at := clock.Advance(time.Minute)
		if _, err := db.ClaimMessage(ctx, m.ID, at.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if ok {
			if err := db.MarkSent(ctx, m.ID, at); err != nil {
				t.Fatal(err)
			}
		} else if err := db.MarkFailed(ctx, m.ID, "550 no", true, time.Time{}); err != nil {
			t.Fatal(err)
		}
		return at
	}
	send(c.ID, e1.ID, true)
	last1 := send(c.ID, e1.ID, true)
	send(c.ID, e2.ID, false)        // failed: not received
	send(other.ID, e3.ID, true)     // another contact
	queue(t, db, u.ID, c.ID, e3.ID) // queued only
	send(c.ID, 0, true)             // no template

	got, err := db.ReceivedEmails(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got[e1.ID].Equal(last1) {
		t.Errorf("ReceivedEmails = %v, want {%d: %v}", got, e1.ID, last1)
	}
}
