package today

import (
	"errors"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// errNoUser is why a Today without a current user lists nothing.
var errNoUser = errors.New("tasks belong to a CRM user: set user.email and user.name in the configuration, then restart leadmail")

// snoozePresets are the snooze choices, read with the scheduling parser so
// they mean what the same words typed would.
var snoozePresets = []struct{ label, when string }{
	{"in 1 hour", "in 1 h"},
	{"tomorrow 9:00", "tomorrow 9:00"},
	{"next week", "next week"},
}

// openPrompt asks when to snooze or reschedule the highlighted task.
func (m *Model) openPrompt(p prompt) tea.Cmd {
	t, ok := m.Selected()
	if !ok {
		return nil
	}
	m.prompt, m.target, m.choice = p, t, 0
	m.when.Reset()
	m.when.Placeholder = common.Hint("type a time")
	if p == promptSnooze {
		m.when.Placeholder = common.Hint("or type a time")
	}
	m.clampOffset()
	return m.when.Focus()
}

func (m *Model) closePrompt() {
	m.prompt = promptNone
	m.when.Blur()
	m.clampOffset()
}

// typed reports whether a time was typed, which wins over the presets.
func (m *Model) typed() bool { return strings.TrimSpace(m.when.Value()) != "" }

// readWhen is the time the prompt would use: the typed one, or the
// highlighted snooze preset; on the injected clock.
func (m *Model) readWhen() (outbox.When, error) {
	if m.prompt == promptSnooze && !m.typed() {
		return outbox.ReadWhen(snoozePresets[m.choice].when, m.c.Now())
	}
	if !m.typed() {
		return outbox.When{}, errors.New("type when it is due")
	}
	return outbox.ReadWhen(m.when.Value(), m.c.Now())
}

// accept does the snooze or reschedule when the time reads; otherwise
// nothing changes and the reason stays on screen under the input.
func (m *Model) accept() tea.Cmd {
	w, err := m.readWhen()
	if err != nil {
		return nil
	}
	act := actSnooze
	if m.prompt == promptReschedule {
		act = actReschedule
	}
	t := m.target
	m.closePrompt()
	return m.run(act, t, w.At)
}

// refusal is err as the user should read it: a store refusal becomes its
// sentence, without the operations wrapped around it; anything else is
// left to the root's translator.
func refusal(err error) error {
	if errors.Is(err, store.ErrInvalid) {
		msg := err.Error()
		if i := strings.LastIndex(msg, store.ErrInvalid.Error()+": "); i >= 0 {
			msg = msg[i+len(store.ErrInvalid.Error())+2:]
		}
		return errors.New(common.Sentence(msg))
	}
	return err
}

// presetAt is when preset i would snooze to, for showing beside it.
func (m *Model) presetAt(i int) (time.Time, error) {
	return outbox.ParseWhen(snoozePresets[i].when, m.c.Now())
}
