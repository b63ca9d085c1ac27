package demo

import (
	"sync/atomic"
	"time"
)

// Clock is a clock that can be pinned to a time, for store.Options.Now.
//
// The store stamps some rows with its own clock rather than with times given
// to it: the "queued" event and creation time of an enqueued message, the
// creation time of users and emails. To make seeded history truthful, open
// the database with Options{Now: clock.Now} and pass the same clock in
// DemoOptions; Demo pins it to the moment of each historical write and puts
// it back as it found it before returning. The zero Clock follows time.Now.
// It is safe for concurrent use.
type Clock struct {
	pinned atomic.Pointer[time.Time]
}

// Now returns the pinned time, or time.Now() when the clock is not pinned.
func (c *Clock) Now() time.Time {
	if t := c.pinned.Load(); t != nil {
		return *t
	}
	return time.Now()
}

// Set pins the clock to t; the zero time unpins it.
func (c *Clock) Set(t time.Time) { c.swap(t) }

// swap pins the clock to t (unpins it for the zero time) and returns the
// previous pin, nil when there was none.
func (c *Clock) swap(t time.Time) *time.Time {
	if t.IsZero() {
		return c.pinned.Swap(nil)
	}
	return c.pinned.Swap(&t)
}

// restore puts back a pin returned by swap.
func (c *Clock) restore(prev *time.Time) { c.pinned.Store(prev) }
