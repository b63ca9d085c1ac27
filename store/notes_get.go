package store

import (
	"context"
	"fmt"
)

// GetNote returns note id, for a screen that shows it whole (its note
// event holds the text too, but a screen opened by id reads the row). An
// unknown id is ErrNotFound.
func (db *DB) GetNote(ctx context.Context, id int64) (Note, error) {
	n, err := scanNote(db.sql.QueryRowContext(ctx, `SELECT `+noteCols+` FROM notes WHERE id = ?`, id))
	if err != nil {
		return Note{}, fmt.Errorf("note %d: %w", id, translate(err))
	}
	return n, nil
}
