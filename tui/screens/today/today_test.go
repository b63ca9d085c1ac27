package today

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// taskWorld is the test world with tasks in every section: now is
// Thursday 26 November 2026, 10:00 UTC.
type taskWorld struct {
	*tuitest.World
	Rita                                   store.User
	Proposal, CallBack, Demo, Pricing, QBR store.Task // Sam's, soonest first
	RitasTask, Done                        store.Task
}

// day is a time in November 2026, UTC.
func day(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, time.UTC) }

func newTaskWorld(t *testing.T) *taskWorld {
	t.Helper()
	ctx := context.Background()
	w := &taskWorld{World: tuitest.NewWorld(t)}
	var err error
	w.Rita, err = w.DB.UpsertUser(ctx, store.User{Name: "Rita Rep", Email: "rita@acme.test", Role: store.RoleSalesperson})
	if err != nil {
		t.Fatal(err)
	}
	add := func(c store.Contact, owner int64, title string, due time.Time) store.Task {
		tk := store.Task{ContactID: c.ID, OwnerID: owner, Title: title, DueAt: due}
		if err := w.DB.AddTask(ctx, &tk, w.User.ID); err != nil {
			t.Fatal(err)
		}
		return tk
	}
	b := w.Bulk
	w.Proposal = add(w.Ada, w.User.ID, "Send the proposal", day(24, 9, 0))
	w.CallBack = add(b[0], w.User.ID, "Call back about the demo", day(26, 8, 0))
	w.Demo = add(b[2], w.User.ID, "Check the demo account", day(26, 15, 0))
	w.Pricing = add(w.Ada, w.User.ID, "Follow up on pricing", day(27, 9, 0))
	w.QBR = add(b[4], w.User.ID, "Quarterly check-in", time.Date(2026, 12, 15, 9, 0, 0, 0, time.UTC))
	w.RitasTask = add(b[6], w.Rita.ID, "Rita's renewal call", day(27, 11, 0))
	w.Done = add(b[8], w.User.ID, "Already done", day(25, 9, 0))
	if _, err := w.DB.CompleteTask(ctx, w.Done.ID, w.User.ID); err != nil {
		t.Fatal(err)
	}
	return w
}

type harness struct {
	*Model
	w       *taskWorld
	intents []tea.Msg
}

func open(t *testing.T, w *taskWorld, width, height int) *harness {
	t.Helper()
	h := &harness{Model: New(tuitest.Common(t), w.DB, Options{Me: w.User}), w: w}
	h.SetSize(width, height)
	tuitest.Pump(t, h.update, h.Init(), nil)
	if h.state != stateReady {
		t.Fatalf("state %v: %s", h.state, h.errText)
	}
	return h
}

func (h *harness) update(msg tea.Msg) tea.Cmd {
	_, cmd := h.Update(msg)
	h.intents = append(h.intents, h.Intents()...)
	return cmd
}

func (h *harness) press(t *testing.T, keys ...string) {
	t.Helper()
	for _, k := range keys {
		tuitest.Pump(t, h.update, h.update(tuitest.Key(k)), nil)
	}
}

func (h *harness) typeText(t *testing.T, s string) {
	t.Helper()
	for _, k := range tuitest.Type(s) {
		tuitest.Pump(t, h.update, h.update(k), nil)
	}
}

func (h *harness) view() string { return tuitest.Strip(h.View()) }

// on moves the highlight to the task with this id.
func (h *harness) on(t *testing.T, id int64) {
	t.Helper()
	i := slices.IndexFunc(h.items, func(it item) bool { return it.task.ID == id })
	if i < 0 {
		t.Fatalf("task %d is not listed", id)
	}
	h.move(i - h.cursor)
	h.updateKeys()
}

// titles are the listed titles of each section.
func (h *harness) titles() [secCount][]string {
	var out [secCount][]string
	for sec := range secCount {
		for _, tk := range h.Tasks(int(sec)) {
			out[sec] = append(out[sec], tk.Title)
		}
	}
	return out
}

func (h *harness) task(t *testing.T, id int64) store.Task {
	t.Helper()
	tk, err := h.w.DB.GetTask(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func (h *harness) lastStatus() string {
	for i := len(h.intents) - 1; i >= 0; i-- {
		if s, ok := h.intents[i].(common.StatusMsg); ok {
			return s.Text
		}
	}
	return ""
}

func TestTodaySections(t *testing.T) {
	w := newTaskWorld(t)
	h := open(t, w, 120, 40)
	want := [secCount][]string{
		{"Send the proposal", "Call back about the demo"},
		{"Check the demo account"},
		{"Follow up on pricing", "Quarterly check-in"},
	}
	if got := h.titles(); !reflect.DeepEqual(got, want) {
		t.Fatalf("sections %q, want %q", got, want)
	}
	v := h.view()
	for _, s := range []string{
		"Today · your open tasks", "2 overdue · 1 due today · 2 upcoming",
		"Overdue · 2", "Due today · 1", "Upcoming · 2",
		"2 d ago · Tue 24 Nov 09:00", "2 h ago · 08:00", "in 5 h · 15:00", "in 23 h · Fri 27 Nov 09:00",
		"in 18 d · Tue 15 Dec 09:00", "Ada Lovelace",
		// The highlighted task whole, under the list.
		"Ada Lovelace <ada@analytical.test> · owner Sam Seller", "due Tue 24 Nov 2026 09:00 UTC",
	} {
		if !strings.Contains(v, s) {
			t.Errorf("no %q in:\n%s", s, v)
		}
	}
	if strings.Contains(v, "Rita's renewal call") || strings.Contains(v, "Already done") {
		t.Errorf("another's task or a done one is listed:\n%s", v)
	}
}

func TestTodayGolden(t *testing.T) {
	w := newTaskWorld(t)
	for _, size := range []struct{ w, h int }{{120, 40}, {80, 24}} {
		for _, step := range []struct {
			name string
			keys []string
		}{{"list", nil}, {"snooze", []string{"z"}}, {"reschedule", []string{"down", "r"}}, {"refused", []string{"down", "r"}},
			{"all", []string{"a"}}} {
			t.Run(fmt.Sprintf("%s_%dx%d", step.name, size.w, size.h), func(t *testing.T) {
				h := open(t, w, size.w, size.h)
				h.press(t, step.keys...)
				switch step.name {
				case "reschedule":
					h.typeText(t, "monday 14:00")
				case "refused":
					h.typeText(t, "tomorow 14:00")
				}
				v := h.View()
				if lines := strings.Split(v, "\n"); len(lines) != size.h {
					t.Errorf("%d lines, want %d", len(lines), size.h)
				}
				tuitest.Golden(t, v)
			})
		}
	}
}

func TestTodayDone(t *testing.T) {
	w := newTaskWorld(t)
	h := open(t, w, 120, 40)
	h.on(t, w.CallBack.ID)
	h.press(t, "d")
	if tk := h.task(t, w.CallBack.ID); tk.Open() || tk.DoneBy != "user" {
		t.Fatalf("d left the task %+v", tk)
	}
	if got := h.titles()[secOverdue]; !reflect.DeepEqual(got, []string{"Send the proposal"}) {
		t.Errorf("overdue after done: %q", got)
	}
	if s := h.lastStatus(); s != "Done: Call back about the demo (Alex Abbott)" {
		t.Errorf("status %q", s)
	}
	if !slices.Contains(h.intents, tea.Msg(ChangedMsg{ContactID: w.Bulk[0].ID})) {
		t.Errorf("no ChangedMsg for the contact: %v", h.intents)
	}
	// The highlight stays in place, on the row that took the done one's.
	if tk, _ := h.Selected(); tk.ID != w.Demo.ID {
		t.Errorf("highlight on %q", tk.Title)
	}
}

func TestTodaySnooze(t *testing.T) {
	w := newTaskWorld(t)
	h := open(t, w, 120, 40)
	h.on(t, w.Proposal.ID)
	h.press(t, "z")
	if !h.Capturing() || h.keys.Done.Enabled() || !h.keys.ChoiceDown.Enabled() {
		t.Fatalf("z: capturing %v, d enabled %v", h.Capturing(), h.keys.Done.Enabled())
	}
	v := h.view()
	for _, s := range []string{"Snooze “Send the proposal” (Ada Lovelace) until",
		"› in 1 hour      Thu 26 Nov 11:00 UTC (in 1 h)", "tomorrow 9:00  Fri 27 Nov 09:00 UTC (tomorrow)",
		"next week      Mon 30 Nov 09:00 UTC (in 4 days)", "→ snooze until Thu 26 Nov 11:00 UTC (in 1 h)"} {
		if !strings.Contains(v, s) {
			t.Errorf("no %q in:\n%s", s, v)
		}
	}
	// A time that cannot be read changes nothing and says why.
	before := h.task(t, w.Proposal.ID)
	h.typeText(t, "next blursday")
	h.press(t, "enter")
	if after := h.task(t, w.Proposal.ID); !reflect.DeepEqual(after, before) || !h.Capturing() {
		t.Fatalf("an unreadable snooze changed %+v to %+v", before, after)
	}
	if !strings.Contains(h.view(), `✗ cannot read "next blursday"`) {
		t.Errorf("no reason shown:\n%s", h.view())
	}
	h.press(t, "esc")
	if h.Capturing() || h.prompt != promptNone {
		t.Fatal("esc did not close the prompt")
	}

	// Each preset, and a typed time.
	for _, tc := range []struct {
		keys  []string
		typed string
		want  time.Time
		sec   section
	}{
		{keys: []string{"z"}, want: day(26, 11, 0), sec: secToday},
		{keys: []string{"z", "down"}, want: day(27, 9, 0), sec: secUpcoming},
		{keys: []string{"z", "down", "down"}, want: day(30, 9, 0), sec: secUpcoming},
		{keys: []string{"z"}, typed: "monday 14:00", want: day(30, 14, 0), sec: secUpcoming},
	} {
		h.on(t, w.Proposal.ID)
		h.press(t, tc.keys...)
		h.typeText(t, tc.typed)
		h.press(t, "enter")
		tk := h.task(t, w.Proposal.ID)
		if !tk.DueAt.Equal(tc.want) {
			t.Errorf("%v %q: due %v, want %v", tc.keys, tc.typed, tk.DueAt, tc.want)
		}
		if !slices.Contains(h.titles()[tc.sec], "Send the proposal") {
			t.Errorf("%v %q: not in section %d: %q", tc.keys, tc.typed, tc.sec, h.titles())
		}
	}
	if tk := h.task(t, w.Proposal.ID); tk.Snoozes != 4 || !tk.FirstDueAt.Equal(day(24, 9, 0)) {
		t.Errorf("snoozes %d, first due %v", tk.Snoozes, tk.FirstDueAt)
	}
	if s := h.lastStatus(); s != "Snoozed until Mon 30 Nov 14:00 UTC (in 4 days): Send the proposal (Ada Lovelace)" {
		t.Errorf("status %q", s)
	}
}

func TestTodayReschedule(t *testing.T) {
	w := newTaskWorld(t)
	h := open(t, w, 120, 40)
	h.on(t, w.Pricing.ID)
	h.press(t, "r")
	v := h.view()
	for _, s := range []string{"Reschedule “Follow up on pricing” (Ada Lovelace), due in 23 h · Fri 27 Nov 09:00",
		"e.g. 12:00 · tomorrow 9:00 · sat 14:00", "Type when it is due."} {
		if !strings.Contains(v, s) {
			t.Errorf("no %q in:\n%s", s, v)
		}
	}
	// Nothing typed, or a time passed: nothing changes.
	before := h.task(t, w.Pricing.ID)
	h.press(t, "enter")
	h.typeText(t, "2026-11-20 09:00")
	h.press(t, "enter")
	if after := h.task(t, w.Pricing.ID); !reflect.DeepEqual(after, before) {
		t.Fatalf("a refused reschedule changed %+v to %+v", before, after)
	}
	if !strings.Contains(h.view(), "✗ Fri 20 Nov 2026 09:00 UTC is in the past: pick a later time") {
		t.Errorf("no reason shown:\n%s", h.view())
	}
	h.press(t, "esc", "r")
	h.typeText(t, "in 3 days")
	if !strings.Contains(h.view(), "→ due Sun 29 Nov 10:00 UTC (in 3 days)") {
		t.Errorf("the time is not read back:\n%s", h.view())
	}
	h.press(t, "enter")
	tk := h.task(t, w.Pricing.ID)
	if !tk.DueAt.Equal(day(29, 10, 0)) || tk.Reschedules != 1 || tk.Snoozes != 0 {
		t.Fatalf("rescheduled %+v", tk)
	}
	if s := h.lastStatus(); s != "Now due Sun 29 Nov 10:00 UTC (in 3 days): Follow up on pricing (Ada Lovelace)" {
		t.Errorf("status %q", s)
	}
	if sel, _ := h.Selected(); sel.ID != w.Pricing.ID {
		t.Errorf("the highlight did not follow the task: %q", sel.Title)
	}
}

func TestTodayOpenContactAndBack(t *testing.T) {
	w := newTaskWorld(t)
	h := open(t, w, 120, 40)
	h.on(t, w.Demo.ID)
	h.press(t, "enter")
	if len(h.intents) != 1 || h.intents[0] != (common.OpenContactMsg{ContactID: w.Bulk[2].ID}) {
		t.Fatalf("enter posted %v", h.intents)
	}
	h.press(t, "esc")
	if h.intents[len(h.intents)-1] != (common.BackMsg{}) {
		t.Fatalf("esc posted %v", h.intents)
	}
}

func TestTodayEveryone(t *testing.T) {
	w := newTaskWorld(t)
	h := open(t, w, 120, 40)
	h.press(t, "a")
	if !h.ShowsAll() || !slices.Contains(h.titles()[secUpcoming], "Rita's renewal call") {
		t.Fatalf("a: all %v, %q", h.ShowsAll(), h.titles())
	}
	v := h.view()
	if !strings.Contains(v, "everyone's open tasks") || !strings.Contains(v, "Owner") || !strings.Contains(v, "Rita Rep") {
		t.Errorf("everyone's tasks without their owners:\n%s", v)
	}
	// Soonest first across owners.
	if got := h.titles()[secUpcoming]; !reflect.DeepEqual(got, []string{"Follow up on pricing", "Rita's renewal call", "Quarterly check-in"}) {
		t.Errorf("upcoming %q", got)
	}
	h.press(t, "a")
	if h.ShowsAll() || slices.Contains(h.titles()[secUpcoming], "Rita's renewal call") {
		t.Fatalf("a again still shows everyone's: %q", h.titles())
	}
}

func TestTodayEmpty(t *testing.T) {
	w := &taskWorld{World: tuitest.NewWorld(t)}
	h := open(t, w, 80, 24)
	if v := h.view(); !strings.Contains(v, "No tasks due. t on a contact adds one.") {
		t.Errorf("empty state:\n%s", v)
	}
	for _, k := range []bool{h.keys.Done.Enabled(), h.keys.Snooze.Enabled(), h.keys.Reschedule.Enabled(), h.keys.Open.Enabled()} {
		if k {
			t.Error("an action is offered with no task")
		}
	}
}

// The screen reads again when something elsewhere may have changed its
// tasks: a contact changed, Mail Sync recorded a reply, or time moved on.
func TestTodayReloads(t *testing.T) {
	w := newTaskWorld(t)
	h := open(t, w, 120, 40)
	ctx := context.Background()
	for i, msg := range []tea.Msg{common.ContactChangedMsg{ContactID: w.Ada.ID}, common.MailSyncedMsg{}, RefreshMsg{}, common.ContactsChangedMsg{}} {
		title := fmt.Sprintf("Task %d", i)
		tk := store.Task{ContactID: w.Ada.ID, Title: title, DueAt: day(28, 9, 0)}
		if err := w.DB.AddTask(ctx, &tk, w.User.ID); err != nil {
			t.Fatal(err)
		}
		tuitest.Pump(t, h.update, h.update(msg), nil)
		if !slices.Contains(h.titles()[secUpcoming], title) {
			t.Errorf("%T did not reload: %q", msg, h.titles())
		}
	}
}

// A task done elsewhere (the CLI) meanwhile: d says so and the list
// catches up.
func TestTodayDoneElsewhere(t *testing.T) {
	w := newTaskWorld(t)
	h := open(t, w, 120, 40)
	h.on(t, w.Demo.ID)
	if _, err := w.DB.CompleteTask(context.Background(), w.Demo.ID, w.User.ID); err != nil {
		t.Fatal(err)
	}
	h.press(t, "d")
	var got common.ErrorMsg
	for _, in := range h.intents {
		if e, ok := in.(common.ErrorMsg); ok {
			got = e
		}
	}
	if got.Err == nil || got.Title != "Not done" ||
		got.Err.Error() != fmt.Sprintf("Task %d (Check the demo account) is already done.", w.Demo.ID) {
		t.Fatalf("error %+v", got)
	}
	if slices.Contains(h.titles()[secToday], "Check the demo account") {
		t.Error("the list did not catch up")
	}
}

func TestTodaySanitises(t *testing.T) {
	w := newTaskWorld(t)
	ctx := context.Background()
	if err := w.DB.InsertContacts(ctx, []store.Contact{{Kind: store.KindLead, Status: store.StatusOpen,
		FirstName: "Eve\x1b]0;PWNED\x07", LastName: "Evil", Email: "eve@example.test"}}); err != nil {
		t.Fatal(err)
	}
	p, err := w.DB.ListContacts(ctx, store.PageRequest{Filter: store.ContactFilter{Search: "eve@example.test"}, Limit: 1})
	if err != nil || len(p.Contacts) != 1 {
		t.Fatalf("%v %+v", err, p)
	}
	tk := store.Task{ContactID: p.Contacts[0].ID, Title: "Call Eve", DueAt: day(26, 9, 30)}
	if err := w.DB.AddTask(ctx, &tk, w.User.ID); err != nil {
		t.Fatal(err)
	}
	h := open(t, w, 120, 40)
	h.on(t, tk.ID)
	if raw := h.View(); strings.Contains(raw, "\x07") || strings.Contains(raw, "\x1b]0;") {
		t.Errorf("control characters reach the terminal: %q", raw)
	}
	if !strings.Contains(h.view(), "Eve ]0;PWNED  Evil") {
		t.Errorf("the name is not shown sanitised:\n%s", h.view())
	}
}

func TestTodayWithoutUser(t *testing.T) {
	w := newTaskWorld(t)
	h := &harness{Model: New(tuitest.Common(t), w.DB, Options{}), w: w}
	h.SetSize(80, 24)
	tuitest.Pump(t, h.update, h.Init(), nil)
	if h.state != stateError || !strings.Contains(strings.Join(strings.Fields(h.view()), " "), "set user.email and user.name") ||
		h.keys.All.Enabled() {
		t.Fatalf("state %v:\n%s", h.state, h.view())
	}
}

// A long list scrolls to keep the highlight on screen, with its section's
// heading when it is the section's first row, and always fits.
func TestTodayScrolls(t *testing.T) {
	w := newTaskWorld(t)
	ctx := context.Background()
	for i := range 25 {
		tk := store.Task{ContactID: w.Bulk[i].ID, Title: fmt.Sprintf("Upcoming %02d", i), DueAt: day(28, 9, i)}
		if err := w.DB.AddTask(ctx, &tk, w.User.ID); err != nil {
			t.Fatal(err)
		}
	}
	h := open(t, w, 80, 24)
	check := func(want ...string) {
		t.Helper()
		v := h.view()
		if n := len(strings.Split(v, "\n")); n != 24 {
			t.Errorf("%d lines", n)
		}
		sel, _ := h.Selected()
		for _, s := range append(want, "› ") {
			if !strings.Contains(v, s) {
				t.Errorf("no %q with %q highlighted:\n%s", s, sel.Title, v)
			}
		}
	}
	check("Overdue · 2", "Send the proposal")
	h.press(t, "G")
	check("Upcoming 24", "Quarterly check-in")
	h.press(t, "g")
	check("Overdue · 2", "Send the proposal")
	h.on(t, w.Pricing.ID)
	h.press(t, "pgdown", "pgup")
	h.on(t, w.Pricing.ID)
	check("Upcoming · 27", "Follow up on pricing")
}
