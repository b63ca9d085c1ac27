package outbox_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail/outbox"
)

// A FIFO or a device as an attachment is refused before a byte is read,
// when it is added and when the message is composed, and nothing is
// queued; a file that grew over the limit since it was added is refused
// without being read whole.
func TestTrust09AttachmentsRegularFilesOnly(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.pdf")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	grows := writeFile(t, dir, "grows.pdf", 100)
	tight := e.serviceWith(t, func(c *outbox.Config) { c.MaxAttachmentMB = 1 })
	base, err := tight.NewDraft(t.Context(), e.contact.ID, e.email.ID)
	if err != nil {
		t.Fatal(err)
	}
	added, err := tight.CheckAttachment(grows, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(grows, make([]byte, 3<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, want string
	}{
		{"FIFO", fifo, "named pipe (FIFO), not a file"},
		{"device", "/dev/zero", "is a device, not a file"},
		{"folder", dir, "is a folder"},
	} {
		t.Run("check "+tc.name, func(t *testing.T) {
			err := returns(t, func() error { _, err := tight.CheckAttachment(tc.path, nil); return err })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("CheckAttachment(%s) = %v, want %q", tc.path, err, tc.want)
			}
		})
		t.Run("send "+tc.name, func(t *testing.T) {
			d := base
			d.Attachments = []outbox.Attachment{{Path: tc.path, Name: "x.pdf"}}
			err := returns(t, func() error { _, err := tight.SendDraft(t.Context(), d); return err })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("SendDraft = %v, want %q", err, tc.want)
			}
		})
	}
	d := base
	d.Attachments = []outbox.Attachment{added}
	if _, err := tight.SendDraft(t.Context(), d); err == nil || !strings.Contains(err.Error(), "1 MB limit") {
		t.Fatalf("SendDraft of a file grown over the limit = %v", err)
	}
	ok := writeFile(t, dir, "ok.pdf", 100)
	d.Attachments = []outbox.Attachment{{Path: ok, Name: "ok.pdf"}}
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := tight.SendDraft(cancelled, d); !errors.Is(err, context.Canceled) {
		t.Fatalf("SendDraft with a cancelled context = %v, want context.Canceled", err)
	}
	if n := e.messageCount(t); n != 0 {
		t.Errorf("%d messages queued, want none", n)
	}
}

// returns runs fn and fails the test if it has not returned within a
// minute: the watchdog of an open that would hang, not a timing.
func returns(t *testing.T, fn func() error) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		err = fn()
	}()
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("the call hangs")
	}
	return err
}
