package outbox

import (
	"time"

	"github.com/leadmail/leadmail/store"
)

// Status is the outbox at a glance, for a status bar: what waits, whether the
// mailbox can be reached, and the quota meter.
type Status struct {
	Queued    int // waiting to leave now or after a retry delay
	Scheduled int // waiting for a time the user chose
	Failed    int // refused for good by the server
	Uncertain int // possibly delivered before a crash; the user decides
	// Offline is set while the mail server cannot be reached; queued mail
	// leaves by itself once it can.
	Offline bool
	// AuthFailed is set when the server refused the login: the worker stops
	// retrying until the user asks again (RunNow), to avoid a lock-out.
	AuthFailed bool
	// LastError is the last delivery problem, a sentence for the user.
	LastError string
	Quota     QuotaStatus
	At        time.Time
}

// EventKind tells what happened to a message in the worker.
type EventKind int

// The worker's events.
const (
	// EventSent: the message left and the server accepted it.
	EventSent EventKind = iota + 1
	// EventRetrying: a temporary failure; it stays queued for a retry.
	EventRetrying
	// EventFailed: the server refused it for good.
	EventFailed
	// EventUncertain: the connection died after the message was handed
	// over; it may have been delivered, so it is not resent automatically.
	EventUncertain
	// EventHeld: the provider's sending limit would be crossed; it waits.
	EventHeld
)

// Event is one outcome in the worker, for a status line.
type Event struct {
	Kind    EventKind
	Message store.Message
	Err     error // the reason, for every kind but EventSent
}

// QuotaStatus is the rolling sending meter of the mailbox (S7).
type QuotaStatus struct {
	Preset string
	// Used and Limit count sends (or recipients, when the preset counts
	// recipients) in the last 24 hours; Limit 0 means no limit.
	Used, Limit int
	// CountsRecipients is set when every recipient counts (Microsoft 365).
	CountsRecipients bool
	// PerMinuteUsed and PerMinuteLimit are the short window, where the
	// provider has one; PerMinuteLimit 0 means none.
	PerMinuteUsed, PerMinuteLimit int
	// FreesAt is when the next send slot opens, when the limit is reached.
	FreesAt time.Time
}

// Full reports whether no message may leave now.
func (q QuotaStatus) Full() bool {
	return (q.Limit > 0 && q.Used >= q.Limit) || (q.PerMinuteLimit > 0 && q.PerMinuteUsed >= q.PerMinuteLimit)
}

// Update is what the worker publishes after each change: the current status
// and, when a message changed state, what happened to it.
type Update struct {
	Status Status
	Event  *Event
}
