// Package mail holds leadmail's pure mail logic: merge variables, Markdown to
// text+HTML, MIME composition and inspection, and the SMTP transport with its
// error classes. It is a leaf: it knows nothing about the store, so the outbox
// and the TUI can both use it and its tests need no database.
//
// A Smart Mail goes through it like this:
//
//	subject, _ := mail.ParseTemplate(email.Subject)   // {{first_name | "there"}}
//	body, _ := mail.ParseTemplate(email.Body)          // Markdown
//	lint := mail.Lint(values, subject, body)           // refuse on Missing
//	b, _ := mail.RenderBody(body, values)              // text + HTML
//	c, _ := mail.Compose(mail.Draft{...Body: b...})    // RFC 5322 bytes
//	err := smtp.Send(ctx, c.From, c.Recipients, c.Raw) // *SendError, classified
//
// Merge variables: {{first_name}} or {{contact.first_name}} (contact
// fields), {{custom.<key>}}, {{user.name|email|title|phone}},
// {{opportunity.name|value|stage|close_date|owner_name}} (filled when the
// send is from an opportunity, missing otherwise); {{name | "fallback"}}
// when the value is empty; spaces inside the braces are allowed; \{{ is a
// literal {{. An unknown name is a *SyntaxError at parse time, never an
// empty greeting.
package mail
