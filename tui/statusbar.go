package tui

import (
	"fmt"
	"strings"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
)

// quotaNear is the share of the daily limit from which the status bar shows
// the quota, in percent.
const quotaNear = 80

// outboxSummary is the outbox at a glance for the status bar, the most
// urgent first since a narrow terminal cuts it from the end. Nothing is
// shown for what is zero. The compact form keeps the key to press when the
// full sentences do not fit.
func (m *Model) outboxSummary(compact bool) string {
	if !m.outbox.known {
		return m.overdueSummary()
	}
	st := m.common.Styles
	s := m.outbox.status
	var parts []string
	add := func(text string, ok bool, style func(...string) string) {
		if ok {
			parts = append(parts, style(text))
		}
	}
	auth := "login refused — check your password, R to retry"
	if compact {
		auth = "login refused, R to retry"
	}
	add(auth, s.AuthFailed, st.OutboxProblem.Render)
	add(fmt.Sprintf("%d failed", s.Failed), s.Failed > 0, st.OutboxProblem.Render)
	add(fmt.Sprintf("%d uncertain", s.Uncertain), s.Uncertain > 0, st.OutboxUncertain.Render)
	if overdue := m.overdueSummary(); overdue != "" { // follow-up tasks (tui/tasks.go)
		parts = append(parts, overdue)
	}
	if text, full := m.quotaSummary(s.Quota); text != "" {
		style := st.OutboxWaiting.Render
		if full {
			style = st.OutboxProblem.Render
		}
		add(text, true, style)
	}
	// Held messages wait for the user, not for a time: counted apart from
	// the queued and scheduled ones that leave by themselves.
	hq, hs := m.outbox.held[store.MessageQueued], m.outbox.held[store.MessageScheduled]
	held := fmt.Sprintf("%d held — o to review", hq+hs)
	if compact {
		held = fmt.Sprintf("%d held", hq+hs)
	}
	add(held, hq+hs > 0, st.OutboxUncertain.Render)
	nq, ns := max(0, s.Queued-hq), max(0, s.Scheduled-hs)
	queued := fmt.Sprintf("%d queued", nq)
	switch {
	case nq > 0 && s.Offline:
		queued += " · offline"
	case s.Offline:
		queued = "offline"
	}
	add(queued, nq > 0 || s.Offline, st.OutboxWaiting.Render)
	add(fmt.Sprintf("%d scheduled", ns), ns > 0, st.OutboxWaiting.Render)
	return strings.Join(parts, st.Muted.Render(" · "))
}

// quotaSummary words the quota when it is near or at its limit.
func (m *Model) quotaSummary(q outbox.QuotaStatus) (text string, full bool) {
	if q.Full() {
		text = "sending limit reached"
		if !q.FreesAt.IsZero() {
			text += ", next send at " + m.common.Stamp(q.FreesAt)
		}
		return text, true
	}
	if q.Limit > 0 && q.Used*100 >= q.Limit*quotaNear {
		unit := "sends"
		if q.CountsRecipients {
			unit = "recipients"
		}
		return fmt.Sprintf("%d of %d %s today", q.Used, q.Limit, unit), false
	}
	return "", false
}
