// Package tui is the terminal UI of leadmail on Bubble Tea v2. The root
// Model routes between screens (one package each under tui/screens), keeps a
// stack of modal dialogs, owns the window size, a status line that clears
// itself, and the help footer. It is the only model that returns a tea.View.
//
// The UI reads through the small Store interface and queues through Mailer;
// a background Worker delivers and reports each outcome on a channel the
// root listens to. cmd/leadmail passes the concrete *store.DB,
// *outbox.Service and *outbox.Worker.
package tui

import (
	"context"
	"io"
	"log/slog"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/screens/contacts"
	"github.com/leadmail/leadmail/tui/theme"
)

// DefaultStatusTTL is how long a status line stays before it clears itself.
const DefaultStatusTTL = 4 * time.Second

// DefaultCountdownTick is how often the undo countdown redraws.
const DefaultCountdownTick = time.Second

// Options configures the UI. Store and Mailer are required; every other
// field has a useful zero value.
type Options struct {
	Store  Store
	Mailer Mailer
	// Worker delivers queued mail in the background and reports outcomes.
	// Nil means no background delivery: mail stays queued and the UI never
	// claims it was sent.
	Worker Worker
	// DemoServer is the embedded mail server of demo mode; with Demo set,
	// D stops and starts it. Nil means no toggle.
	DemoServer DemoServer
	// UserName is the sender shown in the header.
	UserName string
	// Sender is the CRM user who sends: the owner of the signatures the
	// Emails screen manages and the {{user.*}} of its trial renders.
	Sender store.User
	// Demo shows a DEMO badge and where the demo mailbox keeps what is sent.
	Demo        bool
	DemoMailbox string
	// Logger receives diagnostics; it must not write to the terminal. Nil
	// discards them.
	Logger *slog.Logger
	// Now is the clock behind relative ages; nil is time.Now.
	Now func() time.Time
	// NoColor turns every colour off (cmd sets it from NO_COLOR). A terminal
	// without colour support turns it off too.
	NoColor bool
	// Context bounds all I/O started by the UI; nil is context.Background.
	// The UI cancels its own child context when it quits.
	Context context.Context
	// StatusTTL is how long a status line stays; zero is DefaultStatusTTL.
	StatusTTL time.Duration
	// CountdownTick is how often the undo countdown redraws; zero is
	// DefaultCountdownTick.
	CountdownTick time.Duration
	// RemindDays is the "remind me in N days if no reply" the picker and
	// Personalize start the session with (ui.remind_days); 0 is off.
	RemindDays int
	// Editor is the external editor's command line for ctrl+e ($VISUAL,
	// else $EDITOR, read by cmd); empty falls back to vi, then nano.
	Editor string
	// Importer imports a contact file from the Contacts screen (i); nil
	// disables the import.
	Importer Importer
	// Sync is Mail Sync: a second background feed next to the worker
	// follows the mailbox while the UI runs, S on Contacts syncs now, and
	// o in a received message fetches its original. Nil means Mail Sync
	// is off.
	Sync Syncer
	// OverdueEvery is how often the status bar's overdue count is read
	// again while nothing changes (tui/tasks.go); zero is
	// DefaultOverdueEvery, negative never. Without a Sender there is no
	// count.
	OverdueEvery time.Duration
	// Team and SwitchUser let the demo switch who you are (tui/switchuser.go):
	// with Demo set and more than one member, U on Contacts offers Team,
	// and the choice is handed to SwitchUser just before the UI quits, for
	// the demo to reopen as them. Nil means no switching.
	Team       []store.User
	SwitchUser func(store.User)
}

// Model is the root of the UI. Create it with New and run it with
// tea.NewProgram.
type Model struct {
	opts   Options
	common *common.Common
	cancel context.CancelFunc
	keys   KeyMap
	help   help.Model

	width, height int
	isDark        bool
	termNoColor   bool // the terminal cannot show colour

	stack  []common.Screen // the top screen is last
	modals []modal         // the top modal is last
	status status

	undoWindow time.Duration
	updates    <-chan outbox.Update // nil without a worker
	outbox     outboxState
	undo       countdown
	watch      map[int64]watched // sends of this session whose outcome the status line reports
	dialog     dialog            // the quit or held dialog on show (tui/quit.go)
	dialogKeys DialogKeyMap
	demo       demoState
	sync       syncState
	syncKeys   SyncKeyMap
	overdue    overdueState // the status bar's overdue tasks (tui/tasks.go)
	switchUser switchState  // the demo's team chooser (tui/switchuser.go)
	switchKeys SwitchKeyMap
}

// New returns the root model showing the Contacts screen.
func New(opts Options) *Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.StatusTTL <= 0 {
		opts.StatusTTL = DefaultStatusTTL
	}
	if opts.CountdownTick <= 0 {
		opts.CountdownTick = DefaultCountdownTick
	}
	parent := opts.Context
	if parent == nil {
		parent = context.Background()
	}
	ctx, cancel := context.WithCancel(parent)
	m := &Model{
		opts:   opts,
		cancel: cancel,
		keys:   DefaultKeyMap(),
		help:   help.New(),
		isDark: true, // until the terminal answers
	}
	m.common = &common.Common{
		Ctx:     ctx,
		Styles:  theme.New(m.isDark, opts.NoColor),
		Now:     opts.Now,
		Logger:  opts.Logger,
		ErrText: ErrorText,
		Remind:  &common.Remind{Days: opts.RemindDays},
	}
	m.help.Styles = m.common.Styles.Help
	cs := contacts.New(m.common, opts.Store, contacts.Options{Me: opts.Sender.ID,
		NoPipeline: opts.Sender.ID != 0 && !opts.Sender.Role.HasPipeline()})
	cs.EnableImport(opts.Importer != nil)
	m.stack = []common.Screen{cs}
	m.watch = map[int64]watched{}
	m.dialogKeys = DefaultDialogKeyMap()
	m.syncKeys = DefaultSyncKeyMap()
	m.switchKeys = DefaultSwitchKeyMap()
	// Both are accessors, read once: the window is configuration and the
	// channel lives as long as the worker.
	m.undoWindow = opts.Mailer.UndoWindow()
	if opts.Worker != nil {
		m.updates = opts.Worker.Updates()
	}
	m.updateKeys()
	return m
}

// Init implements tea.Model.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, m.top().Init(), m.listen(), m.loadOutboxStatus(), m.demoInit(),
		m.loadHeld(), m.startSync(), m.startTasks())
}

func (m *Model) top() common.Screen { return m.stack[len(m.stack)-1] }

// bodySize is the area screens draw in: everything but the header, the
// status line and the help footer.
func (m *Model) bodySize() (int, int) {
	return m.width, max(0, m.height-chromeLines)
}

func (m *Model) setSize(w, h int) {
	m.width, m.height = w, h
	m.help.SetWidth(w)
	bw, bh := m.bodySize()
	for _, s := range m.stack {
		s.SetSize(bw, bh)
	}
}

// restyle rebuilds the styles after the background or colour support
// became known, and tells the screens.
func (m *Model) restyle() tea.Cmd {
	m.common.Styles = theme.New(m.isDark, m.opts.NoColor || m.termNoColor)
	m.help.Styles = m.common.Styles.Help
	return m.broadcast(common.ThemeChangedMsg{})
}

// quit ends the program, first asking when a screen holds typed input that
// quitting would lose (common.Unsaved); yes goes on to quitNow.
func (m *Model) quit() tea.Cmd {
	if ask := common.AskBeforeQuit(m.common, m.stack, m.quitNow); ask != nil {
		return m.push(ask)
	}
	return m.quitNow()
}

// quitNow ends the program, first asking when sends of this session are
// still inside their undo window (guardUndo in tui/quit.go).
func (m *Model) quitNow() tea.Cmd {
	return m.guardUndo()
}
