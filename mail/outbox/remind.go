package outbox

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/leadmail/leadmail/store"
)

// MaxRemindDays is the furthest a reminder may be set after its send.
const MaxRemindDays = 365

// SendOptions are what a send may ask for besides the message. The zero
// value asks for nothing more.
type SendOptions struct {
	// RemindDays, when positive, is "remind me in N days if no reply": a
	// follow-up task "Follow up: <subject>", owned by the sender, due
	// RemindDays days after the message leaves (RemindDue), which a reply
	// to the message closes by itself. It is written in the transaction
	// that queues the message, so there is never one without the other.
	RemindDays int
	// OpportunityID, when not 0, sends from that opportunity: its
	// {{opportunity.*}} variables are filled, the contact must be one of
	// its contacts, and the message and its events are recorded on it
	// (opportunity.go).
	OpportunityID int64
}

// check refuses a reminder out of range, before anything is composed.
func (o SendOptions) check() error {
	if o.RemindDays < 0 || o.RemindDays > MaxRemindDays {
		return refuse("a reminder is set 1 to %d days after the send, not %d", MaxRemindDays, o.RemindDays)
	}
	return nil
}

// Sent is a message a send queued and the reminder queued with it.
type Sent struct {
	Message store.Message
	// Reminder is the follow-up task; its ID is 0 when none was asked for.
	Reminder store.Task
}

// QuickSendWith is QuickSend with what opts asks for besides.
func (s *Service) QuickSendWith(ctx context.Context, contactID, emailID int64, opts SendOptions) (Sent, error) {
	// Queued, not scheduled, even while the undo window holds it back: the
	// user asked for it to go now.
	return s.enqueue(ctx, contactID, emailID, store.MessageQueued, s.now().Add(s.UndoWindow()), opts)
}

// ScheduleWith is Schedule with what opts asks for besides; the reminder
// counts its days from at.
func (s *Service) ScheduleWith(ctx context.Context, contactID, emailID int64, at time.Time, opts SendOptions) (Sent, error) {
	if !at.After(s.now()) {
		return Sent{}, refuse("%s is in the past: pick a later time", at.Local().Format("Mon 2 Jan 2006 15:04"))
	}
	return s.enqueue(ctx, contactID, emailID, store.MessageScheduled, at, opts)
}

// RemindDue is when a reminder of days is due for a message leaving at
// sendAt: days calendar days later at the same time of day (to the
// minute) on loc's wall clock, so a daylight saving change in between
// moves nothing.
//
// The same time of day rather than 9:00 that morning: "remind me in 3
// days if no reply" gives the prospect three whole days, and the task
// turns overdue only when they have passed. It still shows on the Today
// screen from the start of that day, and it reads as "in 3 days" reads
// in the schedule parser (outbox.ReadWhen), which a salesperson already
// knows.
func RemindDue(sendAt time.Time, days int, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.Local
	}
	l := sendAt.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day()+days, l.Hour(), l.Minute(), 0, 0, loc)
}

// followUp is the task opts asks for on m, nil when none.
func (s *Service) followUp(m store.Message, opts SendOptions) *store.Task {
	if opts.RemindDays <= 0 {
		return nil
	}
	return &store.Task{OwnerID: s.sender.ID, Title: FollowUpTitle(m.Subject),
		DueAt: RemindDue(m.SendAt, opts.RemindDays, s.now().Location())}
}

// FollowUpTitle is the title of a reminder of a send with this subject:
// "Follow up: <subject>", made fit for a task title (no control or
// direction characters, one line, at most store.MaxFieldLen characters),
// so that whatever the subject holds it never stops the send.
func FollowUpTitle(subject string) string {
	var b strings.Builder
	for _, r := range subject {
		switch {
		case isDirectionControl(r):
		case unicode.IsControl(r) || unicode.IsSpace(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	clean := strings.Join(strings.Fields(b.String()), " ")
	if clean == "" {
		clean = "(no subject)"
	}
	title := "Follow up: " + clean
	if utf8.RuneCountInString(title) > store.MaxFieldLen {
		r := []rune(title)
		title = string(r[:store.MaxFieldLen-1]) + "…"
	}
	return title
}

// isDirectionControl reports the embedding, override and isolate controls
// (U+202A–U+202E, U+2066–U+2069) and the marks (U+200E, U+200F, U+061C),
// which a task title refuses.
func isDirectionControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}

// RemindPhrase says a reminder of days: "remind me in 3 days if no reply",
// "" for none.
func RemindPhrase(days int) string {
	switch {
	case days <= 0:
		return ""
	case days == 1:
		return "remind me in 1 day if no reply"
	}
	return fmt.Sprintf("remind me in %d days if no reply", days)
}

// ParseRemind reads how many days after a send to be reminded: "3",
// "3d", "3 days", "1 day", "2w", "2 weeks". "0", "off" and "no" mean no
// reminder (0). Anything else, or more than MaxRemindDays, is an error
// with a sentence.
func ParseRemind(s string) (int, error) {
	in := strings.ToLower(strings.TrimSpace(s))
	switch in {
	case "0", "off", "no", "none":
		return 0, nil
	}
	bad := fmt.Errorf("cannot read %q as a number of days: try 3, 3d, 7 days or 2w", s)
	if len(in) > 20 {
		return 0, bad
	}
	i := strings.IndexFunc(in, func(r rune) bool { return r < '0' || r > '9' })
	num, unit := in, ""
	if i >= 0 {
		num, unit = in[:i], strings.TrimSpace(in[i:])
	}
	n, err := strconv.Atoi(num)
	if err != nil || num == "" {
		return 0, bad
	}
	switch unit {
	case "", "d", "day", "days":
	case "w", "week", "weeks":
		n *= 7
	default:
		return 0, bad
	}
	if n < 1 || n > MaxRemindDays {
		return 0, fmt.Errorf("a reminder is set 1 to %d days after the send, not %d", MaxRemindDays, n)
	}
	return n, nil
}
