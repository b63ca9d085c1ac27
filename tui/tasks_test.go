package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
	"github.com/leadmail/leadmail/tui/screens/contact"
	"github.com/leadmail/leadmail/tui/screens/contacts"
	"github.com/leadmail/leadmail/tui/screens/taskform"
	"github.com/leadmail/leadmail/tui/screens/today"
)

// taskApp is the app with a current user, whose tasks these are; the
// minute tick is off so commands run to the end (tests send the tick).
func taskApp(t *testing.T, width, height int) *app {
	t.Helper()
	return newApp(t, width, height, func(o *Options) {
		me, err := o.Store.(*store.DB).UserByEmail(context.Background(), "sam@acme.test") // the world's user
		if err != nil {
			t.Fatal(err)
		}
		o.Sender, o.OverdueEvery = me, -1
	})
}

// addTask writes a task on Ada, owned by the world's user, due at due.
func addTask(t *testing.T, a *app, title string, due time.Time) store.Task {
	t.Helper()
	tk := store.Task{ContactID: a.w.Ada.ID, Title: title, DueAt: due}
	if err := a.w.DB.AddTask(context.Background(), &tk, a.w.User.ID); err != nil {
		t.Fatal(err)
	}
	return tk
}

func TestTasksFormFromContact(t *testing.T) {
	a := taskApp(t, 120, 40)
	a.pump(t, a.handleIntent(common.OpenContactMsg{ContactID: a.w.Ada.ID}))
	a.press(t, "t")
	if _, ok := a.top().(*taskform.Model); !ok {
		t.Fatalf("t on the contact opened %T", a.top())
	}
	if !strings.Contains(a.view(), "leadmail › Contacts › Ada Lovelace › New task") {
		t.Errorf("breadcrumb:\n%s", a.view())
	}
	for _, k := range tuitest.Type("Send the proposal") {
		a.pump(t, a.update(k))
	}
	a.press(t, "enter")
	for _, k := range tuitest.Type("tomorrow 9:00") {
		a.pump(t, a.update(k))
	}
	a.press(t, "enter")
	if _, ok := a.top().(*contact.Model); !ok {
		t.Fatalf("after saving, %T is on top", a.top())
	}
	v := a.view()
	if !strings.Contains(v, "Task added for Ada Lovelace: Send the proposal, due Fri 27 Nov 09:00 UTC (tomorrow)") {
		t.Errorf("no status line:\n%s", v)
	}
	// The contact read itself again: the task's event is in its timeline.
	if !strings.Contains(v, "Task: Send the proposal") {
		t.Errorf("the timeline does not show the task:\n%s", v)
	}
	tasks, err := a.w.DB.TasksOf(context.Background(), a.w.Ada.ID, 0)
	if err != nil || len(tasks) != 1 || !tasks[0].DueAt.Equal(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)) {
		t.Fatalf("stored %v %+v", err, tasks)
	}
}

// A task form with typed text asks before quitting loses it.
func TestTasksFormAsksBeforeQuit(t *testing.T) {
	a := taskApp(t, 120, 40)
	a.pump(t, a.handleIntent(common.NewTaskMsg{ContactID: a.w.Ada.ID}))
	for _, k := range tuitest.Type("Call") {
		a.pump(t, a.update(k))
	}
	cmd := a.update(tuitest.Key("ctrl+c"))
	if quits(t, cmd) {
		t.Fatal("ctrl+c quit with a task typed")
	}
	if !strings.Contains(a.view(), "Quit and discard this task? (y/n)") {
		t.Errorf("no question:\n%s", a.view())
	}
}

func TestTasksTodayFromContacts(t *testing.T) {
	a := taskApp(t, 120, 40)
	proposal := addTask(t, a, "Send the proposal", tuitest.Now.Add(-26*time.Hour))
	if _, ok := a.top().(*contacts.Model); !ok {
		t.Fatalf("start on %T", a.top())
	}
	a.press(t, "t")
	td, ok := a.top().(*today.Model)
	if !ok {
		t.Fatalf("t on Contacts opened %T", a.top())
	}
	if got := td.Tasks(0); len(got) != 1 || got[0].ID != proposal.ID {
		t.Fatalf("overdue %+v", got)
	}
	a.press(t, "enter")
	c, ok := a.top().(*contact.Model)
	if !ok || c.ContactID() != a.w.Ada.ID {
		t.Fatalf("enter on Today opened %T", a.top())
	}
	a.press(t, "esc")
	if _, ok := a.top().(*today.Model); !ok {
		t.Fatalf("esc from the contact went to %T", a.top())
	}
	// Opening Today again while it is in front does not stack a second.
	a.pump(t, a.handleIntent(common.OpenTodayMsg{}))
	if len(a.stack) != 2 {
		t.Errorf("stack of %d", len(a.stack))
	}
}

// The status bar counts the current user's overdue tasks: at start, after
// a task changes, after Mail Sync, and as time passes.
func TestTasksOverdueCount(t *testing.T) {
	a := taskApp(t, 120, 40)
	if s := a.view(); strings.Contains(s, "overdue") {
		t.Fatalf("an overdue count with no tasks:\n%s", s)
	}
	// At start.
	addTask(t, a, "Send the proposal", tuitest.Now.Add(-2*time.Hour))
	a.pump(t, a.startTasks())
	if s := tuitest.Strip(a.statusView()); !strings.Contains(s, "⚑ 1 overdue") {
		t.Fatalf("status bar %q", s)
	}
	// After Mail Sync recorded something (a reply may close a task; here
	// one was added meanwhile).
	addTask(t, a, "Call back", tuitest.Now.Add(-time.Hour))
	a.pump(t, a.broadcast(common.MailSyncedMsg{}))
	if s := tuitest.Strip(a.statusView()); !strings.Contains(s, "⚑ 2 overdue") {
		t.Fatalf("after sync %q", s)
	}
	// As time passes: a task due in 30 s is overdue at the next tick.
	addTask(t, a, "Check in", tuitest.Now.Add(30*time.Second))
	a.w.Clock.Set(tuitest.Now.Add(time.Minute))
	a.pump(t, a.update(overdueTickMsg{}))
	if s := tuitest.Strip(a.statusView()); !strings.Contains(s, "⚑ 3 overdue") {
		t.Fatalf("after the tick %q", s)
	}
	// After a task is done on Today.
	a.press(t, "t", "d")
	if s := tuitest.Strip(a.statusView()); !strings.Contains(s, "⚑ 2 overdue") {
		t.Fatalf("after done %q", s)
	}
	a.press(t, "d", "d")
	if s := tuitest.Strip(a.statusView()); strings.Contains(s, "overdue") {
		t.Fatalf("nothing is overdue, yet %q", s)
	}
	if !strings.Contains(a.view(), "No tasks due. t on a contact adds one.") {
		t.Errorf("Today is not empty:\n%s", a.view())
	}
}

// Another user's overdue tasks are not mine to count.
func TestTasksOverdueCountIsMine(t *testing.T) {
	a := taskApp(t, 120, 40)
	rita, err := a.w.DB.UpsertUser(context.Background(), store.User{Name: "Rita Rep", Email: "rita@acme.test", Role: store.RoleSalesperson})
	if err != nil {
		t.Fatal(err)
	}
	tk := store.Task{ContactID: a.w.Ada.ID, OwnerID: rita.ID, Title: "Rita's call", DueAt: tuitest.Now.Add(-time.Hour)}
	if err := a.w.DB.AddTask(context.Background(), &tk, a.w.User.ID); err != nil {
		t.Fatal(err)
	}
	a.pump(t, a.broadcast(common.ContactChangedMsg{ContactID: a.w.Ada.ID}))
	if a.overdue.n != 0 || strings.Contains(tuitest.Strip(a.statusView()), "overdue") {
		t.Fatalf("counted another's task: %d", a.overdue.n)
	}
}

// The minute tick fires, and re-arms; without a user or with it turned
// off there is none.
func TestTasksOverdueTick(t *testing.T) {
	a := newApp(t, 80, 24, func(o *Options) { o.OverdueEvery = time.Millisecond })
	if a.overdueTick() != nil {
		t.Error("a tick without a current user")
	}
	a.opts.Sender = a.w.User
	msgs := tuitest.Exec(t, a.overdueTick(), 0)
	if len(msgs) != 1 || msgs[0] != (overdueTickMsg{}) {
		t.Fatalf("the tick gave %v", msgs)
	}
	a.opts.OverdueEvery = -1
	if a.overdueTick() != nil {
		t.Error("a tick though turned off")
	}
	a.opts.OverdueEvery = 0
	if a.overdueEvery() != DefaultOverdueEvery {
		t.Errorf("zero is %v", a.overdueEvery())
	}
}
