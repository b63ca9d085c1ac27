//go:build !unix

package main

import "os/exec"

// inOwnGroup leaves c as it is where process groups do not exist; the
// timeout still kills the command itself, and WaitDelay stops waiting for
// its output.
func inOwnGroup(*exec.Cmd) {}

// killGroup does nothing where process groups do not exist.
func killGroup(*exec.Cmd) {}
