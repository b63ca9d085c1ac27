package imapconn_test

import (
	"context"
	"fmt"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/imapconn"
	"github.com/leadmail/leadmail/mail/localimap"
)

// Probe checks a mailbox step by step, as `leadmail doctor` shows it.
func ExampleProbe() {
	srv, err := localimap.Start(localimap.Config{Username: "sam", Password: "app-password"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = srv.Close() }()
	r := imapconn.Probe(context.Background(), imapconn.Config{
		Host: srv.Host(), Port: srv.Port(), Security: mail.SecuritySTARTTLS,
		Username: "sam", Password: "app-password",
		TLSConfig: srv.TLSConfig(), // a real server needs none: the system's roots
	})
	for _, s := range r.Steps {
		fmt.Println(s.Name, s.OK)
	}
	// Output:
	// connect true
	// tls true
	// login true
	// sent_folder true
	// capabilities true
}

// FindSent prefers the folder the server marks \Sent, then the usual names.
func ExampleFindSent() {
	name, found := imapconn.FindSent([]imapconn.Folder{
		{Name: "INBOX", Selectable: true},
		{Name: "Sent Items", Selectable: true},
		{Name: "Gesendete Objekte", Selectable: true, SpecialUse: `\Sent`},
	})
	fmt.Println(name, found)
	// Output: Gesendete Objekte true
}
