package scope_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/store/scope"
	"github.com/leadmail/leadmail/tui"
)

// The scoped store and mailer are what the terminal UI is handed.
var (
	_ tui.Store  = (*scope.Store)(nil)
	_ tui.Mailer = (*scope.Mailer)(nil)
)

// team is a database with a user of every role, a contact owned by the Jr.
// Salesperson (mine) and one owned by the Salesperson (theirs), each with
// a note, a task and a queued message.
type team struct {
	db     *store.DB
	path   string
	users  map[store.Role]store.User
	mine   store.Contact
	theirs store.Contact
	notes  map[int64]store.Note    // by contact
	tasks  map[int64]store.Task    // by contact
	msgs   map[int64]store.Message // by contact
}

func newTeam(t *testing.T) *team {
	t.Helper()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "team.db")
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	tm := &team{db: db, path: path, users: map[store.Role]store.User{},
		notes: map[int64]store.Note{}, tasks: map[int64]store.Task{}, msgs: map[int64]store.Message{}}
	for _, r := range store.Roles() {
		u := store.User{Name: string(r), Email: string(r) + "@team.example", Role: r}
		if r == store.RoleAdministrator {
			u, err = db.AddFirstUser(ctx, u)
		} else {
			u, err = db.AddUser(ctx, u)
		}
		if err != nil {
			t.Fatal(err)
		}
		tm.users[r] = u
	}
	add := func(first, email string, owner store.Role) store.Contact {
		c := store.Contact{Kind: store.KindLead, FirstName: first, LastName: "Test", Email: email,
			Company: "Acme", OwnerID: tm.users[owner].ID}
		if err := db.CreateContact(ctx, &c); err != nil {
			t.Fatal(err)
		}
		n, err := db.AddNote(ctx, c.ID, c.OwnerID, "first call went well")
		if err != nil {
			t.Fatal(err)
		}
		tk := store.Task{ContactID: c.ID, OwnerID: c.OwnerID, Title: "call back", DueAt: time.Now().Add(24 * time.Hour)}
		if err := db.AddTask(ctx, &tk, c.OwnerID); err != nil {
			t.Fatal(err)
		}
		m := store.Message{ContactID: c.ID, UserID: c.OwnerID, MessageID: "<" + first + "@team>", Subject: "Hi",
			From: "x@team.example", Recipients: []string{email}, Raw: []byte("Subject: Hi\r\n\r\nhello"),
			SendAt: time.Now().Add(time.Hour)}
		if err := db.EnqueueMessage(ctx, &m); err != nil {
			t.Fatal(err)
		}
		tm.notes[c.ID], tm.tasks[c.ID], tm.msgs[c.ID] = n, tk, m
		return c
	}
	tm.mine = add("Mina", "mina@client.example", store.RoleJrSalesperson)
	tm.theirs = add("Theo", "theo@client.example", store.RoleSalesperson)
	return tm
}

// rows renders every row of the tables a scoped action could write.
func (tm *team) rows(t *testing.T) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+tm.path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	var b strings.Builder
	for _, tb := range []string{"users", "contacts", "events", "notes", "calls", "tasks", "messages"} {
		func() {
			rows, err := db.QueryContext(t.Context(), `SELECT * FROM `+tb+` ORDER BY 1`)
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
				fmt.Fprintf(&b, "%s %v\n", tb, vals)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
		}()
	}
	return b.String()
}

// fakeOutbox records that a call reached the sending service; its
// status and held messages are read from db, as the service's are.
type fakeOutbox struct {
	scope.Outbox
	db    *store.DB
	calls []string
}

// act records a by-id action that reached the outbox.
func (f *fakeOutbox) act(verb string, id int64) (store.Message, error) {
	f.calls = append(f.calls, fmt.Sprint(verb, " ", id))
	return store.Message{ID: id}, nil
}

func (f *fakeOutbox) Retry(_ context.Context, id int64) (store.Message, error) {
	return f.act("retry", id)
}

func (f *fakeOutbox) MarkSent(_ context.Context, id int64) (store.Message, error) {
	return f.act("mark sent", id)
}

func (f *fakeOutbox) Release(_ context.Context, id int64) (store.Message, error) {
	return f.act("release", id)
}

func (f *fakeOutbox) Deliver(_ context.Context, id int64) (store.Message, error) {
	return f.act("deliver", id)
}

func (f *fakeOutbox) DraftOf(_ context.Context, id int64) (outbox.Draft, error) {
	f.calls = append(f.calls, fmt.Sprint("draft of ", id))
	return outbox.Draft{}, nil
}

func (f *fakeOutbox) ReplaceDraft(_ context.Context, id int64, _ outbox.Draft) (store.Message, error) {
	return f.act("replace", id)
}

func (f *fakeOutbox) SendDraft(_ context.Context, d outbox.Draft) (store.Message, error) {
	f.calls = append(f.calls, fmt.Sprint("send draft ", d.ContactID))
	return store.Message{ContactID: d.ContactID}, nil
}

// Status counts every message, as the service does.
func (f *fakeOutbox) Status(ctx context.Context) (outbox.Status, error) {
	c, err := f.db.MessageCounts(ctx)
	if err != nil {
		return outbox.Status{}, err
	}
	return outbox.Status{Queued: c[store.MessageQueued] + c[store.MessageSending], Scheduled: c[store.MessageScheduled],
		Failed: c[store.MessageFailed], Uncertain: c[store.MessageUncertain]}, nil
}

// Held takes every message for held.
func (f *fakeOutbox) Held(ctx context.Context) ([]store.Message, error) {
	return f.db.ListMessages(ctx, store.MessageFilter{})
}

func (f *fakeOutbox) QuickSend(_ context.Context, contactID, _ int64) (store.Message, error) {
	f.calls = append(f.calls, fmt.Sprint("send ", contactID))
	return store.Message{ContactID: contactID}, nil
}

func (f *fakeOutbox) Cancel(_ context.Context, id int64) (store.Message, error) {
	f.calls = append(f.calls, fmt.Sprint("cancel ", id))
	return store.Message{ID: id}, nil
}

func (f *fakeOutbox) NewDraft(_ context.Context, contactID, _ int64) (outbox.Draft, error) {
	f.calls = append(f.calls, fmt.Sprint("draft ", contactID))
	return outbox.Draft{ContactID: contactID}, nil
}

// path is one read or write a user can take on a contact.
type path struct {
	name string
	// write paths change the database when allowed.
	do func(ctx context.Context, tm *team, s *scope.Store, m *scope.Mailer, c store.Contact) error
}

// visible is an error unless the listing holds c.
func visible(found bool, c store.Contact) error {
	if !found {
		return fmt.Errorf("%w: %s not listed", store.ErrDenied, c.Email)
	}
	return nil
}

// onMessage is the path of a by-id action on the message to the contact.
func onMessage(name string, act func(*scope.Mailer, context.Context, int64) (store.Message, error)) path {
	return path{name, func(ctx context.Context, tm *team, _ *scope.Store, m *scope.Mailer, c store.Contact) error {
		_, err := act(m, ctx, tm.msgs[c.ID].ID)
		return err
	}}
}

var paths = []path{
	{"list", func(ctx context.Context, _ *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		p, err := s.ListContacts(ctx, store.PageRequest{Limit: 50})
		if err != nil {
			return err
		}
		found := false
		for _, x := range p.Contacts {
			found = found || x.ID == c.ID
		}
		return visible(found, c)
	}},
	{"list by owner", func(ctx context.Context, _ *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		p, err := s.ListContacts(ctx, store.PageRequest{Limit: 50, Filter: store.ContactFilter{OwnerID: c.OwnerID}})
		if err != nil {
			return err
		}
		return visible(len(p.Contacts) == 1 && p.Contacts[0].ID == c.ID, c)
	}},
	{"search", func(ctx context.Context, _ *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		p, err := s.ListContacts(ctx, store.PageRequest{Limit: 50, Filter: store.ContactFilter{Search: c.FirstName}})
		if err != nil {
			return err
		}
		return visible(len(p.Contacts) == 1 && p.Contacts[0].ID == c.ID, c)
	}},
	{"count", func(ctx context.Context, _ *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		n, err := s.EstimateContacts(ctx, store.ContactFilter{OwnerID: c.OwnerID})
		if err != nil {
			return err
		}
		return visible(n.N == 1, c)
	}},
	{"get by id", func(ctx context.Context, _ *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		_, err := s.GetContact(ctx, c.ID)
		return err
	}},
	{"get by email", func(ctx context.Context, _ *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		_, err := s.ContactByEmail(ctx, c.Email)
		return err
	}},
	{"timeline", func(ctx context.Context, _ *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		_, err := s.Timeline(ctx, c.ID, 50)
		return err
	}},
	{"timeline older", func(ctx context.Context, _ *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		_, err := s.TimelineBefore(ctx, c.ID, time.Now(), 1<<40, 50)
		return err
	}},
	{"timeline search", func(ctx context.Context, _ *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		_, err := s.SearchTimeline(ctx, c.ID, "call", 50)
		return err
	}},
	{"already received", func(ctx context.Context, _ *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		_, err := s.ReceivedEmails(ctx, c.ID)
		return err
	}},
	{"read note", func(ctx context.Context, tm *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		_, err := s.GetNote(ctx, tm.notes[c.ID].ID)
		return err
	}},
	{"tasks of", func(ctx context.Context, _ *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		_, err := s.TasksOf(ctx, c.ID, 10)
		return err
	}},
	{"today", func(ctx context.Context, tm *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		p, err := s.ListTasks(ctx, store.TaskQuery{OwnerID: c.OwnerID, Due: store.TasksOpen})
		if err != nil {
			return err
		}
		return visible(len(p.Tasks) == 1 && p.Tasks[0].ID == tm.tasks[c.ID].ID, c)
	}},
	{"outbox list", func(ctx context.Context, tm *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		ms, err := s.ListMessages(ctx, store.MessageFilter{})
		if err != nil {
			return err
		}
		found := false
		for _, m := range ms {
			found = found || m.ID == tm.msgs[c.ID].ID
		}
		return visible(found, c)
	}},
	{"outbox counts", func(ctx context.Context, tm *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		n, err := s.MessageCounts(ctx)
		if err != nil {
			return err
		}
		total := 0
		for _, k := range n {
			total += k
		}
		all, err := tm.db.MessageCounts(ctx)
		if err != nil {
			return err
		}
		for _, k := range all {
			total -= k
		}
		// Every message counted, or at least the user's own contact's.
		return visible(total == 0 || c.OwnerID == s.User().ID && n[store.MessageScheduled] == 1, c)
	}},
	{"open message", func(ctx context.Context, tm *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		_, err := s.GetMessage(ctx, tm.msgs[c.ID].ID)
		return err
	}},
	{"send", func(ctx context.Context, _ *team, _ *scope.Store, m *scope.Mailer, c store.Contact) error {
		_, err := m.QuickSend(ctx, c.ID, 1)
		return err
	}},
	{"personalize", func(ctx context.Context, _ *team, _ *scope.Store, m *scope.Mailer, c store.Contact) error {
		_, err := m.NewDraft(ctx, c.ID, 1)
		return err
	}},
	{"cancel message", func(ctx context.Context, tm *team, _ *scope.Store, m *scope.Mailer, c store.Contact) error {
		_, err := m.Cancel(ctx, tm.msgs[c.ID].ID)
		return err
	}},
	{"outbox status", func(ctx context.Context, tm *team, s *scope.Store, m *scope.Mailer, c store.Contact) error {
		st, err := m.Status(ctx)
		if err != nil {
			return err
		}
		all, err := tm.db.MessageCounts(ctx)
		if err != nil {
			return err
		}
		// Every message counted, or only the user's own contact's.
		return visible(st.Scheduled == all[store.MessageScheduled] || c.OwnerID == s.User().ID && st.Scheduled == 1, c)
	}},
	{"held messages", func(ctx context.Context, tm *team, _ *scope.Store, m *scope.Mailer, c store.Contact) error {
		ms, err := m.Held(ctx)
		if err != nil {
			return err
		}
		found := false
		for _, x := range ms {
			found = found || x.ID == tm.msgs[c.ID].ID
		}
		return visible(found, c)
	}},
	onMessage("retry message", (*scope.Mailer).Retry),
	onMessage("mark message sent", (*scope.Mailer).MarkSent),
	onMessage("release message", (*scope.Mailer).Release),
	onMessage("deliver message", (*scope.Mailer).Deliver),
	{"edit queued message", func(ctx context.Context, tm *team, _ *scope.Store, m *scope.Mailer, c store.Contact) error {
		if _, err := m.DraftOf(ctx, tm.msgs[c.ID].ID); err != nil {
			return err
		}
		_, err := m.ReplaceDraft(ctx, tm.msgs[c.ID].ID, outbox.Draft{ContactID: c.ID})
		return err
	}},
	{"copy on a send", func(ctx context.Context, tm *team, _ *scope.Store, m *scope.Mailer, c store.Contact) error {
		d := outbox.Draft{ContactID: tm.mine.ID, Cc: []outbox.Recipient{{Email: c.Email, ContactID: c.ID}}}
		_, err := m.SendDraft(ctx, d)
		return err
	}},
	{"create with a taken email", func(ctx context.Context, _ *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		err := s.CreateContactWith(ctx, &store.Contact{Kind: store.KindLead, FirstName: "Twin", Email: c.Email}, store.ContactOptions{})
		if dup, ok := errors.AsType[*store.DuplicateEmailError](err); ok && dup.Other.ID == c.ID {
			return nil // refused, naming the contact the user may see
		}
		if err == nil {
			return errors.New("a taken email was not refused")
		}
		return err
	}},
	{"edit", func(ctx context.Context, _ *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		cur, err := s.GetContact(ctx, c.ID)
		if err != nil {
			return err
		}
		company := "Acme Ltd"
		_, err = s.UpdateContact(ctx, c.ID, cur.Version, store.ContactChanges{Company: &company})
		return err
	}},
	{"status", func(ctx context.Context, _ *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		_, err := s.SetStatus(ctx, c.ID, store.StatusQualified, s.User().ID)
		return err
	}},
	{"note", func(ctx context.Context, _ *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		_, err := s.AddNote(ctx, c.ID, s.User().ID, "asked for pricing")
		return err
	}},
	{"edit note", func(ctx context.Context, tm *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		_, err := s.EditNote(ctx, tm.notes[c.ID].ID, s.User().ID, "first call went very well")
		return err
	}},
	{"call", func(ctx context.Context, _ *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		return s.LogCall(ctx, &store.Call{ContactID: c.ID, Outcome: store.CallConnected, Duration: time.Minute}, s.User().ID)
	}},
	{"task", func(ctx context.Context, _ *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		return s.AddTask(ctx, &store.Task{ContactID: c.ID, OwnerID: s.User().ID, Title: "send pricing",
			DueAt: time.Now().Add(48 * time.Hour)}, s.User().ID)
	}},
	{"snooze task", func(ctx context.Context, tm *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		_, err := s.SnoozeTask(ctx, tm.tasks[c.ID].ID, s.User().ID, time.Now().Add(72*time.Hour))
		return err
	}},
	{"complete task", func(ctx context.Context, tm *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		_, err := s.CompleteTask(ctx, tm.tasks[c.ID].ID, s.User().ID)
		return err
	}},
	{"archive", func(ctx context.Context, _ *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		_, err := s.Archive(ctx, c.ID, s.User().ID)
		return err
	}},
	{"unarchive", func(ctx context.Context, _ *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		_, err := s.Unarchive(ctx, c.ID, s.User().ID)
		return err
	}},
	{"forget", func(ctx context.Context, _ *team, s *scope.Store, _ *scope.Mailer, c store.Contact) error {
		_, err := s.Forget(ctx, c.ID)
		return err
	}},
}

// TestRoleTable runs every path as every role on a contact the role owns
// or may see, and on one it may not: a Jr. Salesperson is refused another
// owner's contact with a sentence and nothing changes; every other role
// may do everything to both.
func TestRoleTable(t *testing.T) {
	for _, role := range store.Roles() {
		t.Run(string(role), func(t *testing.T) {
			tm := newTeam(t)
			ctx := t.Context()
			fake := &fakeOutbox{db: tm.db}
			s := scope.For(tm.db, tm.users[role])
			m := s.NewMailer(fake)
			for _, c := range []store.Contact{tm.theirs, tm.mine} {
				mayWork := role != store.RoleJrSalesperson || c.ID == tm.mine.ID
				for _, p := range paths {
					before, calls := tm.rows(t), len(fake.calls)
					err := p.do(ctx, tm, s, m, c)
					switch {
					case mayWork && err != nil:
						t.Errorf("%s on %s: %v, want allowed", p.name, c.Email, err)
					case !mayWork && !errors.Is(err, store.ErrDenied):
						t.Errorf("%s on %s: %v, want denied", p.name, c.Email, err)
					case !mayWork:
						if after := tm.rows(t); after != before {
							t.Errorf("%s on %s was refused but changed the database", p.name, c.Email)
						}
						if len(fake.calls) != calls {
							t.Errorf("%s on %s was refused but reached the outbox: %v", p.name, c.Email, fake.calls[calls:])
						}
						var de *scope.DeniedError
						if !errors.As(err, &de) && !strings.Contains(err.Error(), "not listed") {
							t.Errorf("%s on %s: %T %v is not a sentence for the user", p.name, c.Email, err, err)
						}
					}
				}
			}
		})
	}
}

// TestJrSalespersonRefusalSentence is what the person reads.
func TestJrSalespersonRefusalSentence(t *testing.T) {
	tm := newTeam(t)
	s := scope.For(tm.db, tm.users[store.RoleJrSalesperson])
	_, err := s.ContactByEmail(t.Context(), tm.theirs.Email)
	want := "theo@client.example is not yours: a Jr. Salesperson sees and works only the leads and contacts assigned to them"
	if err == nil || err.Error() != want {
		t.Errorf("refusal = %v, want %q", err, want)
	}
}

// TestJrSalespersonKeepsTheirContacts: a new contact is theirs, and they
// cannot give one away or create one for someone else.
func TestJrSalespersonKeepsTheirContacts(t *testing.T) {
	tm := newTeam(t)
	ctx := t.Context()
	jr := tm.users[store.RoleJrSalesperson]
	s := scope.For(tm.db, jr)
	c := store.Contact{Kind: store.KindLead, FirstName: "New", Email: "new@client.example"}
	if err := s.CreateContactWith(ctx, &c, store.ContactOptions{}); err != nil || c.OwnerID != jr.ID {
		t.Fatalf("create = %v, owner %d; want theirs (%d)", err, c.OwnerID, jr.ID)
	}
	before := tm.rows(t)
	other := store.Contact{Kind: store.KindLead, FirstName: "Gift", Email: "gift@client.example",
		OwnerID: tm.users[store.RoleSalesperson].ID}
	if err := s.CreateContactWith(ctx, &other, store.ContactOptions{}); !errors.Is(err, store.ErrDenied) {
		t.Errorf("create for another owner = %v, want denied", err)
	}
	to := tm.users[store.RoleSalesperson].ID
	if _, err := s.UpdateContact(ctx, c.ID, c.Version, store.ContactChanges{OwnerID: &to}); !errors.Is(err, store.ErrDenied) {
		t.Errorf("give away = %v, want denied", err)
	}
	if after := tm.rows(t); after != before {
		t.Error("refusals changed the database")
	}
}

// TestOnlyAdministratorsManageUsers: every other role is refused with the
// sentence and nothing changes; the administrator's changes land.
func TestOnlyAdministratorsManageUsers(t *testing.T) {
	tm := newTeam(t)
	ctx := t.Context()
	target := tm.users[store.RoleSalesperson]
	for _, role := range store.Roles() {
		if role == store.RoleAdministrator {
			continue
		}
		s := scope.For(tm.db, tm.users[role])
		before := tm.rows(t)
		_, err := s.SetRole(ctx, target.ID, store.RoleSalesManager)
		if !errors.Is(err, store.ErrDenied) || !strings.HasPrefix(err.Error(), "only an administrator can change roles") {
			t.Errorf("%s: SetRole = %v", role, err)
		}
		if _, err := s.AddUser(ctx, store.User{Name: "X", Email: "x@team.example", Role: store.RoleSalesperson}); !errors.Is(err, store.ErrDenied) {
			t.Errorf("%s: AddUser = %v", role, err)
		}
		if _, err := s.Deactivate(ctx, target.ID); !errors.Is(err, store.ErrDenied) {
			t.Errorf("%s: Deactivate = %v", role, err)
		}
		if _, err := s.SetStages(ctx, nil, tm.users[role].ID); !errors.Is(err, store.ErrDenied) {
			t.Errorf("%s: SetStages = %v", role, err)
		}
		if _, _, err := s.SetStagesMoving(ctx, nil, map[int64]int64{1: 2}, tm.users[role].ID); !errors.Is(err, store.ErrDenied) {
			t.Errorf("%s: SetStagesMoving = %v", role, err)
		}
		if err := s.MayChangeStages(); !errors.Is(err, store.ErrDenied) ||
			!strings.HasPrefix(err.Error(), "only an administrator can change the pipeline's stages") {
			t.Errorf("%s: MayChangeStages = %v", role, err)
		}
		if after := tm.rows(t); after != before {
			t.Errorf("%s: refusals changed the database", role)
		}
	}
	s := scope.For(tm.db, tm.users[store.RoleAdministrator])
	if err := s.MayChangeStages(); err != nil {
		t.Errorf("administrator MayChangeStages = %v", err)
	}
	if u, err := s.SetRole(ctx, target.ID, store.RoleSalesManager); err != nil || u.Role != store.RoleSalesManager {
		t.Errorf("administrator SetRole = %+v, %v", u, err)
	}
}

// TestInactiveAndUnknownUsersAreRefused: a deactivated user and one
// without a role can do nothing.
func TestInactiveAndUnknownUsersAreRefused(t *testing.T) {
	tm := newTeam(t)
	ctx := t.Context()
	gone, err := tm.db.Deactivate(ctx, tm.users[store.RoleSalesManager].ID)
	if err != nil {
		t.Fatal(err)
	}
	for name, u := range map[string]store.User{"inactive": gone, "no role": {}} {
		s := scope.For(tm.db, u)
		if _, err := s.ListContacts(ctx, store.PageRequest{Limit: 10}); !errors.Is(err, store.ErrDenied) {
			t.Errorf("%s: ListContacts = %v, want denied", name, err)
		}
		if _, err := s.GetContact(ctx, tm.mine.ID); !errors.Is(err, store.ErrDenied) {
			t.Errorf("%s: GetContact = %v, want denied", name, err)
		}
	}
}

// TestEveryMethodIsInTheTable keeps the table honest: a method added to
// the scoped store must be named here, with the test that covers it.
func TestEveryMethodIsInTheTable(t *testing.T) {
	covered := map[string]bool{}
	for _, name := range strings.Fields(`
		ListContacts EstimateContacts CountContacts GetContact ContactByEmail CreateContactWith
		UpdateContact SetStatus Archive Unarchive Forget Timeline TimelineBefore SearchTimeline
		Notes GetNote AddNote EditNote Calls LogCall AddTask GetTask CompleteTask SnoozeTask
		RescheduleTask TasksOf ListTasks CountOverdue GetMessage ListMessages MessageCounts ThreadOf
		GetReceived ReceivedEmails AddressBouncing ListUsers UserByEmail AddUser SetRole Deactivate
		Stages SetStages SetStagesMoving MayChangeStages User ReadOnly NewMailer Identified MayShow WatchWorker ImportOwner
		ListEmails FindEmail CreateEmail UpdateEmail DeleteEmail DuplicateEmail ImportEmails
		ListSignatures CreateSignature UpdateSignature DeleteSignature
		GetOpportunity CreateOpportunity UpdateOpportunity MoveOpportunity WinOpportunity
		LoseOpportunity AddOpportunityContact RemoveOpportunityContact ListOpportunities OpportunitiesBefore
		OpportunitiesOf Pipeline OpportunityTimeline AddOpportunityNote AddOpportunityTask`) {
		covered[name] = true
	}
	ty := reflect.TypeFor[*scope.Store]()
	for i := range ty.NumMethod() {
		if name := ty.Method(i).Name; !covered[name] {
			t.Errorf("scope.Store.%s is not in the role table: add its rule and its rows", name)
		}
	}
}
