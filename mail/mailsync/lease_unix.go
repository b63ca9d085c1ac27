//go:build unix

package mailsync

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// holderGone reports whether holder (named "pid@host", perhaps after a
// word such as "demo ") is a process of this machine that no longer
// runs: a sync killed with -9 that never gave its lease back. Any doubt
// (another machine, a name not of that form, a process we may not
// signal) counts as alive.
func holderGone(holder string) bool {
	if i := strings.LastIndexByte(holder, ' '); i >= 0 {
		holder = holder[i+1:]
	}
	pidText, host, ok := strings.Cut(holder, "@")
	if !ok {
		return false
	}
	pid, err := strconv.Atoi(pidText)
	if err != nil || pid <= 0 {
		return false
	}
	me, err := os.Hostname()
	if err != nil || me != host {
		return false
	}
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
