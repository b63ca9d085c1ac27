package mail

import (
	"testing"

	"github.com/leadmail/leadmail/mail/localsmtp"
)

// TestSMTPServerGoesAwayAndComesBack is the demo's offline story: the
// kept connection dies with the server, sends fail as unreachable (so the
// outbox retries them), and the same sender delivers once it is back.
func TestSMTPServerGoesAwayAndComesBack(t *testing.T) {
	srv := startServer(t, localsmtp.Config{Username: smtpUser, Password: smtpPass})
	cfg, _ := clientFor(srv)
	s := newSender(t, cfg)
	if err := send(t, s, testMessage(t, "before")); err != nil {
		t.Fatalf("send before Stop: %v", err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the kept connection, then a fresh dial
		err := send(t, s, testMessage(t, "while down"))
		if ClassOf(err) != ClassUnreachable || !IsTemporary(err) {
			t.Fatalf("send while stopped = %v (%v), want unreachable", err, ClassOf(err))
		}
		if want := "mail server " + srv.Addr() + " is unreachable: connection refused"; errString(err) != want {
			t.Errorf("error = %q, want %q", errString(err), want)
		}
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	if err := send(t, s, testMessage(t, "after")); err != nil {
		t.Fatalf("send after Start: %v", err)
	}
	if n := len(srv.Messages()); n != 2 {
		t.Errorf("server has %d messages, want 2", n)
	}
}
