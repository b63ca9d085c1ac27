package demo

import (
	"slices"
	"strings"
	"testing"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
)

// parse parses a template with package mail, the authority on DESIGN §4's
// grammar, failing the test when it does not parse.
func parse(t *testing.T, name, part, src string) *mail.Template {
	t.Helper()
	tmpl, err := mail.ParseTemplate(src)
	if err != nil {
		t.Fatalf("%s %s: %v", name, part, err)
	}
	return tmpl
}

func TestTemplatesGrammar(t *testing.T) {
	db, _ := sharedDemo(t)
	emails, err := db.ListEmails(t.Context(), store.EmailFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range emails {
		parse(t, e.Name, "subject", e.Subject)
		parse(t, e.Name, "body", e.Body)
		if e.SmartMail && !strings.Contains(e.Body, "https://example.com/") {
			t.Errorf("%s links nowhere", e.Name)
		}
		if len(e.Tags) == 0 {
			t.Errorf("%s has no tags", e.Name)
		}
	}
}

func TestFirstSmartMailSendsToAnyone(t *testing.T) {
	db, _ := sharedDemo(t)
	emails, err := db.ListEmails(t.Context(), store.EmailFilter{SmartMailOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	first := emails[0]
	if first.Name != firstSmartMail {
		t.Fatalf("first Smart Mail is %q, want %q", first.Name, firstSmartMail)
	}
	type parsed struct {
		name          string
		subject, body *mail.Template
	}
	var all []parsed
	for _, e := range emails {
		all = append(all, parsed{e.Name, parse(t, e.Name, "subject", e.Subject), parse(t, e.Name, "body", e.Body)})
	}
	// Filled for every send: the sender always has a name and an address,
	// and only people with an address can be sent anything.
	guaranteed := []string{"user.name", "user.email", "email"}
	for _, tmpl := range []*mail.Template{all[0].subject, all[0].body} {
		for _, v := range tmpl.Vars() {
			if !v.HasFallback && !slices.Contains(guaranteed, v.Name) {
				t.Errorf("%s: {{%s}} at %d:%d has neither a fallback nor a guaranteed value",
					first.Name, v.Name, v.Line, v.Col)
			}
		}
	}
	sender, err := db.UserByEmail(t.Context(), testSender.Email)
	if err != nil {
		t.Fatal(err)
	}
	sender.Title, sender.Phone = "", "" // a sender with nothing but a name
	lintBlocks := 0
	for _, c := range allContacts(t, db) {
		if c.Email == "" {
			continue
		}
		vals := outbox.Values(c, sender)
		for _, p := range all {
			_, m1 := p.subject.Render(vals)
			_, m2 := p.body.Render(vals)
			if p.name == first.Name && len(m1)+len(m2) > 0 {
				t.Errorf("%s to %s: missing %v %v", p.name, c.Name(), m1, m2)
			}
			if slices.Contains(m1, "custom.plan_interest") {
				lintBlocks++
			}
		}
	}
	if lintBlocks == 0 {
		t.Error("no contact with an email lacks custom.plan_interest: the merge lint never blocks")
	}
}
