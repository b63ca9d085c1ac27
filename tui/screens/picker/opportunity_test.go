package picker

import (
	"strings"
	"testing"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// dealTemplate adds a Smart Mail using {{opportunity.*}} and a deal with
// Ada as its primary contact.
func dealTemplate(t *testing.T, w *tuitest.World, dealName string) (store.Email, store.Opportunity) {
	t.Helper()
	ctx := t.Context()
	e := store.Email{Name: "Deal update", SmartMail: true, Subject: "{{opportunity.name}} at {{opportunity.stage}}",
		Body: "Hi {{first_name}}, {{opportunity.value}} by {{opportunity.close_date | \"soon\"}}."}
	if err := w.DB.CreateEmail(ctx, &e); err != nil {
		t.Fatal(err)
	}
	stage, err := w.DB.StageByName(ctx, "proposal")
	if err != nil {
		t.Fatal(err)
	}
	o := store.Opportunity{Name: dealName, Value: store.Money{Minor: 1_200_000, Currency: "EUR"}, StageID: stage.ID,
		OwnerID: w.User.ID, PrimaryContactID: w.Ada.ID}
	if err := w.DB.CreateOpportunity(ctx, &o, w.User.ID); err != nil {
		t.Fatal(err)
	}
	return e, o
}

// The picker opened on a deal says so, previews with the deal's values,
// and its Quick Send and Personalize carry the deal.
func TestPickerFromOpportunity(t *testing.T) {
	w := tuitest.NewWorld(t)
	e, o := dealTemplate(t, w, "Engines renewal")
	h := &harness{Model: New(tuitest.Common(t), w.DB, w.Mailer(t, &tuitest.Transport{}), w.Ada).FromOpportunity(o.ID)}
	h.SetSize(120, 40)
	tuitest.Pump(t, h.update, h.Init(), nil)
	h.press(t, "/")
	h.typeText(t, "deal")
	h.press(t, "enter")
	if n := h.visibleNames(); len(n) != 1 || n[0] != "Deal update" {
		t.Fatalf("visible %v", n)
	}
	plain := tuitest.Strip(h.View())
	if !strings.Contains(plain, "for the deal “Engines renewal”") || !strings.Contains(plain, "Deal     Engines renewal · €12,000 · proposal") || !strings.Contains(plain, "at proposal") ||
		!strings.Contains(plain, "€12,000 by soon") {
		t.Errorf("the header or preview lacks the deal:\n%s", plain)
	}
	h.press(t, "p")
	got := h.Intents()
	if len(got) != 1 {
		t.Fatalf("intents = %+v", got)
	}
	if p, ok := got[0].(common.OpenPersonalizeMsg); !ok || p.Contact.ID != w.Ada.ID || p.EmailID != e.ID || p.OpportunityID != o.ID {
		t.Errorf("intent = %+v, want Personalize of %d for Ada from deal %d", got[0], e.ID, o.ID)
	}
	h.press(t, "enter")
	if len(h.queued) != 1 || h.queued[0].Err != nil {
		t.Fatalf("queued = %+v", h.queued)
	}
	m, err := w.DB.GetMessage(t.Context(), h.queued[0].Message.ID)
	if err != nil || m.OpportunityID != o.ID || !strings.HasPrefix(m.Subject, "Engines") {
		t.Errorf("stored message: opportunity %d, subject %q, %v", m.OpportunityID, m.Subject, err)
	}
}

// From a contact, with no deal, the same Smart Mail shows its
// {{opportunity.*}} variables missing and Quick Send refuses, queueing
// nothing.
func TestPickerWithoutOpportunityRefuses(t *testing.T) {
	w := tuitest.NewWorld(t)
	dealTemplate(t, w, "Engines renewal")
	h := open(t, w, w.Ada, 120, 40)
	h.press(t, "/")
	h.typeText(t, "deal")
	h.press(t, "enter")
	if strings.Contains(tuitest.Strip(h.View()), "for the deal") {
		t.Error("a picker from a contact speaks of a deal")
	}
	h.press(t, "enter")
	if len(h.queued) != 1 || h.queued[0].Err == nil || !strings.Contains(h.queued[0].Err.Error(), "this send is not from a deal") {
		t.Fatalf("queued = %+v", h.queued)
	}
	ms, err := w.DB.ListMessages(t.Context(), store.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if strings.Contains(m.Subject, "renewal") {
			t.Errorf("a refused send was queued: %+v", m)
		}
	}
}
