package mail_test

import (
	"fmt"
	"strings"

	"github.com/leadmail/leadmail/mail"
)

// A lead's out-of-office answer to a send: an auto-reply, never a reply,
// with the day she is back.
func ExampleParseInbound() {
	raw := "From: Alice Wong <Alice.Wong@umbrella.example>\r\n" +
		"To: sam@acme-crm.example\r\n" +
		"Subject: Automatic reply: Quick question\r\n" +
		"Date: Sat, 5 Dec 2026 11:00:02 +0100\r\n" +
		"Message-ID: <ooo-1@umbrella.example>\r\n" +
		"In-Reply-To: <k7q2m4x9@mail.acme-crm.example>\r\n" +
		"Auto-Submitted: auto-replied\r\n" +
		"\r\n" +
		"I am out of the office and returning Monday, December 14.\r\n"
	in, err := mail.ParseInbound(strings.NewReader(raw), 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(in.Kind, in.From[0].Email, in.InReplyTo[0])
	fmt.Println("back on", in.AutoReplyUntil.Format("Monday 2 January 2006"))
	fmt.Println(in.Text)
	// Output:
	// auto_reply alice.wong@umbrella.example k7q2m4x9@mail.acme-crm.example
	// back on Monday 14 December 2026
	// I am out of the office and returning Monday, December 14.
}

// A header scan reads only the fields InboundHeaderFields names.
func ExampleParseInboundHeader() {
	block := "From: MAILER-DAEMON@mx.example (Mail Delivery System)\r\n" +
		"Subject: Undelivered Mail Returned to Sender\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n"
	in, _ := mail.ParseInboundHeader(strings.NewReader(block))
	fmt.Println(in.Kind, in.Addresses())
	// Output: bounce [mailer-daemon@mx.example]
}
