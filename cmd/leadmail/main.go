// Command leadmail is a terminal CRM client for salespeople: browse contacts
// and leads, send Smart Mail through your own mailbox, and follow each
// contact's Life of the Lead. Run `leadmail demo` to try it offline.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCmd().ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "leadmail:", err)
		os.Exit(1)
	}
}
