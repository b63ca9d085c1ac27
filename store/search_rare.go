package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// A long in-word search word is asked of the trigram index as a few of its
// rarest trigrams, and verifyFuncName keeps the rows that hold the whole
// word.
//
// FTS5 answers "a" AND "b" AND "c" by stepping every term's list of rows
// past the others' until they agree, so the time follows the terms' lists,
// and the common ones cost the most: at a million synthetic contacts "mar"
// is in 243,000 rows, "bau" in 3,200. Every other trigram of
// "o.maranno" ("o.m" "mar" "ran" "nno") took 12 ms, nearly all of it in
// "mar" and "ran"; three of its rarest ("ann" "o.m" "ara") find the same
// rows among about a hundred candidates in 1.5 ms.
//
// How rare a trigram is comes from the first rows of its list: the ids
// are spread over the table, so the 64th id says how dense the list is
// (within 10 % of the true count on the benchmark's words, for 60 µs a
// probe). Estimates are kept per database: the words typed into a search
// box share their trigrams from one keystroke to the next, and an
// estimate that grows stale only steers the speed, never the answer.

const (
	// coverSpread is how much more common than the second a third
	// trigram of a long word may be (see coverTerms).
	coverSpread = 4
	// trigramProbeRows is how many ids of a trigram's list the estimate
	// reads.
	trigramProbeRows = 64
	// maxTrigramEstimates bounds the estimates kept; past it they are
	// forgotten and probed again.
	maxTrigramEstimates = 4096
)

// trigramProbe reads how many of the first trigramProbeRows ids of a
// trigram's list there are and the last of them.
var trigramProbe = `SELECT count(*), coalesce(max(rowid), 0) FROM (
    SELECT rowid FROM contacts_trigram WHERE contacts_trigram MATCH ? ORDER BY rowid LIMIT ` +
	strconv.Itoa(trigramProbeRows) + `)`

// trigramEstimates is what DB keeps of trigramDocs' probes.
type trigramEstimates struct {
	mu   sync.Mutex
	docs map[string]float64 // trigram, lower case → estimated rows
}

func (e *trigramEstimates) get(tri string) (float64, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	docs, ok := e.docs[tri]
	return docs, ok
}

func (e *trigramEstimates) put(tri string, docs float64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.docs == nil || len(e.docs) >= maxTrigramEstimates {
		e.docs = make(map[string]float64)
	}
	e.docs[tri] = docs
}

// trigramDocs estimates how many contacts hold the trigram tri (three
// runes): exactly when its list has fewer than trigramProbeRows ids,
// otherwise from how far into the table (top, the largest id) the first
// trigramProbeRows of them reach.
func (db *DB) trigramDocs(ctx context.Context, tri string, top int64) (float64, error) {
	if docs, ok := db.trigrams.get(tri); ok {
		return docs, nil
	}
	st, err := db.prepared(ctx, trigramProbe) //nolint:sqlclosecheck // cached, closed by DB.Close
	if err != nil {
		return 0, err
	}
	var n, last int64
	if err := st.QueryRowContext(ctx, quoteWord(tri)).Scan(&n, &last); err != nil {
		return 0, translate(err)
	}
	docs := float64(n)
	if n == trigramProbeRows && last > 0 {
		docs = float64(n) * float64(max(top, last)) / float64(last)
	}
	db.trigrams.put(tri, docs)
	return docs, nil
}

// coverTerms is the trigram index's expression for a long word (at least
// coverFromRunes runes): the two trigrams at least two letters apart
// whose estimates multiply to the least (overlapping trigrams mostly hold
// the same rows), or its two rarest when no two are apart; and a third
// one apart from both if it is at most coverSpread times as common as the
// more common of the two (a common trigram costs more to step through
// than the candidates it removes cost to verify).
func (db *DB) coverTerms(ctx context.Context, word string, top int64) ([]string, error) {
	r := []rune(strings.ToLower(word))
	type trigram struct {
		at   int
		term string
		docs float64
	}
	tris := make([]trigram, 0, len(r)-2)
	for at := 0; at+3 <= len(r); at++ {
		term := string(r[at : at+3])
		docs, err := db.trigramDocs(ctx, term, top)
		if err != nil {
			return nil, err
		}
		tris = append(tris, trigram{at, term, docs})
	}
	slices.SortStableFunc(tris, func(a, b trigram) int { return cmp.Compare(a.docs, b.docs) })
	apart := func(a, b trigram) bool { return a.term != b.term && max(a.at-b.at, b.at-a.at) >= 2 }
	var pair []trigram
	for i, a := range tris {
		for _, b := range tris[i+1:] {
			if apart(a, b) && (pair == nil || a.docs*b.docs < pair[0].docs*pair[1].docs) {
				pair = []trigram{a, b}
			}
		}
	}
	if pair == nil {
		pair = tris[:1]
		if i := slices.IndexFunc(tris, func(t trigram) bool { return t.term != tris[0].term }); i >= 0 {
			pair = append(pair, tris[i])
		}
	}
	chosen := pair
	if len(pair) == 2 {
		for _, t := range tris {
			if t.docs > coverSpread*max(pair[0].docs, pair[1].docs) {
				break
			}
			if apart(t, pair[0]) && apart(t, pair[1]) {
				chosen = append(chosen, t)
				break
			}
		}
	}
	terms := make([]string, len(chosen))
	for i, t := range chosen {
		terms[i] = quoteWord(t.term)
	}
	return terms, nil
}

// planTier fills in the trigram terms of the long words of an in-word
// tier (searchTier.cover); any other tier is returned as it is.
func (db *DB) planTier(ctx context.Context, t searchTier) (searchTier, error) {
	if len(t.cover) == 0 {
		return t, nil
	}
	var top int64
	if err := db.sql.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM contacts`).Scan(&top); err != nil {
		return t, translate(err)
	}
	terms := []string{}
	if t.match != "" {
		terms = append(terms, t.match)
	}
	for _, w := range t.cover {
		ws, err := db.coverTerms(ctx, w, top)
		if err != nil {
			return t, fmt.Errorf("search %q: %w", w, err)
		}
		terms = append(terms, ws...)
	}
	t.match, t.cover = strings.Join(terms, " "), nil
	return t, nil
}
