package store

import (
	"fmt"
	"time"
)

// Outcome is what an opportunity in a stage is: still open, won or lost.
// A stage has one; an opportunity's State is its stage's.
type Outcome string

// The three outcomes.
const (
	OutcomeOpen Outcome = "open"
	OutcomeWon  Outcome = "won"
	OutcomeLost Outcome = "lost"
)

// Valid reports whether o is one of the three outcomes.
func (o Outcome) Valid() bool { return o == OutcomeOpen || o == OutcomeWon || o == OutcomeLost }

// Stage is a step of the company's pipeline. Expected value is an
// opportunity's value × its stage's Probability / 100 (S18).
type Stage struct {
	ID          int64
	Name        string
	Position    int // 0 first; Stages lists them in this order
	Probability int // percent, 0–100
	Outcome     Outcome
}

// Opportunity is a deal: a value in a currency, a stage of the pipeline,
// an expected close date, an owner, a primary contact (merge variables
// come from it, S10) and any number of other contacts.
type Opportunity struct {
	ID   int64
	Name string
	// Value is the deal's value; its Currency is the opportunity's.
	Value   Money
	StageID int64
	// Stage is filled on reads.
	Stage Stage
	// CloseDate is the expected close: only its calendar date counts, as
	// written in its own location. Zero when not known.
	CloseDate time.Time
	OwnerID   int64
	// OwnerName is filled on reads.
	OwnerName string
	// PrimaryContactID is the contact a send from the opportunity starts
	// from; it is also one of ContactIDs.
	PrimaryContactID int64
	// ContactIDs are every contact of the opportunity, the primary first,
	// then by id. On create, the ones other than the primary are added.
	ContactIDs []int64
	// Contacts is filled by GetOpportunity, in the order of ContactIDs.
	Contacts []OpportunityContact
	// PrimaryName and Company are the primary contact's, filled on reads
	// (a pipeline card shows them).
	PrimaryName string
	Company     string
	State       Outcome
	LostReason  string // why it was lost; "" otherwise
	// Version counts edits: UpdateOpportunity takes the version the edit
	// was made on and refuses it when the row moved on since.
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Weighted is the expected value of o: its value × its stage's
// probability / 100, rounded half to even (S18).
func (o Opportunity) Weighted() Money {
	return Money{Minor: weighted(o.Value.Minor, o.Stage.Probability), Currency: o.Value.Currency}
}

// weighted is v × p / 100 in integers, rounded half to even.
func weighted(v int64, p int) int64 {
	n := v * int64(p)
	q, r := n/100, n%100
	if r > 50 || (r == 50 && q%2 == 1) {
		q++
	}
	return q
}

// OpportunityContact is one contact of an opportunity, as its screen
// lists it.
type OpportunityContact struct {
	ID      int64
	Name    string
	Email   string
	Company string
	Status  Status
	Primary bool
}

// OpportunityChanges is an edit of an opportunity: nil fields stay as they
// are. The stage changes with MoveOpportunity, WinOpportunity and
// LoseOpportunity; contacts with AddOpportunityContact and
// RemoveOpportunityContact.
type OpportunityChanges struct {
	Name  *string
	Value *Money
	// CloseDate: a pointer to the zero time removes the close date.
	CloseDate *time.Time
	OwnerID   *int64
	// PrimaryContactID makes another contact the primary one; it is
	// added to the opportunity's contacts if it is not among them.
	PrimaryContactID *int64
}

// StaleOpportunityError is an edit refused because the opportunity changed
// since the editor read it. Current is the opportunity as it is now.
type StaleOpportunityError struct {
	Current Opportunity
}

func (e *StaleOpportunityError) Error() string {
	return fmt.Sprintf("the opportunity %s changed since you opened it: look at it again and redo your change", e.Current.Name)
}

// Unwrap makes errors.Is(err, ErrConflict) true.
func (e *StaleOpportunityError) Unwrap() error { return ErrConflict }

// OpportunityCursor is a keyset position in an opportunity listing (close
// date, then id). It is opaque to callers: take it from an
// OpportunityPage and hand it back with the same query.
type OpportunityCursor struct {
	CloseKey string
	ID       int64
}

// Cursor is o's own position in an opportunity listing: a page read after
// a position just before it starts with o (see ListOpportunities).
func (o Opportunity) Cursor() OpportunityCursor {
	return OpportunityCursor{CloseKey: closeKey(o.CloseDate), ID: o.ID}
}

// OpportunityQuery asks for one page of opportunities, soonest expected
// close first (none last), then by id. Zero values mean "all"; the
// conditions set are all required. At most one of After and Before is
// set; none means the first page.
type OpportunityQuery struct {
	StageID int64
	OwnerID int64
	State   Outcome
	// ClosingFrom and ClosingTo keep the opportunities expected to close
	// on those dates or between them (calendar dates, either may be
	// zero); an opportunity with no close date is then left out.
	ClosingFrom, ClosingTo time.Time
	ContactID              int64
	After                  *OpportunityCursor
	Before                 *OpportunityCursor
	Limit                  int // 0 means 50
	// Brief reads what a pipeline card shows (name, value, stage id,
	// close date, owner, primary contact and company, state) and leaves
	// the rest zero: the stage's name, probability and outcome, the lost
	// reason, version and times. A card costs half as much.
	Brief bool
}

// OpportunityPage is one page of opportunities in display order.
type OpportunityPage struct {
	Opportunities []Opportunity
	HasPrev       bool
	HasNext       bool
	First         OpportunityCursor // position of Opportunities[0]
	Last          OpportunityCursor // position of Opportunities[len-1]
}

// PipelineFilter narrows the pipeline's totals; zero values mean all.
type PipelineFilter struct {
	OwnerID                int64
	ClosingFrom, ClosingTo time.Time
}

// StageTotals is one column of the pipeline: how many opportunities the
// stage holds, their value and their expected value, each per currency
// (minor units by ISO 4217 code). Amounts in different currencies are
// never added together: leadmail converts nothing.
type StageTotals struct {
	Stage    Stage
	Count    int
	Total    map[string]int64
	Weighted map[string]int64
}

// The kinds of event opportunities make, on the opportunity and on each of
// its contacts (Event.OpportunityID set). Each carries Data with
// opportunity_id, opportunity (its name) and by:
const (
	// EventOpportunityCreated: data value, stage.
	EventOpportunityCreated EventKind = "opportunity_created"
	// EventStageChanged: data old, new (the stage names).
	EventStageChanged EventKind = "stage_changed"
	// EventOpportunityWon: data value.
	EventOpportunityWon EventKind = "opportunity_won"
	// EventOpportunityLost: data reason.
	EventOpportunityLost EventKind = "opportunity_lost"
	// EventOpportunityEdited: one changed field, data field, old, new; or
	// a contact added or removed, data field "contact", action, contact_id.
	EventOpportunityEdited EventKind = "opportunity_edited"
)
