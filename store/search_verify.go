package store

import (
	"database/sql/driver"
	"sync"
	"sync/atomic"

	"modernc.org/sqlite"
)

// verifyFuncName is the SQL function that keeps an in-word search's true
// hits among a cover's (see trigramCover; SQLite-specific, registered with
// the driver): leadmail_contains(query, first, last, email, company) is 1
// when every word of query is inside one of the four, without case and
// accents, the way the trigram index (remove_diacritics 1) compares them.
const verifyFuncName = "leadmail_contains"

// lastVerify is the query verifyFuncName parsed last: one page asks it of
// every candidate row with the same query.
var lastVerify atomic.Pointer[parsedVerify]

type parsedVerify struct {
	query string
	q     TimelineSearch
}

// folders are the verifier's reusable fold buffers.
var folders = sync.Pool{New: func() any { return new(folder) }}

// containsWords is verifyFuncName's body.
func containsWords(query string, texts ...string) bool {
	p := lastVerify.Load()
	if p == nil || p.query != query {
		p = &parsedVerify{query: query, q: ParseTimelineSearch(query)}
		lastVerify.Store(p)
	}
	f := folders.Get().(*folder)
	defer folders.Put(f)
	return p.q.match(f, []byte(texts[0]), []byte(texts[1]), []byte(texts[2]), []byte(texts[3]))
}

// registerVerifyFunc registers verifyFuncName with the driver, once per
// process.
var registerVerifyFunc = sync.OnceValue(func() error {
	return sqlite.RegisterDeterministicScalarFunction(verifyFuncName, 5,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			if containsWords(argText(args[0]), argText(args[1]), argText(args[2]), argText(args[3]), argText(args[4])) {
				return int64(1), nil
			}
			return int64(0), nil
		})
})
