package outbox

import (
	"fmt"

	"slices"

	"charm.land/bubbles/v2/key"

	"github.com/leadmail/leadmail/store"
)

// KeyMap is every key of the Outbox screen.
type KeyMap struct {
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	Filter   key.Binding
	Open     key.Binding
	Retry    key.Binding
	Cancel   key.Binding
	Edit     key.Binding
	MarkSent key.Binding
	Release  key.Binding // a held message: send it now
	RetryAll key.Binding
	Back     key.Binding

	// While a question waits for an answer: Yes to "was it sent?",
	// SendAnyway to "it bounced for good: send anyway?".
	Yes        key.Binding
	SendAnyway key.Binding
	No         key.Binding
}

// DefaultKeyMap returns the Outbox screen's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "newest")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "oldest")),
		Filter:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "all/waiting/problems/sent/cancelled")),
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "view message")),
		Retry:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry")),
		Cancel:   key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "cancel send")),
		Edit:     key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit before send")),
		MarkSent: key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "mark as sent")),
		Release:  key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "send held now")),
		RetryAll: key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "retry all now")),
		Back:     key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc", "back")),
		Yes:      key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes, it was sent")),
		No:       key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "no")),

		SendAnyway: key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "send anyway")),
	}
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.Yes, k.SendAnyway, k.No, k.Release, k.Retry, k.Cancel, k.Edit, k.MarkSent, k.RetryAll, k.Open, k.Back, k.Filter}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Release, k.Retry, k.Cancel, k.Edit, k.MarkSent, k.RetryAll, k.Open, k.Filter},
		{k.Yes, k.SendAnyway, k.No, k.Back},
	}
}

// The states each action applies to.
var (
	retryable   = []store.MessageStatus{store.MessageFailed, store.MessageUncertain, store.MessageCancelled}
	cancellable = []store.MessageStatus{store.MessageQueued, store.MessageScheduled}
	// editable: not claimed by the worker yet (sending is claimed).
	editable = []store.MessageStatus{store.MessageQueued, store.MessageScheduled, store.MessageCancelled}
)

// updateKeys enables exactly what applies to the highlighted message, so
// the help never offers an action the row does not allow.
func (m *Model) updateKeys() {
	k := &m.keys
	asking := m.confirm != confirmNone
	row, ok := m.Selected()
	free := ok && !asking && m.busy != row.ID
	k.Retry.SetEnabled(free && slices.Contains(retryable, row.Status))
	k.Cancel.SetEnabled(free && slices.Contains(cancellable, row.Status))
	k.Edit.SetEnabled(free && slices.Contains(editable, row.Status))
	k.MarkSent.SetEnabled(free && row.Status == store.MessageUncertain)
	k.Release.SetEnabled(free && m.isHeld(row))
	k.Open.SetEnabled(ok && !asking)
	// With nothing due, R stays on and says so rather than doing nothing.
	k.RetryAll.SetEnabled(!asking && m.opts.HasWorker)
	many := !asking && m.state == stateReady && len(m.rows) > 1
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Top, &k.Bottom} {
		b.SetEnabled(many)
	}
	k.Filter.SetEnabled(!asking)
	k.Back.SetEnabled(!asking)
	k.Yes.SetEnabled(m.confirm == confirmMarkSent)
	k.SendAnyway.SetEnabled(m.confirm == confirmBounce)
	k.No.SetEnabled(asking)
}

// somethingToSend reports whether "retry all now" would do anything: mail
// waits, or a refused login stopped the worker.
func (m *Model) somethingToSend() bool {
	return m.status.Queued > 0 || m.status.AuthFailed || m.counts[store.MessageQueued] > 0
}

// nothingDue is the answer to R when no message waits to be sent.
func (m *Model) nothingDue() string {
	switch n := max(m.status.Scheduled, m.counts[store.MessageScheduled]); n {
	case 0:
		return "Nothing to send: no message is waiting in the outbox"
	case 1:
		return "Nothing is due now: 1 scheduled message goes out at its time"
	default:
		return fmt.Sprintf("Nothing is due now: %d scheduled messages go out at their time", n)
	}
}
