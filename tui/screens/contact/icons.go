package contact

import (
	"charm.land/lipgloss/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/theme"
)

// meaning picks the style of an icon; the symbol itself carries the meaning
// when there is no colour.
type meaning int

const (
	neutral meaning = iota
	good
	pending
	bad
	info
)

type icon struct {
	symbol  string
	label   string
	meaning meaning
	legend  string // the legend's words when the label alone says too little
}

// legendText is what the legend says the symbol means.
func (ic icon) legendText() string {
	if ic.legend != "" {
		return ic.legend
	}
	return ic.label
}

// icons is the one set of Life of the Lead markers.
var icons = map[store.EventKind]icon{
	store.EventCreated:            {"+", "created", neutral, ""},
	store.EventEmailQueued:        {"◔", "queued", pending, ""},
	store.EventEmailScheduled:     {"◷", "scheduled", pending, ""},
	store.EventEmailSent:          {"✉", "sent", good, ""},
	store.EventEmailFailed:        {"✗", "failed", bad, ""},
	store.EventEmailUncertain:     {"?", "uncertain", bad, ""},
	store.EventEmailCancelled:     {"⊘", "cancelled", bad, ""},
	store.EventEmailOpened:        {"◉", "opened", info, ""},
	store.EventEmailClicked:       {"↗", "clicked", info, ""},
	store.EventReplied:            {"↩", "replied", good, "replied to a send"},
	store.EventEmailReceived:      {"←", "received", info, ""},
	store.EventEmailSentElsewhere: {"→", "sent", good, "sent from your mail app"},
	store.EventAutoReply:          {"⏸", "away", pending, "out of office"},
	store.EventBounced:            {"✗", "bounced", bad, ""},
	store.EventBounceCleared:      {"✓", "works", good, "address works again"},
	store.EventStatusChanged:      {"◆", "status", neutral, ""},
	store.EventNote:               {"✎", "note", neutral, ""},
	store.EventCall:               {"☎", "call", info, "logged call"},
	store.EventTask:               {"☐", "task", pending, "follow-up task"},
	store.EventEdited:             {"✱", "edited", neutral, "contact edited"},
	store.EventOpportunityCreated: {"$", "deal", info, "deal created"},
	store.EventStageChanged:       {"▸", "stage", neutral, "deal moved to a stage"},
	store.EventOpportunityWon:     {"★", "won", good, "deal won"},
	store.EventOpportunityLost:    {"✗", "lost", bad, "deal lost"},
	store.EventOpportunityEdited:  {"✱", "deal", neutral, "deal edited"},
}

// legendOrder is the order of the legend in the full help.
var legendOrder = []store.EventKind{
	store.EventEmailSent, store.EventEmailQueued, store.EventEmailScheduled,
	store.EventEmailFailed, store.EventEmailUncertain, store.EventEmailCancelled, store.EventEmailOpened,
	store.EventEmailClicked, store.EventReplied, store.EventEmailReceived, store.EventEmailSentElsewhere,
	store.EventAutoReply, store.EventBounced, store.EventBounceCleared, store.EventStatusChanged, store.EventNote, store.EventCall, store.EventTask, store.EventEdited,
	store.EventOpportunityCreated, store.EventStageChanged, store.EventOpportunityWon, store.EventOpportunityLost, store.EventCreated,
}

func iconFor(k store.EventKind) icon {
	if ic, ok := icons[k]; ok {
		return ic
	}
	return icon{"•", string(k), neutral, ""}
}

func (ic icon) style(s *theme.Styles) lipgloss.Style {
	switch ic.meaning {
	case good:
		return s.EventGood
	case pending:
		return s.EventPending
	case bad:
		return s.EventBad
	case info:
		return s.EventInfo
	}
	return s.EventNeutral
}
