package outbox_test

import (
	"errors"
	"testing"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
)

func TestTrust05MissingVariablesBlameTheirOwner(t *testing.T) {
	tests := []struct {
		name  string
		names []string
		want  string
	}{
		{"contact field", []string{"custom.industry"},
			`Jürgen Müller has no value for custom.industry: fill the field, or give the variable a fallback like {{custom.industry | "..."}}`},
		{"contact fields", []string{"company", "city"},
			`Jürgen Müller has no value for company, city: fill the fields, or give each variable a fallback like {{company | "..."}}`},
		{"sender's title", []string{"user.title"},
			`your profile has no title (user.title): set user.title in your config, or give the variable a fallback like {{user.title | "..."}}`},
		{"sender's title and phone", []string{"user.title", "user.phone"},
			`your profile has no title (user.title) or phone number (user.phone): set user.title and user.phone in your config, or give each variable a fallback like {{user.title | "..."}}`},
		{"both", []string{"custom.industry", "user.title"},
			`Jürgen Müller has no value for custom.industry, and your profile has no title (user.title): fill the contact's field and set user.title in your config, or give each variable a fallback like {{custom.industry | "..."}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := &outbox.MissingVarsError{Contact: "Jürgen Müller", Names: tt.names}
			if got := err.Error(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// A sender without a title sending a template that signs with
// {{user.title}}: the refusal names the sender's profile, not the contact,
// and nothing is queued.
func TestTrust05MissingProfileTitleBlamesTheSender(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	u, err := e.db.UpsertUser(ctx, store.User{Name: "Sam Rivera", Email: "sam@brightpath.example", Role: store.RoleSalesperson})
	if err != nil {
		t.Fatal(err)
	}
	e.sender = u
	svc := e.service(t, nil)
	_, err = svc.QuickSend(ctx, e.contact.ID, e.email.ID)
	var miss *outbox.MissingVarsError
	if !errors.As(err, &miss) {
		t.Fatalf("err = %v, want a missing-variables refusal", err)
	}
	const want = `your profile has no title (user.title): set user.title in your config, or give the variable a fallback like {{user.title | "..."}}`
	if err.Error() != want {
		t.Errorf("got  %s\nwant %s", err, want)
	}
	if n := e.messageCount(t); n != 0 {
		t.Errorf("%d messages queued, want none", n)
	}
}

func TestTrust05ReplyToBlamesWhereItCameFrom(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	bad := store.Email{Name: "Bad reply", SmartMail: true, Subject: "Hi", Body: "Hi", ReplyTo: "not-an-address"}
	if err := e.db.CreateEmail(ctx, &bad); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		email   int64
		replyTo string // "" keeps the template's
		want    string
	}{
		{"typed for this send", e.email.ID, "oops@",
			`the Reply-To given for this send is not valid: "oops@" is not a valid email address (expected name@domain)`},
		{"the template's own", bad.ID, "",
			`the Reply-To of "Bad reply" is not valid: "not-an-address" is not a valid email address (expected name@domain); fix it in the email's send settings`},
		{"typed over a bad template's", bad.ID, "also bad",
			`the Reply-To given for this send is not valid: "also bad" is not a valid email address (expected name@domain)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := e.svc.NewDraft(ctx, e.contact.ID, tt.email)
			if err != nil {
				t.Fatal(err)
			}
			if tt.replyTo != "" {
				d.ReplyTo = tt.replyTo
			}
			_, err = e.svc.SendDraft(ctx, d)
			var ref *outbox.RefusalError
			if !errors.As(err, &ref) || err.Error() != tt.want {
				t.Errorf("got  %v\nwant %s", err, tt.want)
			}
			if n := e.messageCount(t); n != 0 {
				t.Errorf("%d messages queued, want none", n)
			}
		})
	}
}
