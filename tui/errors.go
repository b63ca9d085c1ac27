package tui

import (
	"context"
	"errors"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/internal/editor"
)

// ErrorText is the one translator from errors to what the user reads. An
// empty result means say nothing: the user cancelled, or the app is quitting.
//
// Refusals and missing merge variables are already sentences meant for the
// user and pass through unchanged; a vanished row gets a plain sentence;
// anything else shows its own text, which by the project's convention names
// the operation that failed.
func ErrorText(err error) string {
	if err == nil || errors.Is(err, context.Canceled) {
		return ""
	}
	var refusal *outbox.RefusalError
	if errors.As(err, &refusal) {
		return refusal.Error()
	}
	var missing *outbox.MissingVarsError
	if errors.As(err, &missing) {
		return missing.Error()
	}
	if errors.Is(err, editor.ErrNoEditor) {
		return "No editor found: set $EDITOR (for example export EDITOR=nano), then restart leadmail"
	}
	if errors.Is(err, store.ErrNotFound) {
		return "That record no longer exists"
	}
	return err.Error()
}
