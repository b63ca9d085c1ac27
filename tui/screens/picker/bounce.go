package picker

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// BounceChecker tells whether an address bounced for good (Mail Sync
// flags it on a 5.x.x bounce). *store.DB satisfies it; a Store without it
// never asks.
type BounceChecker interface {
	AddressBouncing(ctx context.Context, email string) (store.Bouncing, bool, error)
}

// bounceAction is what waits for the answer to "send anyway?".
type bounceAction int

const (
	bounceNone bounceAction = iota
	bounceQuickSend
	bouncePersonalize
	bounceSchedule
)

// bouncing looks the contact's address up; a failed look-up asks nothing
// (the send itself still goes through the outbox's own checks).
func bouncing(ctx context.Context, s Store, email string) (store.Bouncing, bool) {
	bc, ok := s.(BounceChecker)
	if !ok || strings.TrimSpace(email) == "" {
		return store.Bouncing{}, false
	}
	b, found, err := bc.AddressBouncing(ctx, strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		return store.Bouncing{}, false
	}
	return b, found
}

// askBounce holds act until the user answers, when the address bounced
// and this picker has not asked yet; it reports whether it asked.
func (m *Model) askBounce(act bounceAction) bool {
	if !m.bounced || m.bounceOK {
		return false
	}
	m.asking = act
	return true
}

// handleBounceKey answers the question: y goes on with what was asked, n
// or esc drops it.
func (m *Model) handleBounceKey(msg tea.KeyPressMsg) tea.Cmd {
	act := m.asking
	switch {
	case key.Matches(msg, m.keys.Yes):
		m.asking, m.bounceOK = bounceNone, true
		switch act {
		case bounceQuickSend:
			return m.quickSend()
		case bouncePersonalize:
			if e, ok := m.highlighted(); ok {
				m.Post(common.OpenPersonalizeMsg{Contact: m.contact, EmailID: e.ID, OpportunityID: m.opportunityID})
			}
		case bounceSchedule:
			return m.openSchedule()
		}
	case key.Matches(msg, m.keys.No):
		m.asking = bounceNone
		m.Post(common.StatusMsg{Text: "Nothing sent to " + common.Printable(m.contact.Email), Level: common.LevelInfo})
	}
	return nil
}

// bounceQuestion is the question, in the list's width.
func (m *Model) bounceQuestion(w int) []string {
	st := m.c.Styles
	b := m.bounce
	why := common.BounceReason(b.Status, b.Diagnostic)
	q := fmt.Sprintf("%s bounced on %s", common.Printable(m.contact.Email), m.c.ShortDate(b.At))
	if why != "" {
		q += " (" + common.Printable(why) + ")"
	}
	q += ": send anyway?"
	lines := strings.Split(st.Confirm.Render(ansi.Wrap(q, w, "")), "\n")
	return append(lines, st.Muted.Render("y send anyway · n no"))
}
