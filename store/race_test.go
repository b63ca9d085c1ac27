//go:build race

package store

// raceEnabled is true under -race, where SQLite (transpiled C) runs about
// 20× slower: the biggest tests run without it.
const raceEnabled = true
