package outbox

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/theme"
)

// icon is a state's marker; the word says the same as the symbol and the
// colour, so the table reads the same without colour.
type icon struct {
	symbol string
	label  string
	style  func(*theme.Styles) lipgloss.Style
}

// icons are the outbox states, with the symbols of the message view.
var icons = map[store.MessageStatus]icon{
	store.MessageQueued:    {"◔", "queued", func(s *theme.Styles) lipgloss.Style { return s.OutboxWaiting }},
	store.MessageScheduled: {"◷", "scheduled", func(s *theme.Styles) lipgloss.Style { return s.OutboxWaiting }},
	store.MessageSending:   {"…", "sending", func(s *theme.Styles) lipgloss.Style { return s.OutboxWaiting }},
	store.MessageSent:      {"✉", "sent", func(s *theme.Styles) lipgloss.Style { return s.OutboxSent }},
	store.MessageFailed:    {"✗", "failed", func(s *theme.Styles) lipgloss.Style { return s.OutboxProblem }},
	store.MessageUncertain: {"?", "uncertain", func(s *theme.Styles) lipgloss.Style { return s.OutboxUncertain }},
	store.MessageCancelled: {"⊘", "cancelled", func(s *theme.Styles) lipgloss.Style { return s.OutboxCancelled }},
}

// heldIcon marks a message held because its undo window was never
// confirmed: it waits for the user, not for a time.
var heldIcon = icon{"⏸", "held", func(s *theme.Styles) lipgloss.Style { return s.OutboxUncertain }}

// Sent messages that Mail Sync heard back about: a bounce (the mail did not
// arrive) or a reply.
var (
	bouncedIcon  = icon{"✗", "bounced", func(s *theme.Styles) lipgloss.Style { return s.OutboxProblem }}
	answeredIcon = icon{"↩", "answered", func(s *theme.Styles) lipgloss.Style { return s.OutboxSent }}
)

// rowIcon is the state a row shows: held before its status, and a sent
// message's bounce or reply instead of "sent".
func (m *Model) rowIcon(r store.Message) icon {
	switch {
	case m.isHeld(r):
		return heldIcon
	case r.Status == store.MessageSent && !r.BouncedAt.IsZero():
		return bouncedIcon
	case r.Status == store.MessageSent && !r.RepliedAt.IsZero():
		return answeredIcon
	}
	return iconFor(r.Status)
}

// rowError is a row's Last error: a bounce's status and diagnostic for a
// sent message that bounced, else the last attempt's error.
func rowError(r store.Message) string {
	if r.Status == store.MessageSent && !r.BouncedAt.IsZero() {
		return common.BounceReason(r.BounceStatus, r.BounceDetail)
	}
	return r.LastError
}

func iconFor(s store.MessageStatus) icon {
	if ic, ok := icons[s]; ok {
		return ic
	}
	return icon{"•", string(s), func(s *theme.Styles) lipgloss.Style { return s.Muted }}
}

// detailView is the highlighted message under the table: its subject and
// recipients, the full last error, and what can be done with it; or the
// question waiting for y or n.
func (m *Model) detailView() []string {
	st := m.c.Styles
	w := m.width
	lines := []string{st.Rule.Render(strings.Repeat("─", w))}
	r, ok := m.Selected()
	if !ok {
		return lines
	}
	wrap := func(style lipgloss.Style, s string) []string {
		return strings.Split(style.Render(ansi.Wrap(s, w, "")), "\n")
	}
	var body []string
	switch m.confirm {
	case confirmMarkSent:
		body = append(body, wrap(st.Confirm, fmt.Sprintf("Mark “%s” to %s as sent? Only if you found it in your Sent folder: it will not be sent again.",
			r.Subject, recipients(r)))...)
		body = append(body, st.Muted.Render("y yes, it was sent · n no"))
	case confirmBounce:
		body = append(body, wrap(st.Confirm, m.bounceQuestion())...)
		body = append(body, st.Muted.Render(m.bounceAnswers()))
	default:
		body = append(body, ansi.Truncate(st.Title.Render(r.Subject)+st.Muted.Render(" to "+recipients(r)), w, "…"))
		if r.LastError != "" {
			body = append(body, wrap(st.ErrorText, "Last error: "+oneLine(r.LastError))...)
		}
		body = append(body, wrap(st.Muted, m.fact(r))...)
	}
	if n := detailLines - 1; len(body) > n {
		body = body[:n]
	}
	return append(lines, body...)
}

// fact says where the message stands and what the keys do with it.
func (m *Model) fact(r store.Message) string {
	tries := fmt.Sprintf("%d attempt", r.Attempts)
	if r.Attempts != 1 {
		tries += "s"
	}
	if m.isHeld(r) {
		return "Held: undo window not confirmed — leadmail closed before it could leave, so it waits for you · S sends it now, x cancels it"
	}
	switch r.Status {
	case store.MessageQueued:
		leave := "leaves " + m.when(r)
		if !leavesAt(r).After(m.c.Now()) {
			leave = "due since " + m.c.Stamp(leavesAt(r))
		}
		if r.Attempts > 0 {
			return fmt.Sprintf("Queued, %s so far; %s · x cancels it", tries, leave)
		}
		return "Queued: " + leave + " · x cancels it"
	case store.MessageScheduled:
		return "Scheduled for " + m.c.DateZone(r.SendAt) + " · x cancels it"
	case store.MessageSending:
		return "Being handed to the mail server now."
	case store.MessageSent:
		sent := "Sent " + m.c.Date(r.SentAt)
		switch {
		case !r.BouncedAt.IsZero():
			sent += "; bounced " + m.c.Date(r.BouncedAt) + ": " + common.Printable(common.BounceReason(r.BounceStatus, r.BounceDetail))
		case !r.RepliedAt.IsZero():
			sent += "; answered " + m.c.Date(r.RepliedAt)
		}
		return sent + " · enter shows exactly what left"
	case store.MessageFailed:
		return fmt.Sprintf("Refused by the mail server after %s · r queues it again", tries)
	case store.MessageUncertain:
		return "It may have been delivered: check your Sent folder, then s marks it sent or r sends it again."
	case store.MessageCancelled:
		return "Cancelled " + m.c.Date(r.UpdatedAt) + ", not sent · r queues it again"
	}
	return string(r.Status)
}
