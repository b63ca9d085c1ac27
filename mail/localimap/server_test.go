package localimap_test

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"

	"github.com/leadmail/leadmail/mail/localimap"
)

const (
	user = "rep@example.com"
	pass = "s3cret"
)

// start runs a server for the test.
func start(t testing.TB, c localimap.Config) *localimap.Server {
	t.Helper()
	if c.Username == "" {
		c.Username, c.Password = user, pass
	}
	s, err := localimap.Start(c)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// dial connects, upgrades with STARTTLS and logs in.
func dial(t testing.TB, s *localimap.Server) *client.Client {
	t.Helper()
	c, err := client.Dial(s.Addr())
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { _ = c.Logout() })
	if err := c.StartTLS(s.TLSConfig()); err != nil {
		t.Fatalf("StartTLS: %v", err)
	}
	if err := c.Login(user, pass); err != nil {
		t.Fatalf("Login: %v", err)
	}
	return c
}

// msg is a small message with a Message-ID.
func msg(id, from, to, subject string) []byte {
	return fmt.Appendf(nil, "Message-ID: <%s>\r\nFrom: %s\r\nTo: %s\r\nSubject: %s\r\nDate: Mon, 02 Mar 2026 10:00:00 +0000\r\n\r\nHello %s.\r\n", id, from, to, subject, subject)
}

// headerSection is BODY.PEEK[HEADER.FIELDS (...)].
func headerSection(fields ...string) *imap.BodySectionName {
	return &imap.BodySectionName{BodyPartName: imap.BodyPartName{Specifier: imap.HeaderSpecifier, Fields: fields}, Peek: true}
}

// fetchAll runs UID FETCH 1:* of items on the selected folder.
func fetchAll(t testing.TB, c *client.Client, items ...imap.FetchItem) []*imap.Message {
	t.Helper()
	set := new(imap.SeqSet)
	set.AddRange(1, 0)
	ch := make(chan *imap.Message, 16)
	done := make(chan error, 1)
	go func() { done <- c.UidFetch(set, items, ch) }()
	var out []*imap.Message
	for m := range ch {
		out = append(out, m)
	}
	if err := <-done; err != nil {
		t.Fatalf("UidFetch: %v", err)
	}
	return out
}

func TestLoginRefusedBeforeStartTLS(t *testing.T) {
	s := start(t, localimap.Config{})
	conn, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(conn)
	greeting, _ := r.ReadString('\n')
	for _, want := range []string{"STARTTLS", "LOGINDISABLED"} {
		if !strings.Contains(greeting, want) {
			t.Errorf("greeting %q lacks %s", greeting, want)
		}
	}
	fmt.Fprintf(conn, "a1 LOGIN %s %s\r\n", user, pass)
	line, _ := r.ReadString('\n')
	if !strings.HasPrefix(line, "a1 NO") {
		t.Errorf("LOGIN before STARTTLS answered %q, want a1 NO", line)
	}

	// go-imap's client refuses on its own, seeing LOGINDISABLED.
	c, err := client.Dial(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Logout() }()
	if err := c.Login(user, pass); err == nil {
		t.Error("Login without STARTTLS succeeded")
	}
}

func TestStartTLSLoginAndWrongPassword(t *testing.T) {
	s := start(t, localimap.Config{})
	c := dial(t, s)
	if st := c.State(); st != imap.AuthenticatedState {
		t.Errorf("state after login = %v", st)
	}

	c2, err := client.Dial(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c2.Logout() }()
	if err := c2.StartTLS(s.TLSConfig()); err != nil {
		t.Fatal(err)
	}
	err = c2.Login(user, "wrong")
	if err == nil || !strings.Contains(err.Error(), "Invalid credentials") {
		t.Errorf("Login with a wrong password: %v", err)
	}
}

func TestImplicitTLS(t *testing.T) {
	s := start(t, localimap.Config{ImplicitTLS: true})
	c, err := client.DialTLS(s.Addr(), s.TLSConfig())
	if err != nil {
		t.Fatalf("DialTLS: %v", err)
	}
	defer func() { _ = c.Logout() }()
	if ok, _ := c.SupportStartTLS(); ok {
		t.Error("implicit TLS server offers STARTTLS")
	}
	if err := c.Login(user, pass); err != nil {
		t.Fatalf("Login: %v", err)
	}
	// A client that does not trust the certificate is refused.
	if _, err := client.DialTLS(s.Addr(), &tls.Config{ServerName: "localhost"}); err == nil {
		t.Error("DialTLS without the server's pool succeeded")
	}
}

func TestStartRefusesNonLoopback(t *testing.T) {
	if _, err := localimap.Start(localimap.Config{Addr: "0.0.0.0:0"}); err == nil {
		t.Fatal("Start on 0.0.0.0 succeeded")
	}
}

// list returns name -> attributes.
func list(t testing.TB, c *client.Client) map[string][]string {
	t.Helper()
	ch := make(chan *imap.MailboxInfo, 32)
	done := make(chan error, 1)
	go func() { done <- c.List("", "*", ch) }()
	out := map[string][]string{}
	for mi := range ch {
		out[mi.Name] = mi.Attributes
	}
	if err := <-done; err != nil {
		t.Fatalf("List: %v", err)
	}
	return out
}

func TestListSpecialUse(t *testing.T) {
	for _, tc := range []struct {
		name         string
		cfg          localimap.Config
		folder, attr string
		folders      int
	}{
		{"default", localimap.Config{}, "Sent", imap.SentAttr, 6},
		{"gmail", localimap.Config{Gmail: true}, "[Gmail]/Sent Mail", imap.SentAttr, 7},
		{"gmail all", localimap.Config{Gmail: true}, "[Gmail]/All Mail", imap.AllAttr, 7},
		{"old server", localimap.Config{NoSpecialUse: true}, "Sent", "", 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t, tc.cfg)
			c := dial(t, s)
			got := list(t, c)
			if len(got) != tc.folders {
				t.Errorf("LIST gave %d folders, want %d: %v", len(got), tc.folders, got)
			}
			attrs, ok := got[tc.folder]
			if !ok {
				t.Fatalf("LIST lacks %q: %v", tc.folder, got)
			}
			has := slices.ContainsFunc(attrs, func(a string) bool {
				return strings.HasPrefix(a, `\`) && a != imap.HasNoChildrenAttr && a != imap.HasChildrenAttr
			})
			if tc.attr == "" && has || tc.attr != "" && !slices.Contains(attrs, tc.attr) {
				t.Errorf("%s has attributes %v, want %q", tc.folder, attrs, tc.attr)
			}
			caps, err := c.Capability()
			if err != nil {
				t.Fatal(err)
			}
			if caps["SPECIAL-USE"] == tc.cfg.NoSpecialUse {
				t.Errorf("SPECIAL-USE advertised = %v with NoSpecialUse %v", caps["SPECIAL-USE"], tc.cfg.NoSpecialUse)
			}
			if tc.cfg.Gmail {
				if _, err := c.Select("[Gmail]", true); err == nil {
					t.Error("SELECT [Gmail] (\\Noselect) succeeded")
				}
			}
		})
	}
}

func TestDeliverFetchAppend(t *testing.T) {
	s := start(t, localimap.Config{})
	date := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	uid, err := s.Deliver("INBOX", []byte("Message-ID: <a@x>\nFrom: Jane <jane@cust.example>\nSubject: hi\n\nbody\n"), []string{imap.SeenFlag}, date)
	if err != nil || uid != 1 {
		t.Fatalf("Deliver = %d, %v", uid, err)
	}
	if _, err := s.Deliver("Nope", msg("b@x", "a@b", "c@d", "x"), nil, time.Time{}); err == nil {
		t.Error("Deliver to a missing folder succeeded")
	}

	c := dial(t, s)
	mbox, err := c.Select("INBOX", false)
	if err != nil {
		t.Fatal(err)
	}
	if mbox.Messages != 1 || mbox.UidNext != 2 || mbox.UidValidity == 0 {
		t.Errorf("SELECT: messages %d uidnext %d uidvalidity %d", mbox.Messages, mbox.UidNext, mbox.UidValidity)
	}
	sec := headerSection("Message-ID", "From")
	msgs := fetchAll(t, c, imap.FetchUid, imap.FetchFlags, imap.FetchInternalDate, imap.FetchRFC822Size, sec.FetchItem(), imap.FetchEnvelope)
	if len(msgs) != 1 {
		t.Fatalf("FETCH gave %d messages", len(msgs))
	}
	m := msgs[0]
	hdr, _ := io.ReadAll(m.GetBody(sec))
	if want := "Message-ID: <a@x>\r\nFrom: Jane <jane@cust.example>\r\n\r\n"; string(hdr) != want {
		t.Errorf("header fields = %q, want %q", hdr, want)
	}
	if m.Uid != 1 || !slices.Contains(m.Flags, imap.SeenFlag) || !m.InternalDate.Equal(date) || m.Size == 0 {
		t.Errorf("uid %d flags %v date %v size %d", m.Uid, m.Flags, m.InternalDate, m.Size)
	}
	if m.Envelope == nil || m.Envelope.Subject != "hi" || m.Envelope.MessageId != "<a@x>" {
		t.Errorf("envelope = %+v", m.Envelope)
	}

	raw := msg("sent-1@x", "rep@example.com", "jane@cust.example", "proposal")
	if err := c.Append("Sent", []string{imap.SeenFlag}, date, bytes.NewReader(raw)); err != nil {
		t.Fatalf("Append: %v", err)
	}
	got, err := s.Messages("Sent")
	if err != nil || len(got) != 1 || !bytes.Equal(got[0], raw) {
		t.Fatalf("Messages(Sent) = %q, %v", got, err)
	}
	full := &imap.BodySectionName{Peek: true}
	if _, err := c.Select("Sent", true); err != nil {
		t.Fatal(err)
	}
	msgs = fetchAll(t, c, full.FetchItem())
	if body, _ := io.ReadAll(msgs[0].GetBody(full)); !bytes.Equal(body, raw) {
		t.Errorf("BODY[] = %q", body)
	}
}
