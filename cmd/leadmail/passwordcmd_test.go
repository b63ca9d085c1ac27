package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// running reports whether the process pid is alive and not a zombie
// (Linux only; elsewhere it reports false).
func running(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	_, rest, _ := strings.Cut(string(b), ") ")
	return !strings.HasPrefix(rest, "Z")
}

func TestTrust11HangingPasswordCmdIsBoundedWithItsChildren(t *testing.T) {
	for _, tc := range []struct{ name, cmd string }{
		{"waits for a child", "sleep 45 & echo $! > PID; wait"},
		{"a child holds the output open", "sleep 45 & echo $! > PID; echo hunter2"},
		{"never answers", "echo $$ > PID; exec sleep 45"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pidFile := filepath.Join(t.TempDir(), "pid")
			start := time.Now()
			_, err := runPasswordCmd(t.Context(), strings.ReplaceAll(tc.cmd, "PID", pidFile), 300*time.Millisecond)
			if err == nil || err.Error() != "smtp.password_cmd did not answer within 300ms" {
				t.Fatalf("err = %v, want the timeout sentence", err)
			}
			if d := time.Since(start); d > 20*time.Second {
				t.Fatalf("took %s: the 45 s child was waited for", d)
			}
			b, err := os.ReadFile(pidFile)
			if err != nil {
				t.Fatal(err)
			}
			pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil {
				t.Fatal(err)
			}
			// SIGKILL lands asynchronously: wait for it, on the condition.
			tick := time.NewTicker(10 * time.Millisecond)
			defer tick.Stop()
			giveUp := time.After(10 * time.Second)
			for running(pid) {
				select {
				case <-tick.C:
				case <-giveUp:
					t.Fatalf("the command's child %d still runs", pid)
				}
			}
		})
	}
}

func TestTrust11PasswordCmdFailuresSayWhy(t *testing.T) {
	_, err := runPasswordCmd(context.Background(), "exit 3", time.Minute)
	if err == nil || err.Error() != "smtp.password_cmd failed: exit status 3" {
		t.Fatalf("err = %v, want no empty reason after the status", err)
	}
	_, err = runPasswordCmd(context.Background(), "echo 'vault is locked' >&2; exit 1", time.Minute)
	if err == nil || err.Error() != "smtp.password_cmd failed: exit status 1: vault is locked" {
		t.Fatalf("err = %v, want the command's reason", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := runPasswordCmd(ctx, "echo hunter2", time.Minute); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("cancelled: err = %v, want a refusal without the output", err)
	}
}
