package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// stageCols reads a Stage.
const stageCols = `id, name, position, probability, outcome`

func scanStage(r rowScanner) (Stage, error) {
	var s Stage
	err := r.Scan(&s.ID, &s.Name, &s.Position, &s.Probability, &s.Outcome)
	return s, err
}

// Stages returns the pipeline's stages in order.
func (db *DB) Stages(ctx context.Context) ([]Stage, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+stageCols+` FROM stages ORDER BY position, id`)
	if err != nil {
		return nil, fmt.Errorf("stages: %w", translate(err))
	}
	ss, err := collect(rows, scanStage)
	if err != nil {
		return nil, fmt.Errorf("stages: %w", translate(err))
	}
	return ss, nil
}

// txStages reads the stages inside tx, in order.
func txStages(ctx context.Context, tx *sql.Tx) ([]Stage, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+stageCols+` FROM stages ORDER BY position, id`)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanStage)
}

// txStage reads stage id inside tx; an unknown id is ErrInvalid with a
// sentence, as it names what the caller chose.
func txStage(ctx context.Context, tx *sql.Tx, id int64) (Stage, error) {
	s, err := scanStage(tx.QueryRowContext(ctx, `SELECT `+stageCols+` FROM stages WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Stage{}, invalid("stage %d does not exist: choose one of the pipeline's stages", id)
	}
	return s, err
}

// stageOf returns the stage with outcome o (the won or the lost one).
func stageOf(ctx context.Context, tx *sql.Tx, o Outcome) (Stage, error) {
	s, err := scanStage(tx.QueryRowContext(ctx,
		`SELECT `+stageCols+` FROM stages WHERE outcome = ? ORDER BY position, id LIMIT 1`, o))
	if errors.Is(err, sql.ErrNoRows) {
		return Stage{}, invalid("the pipeline has no %s stage", o)
	}
	return s, err
}

// StageByName returns the stage called name (case does not matter); an
// unknown name is ErrInvalid with a sentence listing the stages.
func (db *DB) StageByName(ctx context.Context, name string) (Stage, error) {
	ss, err := db.Stages(ctx)
	if err != nil {
		return Stage{}, err
	}
	names := make([]string, len(ss))
	for i, s := range ss {
		if strings.EqualFold(s.Name, strings.TrimSpace(name)) {
			return s, nil
		}
		names[i] = s.Name
	}
	return Stage{}, invalid("there is no stage %q: the stages are %s", name, strings.Join(names, ", "))
}

// MaxStages bounds the pipeline: a column per stage must fit a screen.
const MaxStages = 12

// MaxStageNameLen bounds a stage's name, in characters: it heads a column.
const MaxStageNameLen = 40

// SetStages makes the pipeline stages, in this order, as the user by
// does: a stage with an ID is renamed, moved or given another
// probability; one with ID 0 is added; a stage left out is removed. A
// stage that holds opportunities cannot be removed, nor change its
// outcome (the opportunities' state follows it). There must be at least
// one open stage, exactly one won and one lost, after every open stage
// (they end the pipeline), names unique (case does not matter) and
// probabilities 0–100. A refusal is ErrInvalid with a
// sentence and changes nothing. It returns the stages as saved. A new
// probability rebuilds the pipeline's kept totals (a scan of every
// opportunity, some 60 ms at 100,000).
func (db *DB) SetStages(ctx context.Context, stages []Stage, by int64) ([]Stage, error) {
	saved, _, err := db.SetStagesMoving(ctx, stages, nil, by)
	return saved, err
}

// SetStagesMoving is SetStages that first moves the deals of the stages it
// removes: moves maps a removed stage's id to the open stage, kept, that
// its deals go to, each move a stage_changed event as MoveOpportunity
// writes it. Everything is one transaction: a refusal moves nothing. It
// returns the stages as saved and how many deals moved.
func (db *DB) SetStagesMoving(ctx context.Context, stages []Stage, moves map[int64]int64, by int64) ([]Stage, int, error) {
	in, err := checkStages(stages)
	if err != nil {
		return nil, 0, fmt.Errorf("set stages: %w", err)
	}
	var (
		saved []Stage
		moved int
	)
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := userName(ctx, tx, by); err != nil {
			return err
		}
		cur, err := txStages(ctx, tx)
		if err != nil {
			return err
		}
		if moved, err = db.moveStageDeals(ctx, tx, cur, in, moves, by); err != nil {
			return err
		}
		if err := checkStageChanges(ctx, tx, cur, in); err != nil {
			return err
		}
		// Names are unique: free them first, so that two stages may
		// swap names.
		if _, err := tx.ExecContext(ctx, `UPDATE stages SET name = '#' || id || ' ' || name`); err != nil {
			return err
		}
		for i := range in {
			s := &in[i]
			if s.ID == 0 {
				err = tx.QueryRowContext(ctx, `INSERT INTO stages (name, position, probability, outcome)
VALUES (?, ?, ?, ?) RETURNING id`, s.Name, s.Position, s.Probability, s.Outcome).Scan(&s.ID)
			} else {
				err = execOne(ctx, tx, `UPDATE stages SET name = ?, position = ?, probability = ?,
    outcome = ? WHERE id = ?`, s.Name, s.Position, s.Probability, s.Outcome, s.ID)
			}
			if err != nil {
				return err
			}
		}
		for _, c := range cur {
			if !keepsStage(in, c.ID) {
				if err := execOne(ctx, tx, `DELETE FROM stages WHERE id = ?`, c.ID); err != nil {
					return err
				}
			}
		}
		if probabilityChanged(cur, in) {
			if _, err := tx.ExecContext(ctx, `DELETE FROM pipeline_totals`); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, rebuildTotalsSQL); err != nil {
				return err
			}
		}
		saved, err = txStages(ctx, tx)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("set stages: %w", err)
	}
	return saved, moved, nil
}

// moveStageDeals moves the deals of each removed stage of moves to its
// destination, as SetStagesMoving says, inside tx.
func (db *DB) moveStageDeals(ctx context.Context, tx *sql.Tx, cur, in []Stage, moves map[int64]int64, by int64) (int, error) {
	byID := map[int64]Stage{}
	for _, c := range cur {
		byID[c.ID] = c
	}
	moved := 0
	for from, to := range moves {
		src, ok := byID[from]
		switch {
		case !ok:
			return 0, invalid("stage %d does not exist", from)
		case keepsStage(in, from):
			return 0, invalid("the deals of %s move only when the stage is removed", src.Name)
		}
		dst, ok := byID[to]
		switch {
		case !ok || !keepsStage(in, to):
			return 0, invalid("the deals of %s must go to a stage the pipeline keeps", src.Name)
		case dst.Outcome != OutcomeOpen:
			return 0, invalid("the deals of %s must go to an open stage, not %s: a deal is marked %s one at a time",
				src.Name, dst.Name, dst.Outcome)
		}
		ids, err := stageDeals(ctx, tx, from)
		if err != nil {
			return 0, err
		}
		for _, id := range ids {
			o, err := txOpportunity(ctx, tx, id)
			if err != nil {
				return 0, err
			}
			if _, err := db.setStage(ctx, tx, o, dst, o.LostReason, by); err != nil {
				return 0, err
			}
			moved++
		}
	}
	return moved, nil
}

// stageDeals are the ids of the opportunities in stage id.
func stageDeals(ctx context.Context, tx *sql.Tx, id int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM opportunities WHERE stage_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r rowScanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
}

// checkStages checks what can be checked of a new pipeline without the
// database and returns it trimmed, positioned and with open as the
// default outcome.
func checkStages(stages []Stage) ([]Stage, error) {
	in := make([]Stage, len(stages))
	copy(in, stages)
	if len(in) > MaxStages {
		return nil, invalid("%d stages; a pipeline has at most %d", len(in), MaxStages)
	}
	seen := map[string]bool{}
	ids := map[int64]bool{}
	n := map[Outcome]int{}
	closed := "" // the first won or lost stage met
	for i := range in {
		s := &in[i]
		s.Name = strings.TrimSpace(s.Name)
		s.Position = i
		if s.Outcome == "" {
			s.Outcome = OutcomeOpen
		}
		switch {
		case s.Name == "":
			return nil, invalid("stage %d has no name", i+1)
		case !s.Outcome.Valid():
			return nil, invalid("stage %s: the outcome must be open, won or lost, not %q", s.Name, s.Outcome)
		case s.Probability < 0 || s.Probability > 100:
			return nil, invalid("stage %s: the probability is a percentage from 0 to 100, not %d", s.Name, s.Probability)
		case seen[strings.ToLower(s.Name)]:
			return nil, invalid("two stages are called %s: give each its own name", s.Name)
		case s.ID < 0 || (s.ID != 0 && ids[s.ID]):
			return nil, invalid("stage %s: id %d is listed twice", s.Name, s.ID)
		case s.Outcome == OutcomeOpen && closed != "":
			return nil, invalid("stage %s is open and comes after %s: won and lost end the pipeline, after every open stage", s.Name, closed)
		}
		if err := checkText("stage name", s.Name, MaxStageNameLen); err != nil {
			return nil, err
		}
		if s.Outcome != OutcomeOpen && closed == "" {
			closed = s.Name
		}
		seen[strings.ToLower(s.Name)] = true
		ids[s.ID] = s.ID != 0
		n[s.Outcome]++
	}
	switch {
	case n[OutcomeOpen] == 0:
		return nil, invalid("the pipeline needs at least one open stage")
	case n[OutcomeWon] != 1:
		return nil, invalid("the pipeline needs exactly one won stage, not %d", n[OutcomeWon])
	case n[OutcomeLost] != 1:
		return nil, invalid("the pipeline needs exactly one lost stage, not %d", n[OutcomeLost])
	}
	return in, nil
}

// checkStageChanges refuses to remove or change the outcome of a stage
// that holds opportunities, and ids that are not stages.
func checkStageChanges(ctx context.Context, tx *sql.Tx, cur, in []Stage) error {
	byID := map[int64]Stage{}
	for _, c := range cur {
		byID[c.ID] = c
	}
	for _, s := range in {
		if s.ID == 0 {
			continue
		}
		c, ok := byID[s.ID]
		if !ok {
			return invalid("stage %d does not exist", s.ID)
		}
		if c.Outcome == s.Outcome {
			continue
		}
		if n, err := stageUse(ctx, tx, c.ID); err != nil {
			return err
		} else if n > 0 {
			return invalid("stage %s holds %s: its outcome cannot change from %s to %s; move them first",
				c.Name, plural(n, "opportunity", "opportunities"), c.Outcome, s.Outcome)
		}
	}
	for _, c := range cur {
		if keepsStage(in, c.ID) {
			continue
		}
		if n, err := stageUse(ctx, tx, c.ID); err != nil {
			return err
		} else if n > 0 {
			return invalid("stage %s holds %s: move them to another stage before removing it",
				c.Name, plural(n, "opportunity", "opportunities"))
		}
	}
	return nil
}

// stageUse counts the opportunities in stage id.
func stageUse(ctx context.Context, tx *sql.Tx, id int64) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM opportunities WHERE stage_id = ?`, id).Scan(&n)
	return n, err
}

// probabilityChanged reports whether a stage kept from cur has another
// probability in in: the expected values kept in pipeline_totals are
// then rebuilt.
func probabilityChanged(cur, in []Stage) bool {
	for _, c := range cur {
		for _, s := range in {
			if s.ID == c.ID && s.Probability != c.Probability {
				return true
			}
		}
	}
	return false
}

func keepsStage(in []Stage, id int64) bool {
	for _, s := range in {
		if s.ID == id {
			return true
		}
	}
	return false
}

// plural is "1 opportunity" or "3 opportunities".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
