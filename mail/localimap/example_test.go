package localimap_test

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"

	"github.com/leadmail/leadmail/mail/localimap"
)

// A test starts a server, files a reply in INBOX and reads it back with
// go-imap's client over STARTTLS, trusting the server through TLSConfig.
func Example() {
	srv, err := localimap.Start(localimap.Config{Username: "sam@example.com", Password: "pw"})
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = srv.Close() }()
	reply := "Message-ID: <r1@cust.example>\r\nFrom: Jane <jane@cust.example>\r\nIn-Reply-To: <s1@example.com>\r\nSubject: Re: hello\r\n\r\nSounds good.\r\n"
	uid, err := srv.Deliver("INBOX", []byte(reply), nil, time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	if err != nil {
		log.Fatal(err)
	}

	c, err := client.Dial(srv.Addr())
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = c.Logout() }()
	if err := c.StartTLS(srv.TLSConfig()); err != nil {
		log.Fatal(err)
	}
	if err := c.Login("sam@example.com", "pw"); err != nil {
		log.Fatal(err)
	}
	mbox, err := c.Select("INBOX", true)
	if err != nil {
		log.Fatal(err)
	}
	set := new(imap.SeqSet)
	set.AddNum(uid)
	sec := &imap.BodySectionName{BodyPartName: imap.BodyPartName{Specifier: imap.HeaderSpecifier, Fields: []string{"Message-ID", "In-Reply-To"}}, Peek: true}
	ch := make(chan *imap.Message, 1)
	if err := c.UidFetch(set, []imap.FetchItem{imap.FetchUid, sec.FetchItem()}, ch); err != nil {
		log.Fatal(err)
	}
	m := <-ch
	fmt.Printf("INBOX: %d message, UIDNEXT %d\n", mbox.Messages, mbox.UidNext)
	hdr, _ := io.ReadAll(m.GetBody(sec))
	fmt.Printf("UID %d:\n%s", m.Uid, bytes.ReplaceAll(hdr, []byte("\r\n"), []byte("\n")))
	// Output:
	// INBOX: 1 message, UIDNEXT 2
	// UID 1:
	// Message-ID: <r1@cust.example>
	// In-Reply-To: <s1@example.com>
}
