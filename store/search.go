package store

import (
	"context"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Search input limits: enough for "first last company" typed by a person,
// small enough that hostile input cannot make one MATCH expensive.
const (
	maxSearchTokens = 8
	maxTokenRunes   = 64
	// minTrigramRunes is the shortest word the trigram index can find
	// inside a word.
	minTrigramRunes = 3
)

// searchWords splits free text typed by a user into at most
// maxSearchTokens words of at most maxTokenRunes runes: control characters
// separate words, invalid UTF-8 is replaced, and words with no letter or
// digit are dropped (unicode61 would reduce them to an empty phrase).
func searchWords(s string) []string {
	s = strings.ToValidUTF8(s, " ")
	var words []string
	for _, tok := range strings.FieldsFunc(s, isSearchSeparator) {
		if utf8.RuneCountInString(tok) > maxTokenRunes {
			tok = truncateRunes(tok, maxTokenRunes)
		}
		if !strings.ContainsFunc(tok, isLetterOrDigit) {
			continue
		}
		if words = append(words, tok); len(words) == maxSearchTokens {
			break
		}
	}
	return words
}

// quoteWord makes w an FTS5 string: inside double quotes every operator
// (AND, OR, NOT, NEAR, parentheses, column filters, ^, -, *) is plain text.
func quoteWord(w string) string {
	return `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
}

// searchQuery turns free text typed by a user into an FTS5 MATCH expression
// that cannot fail to parse: every word (see searchWords) becomes a quoted
// string followed by * (a prefix query), and the words are ANDed. It
// returns "" when nothing searchable is left, which callers treat as "no
// search".
func searchQuery(s string) string {
	words := searchWords(s)
	for i, w := range words {
		words[i] = quoteWord(w) + "*"
	}
	return strings.Join(words, " ")
}

// coverFromRunes is the length from which an in-word search asks the
// trigram index for a few of a word's trigrams rather than all of them
// (see search_rare.go): FTS5 finds a word of n letters as a phrase of its
// n-2 trigrams, and the time grows with them; a 12-letter fragment of an
// email ("npel.waldor") took 15 ms at a million contacts.
const coverFromRunes = 5

// trigramCover splits the words of s for the trigram index: match asks
// for the shorter ones whole (quoted substrings, ANDed), long lists those
// of coverFromRunes runes or more, which DB.planTier asks by a few of
// their trigrams. ok is false when a word is shorter than three letters,
// which the trigram index cannot find.
func trigramCover(s string) (match string, long []string, ok bool) {
	words := searchWords(s)
	var terms []string
	for _, w := range words {
		switch n := utf8.RuneCountInString(w); {
		case n < minTrigramRunes:
			return "", nil, false
		case n < coverFromRunes:
			terms = append(terms, quoteWord(w))
		default:
			long = append(long, w)
		}
	}
	return strings.Join(terms, " "), long, len(words) > 0
}

// searchTier is one rank group of a search: the contacts the FTS table
// matches with match, but those exclude (a contacts_fts expression, ""
// for none) matches, which an earlier group holds; when verify is not "",
// only the contacts whose name, email or company hold every word of it
// (match is then a cover: see trigramCover). cover lists the long words
// whose trigrams DB.planTier adds to match before the tier is read.
type searchTier struct {
	table, match, exclude, verify string
	cover                         []string
}

// searchTiers are the rank groups of a search for s, best first, or nil
// when s has nothing to search for:
//
//  1. every word starts a word of the first or last name (an exact or
//     prefix match on the name: "lefèvre" finds Chloé Lefèvre here);
//  2. every word starts a word of the name, email or company (Théo Garnier
//     of Atelier Lefèvre);
//  3. from three letters on, every word anywhere inside them ("ller" finds
//     Müller, "gmail" the addresses at gmail.com).
//
// Each group is walked in id order, so a page never ranks the whole
// candidate set, however short the prefix.
func searchTiers(s string) []searchTier {
	prefix := searchQuery(s)
	if prefix == "" {
		return nil
	}
	name := `{first_name last_name} : (` + prefix + `)`
	tiers := []searchTier{
		{table: "contacts_fts", match: name},
		{table: "contacts_fts", match: `(` + prefix + `) NOT (` + name + `)`},
	}
	if tri, long, ok := trigramCover(s); ok {
		t := searchTier{table: "contacts_trigram", match: tri, exclude: prefix, cover: long}
		if len(long) > 0 {
			t.verify = s
		}
		tiers = append(tiers, t)
	}
	return tiers
}

// tierQuery is the SELECT of one page of tier t under filter f: the
// columns cols of at most limit hits, in id order (descending when
// backward), after (before, backward) the id after when it is not 0.
//
// A tier with an exclusion reads its hits as the EXCEPT of two FTS
// queries, each in id order: SQLite merges the two streams (MERGE
// (EXCEPT)), so a hit that an earlier group holds costs a step of the
// merge, not a query of the word-prefix index of its own. When nearly
// every in-word hit also starts a word ("tinha" in names made of
// syllables), a page walks tens of thousands of hits before it finds 50
// of its own: a per-hit probe made that hundreds of milliseconds.
func (db *DB) tierQuery(t searchTier, f ContactFilter, cols string, after int64, backward bool, limit int) (string, []any) {
	cmp, dir := ">", ""
	if backward {
		cmp, dir = "<", " DESC"
	}
	var (
		from  string
		where []string
		args  []any
	)
	if t.exclude == "" {
		from = t.table + ` f CROSS JOIN contacts c ON c.id = f.rowid`
		where, args = []string{`f.` + t.table + ` MATCH ?`}, []any{t.match}
		if after != 0 {
			where, args = append(where, `f.rowid `+cmp+` ?`), append(args, after)
		}
	} else {
		arm := func(table, match string) string {
			q := `SELECT rowid FROM ` + table + ` WHERE ` + table + ` MATCH ?`
			args = append(args, match)
			if after != 0 {
				q, args = q+` AND rowid `+cmp+` ?`, append(args, after)
			}
			return q
		}
		hits := arm(t.table, t.match)
		earlier := arm("contacts_fts", t.exclude)
		// LIMIT -1 (none) keeps the ORDER BY, which SQLite would
		// otherwise drop from a subquery, and with it the descending
		// merge of a backward page.
		from = `(` + hits + `
    EXCEPT ` + earlier + `
    ORDER BY 1` + dir + ` LIMIT -1) f CROSS JOIN contacts c ON c.id = f.rowid`
	}
	if t.verify != "" {
		where = append(where, verifyFuncName+`(?, c.first_name, c.last_name, c.email, c.company)`)
		args = append(args, t.verify)
	}
	where, args = db.filterWhere(f, where, args)
	q := `SELECT ` + cols + ` FROM ` + from + `
    LEFT JOIN users u ON u.id = c.owner_id` + whereClause(where) + "\nORDER BY f.rowid" + dir + ` LIMIT ?`
	return q, append(args, limit)
}

// listSearch is ListContacts with a search: the groups of tiers one after
// the other, each in id order, a cursor carrying its group.
func (db *DB) listSearch(ctx context.Context, req PageRequest, mode pageMode, tiers []searchTier,
	limit int, scan rowScan) (ContactPage, error) {
	fetch := limit + 1
	backward := mode == pageBefore || mode == pageLast
	at, t, step := req.After, 0, 1
	if backward {
		at, t, step = req.Before, len(tiers)-1, -1
	}
	if at != nil {
		t = min(max(at.tier, 0), len(tiers)-1)
	}
	cols := contactCols
	if req.Brief {
		cols = briefCols
	}
	cols = strings.Replace(cols, `c.sort_key`, `''`, 1)
	var (
		cs     []Contact
		tierOf []int
	)
	for ; t >= 0 && t < len(tiers) && len(cs) < fetch; t += step {
		var after int64
		if at != nil && at.tier == t {
			after = at.ID
		}
		need := fetch - len(cs)
		tier, err := db.planTier(ctx, tiers[t])
		if err != nil {
			return ContactPage{}, err
		}
		q, args := db.tierQuery(tier, req.Filter, cols, after, backward, need)
		got, _, err := db.queryContacts(ctx, need, scan, q, args...)
		if err != nil {
			return ContactPage{}, err
		}
		cs = append(cs, got...)
		for range got {
			tierOf = append(tierOf, t)
		}
	}
	more := len(cs) > limit
	if more {
		cs, tierOf = cs[:limit], tierOf[:limit]
	}
	if backward {
		slices.Reverse(cs)
		slices.Reverse(tierOf)
	}
	p := pageFlags(mode, more)
	p.Contacts = cs
	if n := len(cs); n > 0 {
		p.First = Cursor{ID: cs[0].ID, tier: tierOf[0]}
		p.Last = Cursor{ID: cs[n-1].ID, tier: tierOf[n-1]}
	}
	return p, nil
}

func isSearchSeparator(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }

func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// truncateRunes keeps the first n runes of s.
func truncateRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
