package outbox

// SetOnBeat makes s call f after each lease renewal, for tests that wait
// on a renewal instead of a clock.
func SetOnBeat(s *Service, f func(id int64, err error)) { s.onBeat = f }

// Die lets go of s's runner lock as a killed process would, leaving its
// lock file and its claims behind.
func Die(s *Service) { s.lock.release(false) }

// RecordEvery and RecordWithin bound a run's groups of unrecorded sends.
const (
	RecordEvery  = recordEvery
	RecordWithin = recordWithin
)
