package personalize

import (
	"strings"
	"testing"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// Personalize from a deal: the draft starts with no CC, the deal's other
// contact is offered in More To and CC, enter adds them, and the one
// message is recorded on the deal and on both contacts.
func TestPersonalizeFromDealOffersItsContacts(t *testing.T) {
	w := tuitest.NewWorld(t)
	ctx := t.Context()
	e := store.Email{Name: "Deal update", SmartMail: true, Subject: "{{opportunity.name}} for {{first_name}}",
		Body: "We are at {{opportunity.stage}}."}
	if err := w.DB.CreateEmail(ctx, &e); err != nil {
		t.Fatal(err)
	}
	other := w.Bulk[0]
	stage, err := w.DB.StageByName(ctx, "proposal")
	if err != nil {
		t.Fatal(err)
	}
	o := store.Opportunity{Name: "Engines renewal", Value: store.Money{Minor: 500_000, Currency: "GBP"}, StageID: stage.ID,
		OwnerID: w.User.ID, PrimaryContactID: w.Ada.ID, ContactIDs: []int64{other.ID}}
	if err := w.DB.CreateOpportunity(ctx, &o, w.User.ID); err != nil {
		t.Fatal(err)
	}
	h := open(t, w, w.Mailer(t, &tuitest.Transport{}), Options{Contact: w.Ada, EmailID: e.ID, OpportunityID: o.ID}, 120, 40)
	if d := h.draft(); d.OpportunityID != o.ID || len(d.Cc) != 0 || len(d.To) != 0 {
		t.Fatalf("draft from the deal: opportunity %d, to %v, cc %v; want the deal and nobody else", d.OpportunityID, d.To, d.Cc)
	}
	if !strings.Contains(h.view(), "Engines renewal for Ada") {
		t.Errorf("the preview lacks the deal's name:\n%s", h.view())
	}
	h.focusOn(t, fieldCc)
	if !strings.Contains(h.view(), other.Email) || !h.keys.AddRecipient.Enabled() {
		t.Fatalf("CC does not offer the deal's other contact %s:\n%s", other.Email, h.view())
	}
	h.press(t, "enter")
	if d := h.draft(); len(d.Cc) != 1 || d.Cc[0].ContactID != other.ID {
		t.Fatalf("CC after enter = %+v", d.Cc)
	}
	if len(h.recipients[1].matches) != 0 || h.keys.AddRecipient.Enabled() {
		t.Errorf("a contact already copied is still offered: %+v", h.recipients[1].matches)
	}
	h.press(t, "ctrl+s")
	if len(h.queued) != 1 || h.queued[0].Err != nil {
		t.Fatalf("queued = %+v", h.queued)
	}
	m, err := w.DB.GetMessage(ctx, h.queued[0].Message.ID)
	if err != nil || m.OpportunityID != o.ID {
		t.Fatalf("message about deal %d, %v; want %d", m.OpportunityID, err, o.ID)
	}
	for _, c := range []store.Contact{w.Ada, other} {
		evs, err := w.DB.Timeline(ctx, c.ID, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 || evs[0].MessageID != m.ID || evs[0].OpportunityID != o.ID {
			t.Errorf("%s's newest event %+v, want the send about the deal", c.Email, evs[0])
		}
	}
}

// A draft not from a deal offers nobody when nothing is typed.
func TestPersonalizeWithoutDealOffersNobody(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := openNew(t, w, w.Ada, w.Intro, 120, 40)
	h.focusOn(t, fieldCc)
	if len(h.recipients[1].matches) != 0 || h.keys.AddRecipient.Enabled() {
		t.Errorf("CC offers %+v with nothing typed", h.recipients[1].matches)
	}
}
