package outbox

// SetOnBeat makes s call f after each lease renewal, for tests that wait
// on a renewal instead of a clock.
func SetOnBeat(s *Service, f func(id int64, err error)) { s.onBeat = f }
