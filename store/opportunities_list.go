package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// MaxOpportunityPage bounds a page of opportunities.
const MaxOpportunityPage = 500

// ListOpportunities returns one page of the opportunities q asks for,
// soonest expected close first (none last), then by id. A page is a
// keyset range of an index in display order, never an OFFSET: a stage
// column (StageID), an owner's column (OwnerID and StageID) or every
// opportunity cost the same on any page at any size. The filters are a
// small fixed set of shapes, so each page's statement is prepared once.
func (db *DB) ListOpportunities(ctx context.Context, q OpportunityQuery) (OpportunityPage, error) {
	if q.Limit <= 0 {
		q.Limit = 50
	}
	if q.Limit > MaxOpportunityPage {
		q.Limit = MaxOpportunityPage
	}
	if q.After != nil && q.Before != nil {
		return OpportunityPage{}, fmt.Errorf("list opportunities: %w", invalid("a page is after a position or before one, not both"))
	}
	if q.State != "" && !q.State.Valid() {
		return OpportunityPage{}, fmt.Errorf("list opportunities: %w", invalid("the state must be open, won or lost, not %q", q.State))
	}
	where, args := opportunityWhere(q)
	back := q.Before != nil
	cur := q.After
	if back {
		cur = q.Before
	}
	query, pageArgs := opportunityPageSQL(where, args, opportunityIndex(q), q.Brief, cur, back, q.Limit+1)
	st, err := db.prepared(ctx, query) //nolint:sqlclosecheck // cached, closed by DB.Close
	if err != nil {
		return OpportunityPage{}, fmt.Errorf("list opportunities: %w", err)
	}
	rows, err := st.QueryContext(ctx, pageArgs...)
	if err != nil {
		return OpportunityPage{}, fmt.Errorf("list opportunities: %w", translate(err))
	}
	type row struct {
		o Opportunity
		c OpportunityCursor
	}
	scan := scanOpportunity
	if q.Brief {
		scan = scanBriefOpportunity
	}
	rs, err := collect(rows, func(r rowScanner) (row, error) {
		o, c, err := scan(r)
		return row{o, c}, err
	})
	if err != nil {
		return OpportunityPage{}, fmt.Errorf("list opportunities: %w", translate(err))
	}
	more := len(rs) > q.Limit
	if more {
		rs = rs[:q.Limit]
	}
	if back {
		slices.Reverse(rs)
	}
	var p OpportunityPage
	for _, r := range rs {
		p.Opportunities = append(p.Opportunities, r.o)
	}
	if len(rs) == 0 {
		return p, nil
	}
	p.First, p.Last = rs[0].c, rs[len(rs)-1].c
	// One row more than asked says whether there is more ahead; the side
	// a cursor came from is taken to hold rows, as in ListContacts.
	switch {
	case back:
		p.HasPrev, p.HasNext = more, true
	case cur != nil:
		p.HasPrev, p.HasNext = true, more
	default:
		p.HasNext = more
	}
	return p, nil
}

// OpportunitiesBefore counts the opportunities of q's filter (its After,
// Before and Limit aside) that come before cur in display order: the
// 0-based position of the opportunity at cur in its column. Two counts of
// index ranges, the ties with cur's close date and the dates before it,
// as ListOpportunities seeks them.
func (db *DB) OpportunitiesBefore(ctx context.Context, q OpportunityQuery, cur OpportunityCursor) (int, error) {
	where, args := opportunityWhere(q)
	query, all := opportunitiesBeforeSQL(where, args, opportunityIndex(q), cur)
	st, err := db.prepared(ctx, query) //nolint:sqlclosecheck // cached, closed by DB.Close
	if err != nil {
		return 0, fmt.Errorf("position of opportunity %d: %w", cur.ID, err)
	}
	var n int
	if err := st.QueryRowContext(ctx, all...).Scan(&n); err != nil {
		return 0, fmt.Errorf("position of opportunity %d: %w", cur.ID, translate(err))
	}
	return n, nil
}

// opportunitiesBeforeSQL counts the opportunities matching where (with
// args) before cur: the ties with its close date and lower ids, then the
// earlier dates, each a range of the index a page walks.
func opportunitiesBeforeSQL(where []string, args []any, index string, cur OpportunityCursor) (string, []any) {
	ties := append(slices.Clone(where), "o.close_key = ?", "o.id < ?")
	earlier := append(slices.Clone(where), "o.close_key < ?")
	all := append(append(slices.Clone(args), cur.CloseKey, cur.ID), args...)
	all = append(all, cur.CloseKey)
	from := `opportunities o` + indexedBy(index)
	return `SELECT (SELECT count(*) FROM ` + from + whereClause(ties) + `) +
(SELECT count(*) FROM ` + from + whereClause(earlier) + `)`, all
}

// opportunityPageSQL is the query of a page of fetch opportunities
// matching where (with args) from cur (nil: the first page), in display
// order or, back, in reverse.
//
// From a cursor the page is two ranges of the index, merged in order
// (MERGE (UNION ALL), stopping at the limit): the rows that tie with the
// cursor's close date and come after its id, then those whose date comes
// after. SQLite seeks a row-value range such as (close_key, id) > (?, ?)
// on its first column only, and a column holds runs of ties (every deal
// without a close date, the end of a quarter) that it would walk whole.
func opportunityPageSQL(where []string, args []any, index string, brief bool, cur *OpportunityCursor, back bool, fetch int) (string, []any) {
	cmp, dir := ">", ""
	if back {
		cmp, dir = "<", " DESC"
	}
	cols, from := opportunityCols, opportunityFrom
	if brief {
		cols, from = briefOpportunityCols, briefOpportunityFrom
	}
	from = strings.Replace(from, "opportunities o ", "opportunities o"+indexedBy(index)+" ", 1)
	sel := `SELECT ` + cols + ` FROM ` + from
	if cur == nil {
		return sel + whereClause(where) + `
ORDER BY o.close_key` + dir + `, o.id` + dir + ` LIMIT ?`, append(slices.Clone(args), fetch)
	}
	ties := append(slices.Clone(where), "o.close_key = ?", "o.id "+cmp+" ?")
	later := append(slices.Clone(where), "o.close_key "+cmp+" ?")
	all := append(slices.Clone(args), cur.CloseKey, cur.ID)
	all = append(append(all, args...), cur.CloseKey, fetch)
	return sel + whereClause(ties) + `
UNION ALL
` + sel + whereClause(later) + `
ORDER BY close_key` + dir + `, id` + dir + ` LIMIT ?`, all
}

// opportunityIndex names the index a page of q walks in display order:
// a stage column's (one owner's or everyone's), or every opportunity's by
// close date. It is named rather than left to the planner, which, once
// ANALYZE has seen a handful of owners and a long run of deals without a
// close date, skip-scanned the owner's index through that run and sorted
// it (21 ms a page instead of 1). "" (a contact's deals) leaves the choice
// to the planner.
func opportunityIndex(q OpportunityQuery) string {
	switch {
	case q.ContactID != 0:
		return ""
	case q.StageID != 0 && q.OwnerID != 0:
		return "opportunities_owner_stage"
	case q.StageID != 0:
		return "opportunities_stage"
	case q.OwnerID != 0:
		return "opportunities_owner_close"
	}
	return "opportunities_close"
}

// indexedBy is the INDEXED BY clause of index, "" for none.
func indexedBy(index string) string {
	if index == "" {
		return ""
	}
	return " INDEXED BY " + index
}

// opportunityWhere is the filter of q on opportunities o.
func opportunityWhere(q OpportunityQuery) ([]string, []any) {
	var where []string
	var args []any
	add := func(cond string, arg any) {
		where = append(where, cond)
		args = append(args, arg)
	}
	if q.OwnerID != 0 {
		add("o.owner_id = ?", q.OwnerID)
	}
	if q.StageID != 0 {
		add("o.stage_id = ?", q.StageID)
	}
	if q.State != "" {
		add("o.state = ?", q.State)
	}
	closingWhere(q.ClosingFrom, q.ClosingTo, add)
	if q.ContactID != 0 {
		add("o.id IN (SELECT oc.opportunity_id FROM opportunity_contacts oc WHERE oc.contact_id = ?)", q.ContactID)
	}
	return where, args
}

// closingWhere adds the conditions of a close date range (either end may
// be zero; an opportunity with no close date is then out).
func closingWhere(from, to time.Time, add func(string, any)) {
	if !from.IsZero() {
		add("o.close_key >= ?", from.Format(closeLayout))
	}
	switch {
	case !to.IsZero():
		add("o.close_key <= ?", to.Format(closeLayout))
	case !from.IsZero():
		add("o.close_key < ?", "~")
	}
}

// OpportunitiesOf returns the opportunities the contact is on (as the
// primary or another contact), open ones first, then by expected close.
// At most MaxOpportunityPage.
func (db *DB) OpportunitiesOf(ctx context.Context, contactID int64) ([]Opportunity, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+opportunityCols+` FROM `+opportunityFrom+`
WHERE o.id IN (SELECT oc.opportunity_id FROM opportunity_contacts oc WHERE oc.contact_id = ?)
ORDER BY o.state <> 'open', o.close_key, o.id LIMIT ?`, contactID, MaxOpportunityPage)
	if err != nil {
		return nil, fmt.Errorf("opportunities of contact %d: %w", contactID, translate(err))
	}
	os, err := collect(rows, func(r rowScanner) (Opportunity, error) {
		o, _, err := scanOpportunity(r)
		return o, err
	})
	if err != nil {
		return nil, fmt.Errorf("opportunities of contact %d: %w", contactID, translate(err))
	}
	return os, nil
}

// OpportunityTimeline returns the opportunity's own timeline, newest
// first: the events with its id (its creation, stage changes, edits,
// sends, replies, notes and tasks about it). An event written on each of
// its contacts shows once. limit <= 0 means TimelineLimit.
func (db *DB) OpportunityTimeline(ctx context.Context, id int64, limit int) ([]Event, error) {
	if limit <= 0 {
		limit = TimelineLimit
	}
	rows, err := db.sql.QueryContext(ctx, timelineColsSQL+`
WHERE e.opportunity_id = ?3 AND NOT EXISTS (SELECT 1 FROM events t
    WHERE t.opportunity_id = ?3 AND t.at = e.at AND t.id < e.id AND t.kind = e.kind
      AND t.subject = e.subject AND t.detail = e.detail
      AND t.message_id IS e.message_id AND t.received_id IS e.received_id)
ORDER BY e.at DESC, e.id DESC LIMIT ?4`, EventEmailScheduled, EventEmailSent, id, limit)
	if err != nil {
		return nil, fmt.Errorf("timeline of opportunity %d: %w", id, translate(err))
	}
	es, err := collect(rows, scanTimelineEvent)
	if err != nil {
		return nil, fmt.Errorf("timeline of opportunity %d: %w", id, translate(err))
	}
	return es, nil
}

// opportunityNames is for sentences: the names of os, joined.
func opportunityNames(os []Opportunity) string {
	names := make([]string, len(os))
	for i, o := range os {
		names[i] = o.Name
	}
	return strings.Join(names, ", ")
}
