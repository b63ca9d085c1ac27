package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// passwordCmdTimeout bounds smtp.password_cmd, children included: a
// command waiting for a prompt nobody sees must not hang leadmail.
const passwordCmdTimeout = 30 * time.Second

// passwordCmdMaxOutput bounds what is kept of the command's output; a
// password is one short line.
const passwordCmdMaxOutput = 64 << 10

// resolvePassword prefers an explicit password, else runs password_cmd. The
// command's output never appears in errors or logs.
func resolvePassword(ctx context.Context, password, cmd string) (string, error) {
	if password != "" || cmd == "" {
		return password, nil
	}
	return runPasswordCmd(ctx, cmd, passwordCmdTimeout)
}

// runPasswordCmd runs cmd with sh in its own process group and returns the
// first line it prints. When it has not finished within timeout the whole
// group is killed, so that a child holding its output open (`sleep 45 &`)
// cannot keep leadmail waiting.
func runPasswordCmd(ctx context.Context, cmd string, timeout time.Duration) (string, error) {
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c := exec.CommandContext(tctx, "sh", "-c", cmd)
	inOwnGroup(c) // c.Cancel kills the group
	c.WaitDelay = time.Second
	var stdout, stderr boundedBuffer
	stdout.max, stderr.max = passwordCmdMaxOutput, 200
	c.Stdout, c.Stderr = &stdout, &stderr
	err := c.Run()
	killGroup(c) // what the command left behind in its group
	switch {
	case ctx.Err() != nil:
		return "", fmt.Errorf("smtp.password_cmd: %w", ctx.Err())
	case errors.Is(tctx.Err(), context.DeadlineExceeded):
		return "", fmt.Errorf("smtp.password_cmd did not answer within %s", timeout)
	case err != nil:
		reason := strings.TrimSpace(stderr.String())
		if reason == "" {
			return "", fmt.Errorf("smtp.password_cmd failed: %w", err)
		}
		return "", fmt.Errorf("smtp.password_cmd failed: %w: %s", err, reason)
	}
	line, _, _ := strings.Cut(stdout.String(), "\n")
	line = strings.TrimRight(line, "\r")
	if line == "" {
		return "", errors.New("smtp.password_cmd printed nothing")
	}
	return line, nil
}

// boundedBuffer keeps the first max bytes written to it and drops the
// rest, without failing the writer.
type boundedBuffer struct {
	bytes.Buffer
	max int
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}
