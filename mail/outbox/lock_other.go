//go:build !unix

package outbox

import "errors"

// runnerLock is unavailable here: a dead runner's claims wait for their
// lease to end.
type runnerLock struct{}

func lockFile(string) (*runnerLock, error) {
	return nil, errors.New("runner locks need a Unix system")
}

func tryDead(string) (*runnerLock, bool) { return nil, false }

func (*runnerLock) release(bool) {}
