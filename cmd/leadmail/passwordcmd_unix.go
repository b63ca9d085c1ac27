//go:build unix

package main

import (
	"os/exec"
	"syscall"
)

// inOwnGroup starts c in a process group of its own, and makes cancelling
// it kill the whole group: sh and whatever it started.
func inOwnGroup(c *exec.Cmd) {
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	c.Cancel = func() error { return syscall.Kill(-c.Process.Pid, syscall.SIGKILL) }
}

// killGroup kills what is left of c's process group once c has run.
func killGroup(c *exec.Cmd) {
	if c.Process != nil {
		_ = syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
	}
}
