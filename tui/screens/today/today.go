// Package today is the Today screen of the leadmail TUI: the open follow-up
// tasks of the current user (or of everyone), in three sections, overdue,
// due today and upcoming, soonest first. From it a task is done, snoozed
// (an hour, tomorrow 9:00, next week, or a typed time) or rescheduled, and
// enter opens the contact it is about. It reads again whenever a contact
// changed, Mail Sync recorded something (a reply may have closed a task),
// or the root's minute tick says time moved on.
package today

import (
	"cmp"
	"context"
	"slices"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// Store is what the Today screen reads and changes. *store.DB satisfies it.
type Store interface {
	// ListTasks returns one page of an owner's open tasks in one section.
	ListTasks(ctx context.Context, q store.TaskQuery) (store.TaskPage, error)
	CompleteTask(ctx context.Context, id, by int64) (store.Task, error)
	SnoozeTask(ctx context.Context, id, by int64, until time.Time) (store.Task, error)
	RescheduleTask(ctx context.Context, id, by int64, due time.Time) (store.Task, error)
	// ListUsers lists the CRM's users, whose tasks "all" shows.
	ListUsers(ctx context.Context) ([]store.User, error)
	// CountOverdue counts an owner's open tasks due before now (the root's
	// status bar).
	CountOverdue(ctx context.Context, ownerID int64) (int, error)
}

// Options say whose tasks these are.
type Options struct {
	// Me is the current user, whose tasks the screen shows first and who
	// does, snoozes and reschedules them. A zero Me has no tasks.
	Me store.User
}

// SectionLimit is the most tasks a section lists; a note says when there
// are more.
const SectionLimit = 100

// ChangedMsg is the intent posted after a task was done, snoozed or
// rescheduled: the root tells every screen its contact changed and reads
// the overdue count again.
type ChangedMsg struct{ ContactID int64 }

// RefreshMsg asks the screen to read its tasks again because time moved
// on: a task due today may be overdue now. The root broadcasts it on its
// minute tick.
type RefreshMsg struct{}

// section is one group of tasks.
type section int

const (
	secOverdue section = iota
	secToday
	secUpcoming
	secCount
)

var sectionDue = [secCount]store.TaskDue{store.TasksOverdue, store.TasksToday, store.TasksUpcoming}

var sectionNames = [secCount]string{"Overdue", "Due today", "Upcoming"}

type state int

const (
	stateLoading state = iota
	stateReady
	stateError
)

// prompt is the question open under the list.
type prompt int

const (
	promptNone prompt = iota
	promptSnooze
	promptReschedule
)

// action is what the user did to a task.
type action int

const (
	actDone action = iota
	actSnooze
	actReschedule
)

// item is one task row with its section.
type item struct {
	sec  section
	task store.Task
}

// Model is the Today screen.
type Model struct {
	common.IntentQueue
	c     *common.Common
	store Store
	opts  Options
	keys  KeyMap

	width, height int
	state         state
	errText       string
	all           bool // everyone's tasks, not only mine
	items         []item
	counts        [secCount]int
	more          [secCount]bool // the section has more than SectionLimit
	owners        map[int64]string
	cursor        int // index into items
	offset        int // first list line on screen
	loadSeq       int
	busy          int64 // the task whose action is under way, 0 if none

	prompt prompt
	target store.Task // the task the prompt is about
	choice int        // the highlighted snooze preset
	when   textinput.Model
}

// New returns the Today screen.
func New(c *common.Common, s Store, opts Options) *Model {
	m := &Model{c: c, store: s, opts: opts, keys: DefaultKeyMap()}
	m.when = textinput.New()
	m.when.Prompt = ""
	m.when.CharLimit = outbox.MaxWhenLen
	m.when.SetStyles(c.Styles.Input)
	m.updateKeys()
	return m
}

// Title implements common.Screen.
func (m *Model) Title() string { return "Today" }

// Capturing implements common.Screen: a snooze or reschedule prompt takes
// a typed time.
func (m *Model) Capturing() bool { return m.prompt != promptNone }

// SetSize implements common.Screen.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.when.SetWidth(max(8, width-promptIndent-1))
	m.clampOffset()
}

// Init implements common.Screen.
func (m *Model) Init() tea.Cmd { return m.load() }

// loadedMsg carries the three sections.
type loadedMsg struct {
	seq    int
	all    bool
	tasks  [secCount][]store.Task
	more   [secCount]bool
	owners map[int64]string
	err    error
}

// load reads the three sections, of the current user or of every user.
func (m *Model) load() tea.Cmd {
	m.loadSeq++
	seq, ctx, s, me, all, now := m.loadSeq, m.c.Ctx, m.store, m.opts.Me, m.all, m.c.Now()
	return func() tea.Msg {
		out := loadedMsg{seq: seq, all: all, owners: map[int64]string{me.ID: me.Name}}
		if me.ID == 0 {
			out.err = errNoUser
			return out
		}
		owners := []int64{me.ID}
		if all {
			users, err := s.ListUsers(ctx)
			if err != nil {
				out.err = err
				return out
			}
			owners = owners[:0]
			for _, u := range users {
				owners = append(owners, u.ID)
				out.owners[u.ID] = u.Name
			}
		}
		for sec := range secCount {
			tasks, more, err := listSection(ctx, s, owners, sectionDue[sec], now)
			if err != nil {
				out.err = err
				return out
			}
			out.tasks[sec], out.more[sec] = tasks, more
		}
		return out
	}
}

// listSection is one section of the owners' tasks, soonest first, at most
// SectionLimit; more says some were left out. Each owner's list is a
// keyset page on its own index, merged here.
func listSection(ctx context.Context, s Store, owners []int64, due store.TaskDue, now time.Time) ([]store.Task, bool, error) {
	var tasks []store.Task
	more := false
	for _, o := range owners {
		p, err := s.ListTasks(ctx, store.TaskQuery{OwnerID: o, Due: due, Now: now, Loc: now.Location(), Limit: SectionLimit})
		if err != nil {
			return nil, false, err
		}
		tasks = append(tasks, p.Tasks...)
		more = more || p.Next != nil
	}
	slices.SortStableFunc(tasks, func(a, b store.Task) int {
		return cmp.Or(a.DueAt.Compare(b.DueAt), cmp.Compare(a.ID, b.ID))
	})
	if len(tasks) > SectionLimit {
		tasks, more = tasks[:SectionLimit], true
	}
	return tasks, more, nil
}

func (m *Model) handleLoaded(msg loadedMsg) {
	if msg.seq != m.loadSeq {
		return // a newer load is on its way
	}
	if msg.err != nil {
		text := m.c.ErrText(msg.err)
		if text == "" {
			return
		}
		if m.state == stateReady {
			m.Post(common.ErrorMsg{Err: msg.err})
			return
		}
		m.state, m.errText = stateError, text
		return
	}
	// The highlight stays on the same task when it is still listed, else
	// on the row that took its place.
	keep, hadKeep := m.Selected()
	m.state, m.errText, m.owners = stateReady, "", msg.owners
	m.items = m.items[:0]
	for sec := range secCount {
		for _, t := range msg.tasks[sec] {
			m.items = append(m.items, item{sec: sec, task: t})
		}
		m.counts[sec] = len(msg.tasks[sec])
	}
	m.more = msg.more
	if hadKeep {
		if i := slices.IndexFunc(m.items, func(it item) bool { return it.task.ID == keep.ID }); i >= 0 {
			m.cursor = i
		}
	}
	m.cursor = max(0, min(m.cursor, len(m.items)-1))
	m.clampOffset()
	// A prompt about a task no longer listed is moot.
	if m.prompt != promptNone && !slices.ContainsFunc(m.items, func(it item) bool { return it.task.ID == m.target.ID }) {
		m.closePrompt()
	}
}

// Selected returns the highlighted task.
func (m *Model) Selected() (store.Task, bool) {
	if m.state != stateReady || m.cursor < 0 || m.cursor >= len(m.items) {
		return store.Task{}, false
	}
	return m.items[m.cursor].task, true
}

// Tasks returns the listed tasks of a section: 0 overdue, 1 due today, 2
// upcoming.
func (m *Model) Tasks(sec int) []store.Task {
	var out []store.Task
	for _, it := range m.items {
		if int(it.sec) == sec {
			out = append(out, it.task)
		}
	}
	return out
}

// ShowsAll reports whether everyone's tasks are listed, not only mine.
func (m *Model) ShowsAll() bool { return m.all }

// actionMsg is the result of done, snooze or reschedule.
type actionMsg struct {
	act    action
	before store.Task
	after  store.Task
	err    error
}

// run does act to t in a command; at is the new time of a snooze or a
// reschedule.
func (m *Model) run(act action, t store.Task, at time.Time) tea.Cmd {
	m.busy = t.ID
	ctx, s, by := m.c.Ctx, m.store, m.opts.Me.ID
	return func() tea.Msg {
		var (
			after store.Task
			err   error
		)
		switch act {
		case actDone:
			after, err = s.CompleteTask(ctx, t.ID, by)
		case actSnooze:
			after, err = s.SnoozeTask(ctx, t.ID, by, at)
		case actReschedule:
			after, err = s.RescheduleTask(ctx, t.ID, by, at)
		}
		return actionMsg{act: act, before: t, after: after, err: err}
	}
}

// handleAction says what happened and reads the tasks again: the row has
// moved (snooze, reschedule) or gone (done).
func (m *Model) handleAction(msg actionMsg) tea.Cmd {
	m.busy = 0
	t := msg.before
	if msg.err != nil {
		titles := [...]string{actDone: "Not done", actSnooze: "Not snoozed", actReschedule: "Not rescheduled"}
		m.Post(common.ErrorMsg{Title: titles[msg.act], Err: refusal(msg.err)})
		return m.load() // it may have changed elsewhere meanwhile
	}
	what := common.Printable(t.Title) + " (" + common.Printable(t.ContactName) + ")"
	var text string
	switch msg.act {
	case actDone:
		text = "Done: " + what
	case actSnooze:
		text = "Snoozed until " + outbox.Describe(msg.after.DueAt, m.c.Now()) + ": " + what
	case actReschedule:
		text = "Now due " + outbox.Describe(msg.after.DueAt, m.c.Now()) + ": " + what
	}
	m.Post(common.StatusMsg{Text: text, Level: common.LevelSuccess})
	m.Post(ChangedMsg{ContactID: t.ContactID})
	return m.load()
}

func (m *Model) move(n int) {
	m.cursor = max(0, min(m.cursor+n, len(m.items)-1))
	m.clampOffset()
}
