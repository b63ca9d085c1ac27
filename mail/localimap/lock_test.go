//go:build unix

package localimap_test

import (
	"errors"
	"testing"

	"github.com/emersion/go-imap/client"

	"github.com/leadmail/leadmail/mail/localimap"
)

// Two servers never keep one mailbox directory: each would write its
// folder state over the other's. The second is refused while the first
// runs, and starts once it is closed.
func TestDirKeptByOneServerAtATime(t *testing.T) {
	dir := t.TempDir()
	first, err := localimap.Start(localimap.Config{Username: user, Password: pass, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if s, err := localimap.Start(localimap.Config{Username: user, Password: pass, Dir: dir}); !errors.Is(err, localimap.ErrDirInUse) {
		if s != nil {
			_ = s.Close()
		}
		t.Fatalf("second Start on a kept Dir: err = %v, want ErrDirInUse", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	start(t, localimap.Config{Dir: dir})
}

// Without PlainLogin, LOGIN waits for STARTTLS; with it, a loopback client
// that cannot trust the throwaway certificate logs in.
func TestPlainLogin(t *testing.T) {
	for _, plain := range []bool{false, true} {
		s := start(t, localimap.Config{PlainLogin: plain})
		c, err := client.Dial(s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		err = c.Login(user, pass)
		_ = c.Logout()
		if plain && err != nil {
			t.Errorf("PlainLogin: LOGIN refused: %v", err)
		}
		if !plain && err == nil {
			t.Error("LOGIN accepted before STARTTLS")
		}
	}
}
