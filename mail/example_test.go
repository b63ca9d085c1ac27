package mail_test

import (
	"fmt"
	"time"

	"github.com/leadmail/leadmail/mail"
)

func ExampleTemplate_Render() {
	tmpl, err := mail.ParseTemplate(`Hi {{first_name | "there"}}, how is {{contact.company}}? {{custom.industry}}`)
	if err != nil {
		panic(err)
	}
	out, missing := tmpl.Render(mail.Values{"company": "Acme"})
	fmt.Printf("%q %q\n", out, missing)
	// Output: "Hi there, how is Acme? " ["custom.industry"]
}

func ExampleParseTemplate_error() {
	_, err := mail.ParseTemplate("Hi,\nHello {{frist_name}}")
	fmt.Println(err)
	// Output: unknown variable "frist_name" at line 2, column 7
}

func ExampleRenderBody() {
	tmpl, _ := mail.ParseTemplate("Hi **{{first_name}}**,\n\n- see [our offer](https://brightpath.example/offer)")
	body, _ := mail.RenderBody(tmpl, mail.Values{"first_name": "Jane & Co"})
	fmt.Print(body.Text)
	// Output:
	// Hi Jane & Co,
	//
	// - see our offer (https://brightpath.example/offer)
}

func ExampleCompose() {
	c, err := mail.Compose(mail.Draft{
		From:            mail.Address{Name: "Sam Rivera", Email: "sam@brightpath.example"},
		To:              []mail.Address{{Name: "Jane Doe", Email: "jane@customer.example"}},
		Bcc:             []mail.Address{{Email: "archive@brightpath.example"}, {Email: "JANE@customer.example"}},
		Subject:         "Your offer",
		Body:            mail.Body{Text: "Hi Jane"},
		Date:            time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC),
		MessageIDDomain: "crm.brightpath.example",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(c.From, c.Recipients)
	// Output: sam@brightpath.example [jane@customer.example archive@brightpath.example]
}
