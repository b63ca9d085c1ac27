package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
)

// pipelineScanSQL sums each stage's opportunities per currency: count,
// value, and expected value (value × probability / 100 of each
// opportunity, rounded half to even, then added). It reads the
// opportunities themselves: a closing range is a range of
// opportunities_close (or opportunities_owner_close) whose entries hold
// what is added up.
const pipelineScanSQL = `SELECT o.stage_id, o.currency, count(*), sum(o.value_minor),
    sum(o.value_minor * s.probability / 100 + CASE
        WHEN (o.value_minor * s.probability) % 100 > 50 THEN 1
        WHEN (o.value_minor * s.probability) % 100 = 50
             AND (o.value_minor * s.probability / 100) % 2 = 1 THEN 1
        ELSE 0 END)
FROM opportunities o JOIN stages s ON s.id = o.stage_id`

// pipelineKeptSQL reads the same sums from pipeline_totals, which the
// triggers of 0009 keep per stage, owner and currency: a few rows
// whatever the number of opportunities.
const pipelineKeptSQL = `SELECT o.stage_id, o.currency, sum(o.count), sum(o.total), sum(o.weighted)
FROM pipeline_totals o`

// rebuildTotalsSQL makes pipeline_totals again from the opportunities,
// after a change of probability.
const rebuildTotalsSQL = `INSERT INTO pipeline_totals (stage_id, owner_id, currency, count, total, weighted)
SELECT o.stage_id, o.owner_id, o.currency, count(*), sum(o.value_minor),
    sum(o.value_minor * s.probability / 100 + CASE
        WHEN (o.value_minor * s.probability) % 100 > 50 THEN 1
        WHEN (o.value_minor * s.probability) % 100 = 50
             AND (o.value_minor * s.probability / 100) % 2 = 1 THEN 1
        ELSE 0 END)
FROM opportunities o JOIN stages s ON s.id = o.stage_id
GROUP BY o.stage_id, o.owner_id, o.currency`

// Pipeline returns a column per stage, in order, each with its count and
// its totals per currency (value and expected value, S18) of the
// opportunities f keeps. Stages that hold none are listed with zero
// counts. Totals in different currencies stay apart: there is no
// exchange-rate conversion, so a pipeline in EUR and USD shows both.
// Without a closing range the totals are read from what the store keeps
// up to date on every write, in well under a millisecond at any size.
func (db *DB) Pipeline(ctx context.Context, f PipelineFilter) ([]StageTotals, error) {
	stages, err := db.Stages(ctx)
	if err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	var where []string
	var args []any
	add := func(cond string, arg any) {
		where = append(where, cond)
		args = append(args, arg)
	}
	if f.OwnerID != 0 {
		add("o.owner_id = ?", f.OwnerID)
	}
	q := pipelineKeptSQL
	if !f.ClosingFrom.IsZero() || !f.ClosingTo.IsZero() {
		q = pipelineScanSQL
		closingWhere(f.ClosingFrom, f.ClosingTo, add)
	}
	rows, err := db.sql.QueryContext(ctx, q+whereClause(where)+
		` GROUP BY o.stage_id, o.currency`, args...)
	if err != nil {
		return nil, fmt.Errorf("pipeline: %w", translate(err))
	}
	type sum struct {
		stage     int64
		currency  string
		count     int
		total, wt int64
	}
	sums, err := collect(rows, func(r rowScanner) (sum, error) {
		var s sum
		return s, r.Scan(&s.stage, &s.currency, &s.count, &s.total, &s.wt)
	})
	if err != nil {
		return nil, fmt.Errorf("pipeline: %w", translate(err))
	}
	out := make([]StageTotals, len(stages))
	at := map[int64]int{}
	for i, s := range stages {
		out[i] = StageTotals{Stage: s, Total: map[string]int64{}, Weighted: map[string]int64{}}
		at[s.ID] = i
	}
	for _, s := range sums {
		i, ok := at[s.stage]
		if !ok {
			continue // a stage added since Stages read them: the next read shows it
		}
		out[i].Count += s.count
		out[i].Total[s.currency] += s.total
		out[i].Weighted[s.currency] += s.wt
	}
	return out, nil
}

// Amounts lists a per-currency total as Money, by currency code.
func Amounts(m map[string]int64) []Money {
	out := make([]Money, 0, len(m))
	for _, c := range slices.Sorted(maps.Keys(m)) {
		out = append(out, Money{Minor: m[c], Currency: c})
	}
	return out
}
