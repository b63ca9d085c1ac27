//go:build !unix

package localimap

// lockDir does nothing where advisory locks are not available: one server
// per directory is then the caller's care.
func lockDir(string) (func(), error) { return func() {}, nil }
