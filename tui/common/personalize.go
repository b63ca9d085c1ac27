package common

import "github.com/leadmail/leadmail/store"

// OpenPersonalizeMsg asks the root to open Personalize: a new draft of
// EmailID for Contact (from the picker), or, with MessageID set, the stored
// draft of a message still in the outbox (edit before send).
type OpenPersonalizeMsg struct {
	Contact   store.Contact
	EmailID   int64
	MessageID int64
	// OpportunityID is the deal a new draft is sent from, 0 for none.
	OpportunityID int64
}
