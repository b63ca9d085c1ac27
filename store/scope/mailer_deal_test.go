package scope_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/store/scope"
)

// dealOutbox records the sends from a deal that reached the outbox.
type dealOutbox struct {
	scope.Outbox
	calls []string
}

func (f *dealOutbox) record(what string, contactID, opportunityID int64) {
	f.calls = append(f.calls, fmt.Sprintf("%s %d from %d", what, contactID, opportunityID))
}

func (f *dealOutbox) PreviewWith(_ context.Context, contactID, _ int64, opts outbox.SendOptions) (outbox.Preview, error) {
	f.record("preview", contactID, opts.OpportunityID)
	return outbox.Preview{}, nil
}

func (f *dealOutbox) QuickSendWith(_ context.Context, contactID, _ int64, opts outbox.SendOptions) (outbox.Sent, error) {
	f.record("send", contactID, opts.OpportunityID)
	return outbox.Sent{}, nil
}

func (f *dealOutbox) ScheduleWith(_ context.Context, contactID, _ int64, _ time.Time, opts outbox.SendOptions) (outbox.Sent, error) {
	f.record("schedule", contactID, opts.OpportunityID)
	return outbox.Sent{}, nil
}

func (f *dealOutbox) PreviewDraft(_ context.Context, d outbox.Draft) (outbox.Preview, error) {
	f.record("preview draft", d.ContactID, d.OpportunityID)
	return outbox.Preview{}, nil
}

func (f *dealOutbox) SendDraftWith(_ context.Context, d outbox.Draft, opts outbox.SendOptions) (outbox.Sent, error) {
	f.record("send draft", d.ContactID, max(d.OpportunityID, opts.OpportunityID))
	return outbox.Sent{}, nil
}

// TestSendFromADealRoleTable: a send from the Salesperson's deal, to a
// contact of it the Jr. Salesperson owns, is allowed to those who see the
// deal and refused, before the outbox, to the Jr. Salesperson and the
// Marketing Manager, who may still send to the contact without the deal.
func TestSendFromADealRoleTable(t *testing.T) {
	tm := newTeam(t)
	ctx := t.Context()
	ss, err := tm.db.Stages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sales := tm.users[store.RoleSalesperson]
	deal := store.Opportunity{Name: "Theo's renewal", Value: store.Money{Minor: 1200000, Currency: "EUR"},
		StageID: ss[0].ID, PrimaryContactID: tm.theirs.ID, ContactIDs: []int64{tm.mine.ID}, OwnerID: sales.ID}
	if err := tm.db.CreateOpportunity(ctx, &deal, sales.ID); err != nil {
		t.Fatal(err)
	}
	from := outbox.SendOptions{OpportunityID: deal.ID}
	draft := outbox.Draft{ContactID: tm.mine.ID, OpportunityID: deal.ID}
	sends := []struct {
		name string
		do   func(m *scope.Mailer) error
	}{
		{"preview", func(m *scope.Mailer) error { _, err := m.PreviewWith(ctx, tm.mine.ID, 1, from); return err }},
		{"quick send", func(m *scope.Mailer) error { _, err := m.QuickSendWith(ctx, tm.mine.ID, 1, from); return err }},
		{"schedule", func(m *scope.Mailer) error {
			_, err := m.ScheduleWith(ctx, tm.mine.ID, 1, time.Now().Add(time.Hour), from)
			return err
		}},
		{"preview draft", func(m *scope.Mailer) error { _, err := m.PreviewDraft(ctx, draft); return err }},
		{"send draft", func(m *scope.Mailer) error { _, err := m.SendDraftWith(ctx, draft, outbox.SendOptions{}); return err }},
		{"send draft, deal in the options", func(m *scope.Mailer) error {
			_, err := m.SendDraftWith(ctx, outbox.Draft{ContactID: tm.mine.ID}, from)
			return err
		}},
	}
	for _, role := range store.Roles() {
		seesDeal := role != store.RoleJrSalesperson && role != store.RoleMarketingManager
		fake := &dealOutbox{}
		m := scope.For(tm.db, tm.users[role]).NewMailer(fake)
		for _, sd := range sends {
			calls := len(fake.calls)
			err := sd.do(m)
			var de *scope.DeniedError
			switch {
			case seesDeal && err != nil:
				t.Errorf("%s: %s from the deal: %v, want allowed", role, sd.name, err)
			case !seesDeal && (!errors.As(err, &de) || !errors.Is(err, store.ErrDenied)):
				t.Errorf("%s: %s from the deal: %v, want a denial sentence", role, sd.name, err)
			case !seesDeal && len(fake.calls) != calls:
				t.Errorf("%s: a refused %s reached the outbox: %v", role, sd.name, fake.calls[calls:])
			}
		}
		// Without the deal, everyone may send to the contact.
		if _, err := m.QuickSendWith(ctx, tm.mine.ID, 1, outbox.SendOptions{}); err != nil {
			t.Errorf("%s: a send to the contact without the deal: %v", role, err)
		}
	}
}
