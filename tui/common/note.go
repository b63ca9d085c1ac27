package common

import (
	"strconv"

	"github.com/leadmail/leadmail/store"
)

// NoteID is the note a note event of a timeline shows (a contact's or a
// deal's), 0 for any other event and for a note recorded before notes had
// their own rows.
func NoteID(ev store.Event) int64 {
	if ev.Kind != store.EventNote {
		return 0
	}
	id, err := strconv.ParseInt(ev.Data["note_id"], 10, 64)
	if err != nil {
		return 0
	}
	return id
}
