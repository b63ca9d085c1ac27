package scope_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/store/scope"
)

// TestTakenEmailOfAHiddenContact: a Jr. Salesperson creating or editing a
// contact with the email of one they may not see is refused with a
// sentence that names neither that contact nor its id, and nothing
// changes; a Salesperson, who sees it, is told whose it is.
func TestTakenEmailOfAHiddenContact(t *testing.T) {
	tm := newTeam(t)
	ctx := t.Context()
	jr := scope.For(tm.db, tm.users[store.RoleJrSalesperson])
	want := "theo@client.example is already the email of a contact you cannot see: a Jr. Salesperson sees only the leads and contacts assigned to them"
	hidden := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, store.ErrDenied) || err.Error() != want {
			t.Errorf("%s: %v\nwant %s", what, err, want)
		}
		if msg := fmt.Sprint(err); strings.Contains(msg, "Theo") || strings.Contains(msg, fmt.Sprint(tm.theirs.ID)) {
			t.Errorf("%s names the hidden contact: %s", what, msg)
		}
	}
	before := tm.rows(t)
	err := jr.CreateContactWith(ctx, &store.Contact{Kind: store.KindLead, FirstName: "Twin", Email: tm.theirs.Email}, store.ContactOptions{})
	hidden("create", err)
	mine, err := jr.GetContact(ctx, tm.mine.ID)
	if err != nil {
		t.Fatal(err)
	}
	email := tm.theirs.Email
	_, err = jr.UpdateContact(ctx, mine.ID, mine.Version, store.ContactChanges{Email: &email})
	hidden("edit", err)
	if after := tm.rows(t); after != before {
		t.Error("the refusals changed the database")
	}

	// Her own contact's email is named as before.
	err = jr.CreateContactWith(ctx, &store.Contact{Kind: store.KindLead, FirstName: "Twin", Email: tm.mine.Email}, store.ContactOptions{})
	if dup, ok := errors.AsType[*store.DuplicateEmailError](err); !ok || dup.Other.ID != tm.mine.ID {
		t.Errorf("her own contact's email: %v, want the duplicate naming Mina", err)
	}
	sp := scope.For(tm.db, tm.users[store.RoleSalesperson])
	err = sp.CreateContactWith(ctx, &store.Contact{Kind: store.KindLead, FirstName: "Twin", Email: tm.mine.Email}, store.ContactOptions{})
	if dup, ok := errors.AsType[*store.DuplicateEmailError](err); !ok || dup.Other.ID != tm.mine.ID {
		t.Errorf("salesperson: %v, want the duplicate naming Mina", err)
	}
}

// TestUnidentifiedIsRefusedButMayListUsers: the store of someone leadmail
// cannot tell apart refuses every read, write and send with its sentence
// and changes nothing, and lists the users they may name.
func TestUnidentifiedIsRefusedButMayListUsers(t *testing.T) {
	tm := newTeam(t)
	ctx := t.Context()
	const sentence = "this database has 6 users: set user.email in /x/config.yaml to say which one you are (`leadmail users` lists them)"
	s := scope.Unidentified(tm.db, sentence)
	if err := s.Identified(); err == nil || err.Error() != sentence {
		t.Errorf("Identified = %v, want the sentence", err)
	}
	if err := scope.For(tm.db, tm.users[store.RoleSalesperson]).Identified(); err != nil {
		t.Errorf("a known user: Identified = %v", err)
	}
	fake := &fakeOutbox{db: tm.db}
	m := s.NewMailer(fake)
	before := tm.rows(t)
	for _, p := range paths {
		for _, c := range []store.Contact{tm.mine, tm.theirs} {
			err := p.do(ctx, tm, s, m, c)
			if !errors.Is(err, store.ErrDenied) || err.Error() != sentence {
				t.Errorf("%s on %s: %v, want the sentence", p.name, c.Email, err)
			}
		}
	}
	if after := tm.rows(t); after != before {
		t.Error("an unidentified user changed the database")
	}
	if len(fake.calls) != 0 {
		t.Errorf("an unidentified user reached the outbox: %v", fake.calls)
	}
	us, err := s.ListUsers(ctx)
	if err != nil || len(us) != len(store.Roles()) {
		t.Errorf("ListUsers = %d users, %v; want the team", len(us), err)
	}
}

// fakeWorker is the outbox worker's update channel.
type fakeWorker struct{ ch chan outbox.Update }

func (fakeWorker) Wake()                           {}
func (fakeWorker) RunNow()                         {}
func (w fakeWorker) Updates() <-chan outbox.Update { return w.ch }

// TestJrSalespersonWatchesOnlyTheirMail: what the worker tells a Jr.
// Salesperson counts only the mail to their contacts, and the news of
// another's message is left out; everyone else watches the worker itself.
func TestJrSalespersonWatchesOnlyTheirMail(t *testing.T) {
	tm := newTeam(t)
	ctx := t.Context()
	w := fakeWorker{ch: make(chan outbox.Update, 4)}
	if got := scope.For(tm.db, tm.users[store.RoleSalesperson]).WatchWorker(ctx, w); got != scope.Worker(w) {
		t.Error("a Salesperson does not watch the worker itself")
	}
	view := scope.For(tm.db, tm.users[store.RoleJrSalesperson]).WatchWorker(ctx, w)
	all := outbox.Status{Scheduled: 2, Queued: 5, Offline: true}
	for _, c := range []store.Contact{tm.theirs, tm.mine} {
		w.ch <- outbox.Update{Status: all, Event: &outbox.Event{Kind: outbox.EventSent, Message: tm.msgs[c.ID]}}
	}
	close(w.ch)
	var got []string
	for u := range view.Updates() {
		who := "none"
		if u.Event != nil {
			who = u.Event.Message.Recipients[0]
		}
		got = append(got, fmt.Sprintf("%s scheduled=%d queued=%d offline=%v", who, u.Status.Scheduled, u.Status.Queued, u.Status.Offline))
	}
	want := []string{"none scheduled=1 queued=0 offline=true", "mina@client.example scheduled=1 queued=0 offline=true"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the Jr. Salesperson watched\n%q\nwant\n%q", got, want)
	}
}

// TestMailerStatusCountsWhatTheUserSees: the outbox at a glance counts,
// for a Jr. Salesperson, the mail to their contacts; the quota and the
// connection stay the mailbox's.
func TestMailerStatusCountsWhatTheUserSees(t *testing.T) {
	tm := newTeam(t)
	ctx := t.Context()
	m := scope.For(tm.db, tm.users[store.RoleJrSalesperson]).NewMailer(quotaOutbox{&fakeOutbox{db: tm.db}})
	st, err := m.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Scheduled != 1 || st.Quota.Used != 7 || !st.Offline {
		t.Errorf("status = %+v, want 1 scheduled (hers) and the mailbox's quota and state", st)
	}
	all, err := scope.For(tm.db, tm.users[store.RoleSalesManager]).NewMailer(quotaOutbox{&fakeOutbox{db: tm.db}}).Status(ctx)
	if err != nil || all.Scheduled != 2 {
		t.Errorf("a Sales Manager's status = %+v, %v; want both scheduled", all, err)
	}
}

// quotaOutbox is a fake outbox whose mailbox is offline with 7 sends used.
type quotaOutbox struct{ *fakeOutbox }

func (q quotaOutbox) Status(ctx context.Context) (outbox.Status, error) {
	st, err := q.fakeOutbox.Status(ctx)
	st.Quota.Used, st.Offline = 7, true
	return st, err
}
