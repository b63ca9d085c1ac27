package localimap_test

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"

	"github.com/leadmail/leadmail/mail/localimap"
)

func TestFailNoIdle(t *testing.T) {
	s := start(t, localimap.Config{})
	s.Fail(localimap.Failure{NoIdle: true})
	c := dial(t, s)
	if ok, err := c.Support("IDLE"); err != nil || ok {
		t.Errorf("Support(IDLE) = %v, %v under NoIdle", ok, err)
	}
	if _, err := c.Select("INBOX", true); err != nil {
		t.Fatal(err)
	}
	// The client falls back to polling; the server refuses a raw IDLE.
	status, err := c.Execute(rawCommand("IDLE"), nil)
	if err == nil && status.Type == imap.StatusRespOk {
		t.Error("IDLE accepted under NoIdle")
	}

	s.Fail(localimap.Failure{})
	c2 := dial(t, s)
	if ok, _ := c2.Support("IDLE"); !ok {
		t.Error("IDLE not advertised after healing")
	}
}

// rawCommand is a command without arguments.
type rawCommand string

func (r rawCommand) Command() *imap.Command { return &imap.Command{Name: string(r)} }

func TestFailDownAndLogin(t *testing.T) {
	s := start(t, localimap.Config{})
	c := dial(t, s)

	s.Fail(localimap.Failure{Down: true})
	if err := c.Noop(); err == nil {
		t.Error("NOOP on an open connection succeeded while Down")
	}
	if c2, err := client.Dial(s.Addr()); err == nil {
		c2.Timeout = 2 * time.Second
		if err := c2.StartTLS(s.TLSConfig()); err == nil {
			t.Error("a new connection got through while Down")
		}
	}

	s.Fail(localimap.Failure{Login: true})
	c3, err := client.Dial(s.Addr())
	if err != nil {
		t.Fatalf("Dial after Down healed: %v", err)
	}
	defer func() { _ = c3.Logout() }()
	if err := c3.StartTLS(s.TLSConfig()); err != nil {
		t.Fatal(err)
	}
	err = c3.Login(user, pass)
	if err == nil {
		t.Fatal("Login succeeded under Failure.Login")
	}
	if !bytes.Contains([]byte(err.Error()), []byte("Invalid credentials")) {
		t.Errorf("Login error = %v", err)
	}

	s.Fail(localimap.Failure{})
	dial(t, s)
}

func TestFailLoginCode(t *testing.T) {
	s := start(t, localimap.Config{})
	s.Fail(localimap.Failure{Login: true})
	c, err := client.Dial(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Logout() }()
	if err := c.StartTLS(s.TLSConfig()); err != nil {
		t.Fatal(err)
	}
	status, err := c.Execute(&loginCommand{user, pass}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if status.Type != imap.StatusRespNo || status.Code != "AUTHENTICATIONFAILED" {
		t.Errorf("LOGIN answered %s [%s] %s", status.Type, status.Code, status.Info)
	}
}

type loginCommand struct{ user, pass string }

func (l *loginCommand) Command() *imap.Command {
	return &imap.Command{Name: "LOGIN", Arguments: []interface{}{l.user, l.pass}}
}

func TestFailDropAfterFetch(t *testing.T) {
	s := start(t, localimap.Config{})
	for range 10 {
		deliver(t, s, "INBOX", msg("x@x", "a@cust.example", user, "m"))
	}
	s.Fail(localimap.Failure{DropAfterFetch: 4})
	c := dial(t, s)
	if _, err := c.Select("INBOX", true); err != nil {
		t.Fatal(err)
	}
	set := new(imap.SeqSet)
	set.AddRange(1, 0)
	sec := headerSection("Message-ID")
	ch := make(chan *imap.Message, 16)
	done := make(chan error, 1)
	go func() { done <- c.UidFetch(set, []imap.FetchItem{imap.FetchUid, sec.FetchItem()}, ch) }()
	var got []uint32
	for m := range ch {
		got = append(got, m.Uid)
	}
	if err := <-done; err == nil {
		t.Error("UidFetch succeeded though the connection was dropped")
	}
	if !slices.Equal(got, []uint32{1, 2, 3, 4}) {
		t.Errorf("got UIDs %v before the drop, want 1..4", got)
	}

	// A fetch of no more than N is not dropped; healing restores all.
	c2 := dial(t, s)
	if _, err := c2.Select("INBOX", true); err != nil {
		t.Fatal(err)
	}
	small := new(imap.SeqSet)
	small.AddRange(7, 10)
	ch = make(chan *imap.Message, 16)
	if err := c2.UidFetch(small, []imap.FetchItem{imap.FetchUid}, ch); err != nil {
		t.Errorf("UidFetch of 4 messages under DropAfterFetch 4: %v", err)
	}
	s.Fail(localimap.Failure{})
	if n := len(uids(t, c2)); n != 10 {
		t.Errorf("after healing fetched %d, want 10", n)
	}
}
