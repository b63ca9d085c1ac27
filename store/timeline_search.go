package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Searching a contact's Life of the Lead. Words are matched the way the
// contact search matches them, without case and accents ("lefevre" finds
// Lefèvre, "MULLER" finds Müller), anywhere inside the text, every word of
// the query in one event. The text of an event is its subject, its detail,
// and what its data holds that a person wrote: a note's text and a call's
// note. There is no index on that text: the events of one contact are read
// in timeline order on events_timeline and matched in Go, which keeps the
// SQL plain and reads 5,000 events in a few milliseconds.

// TimelineSearch is a parsed timeline query: the folded words an event
// must all contain. Its zero value matches every event.
type TimelineSearch struct {
	words [][]byte
}

// ParseTimelineSearch reads what a user typed into a TimelineSearch:
// words are split as the contact search splits them (at most eight, each
// at most 64 letters; runs of punctuation alone are dropped) and folded.
func ParseTimelineSearch(s string) TimelineSearch {
	var q TimelineSearch
	for _, w := range searchWords(s) {
		q.words = append(q.words, appendFolded(nil, []byte(w)))
	}
	return q
}

// Empty reports whether the search has no word, so matches every event.
func (q TimelineSearch) Empty() bool { return len(q.words) == 0 }

// Matches reports whether every word of q is in e's subject, detail, note
// text or call note, ignoring case and accents.
func (q TimelineSearch) Matches(e Event) bool {
	var f folder
	return q.match(&f, []byte(e.Subject), []byte(e.Detail), []byte(e.Data["text"]), []byte(e.Data["note"]))
}

// folder holds the folded texts of one event, its buffers reused from
// event to event.
type folder struct {
	bufs [4][]byte
}

// match reports whether every word of q is in one of the texts (at most
// four) once folded.
func (q TimelineSearch) match(f *folder, texts ...[]byte) bool {
	if q.Empty() {
		return true
	}
	for i, t := range texts {
		f.bufs[i] = appendFolded(f.bufs[i][:0], t)
	}
	for _, w := range q.words {
		found := false
		for i := range texts {
			if bytes.Contains(f.bufs[i], w) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// foldText is s in lower case without accents.
func foldText(s string) string { return string(appendFolded(nil, []byte(s))) }

// appendFolded appends b to dst in lower case without accents, rune by
// rune: ASCII changes case in place, other letters go through foldRune.
// Invalid UTF-8 becomes U+FFFD.
func appendFolded(dst, b []byte) []byte {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		dst = append(dst, foldRune(r)...)
		i += n
	}
	return dst
}

// foldedRunes caches foldRune's answers: a timeline uses a few dozen
// letters beyond ASCII.
var foldedRunes sync.Map // rune → string

// foldRune is r in lower case without its marks: é is e and a combining
// acute accent once decomposed, and the accent goes; a combining mark
// alone becomes nothing.
func foldRune(r rune) string {
	if v, ok := foldedRunes.Load(r); ok {
		return v.(string)
	}
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, string(r))
	if err != nil {
		out = string(r)
	}
	out = strings.ToLower(out)
	foldedRunes.Store(r, out)
	return out
}

// dataField is the string value of name in an event's data, nil when it
// has none. Data is compact JSON of strings (encodeData), where a quote
// inside a value is always escaped: so `"name":"` after { or , can only
// be that key, and its value runs to the next unescaped quote. A value
// with escapes, or data in another shape (written by hand), is read by
// encoding/json; a field that is no string is no text.
func dataField(data []byte, name string) []byte {
	if len(data) == 0 {
		return nil
	}
	key := []byte(`"` + name + `":"`)
	for from := 0; ; {
		i := bytes.Index(data[from:], key)
		if i < 0 {
			break
		}
		i += from
		if i == 0 || (data[i-1] != '{' && data[i-1] != ',') {
			from = i + 1
			continue
		}
		start := i + len(key)
		escaped := false
		for j := start; j < len(data); j++ {
			switch data[j] {
			case '\\':
				escaped = true
				j++ // the escaped byte
			case '"':
				if !escaped {
					return data[start:j]
				}
				return unescapeJSON(data[start-1 : j+1])
			}
		}
		return nil // unterminated: not JSON written by encodeData
	}
	if !bytes.Contains(data, []byte(`"`+name+`"`)) {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(data, &m) != nil {
		return nil
	}
	v, _ := m[name].(string)
	return []byte(v)
}

// unescapeJSON is the value of the JSON string literal lit (quotes
// included): the usual escapes by hand, \u ones by encoding/json.
func unescapeJSON(lit []byte) []byte {
	body := lit[1 : len(lit)-1]
	if bytes.Contains(body, []byte(`\u`)) {
		var v string
		if json.Unmarshal(lit, &v) != nil {
			return nil
		}
		return []byte(v)
	}
	out := make([]byte, 0, len(body))
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' || i+1 == len(body) {
			out = append(out, c)
			continue
		}
		i++
		switch body[i] {
		case 'n':
			out = append(out, '\n')
		case 't':
			out = append(out, '\t')
		case 'r':
			out = append(out, '\r')
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		default: // \" \\ \/
			out = append(out, body[i])
		}
	}
	return out
}

// searchScanSQL reads the searchable text of a contact's events in
// timeline order, on events_timeline (contact_id, at DESC, id DESC).
const searchScanSQL = `SELECT id, subject, detail, data FROM events
WHERE contact_id = ? ORDER BY at DESC, id DESC`

// SearchTimeline returns the contact's events that match query (see
// TimelineSearch), newest first as Timeline gives them, at most limit
// (<= 0: TimelineLimit), however deep in the timeline they are. A query
// without a word is the plain Timeline.
func (db *DB) SearchTimeline(ctx context.Context, contactID int64, query string, limit int) ([]Event, error) {
	if limit <= 0 {
		limit = TimelineLimit
	}
	q := ParseTimelineSearch(query)
	if q.Empty() {
		return db.Timeline(ctx, contactID, limit)
	}
	ids, err := db.searchEventIDs(ctx, contactID, q, limit)
	if err != nil {
		return nil, fmt.Errorf("search the timeline of contact %d: %w", contactID, err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	// The timeline query numbers its own parameters ?1 to ?4; the ids
	// follow from ?5.
	marks := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		marks[i], args[i] = "?"+strconv.Itoa(i+5), id
	}
	cond := ` AND e.id IN (` + strings.Join(marks, ", ") + `)`
	es, err := db.timeline(ctx, cond, contactID, len(ids), args...)
	if err != nil {
		return nil, fmt.Errorf("search the timeline of contact %d: %w", contactID, err)
	}
	return es, nil
}

// searchEventIDs walks the contact's events newest first and returns the
// ids of the first limit that match q.
func (db *DB) searchEventIDs(ctx context.Context, contactID int64, q TimelineSearch, limit int) ([]int64, error) {
	rows, err := db.sql.QueryContext(ctx, searchScanSQL, contactID)
	if err != nil {
		return nil, translate(err)
	}
	defer func() { _ = rows.Close() }()
	var (
		ids                   []int64
		f                     folder
		id                    int64
		subject, detail, data sql.RawBytes
	)
	for rows.Next() {
		if err := rows.Scan(&id, &subject, &detail, &data); err != nil {
			return nil, translate(err)
		}
		text, note := dataField(data, "text"), dataField(data, "note")
		if q.match(&f, subject, detail, text, note) {
			if ids = append(ids, id); len(ids) == limit {
				break
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err)
	}
	return ids, nil
}
