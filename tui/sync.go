package tui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/mail/mailsync"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// Syncer is Mail Sync: it reads the mailbox into the timelines.
// *mailsync.Syncer satisfies it.
type Syncer interface {
	// Run is one pass over the synced folders; Progress reports each
	// batch, and ctx cancels it cleanly (what was recorded stays).
	Run(ctx context.Context, o mailsync.Options) (mailsync.Report, error)
	// Watch follows the mailbox (IDLE, or polling) until ctx is done,
	// calling changed after each pass that found something.
	Watch(ctx context.Context, changed func(mailsync.Report)) error
	// FetchOriginal fetches a received message's bytes from the server.
	FetchOriginal(ctx context.Context, r store.Received) ([]byte, error)
}

// syncState is Mail Sync as the UI runs it: the watch feed, and the pass
// the user started with S.
type syncState struct {
	reports  chan mailsync.Report // from Watch and from S's runs
	watchErr chan error           // Watch's end
	progress chan mailsync.Progress
	running  bool
	cancel   context.CancelFunc
	finished chan struct{} // closed when S's pass ends
	last     mailsync.Progress
	started  time.Time
	modal    modal // the progress dialog while S's pass runs
	replied  map[int64]bool
}

type (
	syncReportMsg   struct{ report mailsync.Report }
	syncWatchEndMsg struct{ err error }
	syncProgressMsg struct{ p mailsync.Progress }
	syncDoneMsg     struct {
		report mailsync.Report
		err    error
	}
	// syncReplyMsg names the newest reply a report brought, for the
	// status line.
	syncReplyMsg struct {
		from, subject string
		ids           []int64
	}
)

// replyStore finds who replied: *store.DB satisfies it.
type replyStore interface {
	ThreadOf(ctx context.Context, messageID int64) ([]store.Received, error)
}

// startSync starts the Watch feed when Mail Sync is on. It runs while the
// UI runs; each report reaches Update through listenSync.
func (m *Model) startSync() tea.Cmd {
	sy := m.opts.Sync
	if sy == nil {
		return nil
	}
	m.sync.reports = make(chan mailsync.Report, 8)
	m.sync.watchErr = make(chan error, 1)
	m.sync.progress = make(chan mailsync.Progress, 1)
	ctx, reports, errc := m.common.Ctx, m.sync.reports, m.sync.watchErr
	go func() {
		errc <- sy.Watch(ctx, func(r mailsync.Report) {
			select {
			case reports <- r:
			case <-ctx.Done():
			}
		})
	}()
	return tea.Batch(m.listenSync(), m.loadReplied(nil))
}

// listenSync reads one report, or the end of the watch. It is re-armed
// after each report.
func (m *Model) listenSync() tea.Cmd {
	ctx, reports, errc := m.common.Ctx, m.sync.reports, m.sync.watchErr
	if reports == nil {
		return nil
	}
	return func() tea.Msg {
		select {
		case r := <-reports:
			return syncReportMsg{report: r}
		case err := <-errc:
			select { // a report sent just before the end comes first
			case r := <-reports:
				errc <- err
				return syncReportMsg{report: r}
			default:
			}
			return syncWatchEndMsg{err: err}
		case <-ctx.Done():
			return nil
		}
	}
}

// handleSyncReport refreshes the timelines and says what came in.
func (m *Model) handleSyncReport(r mailsync.Report) tea.Cmd {
	cmds := []tea.Cmd{m.listenSync()}
	if r.Recorded == 0 && r.Replies == 0 && r.Bounces == 0 && r.AutoReplies == 0 && r.Confirmed == 0 {
		return tea.Batch(cmds...)
	}
	cmds = append(cmds, m.broadcast(common.MailSyncedMsg{}), m.loadOutboxStatus())
	if r.Replies > 0 {
		cmds = append(cmds, m.loadReplied(m.sync.replied))
	} else {
		cmds = append(cmds, m.setStatus(syncSummary(r), common.LevelInfo))
	}
	return tea.Batch(cmds...)
}

// syncSummary words a report that brought no reply.
func syncSummary(r mailsync.Report) string {
	var parts []string
	add := func(n int, one, many string) {
		if n > 0 {
			parts = append(parts, countText(n, one, many))
		}
	}
	add(r.Recorded-r.AutoReplies-r.Bounces, "message from your mailbox", "messages from your mailbox")
	add(r.AutoReplies, "out-of-office", "out-of-office replies")
	add(r.Bounces, "bounce", "bounces")
	add(r.Confirmed, "uncertain send confirmed", "uncertain sends confirmed")
	if len(parts) == 0 {
		return "Mail Sync: nothing new"
	}
	return "Mail Sync: " + strings.Join(parts, ", ")
}

// loadReplied finds the sends answered since known (nil: only learn which
// are answered now) and names the newest reply.
func (m *Model) loadReplied(known map[int64]bool) tea.Cmd {
	st := m.opts.Store
	rs, ok := st.(replyStore)
	if !ok {
		return nil
	}
	ctx := m.common.Ctx
	return func() tea.Msg {
		msgs, err := st.ListMessages(ctx, store.MessageFilter{Statuses: []store.MessageStatus{store.MessageSent}, Limit: 500})
		if err != nil {
			return nil
		}
		var out syncReplyMsg
		var newest time.Time
		for _, x := range msgs {
			if x.RepliedAt.IsZero() {
				continue
			}
			out.ids = append(out.ids, x.ID)
			if known == nil || known[x.ID] {
				continue
			}
			thread, err := rs.ThreadOf(ctx, x.ID)
			if err != nil {
				continue
			}
			for _, r := range thread {
				if r.Direction == store.ReceivedIn && r.Kind == store.ReceivedOrdinary && !r.Date.Before(newest) {
					newest, out.from, out.subject = r.Date, r.From, r.Subject
				}
			}
		}
		return out
	}
}

func (m *Model) handleSyncReply(msg syncReplyMsg) tea.Cmd {
	had := m.sync.replied != nil
	m.sync.replied = map[int64]bool{}
	for _, id := range msg.ids {
		m.sync.replied[id] = true
	}
	if !had || msg.from == "" {
		return nil
	}
	return m.setStatus(fmt.Sprintf("↩ %s replied: %s", senderName(msg.from), common.Printable(msg.subject)), common.LevelSuccess)
}

// senderName is the display name of "Name <addr>", else the address.
func senderName(from string) string {
	from = common.Printable(from)
	if i := strings.Index(from, "<"); i > 0 {
		if name := strings.Trim(strings.TrimSpace(from[:i]), `"`); name != "" {
			return name
		}
	}
	return strings.Trim(from, "<> ")
}

func (m *Model) handleSyncWatchEnd(msg syncWatchEndMsg) tea.Cmd {
	m.sync.reports = nil
	if msg.err == nil || errors.Is(msg.err, context.Canceled) || m.common.Ctx.Err() != nil {
		return nil
	}
	return m.showError("", fmt.Errorf("Mail Sync stopped following your mailbox: %w", msg.err), false) //nolint:staticcheck // ST1005: "Mail Sync" is the feature's name, shown to the user as is
}

// SyncKeyMap is the keys of Mail Sync.
type SyncKeyMap struct {
	// Run syncs the mailbox now, with a progress bar (Contacts only).
	Run key.Binding
	// Cancel stops the pass under way.
	Cancel key.Binding
}

// DefaultSyncKeyMap returns Mail Sync's keys.
func DefaultSyncKeyMap() SyncKeyMap {
	return SyncKeyMap{
		Run:    key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "sync mail now")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel the sync")),
	}
}

// runSync starts a pass with progress in a dialog; esc cancels it.
func (m *Model) runSync() tea.Cmd {
	sy := m.opts.Sync
	if sy == nil || m.sync.running {
		return nil
	}
	ctx, cancel := context.WithCancel(m.common.Ctx)
	m.sync.running, m.sync.cancel, m.sync.started = true, cancel, m.opts.Now()
	m.sync.last = mailsync.Progress{}
	if m.sync.progress == nil {
		m.sync.progress = make(chan mailsync.Progress, 1)
	}
	progress, finished := m.sync.progress, make(chan struct{})
	m.sync.finished = finished
	m.sync.modal = m.syncModal()
	m.modals = append(m.modals, m.sync.modal)
	run := func() tea.Msg {
		r, err := sy.Run(ctx, mailsync.Options{Progress: func(p mailsync.Progress) {
			select { // the newest progress wins; the bar never blocks the sync
			case <-progress:
			default:
			}
			select {
			case progress <- p:
			default:
			}
		}})
		close(finished)
		return syncDoneMsg{report: r, err: err}
	}
	return tea.Batch(run, m.listenProgress())
}

func (m *Model) listenProgress() tea.Cmd {
	ch, ctx, finished := m.sync.progress, m.common.Ctx, m.sync.finished
	return func() tea.Msg {
		select {
		case p := <-ch:
			return syncProgressMsg{p: p}
		case <-finished:
			return nil
		case <-ctx.Done():
			return nil
		}
	}
}

func (m *Model) handleSyncProgress(p mailsync.Progress) tea.Cmd {
	if !m.sync.running {
		return nil
	}
	m.sync.last = p
	m.replaceSyncModal()
	return m.listenProgress()
}

func (m *Model) handleSyncDone(msg syncDoneMsg) tea.Cmd {
	m.sync.running = false
	if m.sync.cancel != nil {
		m.sync.cancel()
	}
	m.closeSyncModal()
	cmds := []tea.Cmd{m.broadcast(common.MailSyncedMsg{}), m.loadOutboxStatus()}
	r := msg.report
	switch {
	case errors.Is(msg.err, context.Canceled):
		cmds = append(cmds, m.setStatus(fmt.Sprintf("Sync cancelled after %s; what was read is kept, the next sync goes on from there",
			countText(r.Scanned, "message", "messages")), common.LevelWarning))
	case errors.Is(msg.err, mailsync.ErrLeaseHeld):
		cmds = append(cmds, m.setStatus("Another sync is running on this database (leadmail sync?); try again when it is done", common.LevelWarning))
	case msg.err != nil:
		cmds = append(cmds, m.showError("Mail not synced", msg.err, true))
	default:
		text := fmt.Sprintf("Synced: %s scanned, %d matched, %d new", countText(r.Scanned, "message", "messages"), r.Matched, r.Recorded)
		if r.Replies > 0 {
			text += ", " + countText(r.Replies, "reply", "replies")
		}
		cmds = append(cmds, m.setStatus(text, common.LevelSuccess))
		if r.Replies > 0 {
			cmds = append(cmds, m.loadReplied(m.sync.replied))
		}
	}
	return tea.Batch(cmds...)
}

// handleSyncKey gives esc to the progress dialog: it cancels the pass.
func (m *Model) handleSyncKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if !m.sync.running || len(m.modals) == 0 || m.modals[len(m.modals)-1] != m.sync.modal {
		return nil, false
	}
	if key.Matches(msg, m.syncKeys.Cancel) && m.sync.cancel != nil {
		m.sync.cancel()
	}
	return nil, !key.Matches(msg, m.keys.Quit)
}

func (m *Model) replaceSyncModal() {
	i := slices.Index(m.modals, m.sync.modal)
	m.sync.modal = m.syncModal()
	if i >= 0 {
		m.modals[i] = m.sync.modal
	}
}

func (m *Model) closeSyncModal() {
	if i := slices.Index(m.modals, m.sync.modal); i >= 0 {
		m.modals = slices.Delete(m.modals, i, i+1)
	}
}

// syncModal is the progress dialog: folder, a bar of scanned of total,
// matched, speed and time left.
func (m *Model) syncModal() modal {
	p := m.sync.last
	const cells = 30
	var b strings.Builder
	if p.Folder == "" {
		b.WriteString("Connecting to your mailbox…\n\n")
	} else {
		fmt.Fprintf(&b, "Folder %s\n\n", common.Printable(p.Folder))
		done := 0
		if p.Total > 0 {
			done = min(cells, p.Scanned*cells/p.Total)
		}
		fmt.Fprintf(&b, "%s%s  %d of %d\n", strings.Repeat("█", done), strings.Repeat("░", cells-done), p.Scanned, p.Total)
		fmt.Fprintf(&b, "%d matched · %.0f msg/s", p.Matched, p.PerSecond)
		if p.ETA > 0 {
			fmt.Fprintf(&b, " · about %s left", etaText(p.ETA))
		}
		b.WriteString("\n\n")
	}
	b.WriteString("A cancelled sync keeps what it read; the next one goes on from there.")
	return modal{kind: modalSync, title: "Syncing mail", body: b.String()}
}

// etaText is a short duration with units that cannot be misread.
func etaText(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Round(time.Second)/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Round(time.Minute)/time.Minute))
	}
	return fmt.Sprintf("%d h %d min", int(d/time.Hour), int(d%time.Hour/time.Minute))
}
