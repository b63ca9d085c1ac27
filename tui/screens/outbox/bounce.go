package outbox

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// BounceChecker tells whether an address bounced for good (Mail Sync flags
// it on a 5.x.x bounce). *store.DB satisfies it; with a Store that lacks it
// the screen never asks.
type BounceChecker interface {
	AddressBouncing(ctx context.Context, email string) (store.Bouncing, bool, error)
}

// bounceCheckedMsg answers "did a recipient of row bounce for good?",
// asked before act sends row again or opens it to be sent.
type bounceCheckedMsg struct {
	act    action
	row    store.Message
	bounce store.Bouncing
	found  bool
}

// actEdit is e: Personalize opens on the message's draft.
const actEdit action = -1

// checkBounce looks row's recipients up before act; a failed look-up
// asks nothing (the outbox's own checks still apply).
func (m *Model) checkBounce(act action, row store.Message) tea.Cmd {
	bc, ok := m.store.(BounceChecker)
	if !ok {
		return m.proceed(act, row)
	}
	m.busy = row.ID
	ctx := m.c.Ctx
	return func() tea.Msg {
		for _, r := range row.Recipients {
			addr := strings.ToLower(strings.TrimSpace(r))
			if addr == "" {
				continue
			}
			if b, found, err := bc.AddressBouncing(ctx, addr); err == nil && found {
				return bounceCheckedMsg{act: act, row: row, bounce: b, found: true}
			}
		}
		return bounceCheckedMsg{act: act, row: row}
	}
}

// handleBounceChecked asks when a recipient bounced, and goes on otherwise.
func (m *Model) handleBounceChecked(msg bounceCheckedMsg) tea.Cmd {
	m.busy = 0
	if !msg.found {
		return m.proceed(msg.act, msg.row)
	}
	m.confirm, m.confirmID, m.bounceAct, m.bounce = confirmBounce, msg.row.ID, msg.act, msg.bounce
	return nil
}

// proceed does act on row: retry or release send it, edit opens it.
func (m *Model) proceed(act action, row store.Message) tea.Cmd {
	if act == actEdit {
		m.Post(common.OpenPersonalizeMsg{Contact: store.Contact{ID: row.ContactID}, MessageID: row.ID})
		return nil
	}
	return m.run(act, row)
}

// bounceQuestion is "X bounced on DATE (5.1.1 …): send anyway?" with what
// y does.
func (m *Model) bounceQuestion() string {
	b := m.bounce
	q := fmt.Sprintf("%s bounced on %s", common.Printable(b.Email), m.c.ShortDate(b.At))
	var why []string
	for _, s := range []string{b.Status, b.Diagnostic} {
		if strings.TrimSpace(s) != "" {
			why = append(why, s)
		}
	}
	if len(why) > 0 {
		q += " (" + common.Printable(strings.Join(why, " ")) + ")"
	}
	if m.bounceAct == actEdit {
		return q + ": edit it to send anyway?"
	}
	return q + ": send anyway?"
}

// bounceAnswers says what y and n do.
func (m *Model) bounceAnswers() string {
	if m.bounceAct == actEdit {
		return "y edit anyway · n no"
	}
	return "y send anyway · n no"
}
