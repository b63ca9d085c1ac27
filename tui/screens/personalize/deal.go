package personalize

import (
	"strings"

	"github.com/leadmail/leadmail/store"
)

// offerDeal lists, under More To and CC while nothing is typed there, the
// deal's other contacts that are not recipients yet, so enter adds one
// (S10: the send goes to the deal's people as one message). The draft
// starts with none of them: who is copied is the sender's choice. A draft
// not from a deal offers nothing.
func (m *Model) offerDeal() {
	deal := m.previewData.Opportunity
	if deal.ID == 0 {
		return
	}
	var offer []store.Contact
	for _, oc := range deal.Contacts {
		if oc.ID == m.contact.ID || strings.TrimSpace(oc.Email) == "" || m.isRecipient(oc.Email) {
			continue
		}
		offer = append(offer, store.Contact{ID: oc.ID, FirstName: oc.Name, Email: oc.Email, Company: oc.Company,
			Status: oc.Status})
	}
	for _, r := range m.recipients[:2] { // More To and CC
		if isBlank(r.input.Value()) {
			r.matches = offer
			r.cursor = min(r.cursor, max(0, len(offer)-1))
		}
	}
}

// isRecipient reports whether the address already gets the message.
func (m *Model) isRecipient(email string) bool {
	for _, r := range m.allRecipients() {
		if strings.EqualFold(r.Email, email) {
			return true
		}
	}
	return false
}
