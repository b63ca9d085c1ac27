// Command leadmail is a terminal CRM client for salespeople: browse contacts
// and leads, send Smart Mail through your own mailbox, and follow each
// contact's Life of the Lead. Run `leadmail demo` to try it offline.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes leadmail with args and returns its exit code. Standard
// output goes through a safeWriter, so that nothing from the data reaches
// the terminal raw (commands that write data use rawOut); the error
// sentence is escaped the same way.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	out := newSafeWriter(stdout)
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(out)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if ferr := out.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("write output: %w", ferr)
	}
	if code, ok := errors.AsType[exitStatus](err); ok {
		return int(code) // the answer is the status: nothing to say
	}
	if err != nil {
		fmt.Fprintln(stderr, "leadmail:", termSafe(errorSentence(err)))
		return 1
	}
	return 0
}
