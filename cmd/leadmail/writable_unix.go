//go:build unix

package main

import "syscall"

// wOK is access(2)'s W_OK.
const wOK = 2

// writable reports whether this process may write to path (a file, or a
// folder it would create files in).
func writable(path string) bool { return syscall.Access(path, wOK) == nil }
