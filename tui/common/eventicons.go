package common

import (
	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/theme"
)

// Tone picks an event icon's style; the symbol and label carry the meaning
// without colour.
type Tone int

// The tones of event icons.
const (
	ToneNeutral Tone = iota
	ToneGood
	TonePending
	ToneBad
	ToneInfo
)

// EventIcon marks an event in every timeline (a contact's Life of the Lead,
// a deal's): a symbol, a one-word label saying the same, and the legend's
// words when the label alone says too little.
type EventIcon struct {
	Symbol, Label string
	Tone          Tone
	Legend        string
}

// LegendText is what the legend says the symbol means.
func (ic EventIcon) LegendText() string {
	if ic.Legend != "" {
		return ic.Legend
	}
	return ic.Label
}

// Style is the icon's style in s.
func (ic EventIcon) Style(s *theme.Styles) lipgloss.Style {
	switch ic.Tone {
	case ToneGood:
		return s.EventGood
	case TonePending:
		return s.EventPending
	case ToneBad:
		return s.EventBad
	case ToneInfo:
		return s.EventInfo
	}
	return s.EventNeutral
}

// eventIcons is the one set of timeline markers.
var eventIcons = map[store.EventKind]EventIcon{
	store.EventCreated:            {"+", "created", ToneNeutral, ""},
	store.EventEmailQueued:        {"◔", "queued", TonePending, ""},
	store.EventEmailScheduled:     {"◷", "scheduled", TonePending, ""},
	store.EventEmailSent:          {"✉", "sent", ToneGood, ""},
	store.EventEmailFailed:        {"✗", "failed", ToneBad, ""},
	store.EventEmailUncertain:     {"?", "uncertain", ToneBad, ""},
	store.EventEmailCancelled:     {"⊘", "cancelled", ToneBad, ""},
	store.EventEmailOpened:        {"◉", "opened", ToneInfo, ""},
	store.EventEmailClicked:       {"↗", "clicked", ToneInfo, ""},
	store.EventReplied:            {"↩", "replied", ToneGood, "replied to a send"},
	store.EventEmailReceived:      {"←", "received", ToneInfo, ""},
	store.EventEmailSentElsewhere: {"→", "sent", ToneGood, "sent from your mail app"},
	store.EventAutoReply:          {"⏸", "away", TonePending, "out of office"},
	store.EventBounced:            {"✗", "bounced", ToneBad, ""},
	store.EventBounceCleared:      {"✓", "works", ToneGood, "address works again"},
	store.EventStatusChanged:      {"◆", "status", ToneNeutral, ""},
	store.EventNote:               {"✎", "note", ToneNeutral, ""},
	store.EventCall:               {"☎", "call", ToneInfo, "logged call"},
	store.EventTask:               {"☐", "task", TonePending, "follow-up task"},
	store.EventEdited:             {"✱", "edited", ToneNeutral, "contact edited"},
	store.EventOpportunityCreated: {"$", "deal", ToneInfo, "deal created"},
	store.EventStageChanged:       {"▸", "stage", ToneNeutral, "deal moved to a stage"},
	store.EventOpportunityWon:     {"★", "won", ToneGood, "deal won"},
	store.EventOpportunityLost:    {"✗", "lost", ToneBad, "deal lost"},
	store.EventOpportunityEdited:  {"✱", "deal", ToneNeutral, "deal edited"},
}

// EventLegendOrder is the order of the icon legend in a timeline's full
// help.
var EventLegendOrder = []store.EventKind{
	store.EventEmailSent, store.EventEmailQueued, store.EventEmailScheduled,
	store.EventEmailFailed, store.EventEmailUncertain, store.EventEmailCancelled, store.EventEmailOpened,
	store.EventEmailClicked, store.EventReplied, store.EventEmailReceived, store.EventEmailSentElsewhere,
	store.EventAutoReply, store.EventBounced, store.EventBounceCleared, store.EventStatusChanged,
	store.EventNote, store.EventCall, store.EventTask, store.EventEdited,
	store.EventOpportunityCreated, store.EventStageChanged, store.EventOpportunityWon,
	store.EventOpportunityLost, store.EventCreated,
}

// IconFor is the icon of kind k; a kind this version does not know (from
// a newer database) is a dot with its name in words.
func IconFor(k store.EventKind) EventIcon {
	if ic, ok := eventIcons[k]; ok {
		return ic
	}
	return EventIcon{"•", Humanize(string(k)), ToneNeutral, ""}
}

// EventLegend is the legend of every icon, as help bindings in
// EventLegendOrder.
func EventLegend() []key.Binding {
	legend := make([]key.Binding, 0, len(EventLegendOrder))
	for _, k := range EventLegendOrder {
		ic := IconFor(k)
		legend = append(legend, LegendBinding(ic.Symbol, ic.LegendText()))
	}
	return legend
}
