package outbox_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
)

// oppEnv is an env with a deal: Jürgen is its primary contact, Ada its
// other contact; Bo is a contact of no deal.
type oppEnv struct {
	*env
	ada, bo store.Contact
	opp     store.Opportunity
	tmpl    store.Email
}

func newOppEnv(t *testing.T) *oppEnv {
	t.Helper()
	e := &oppEnv{env: newEnv(t)}
	ctx := t.Context()
	e.ada = store.Contact{Kind: store.KindLead, Status: store.StatusOpen, FirstName: "Ada", LastName: "Byrne",
		Email: "ada@example.com", Company: "Müller & Söhne"}
	e.bo = store.Contact{Kind: store.KindLead, Status: store.StatusOpen, FirstName: "Bo", LastName: "Lind",
		Email: "bo@example.com"}
	for _, c := range []*store.Contact{&e.ada, &e.bo} {
		if err := e.db.CreateContact(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	stage, err := e.db.StageByName(ctx, "proposal")
	if err != nil {
		t.Fatal(err)
	}
	e.opp = store.Opportunity{Name: "Fleet renewal", Value: store.Money{Minor: 1_200_000, Currency: "EUR"},
		StageID: stage.ID, CloseDate: time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC), OwnerID: e.sender.ID,
		PrimaryContactID: e.contact.ID, ContactIDs: []int64{e.ada.ID}}
	if err := e.db.CreateOpportunity(ctx, &e.opp, e.sender.ID); err != nil {
		t.Fatal(err)
	}
	e.tmpl = store.Email{Name: "Deal note", SmartMail: true,
		Subject: "{{opportunity.name}}: {{opportunity.value}} at {{opportunity.stage}}",
		Body:    "Hi {{first_name}},\n\nWe aim to close by {{opportunity.close_date}}; {{opportunity.owner_name}} owns it."}
	if err := e.db.CreateEmail(ctx, &e.tmpl); err != nil {
		t.Fatal(err)
	}
	return e
}

// eventsAbout lists the contact's events of kind about message id.
func (e *oppEnv) eventsAbout(t *testing.T, contactID, messageID int64, kind store.EventKind) []store.Event {
	t.Helper()
	evs, err := e.db.Timeline(t.Context(), contactID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Event
	for _, ev := range evs {
		if ev.MessageID == messageID && ev.Kind == kind {
			out = append(out, ev)
		}
	}
	return out
}

func TestOpportunityValues(t *testing.T) {
	o := store.Opportunity{Name: "Fleet", Value: store.Money{Minor: 1_200_050, Currency: "EUR"},
		Stage: store.Stage{Name: "negotiation"}, CloseDate: time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC), OwnerName: "Sam Rivera"}
	v := outbox.OpportunityValues(o)
	want := map[string]string{"opportunity.name": "Fleet", "opportunity.value": "€12,000.50",
		"opportunity.stage": "negotiation", "opportunity.close_date": "5 Jan 2027", "opportunity.owner_name": "Sam Rivera"}
	for k, w := range want {
		if v[k] != w {
			t.Errorf("%s = %q, want %q", k, v[k], w)
		}
	}
	o.CloseDate, o.Value = time.Time{}, store.Money{Minor: 1500, Currency: "JPY"}
	v = outbox.OpportunityValues(o)
	if v["opportunity.close_date"] != "" || v["opportunity.value"] != "¥1,500" {
		t.Errorf("no close date, yen: %q, %q", v["opportunity.close_date"], v["opportunity.value"])
	}
}

// A Quick Send from the deal fills {{opportunity.*}}; the message and its
// queued and sent events carry the opportunity, so the send is on the
// deal's timeline and on the contact's.
func TestQuickSendFromOpportunity(t *testing.T) {
	e := newOppEnv(t)
	ctx := t.Context()
	p, err := e.svc.PreviewWith(ctx, e.contact.ID, e.tmpl.ID, outbox.SendOptions{OpportunityID: e.opp.ID})
	if err != nil {
		t.Fatal(err)
	}
	if p.Subject != "Fleet renewal: €12,000 at proposal" || p.Opportunity.ID != e.opp.ID || len(p.Missing()) != 0 {
		t.Fatalf("preview subject %q, opportunity %d, missing %v", p.Subject, p.Opportunity.ID, p.Missing())
	}
	sent, err := e.svc.QuickSendWith(ctx, e.contact.ID, e.tmpl.ID, outbox.SendOptions{OpportunityID: e.opp.ID})
	if err != nil {
		t.Fatal(err)
	}
	m := sent.Message
	if m.OpportunityID != e.opp.ID {
		t.Errorf("message opportunity = %d, want %d", m.OpportunityID, e.opp.ID)
	}
	got, err := e.svc.Deliver(ctx, m.ID)
	if err != nil || got.Status != store.MessageSent {
		t.Fatalf("Deliver = %s, %v", got.Status, err)
	}
	recv := e.srv.Messages()
	if len(recv) != 1 {
		t.Fatalf("server got %d messages", len(recv))
	}
	r, err := gomail.CreateReader(bytes.NewReader(recv[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	if subj, _ := r.Header.Subject(); subj != "Fleet renewal: €12,000 at proposal" {
		t.Errorf("subject on the wire = %q", subj)
	}
	if !bytes.Contains(recv[0].Data, []byte("15 Jan 2027")) || !bytes.Contains(recv[0].Data, []byte("Sam Rivera owns it")) {
		t.Errorf("the body lacks the close date or the owner:\n%s", recv[0].Data)
	}
	stored, err := e.db.GetMessage(ctx, m.ID)
	if err != nil || stored.OpportunityID != e.opp.ID {
		t.Errorf("stored message opportunity = %d, %v", stored.OpportunityID, err)
	}
	for _, k := range []store.EventKind{store.EventEmailQueued, store.EventEmailSent} {
		evs := e.eventsAbout(t, e.contact.ID, m.ID, k)
		if len(evs) != 1 || evs[0].OpportunityID != e.opp.ID {
			t.Errorf("%s on the contact = %+v, want one about the deal", k, evs)
		}
	}
	tl, err := e.db.OpportunityTimeline(ctx, e.opp.ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	var onDeal int
	for _, ev := range tl {
		if ev.MessageID == m.ID {
			onDeal++
		}
	}
	if onDeal != 2 {
		t.Errorf("the deal's timeline has %d events of the send, want queued and sent", onDeal)
	}
}

// Personalize from the deal with its other contact in CC: one message,
// recorded on the deal and on both contacts' timelines.
func TestSendDraftFromOpportunityCopiesContacts(t *testing.T) {
	e := newOppEnv(t)
	ctx := t.Context()
	d, err := e.svc.NewDraftWith(ctx, e.contact.ID, e.tmpl.ID, outbox.SendOptions{OpportunityID: e.opp.ID})
	if err != nil {
		t.Fatal(err)
	}
	if d.OpportunityID != e.opp.ID || len(d.Cc) != 0 {
		t.Fatalf("draft opportunity %d, cc %v: want the deal and no CC", d.OpportunityID, d.Cc)
	}
	d.Cc = []outbox.Recipient{{Name: "Ada Byrne", Email: e.ada.Email, ContactID: e.ada.ID}}
	m, err := e.svc.SendDraft(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Deliver(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	if recv := e.srv.Messages(); len(recv) != 1 || len(recv[0].To) != 2 {
		t.Fatalf("server got %d messages, want one to both", len(recv))
	}
	for _, c := range []store.Contact{e.contact, e.ada} {
		for _, k := range []store.EventKind{store.EventEmailQueued, store.EventEmailSent} {
			evs := e.eventsAbout(t, c.ID, m.ID, k)
			if len(evs) != 1 || evs[0].OpportunityID != e.opp.ID {
				t.Errorf("%s: %s = %+v, want one about the deal", c.Email, k, evs)
			}
		}
	}
	if evs := e.eventsAbout(t, e.bo.ID, m.ID, store.EventEmailSent); len(evs) != 0 {
		t.Errorf("a contact not on the message got %+v", evs)
	}
	// The draft kept its deal: editing it keeps the deal, another deal is
	// refused.
	back, err := e.svc.DraftOf(ctx, m.ID)
	if err != nil || back.OpportunityID != e.opp.ID {
		t.Errorf("DraftOf = opportunity %d, %v", back.OpportunityID, err)
	}
}

// From a contact with no deal, {{opportunity.*}} is missing: Quick Send
// refuses naming them and queues nothing; so does a send from a deal the
// contact is not on, or from no deal at all.
func TestOpportunityVariablesMissingRefuse(t *testing.T) {
	e := newOppEnv(t)
	ctx := t.Context()
	_, err := e.svc.QuickSend(ctx, e.bo.ID, e.tmpl.ID)
	var miss *outbox.MissingVarsError
	if !errors.As(err, &miss) {
		t.Fatalf("err = %v, want a missing-variables refusal", err)
	}
	const want = `this send is not from a deal, so opportunity.name, opportunity.value, opportunity.stage, ` +
		`opportunity.close_date, opportunity.owner_name have no value: send it from the deal (m on the opportunity, ` +
		`or leadmail send --opportunity ID), or give each variable a fallback like {{opportunity.name | "..."}}`
	if err.Error() != want {
		t.Errorf("got  %s\nwant %s", err, want)
	}
	p, err := e.svc.Preview(ctx, e.bo.ID, e.tmpl.ID)
	if err != nil || len(p.Missing()) != 5 {
		t.Errorf("preview from no deal: missing %v, %v; want the five", p.Missing(), err)
	}

	var re *outbox.RefusalError
	_, err = e.svc.QuickSendWith(ctx, e.bo.ID, e.tmpl.ID, outbox.SendOptions{OpportunityID: e.opp.ID})
	if !errors.As(err, &re) || err.Error() != `the contact is not one of the deal "Fleet renewal"'s contacts: add them to the deal first` {
		t.Errorf("a contact not on the deal: %v", err)
	}
	_, err = e.svc.QuickSendWith(ctx, e.contact.ID, e.tmpl.ID, outbox.SendOptions{OpportunityID: 9999})
	if !errors.As(err, &re) || err.Error() != "there is no opportunity 9999: it may have been deleted" {
		t.Errorf("no such deal: %v", err)
	}
	d, err := e.svc.NewDraftWith(ctx, e.contact.ID, e.tmpl.ID, outbox.SendOptions{OpportunityID: e.opp.ID})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.SendDraftWith(ctx, d, outbox.SendOptions{OpportunityID: e.opp.ID + 1})
	if !errors.As(err, &re) {
		t.Errorf("a draft sent for another deal: %v", err)
	}
	if n := e.messageCount(t); n != 0 {
		t.Errorf("%d messages queued by refusals, want none", n)
	}
}

// A deal without a close date: the refusal blames the deal.
func TestOpportunityMissingCloseDateBlamesTheDeal(t *testing.T) {
	e := newOppEnv(t)
	ctx := t.Context()
	zero := time.Time{}
	if _, err := e.db.UpdateOpportunity(ctx, e.opp.ID, e.opp.Version, store.OpportunityChanges{CloseDate: &zero}, e.sender.ID); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.QuickSendWith(ctx, e.contact.ID, e.tmpl.ID, outbox.SendOptions{OpportunityID: e.opp.ID})
	const want = `the deal "Fleet renewal" has no value for opportunity.close_date: fill the deal's field, ` +
		`or give the variable a fallback like {{opportunity.close_date | "..."}}`
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	if n := e.messageCount(t); n != 0 {
		t.Errorf("%d messages queued, want none", n)
	}
}
