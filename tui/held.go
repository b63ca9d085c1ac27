package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	outboxscreen "github.com/leadmail/leadmail/tui/screens/outbox"
)

// heldMsg carries the messages found held at launch, with the recipients
// among them that bounced for good, by message id.
type heldMsg struct {
	msgs    []store.Message
	bounced map[int64]store.Bouncing
	err     error
}

// heldDoneMsg is the end of the held dialog's choice.
type heldDoneMsg struct {
	n       int  // messages released or cancelled
	release bool // released (else cancelled)
	err     error
}

// loadHeld looks, at launch, for messages an earlier run left inside their
// undo window: they never leave without the user seeing them.
func (m *Model) loadHeld() tea.Cmd {
	hm, ok := m.opts.Mailer.(holdMailer)
	if !ok {
		return nil
	}
	ctx := m.common.Ctx
	bc, _ := m.opts.Store.(outboxscreen.BounceChecker)
	return func() tea.Msg {
		msgs, err := hm.Held(ctx)
		return heldMsg{msgs: msgs, bounced: heldBounces(ctx, bc, msgs), err: err}
	}
}

// heldBounces finds, for each held message, a recipient that bounced for
// good, so the dialog asks before sending to it; a failed look-up is no
// bounce (the outbox's own checks still apply).
func heldBounces(ctx context.Context, bc outboxscreen.BounceChecker, msgs []store.Message) map[int64]store.Bouncing {
	if bc == nil {
		return nil
	}
	out := map[int64]store.Bouncing{}
	for _, x := range msgs {
		for _, r := range x.Recipients {
			addr := strings.ToLower(strings.TrimSpace(r))
			if addr == "" {
				continue
			}
			if b, found, err := bc.AddressBouncing(ctx, addr); err == nil && found {
				out[x.ID] = b
				break
			}
		}
	}
	return out
}

// maxHeldListed is how many held messages the dialog names.
const maxHeldListed = 8

func (m *Model) handleHeld(msg heldMsg) tea.Cmd {
	if msg.err != nil {
		return m.showError("", fmt.Errorf("look for held messages: %w", msg.err), false)
	}
	if len(msg.msgs) == 0 || m.dialog.kind != dialogNone {
		return nil
	}
	wait, them, stay := "they wait", "them", "they stay"
	if len(msg.msgs) == 1 {
		wait, them, stay = "it waits", "it", "it stays"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "leadmail closed while %s in the undo window.\nNothing was sent; %s until you decide:\n\n",
		countText(len(msg.msgs), "send was", "sends were"), wait)
	ids := make([]int64, 0, len(msg.msgs))
	for i, x := range msg.msgs {
		ids = append(ids, x.ID)
		if i < maxHeldListed {
			fmt.Fprintf(&b, "  • %s to %s\n", common.Printable(x.Subject), common.Printable(strings.Join(x.Recipients, ", ")))
			if bo, ok := msg.bounced[x.ID]; ok {
				fmt.Fprintf(&b, "    ⚠ %s bounced on %s: %s\n", common.Printable(bo.Email),
					bo.At.In(time.Local).Format("2 Jan"), common.Printable(firstNonEmpty(bo.Status+" "+bo.Diagnostic, "undeliverable")))
			}
		}
	}
	if len(msg.msgs) > maxHeldListed {
		fmt.Fprintf(&b, "  … and %d more\n", len(msg.msgs)-maxHeldListed)
	}
	send := "send " + them + " now"
	if n := len(msg.bounced); n > 0 {
		send += fmt.Sprintf(", %s that bounced too", countText(n, "address", "addresses"))
	}
	fmt.Fprintf(&b, "\ns    %s\nc    cancel %s\no    review in the Outbox\nesc  decide later (%s held)", send, them, stay)
	m.openDialog(dialog{kind: dialogHeld, ids: ids, modal: modal{kind: modalChoice,
		title: "Held: undo window not confirmed", body: b.String()}})
	return nil
}

func (m *Model) handleHeldKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k, ids := m.dialogKeys, m.dialog.ids
	ctx := m.common.Ctx
	switch {
	case key.Matches(msg, k.Stay):
		m.closeDialog()
		return m.setStatus(countText(len(ids), "message stays", "messages stay")+" held — "+outbox.HeldReason, common.LevelWarning), true
	case key.Matches(msg, k.Review):
		m.closeDialog()
		return m.handleIntent(common.OpenOutboxMsg{}), true
	case key.Matches(msg, k.SendNow):
		hm, ok := m.opts.Mailer.(holdMailer)
		if !ok {
			return nil, true
		}
		m.dialog.busy = true
		return func() tea.Msg { return heldDoneMsg{n: len(ids), release: true, err: releaseAll(ctx, hm, ids)} }, true
	case key.Matches(msg, k.Cancel):
		m.dialog.busy = true
		mailer := m.opts.Mailer
		return func() tea.Msg { return heldDoneMsg{n: len(ids), err: cancelAll(ctx, mailer, ids)} }, true
	}
	return nil, false // ctrl+c and the like go on as usual
}

// releaseAll queues every held message to leave now.
func releaseAll(ctx context.Context, hm holdMailer, ids []int64) error {
	for _, id := range ids {
		if _, err := hm.Release(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

func (m *Model) handleHeldDone(msg heldDoneMsg) tea.Cmd {
	m.closeDialog()
	cmds := []tea.Cmd{m.outboxChanged(common.OutboxChangedMsg{Status: store.MessageQueued})}
	switch {
	case msg.err != nil:
		cmds = append(cmds, m.showError("Held messages", msg.err, true))
	case msg.release:
		cmds = append(cmds, m.setStatus(fmt.Sprintf("Sending %s now", countText(msg.n, "held message", "held messages")), common.LevelInfo))
	default:
		cmds = append(cmds, m.setStatus(fmt.Sprintf("Cancelled %s: not sent", countText(msg.n, "held message", "held messages")), common.LevelSuccess))
	}
	return tea.Batch(cmds...)
}
