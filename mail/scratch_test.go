package mail

import ("testing";"fmt";"time")

func TestScratch(t *testing.T) {
	c, err := Compose(Draft{
		From: Address{"Müller, Jürgen", "jm@example.com"},
		To: []Address{{"Doe, Jane (Sales)", "jane@x.com"}},
		Cc: []Address{{"", "c@x.com"}},
		Bcc: []Address{{"", "secret@x.com"}, {"", "JANE@x.com"}},
		Subject: "Grüße aus Köln\r\nBcc: evil@x",
		Body: Body{Text: "Hallo\nWelt äöü\n", HTML: "<p>Hallo</p>"},
		Attachments: []Attachment{{Filename: "Preisliste Ü.csv", Data: []byte("a,b\n")}, {Filename: "angebot.pdf", Data: []byte("%PDF")}},
		Date: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC),
		MessageIDDomain: "crm.example.com",
		Headers: map[string]string{"X-Mailer": "leadmail 1.0"},
	})
	if err != nil { t.Fatal(err) }
	fmt.Printf("%s\n%+v %v\n", c.Raw, c.From, c.Recipients)
	in, err := Inspect(c.Raw)
	fmt.Printf("%+v %v\n", in, err)
	for _, s := range []string{"Jürgen Müller <jm@x.com>", `"Doe, Jane" <j@x.com>`, "Jane D. Smith <j@x>", "a@b"} {
		a, err := ParseAddress(s); fmt.Printf("%q %v -> %q\n", a, err, a.String())
		b, err := ParseAddress(a.String()); fmt.Println(b == a, err)
	}
	fmt.Println(ParseAddressList(`"Doe, Jane" <j@x.com>; bob@y.com, , `))
	fmt.Println(ParseAddressList(`bob@`))
}
