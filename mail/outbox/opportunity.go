package outbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/store"
)

// CloseDateLayout is how {{opportunity.close_date}} writes the expected
// close: a date a person reads, "15 Jan 2027".
const CloseDateLayout = "2 Jan 2006"

// OpportunityValues returns the merge variables of a send from o:
// opportunity.name, value (with its currency: "€12,000", "€12,000.50"),
// stage, close_date ("15 Jan 2027", "" when not known) and owner_name.
func OpportunityValues(o store.Opportunity) mail.Values {
	v := mail.Values{
		"opportunity.name":       o.Name,
		"opportunity.value":      o.Value.Short(),
		"opportunity.stage":      o.Stage.Name,
		"opportunity.owner_name": o.OwnerName,
		"opportunity.close_date": "",
	}
	if !o.CloseDate.IsZero() {
		v["opportunity.close_date"] = o.CloseDate.Format(CloseDateLayout)
	}
	return v
}

// PreviewWith is Preview of a send with what opts asks for besides: from
// an opportunity (opts.OpportunityID), its {{opportunity.*}} variables are
// filled and Preview.Opportunity is set.
func (s *Service) PreviewWith(ctx context.Context, contactID, emailID int64, opts SendOptions) (Preview, error) {
	d, err := s.templateDraft(ctx, contactID, emailID)
	if err != nil {
		return Preview{}, err
	}
	d.OpportunityID = opts.OpportunityID
	r, err := s.renderDraft(ctx, d)
	if err != nil {
		return Preview{}, err
	}
	return r.preview, nil
}

// NewDraftWith is NewDraft for a send from the opportunity opts names:
// the draft carries it, so its merge variables are filled and the message
// is recorded on the opportunity. The contact must be one of the
// opportunity's.
func (s *Service) NewDraftWith(ctx context.Context, contactID, emailID int64, opts SendOptions) (Draft, error) {
	d, err := s.NewDraft(ctx, contactID, emailID)
	if err != nil {
		return Draft{}, err
	}
	if opts.OpportunityID != 0 {
		if _, err := s.draftOpportunity(ctx, contactID, opts.OpportunityID); err != nil {
			return Draft{}, err
		}
		d.OpportunityID = opts.OpportunityID
	}
	return d, nil
}

// draftOpportunity loads the opportunity a draft is sent from and refuses
// one that does not exist, or a primary contact that is not among its
// contacts.
func (s *Service) draftOpportunity(ctx context.Context, contactID, id int64) (store.Opportunity, error) {
	o, err := s.db.GetOpportunity(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return store.Opportunity{}, refuse("there is no opportunity %d: it may have been deleted", id)
	}
	if err != nil {
		return store.Opportunity{}, fmt.Errorf("load opportunity %d: %w", id, err)
	}
	if !slices.Contains(o.ContactIDs, contactID) {
		return store.Opportunity{}, refuse("the contact is not one of the deal %q's contacts: add them to the deal first", o.Name)
	}
	return o, nil
}

// withOpportunity applies opts's opportunity to d: a draft already about
// another opportunity is refused.
func withOpportunity(d Draft, opts SendOptions) (Draft, error) {
	switch {
	case opts.OpportunityID == 0 || opts.OpportunityID == d.OpportunityID:
	case d.OpportunityID != 0:
		return Draft{}, refuse("this draft is about another deal: a send is from one deal only")
	default:
		d.OpportunityID = opts.OpportunityID
	}
	return d, nil
}

// copiedContacts are the contacts of the CRM among d's other recipients,
// whose timelines show the message too.
func copiedContacts(d Draft) []int64 {
	var ids []int64
	for _, rs := range [][]Recipient{d.To, d.Cc, d.Bcc} {
		for _, r := range rs {
			if r.ContactID > 0 && r.ContactID != d.ContactID && !slices.Contains(ids, r.ContactID) {
				ids = append(ids, r.ContactID)
			}
		}
	}
	return ids
}

// isOpportunityVar reports a {{opportunity.*}} variable.
func isOpportunityVar(name string) bool { return strings.HasPrefix(name, "opportunity.") }

// withOpportunity is the refusal when opportunity.* variables are among
// the missing: each owner is blamed (the contact, the sender's profile,
// the deal, or the send for not being from a deal) and told what to fix.
func (e *MissingVarsError) withOpportunity() string {
	var contact, profile, keys, opp []string
	for _, n := range e.Names {
		switch {
		case isOpportunityVar(n):
			opp = append(opp, n)
		case strings.HasPrefix(n, "user."):
			w, ok := profileWords[n]
			if !ok {
				w = strings.TrimPrefix(n, "user.")
			}
			profile, keys = append(profile, fmt.Sprintf("%s (%s)", w, n)), append(keys, n)
		default:
			contact = append(contact, n)
		}
	}
	var blame, fix []string
	if len(contact) > 0 {
		blame = append(blame, fmt.Sprintf("%s has no value for %s", e.Contact, strings.Join(contact, ", ")))
		fix = append(fix, "fill the contact's "+plural(len(contact), "field", "fields"))
	}
	if len(profile) > 0 {
		blame = append(blame, "your profile has no "+orList(profile))
		fix = append(fix, "set "+andList(keys)+" in your config")
	}
	if e.Opportunity == "" {
		blame = append(blame, fmt.Sprintf("this send is not from a deal, so %s %s no value", strings.Join(opp, ", "),
			plural(len(opp), "has", "have")))
		fix = append(fix, "send it from the deal (m on the opportunity, or leadmail send --opportunity ID)")
	} else {
		blame = append(blame, fmt.Sprintf("the deal %q has no value for %s", e.Opportunity, strings.Join(opp, ", ")))
		fix = append(fix, "fill the deal's "+plural(len(opp), "field", "fields"))
	}
	each := "the variable"
	if len(e.Names) > 1 {
		each = "each variable"
	}
	return fmt.Sprintf("%s: %s, or give %s a fallback like {{%s | \"...\"}}",
		strings.Join(blame, ", and "), andList(fix), each, e.Names[0])
}

// plural is one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
