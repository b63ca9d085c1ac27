package tui

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// holdMailer is what the quit and held dialogs need besides Mailer.
// *outbox.Service satisfies it; a Mailer without it cannot send a held
// message, and the dialogs then leave them held.
type holdMailer interface {
	// Held lists the messages whose undo window passed while the app that
	// queued them was gone.
	Held(ctx context.Context) ([]store.Message, error)
	// Release queues a held message to leave now.
	Release(ctx context.Context, id int64) (store.Message, error)
	// Deliver sends one message now if it may leave.
	Deliver(ctx context.Context, id int64) (store.Message, error)
}

// dialogKind names the outbox's own dialogs, drawn as modals.
type dialogKind int

const (
	dialogNone dialogKind = iota
	// dialogQuit asks, on quit, about sends still inside their undo window.
	dialogQuit
	// dialogHeld shows, at launch, messages held because an earlier run
	// ended inside their undo window.
	dialogHeld
)

// dialog is the outbox dialog on show: its modal and the messages it is
// about. busy is set while its choice runs.
type dialog struct {
	kind  dialogKind
	modal modal
	ids   []int64
	busy  bool
}

// DialogKeyMap is the keys of the outbox's quit and held dialogs.
type DialogKeyMap struct {
	SendNow key.Binding
	Cancel  key.Binding
	Review  key.Binding // held dialog: open the Outbox
	Stay    key.Binding // quit dialog: back to the app; held dialog: later
	// Force quits at once from the quit dialog; the sends stay held and the
	// next launch shows them.
	Force key.Binding
}

// DefaultDialogKeyMap returns the dialogs' keys.
func DefaultDialogKeyMap() DialogKeyMap {
	return DialogKeyMap{
		SendNow: key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "send now")),
		Cancel:  key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "cancel them")),
		Review:  key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "review in the Outbox")),
		Stay:    key.NewBinding(key.WithKeys("esc", "enter"), key.WithHelp("esc", "stay")),
		Force:   key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit, keep them held")),
	}
}

// quitDoneMsg is the end of the quit dialog's choice: quit, or say why not.
type quitDoneMsg struct {
	err error
}

// pendingUndo lists this session's sends still inside their undo window,
// from the model's own record: asking needs no I/O.
func (m *Model) pendingUndo() []int64 {
	now := m.opts.Now()
	var ids []int64
	for id, w := range m.watch {
		if w.undo && w.sendAt.After(now) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// guardUndo asks before quitting while sends of this session are inside
// their undo window: quitting silently would leave them to go out later
// unseen. With none it quits.
func (m *Model) guardUndo() tea.Cmd {
	ids := m.pendingUndo()
	if len(ids) == 0 {
		return m.exit()
	}
	if m.dialog.kind == dialogQuit {
		return m.exit() // asked already: a second quit leaves them held
	}
	m.closeDialog()
	var b strings.Builder
	fmt.Fprintf(&b, "%s still in the undo window:\n", countText(len(ids), "send is", "sends are"))
	now := m.opts.Now()
	for _, id := range ids {
		w := m.watch[id]
		secs := int(math.Ceil(w.sendAt.Sub(now).Seconds()))
		fmt.Fprintf(&b, "  • %s to %s (%ds left)\n", common.Printable(w.subject), common.Printable(w.name), secs)
	}
	them, wait := "them", "they wait"
	if len(ids) == 1 {
		them, wait = "it", "it waits"
	}
	fmt.Fprintf(&b, "\ns       send %s now, then quit\nc       cancel %s, then quit\nesc     stay\nctrl+c  quit now: %s, held, until you open leadmail again",
		them, them, wait)
	m.openDialog(dialog{kind: dialogQuit, ids: ids, modal: modal{kind: modalChoice, title: "Quit with mail in its undo window?", body: b.String()}})
	return nil
}

// exit cancels every command's I/O and ends the program.
func (m *Model) exit() tea.Cmd {
	m.cancel()
	return tea.Quit
}

func (m *Model) openDialog(d dialog) {
	m.dialog = d
	m.modals = append(m.modals, d.modal)
}

// closeDialog takes the outbox dialog off the modal stack, wherever it is.
func (m *Model) closeDialog() {
	if m.dialog.kind == dialogNone {
		return
	}
	mod := m.dialog.modal
	m.modals = slices.DeleteFunc(m.modals, func(x modal) bool { return x == mod })
	m.dialog = dialog{}
}

// handleDialogKey gives a key to the outbox dialog when it is the modal in
// front; ok is false when it is not, or the key is not its own.
func (m *Model) handleDialogKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	d := m.dialog
	if d.kind == dialogNone || len(m.modals) == 0 || m.modals[len(m.modals)-1] != d.modal {
		return nil, false
	}
	k := m.dialogKeys
	if d.busy {
		// Only a forced quit interrupts a choice that is running.
		if d.kind == dialogQuit && key.Matches(msg, k.Force) {
			return m.exit(), true
		}
		return nil, true
	}
	switch d.kind {
	case dialogQuit:
		return m.handleQuitKey(msg)
	case dialogHeld:
		return m.handleHeldKey(msg)
	}
	return nil, false
}

func (m *Model) handleQuitKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k, ids := m.dialogKeys, m.dialog.ids
	ctx := m.common.Ctx
	switch {
	case key.Matches(msg, k.Force):
		return m.exit(), true
	case key.Matches(msg, k.Stay):
		m.closeDialog()
		return nil, true
	case key.Matches(msg, k.SendNow):
		hm, ok := m.opts.Mailer.(holdMailer)
		if !ok {
			return m.exit(), true // they stay held; the next launch asks
		}
		m.dialog.busy = true
		return tea.Batch(m.setStatus(fmt.Sprintf("Sending %s before quitting…", countText(len(ids), "message", "messages")), common.LevelInfo),
			func() tea.Msg { return quitDoneMsg{err: sendNow(ctx, hm, ids)} }), true
	case key.Matches(msg, k.Cancel):
		m.dialog.busy = true
		mailer := m.opts.Mailer
		return func() tea.Msg { return quitDoneMsg{err: cancelAll(ctx, mailer, ids)} }, true
	}
	return nil, true // the dialog holds the keys
}

// handleQuitDone quits once the choice ran, or shows why it could not.
func (m *Model) handleQuitDone(msg quitDoneMsg) tea.Cmd {
	if msg.err == nil {
		return m.exit()
	}
	m.closeDialog()
	return m.showError("Not quitting yet", msg.err, true)
}

// sendNow releases the sends and hands each to the server at once. One the
// server cannot take now stays queued, free for the next run: the user said
// to send it.
func sendNow(ctx context.Context, hm holdMailer, ids []int64) error {
	for _, id := range ids {
		if _, err := hm.Release(ctx, id); err != nil {
			var refused *outbox.RefusalError
			if errors.As(err, &refused) {
				continue // it left or was cancelled meanwhile
			}
			return err
		}
		_, _ = hm.Deliver(ctx, id) // a failure leaves it queued for the next run
	}
	return nil
}

// cancelAll cancels every message; one already gone is reported.
func cancelAll(ctx context.Context, mailer Mailer, ids []int64) error {
	var errs []error
	for _, id := range ids {
		if _, err := mailer.Cancel(ctx, id); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// countText is "1 message" or "3 messages".
func countText(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// dialogFooter is the footer while the quit or held dialog asks: its own
// choices, esc last so that it always shows, and no "close" beside them.
func (m *Model) dialogFooter() footerKeys {
	k := m.dialogKeys
	if m.dialog.kind == dialogHeld {
		k.Stay.SetHelp("esc", "decide later")
		return footerKeys{screen: []key.Binding{k.SendNow, k.Cancel, k.Review}, global: []key.Binding{k.Stay}}
	}
	k.SendNow.SetHelp("s", "send now, quit")
	k.Cancel.SetHelp("c", "cancel, quit")
	return footerKeys{screen: []key.Binding{k.SendNow, k.Cancel, k.Force}, global: []key.Binding{k.Stay}}
}
