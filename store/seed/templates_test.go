package seed

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/leadmail/leadmail/store"
)

// strictVar is DESIGN §4's grammar, spelled out independently of render.go.
var strictVar = regexp.MustCompile(`^\{\{\s*(` +
	`(?:contact\.)?(?:first_name|last_name|full_name|email|phone|company|title|city|country|status|kind|owner_name)` +
	`|custom\.[a-z][a-z0-9_]*|user\.(?:name|email|title|phone))` +
	`\s*(\|\s*"[^"{}]*"\s*)?\}\}$`)

// anyVar finds every {{...}} so that a malformed one cannot hide.
var anyVar = regexp.MustCompile(`\{\{.*?\}\}`)

func TestTemplatesGrammar(t *testing.T) {
	db, _ := sharedDemo(t)
	emails, err := db.ListEmails(t.Context(), store.EmailFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range emails {
		for part, s := range map[string]string{"subject": e.Subject, "body": e.Body} {
			for _, v := range anyVar.FindAllString(s, -1) {
				if !strictVar.MatchString(v) {
					t.Errorf("%s %s: %s is not a valid merge variable", e.Name, part, v)
				}
			}
			if rest := anyVar.ReplaceAllString(s, ""); strings.Contains(rest, "{{") || strings.Contains(rest, "}}") {
				t.Errorf("%s %s: unbalanced braces", e.Name, part)
			}
		}
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
	// Filled for every send: the sender always has a name and an address,
	// and only people with an address can be sent anything.
	guaranteed := []string{"user.name", "user.email", "email", "contact.email"}
	for _, s := range []string{first.Subject, first.Body} {
		for _, v := range anyVar.FindAllString(s, -1) {
			sub := strictVar.FindStringSubmatch(v)
			if sub == nil || (sub[2] == "" && !slices.Contains(guaranteed, sub[1])) {
				t.Errorf("%s: %s has neither a fallback nor a guaranteed value", first.Name, v)
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
		for _, e := range emails {
			_, m1 := render(e.Subject, c, sender)
			_, m2 := render(e.Body, c, sender)
			if e.Name == first.Name && len(m1)+len(m2) > 0 {
				t.Errorf("%s to %s: missing %v %v", e.Name, c.Name(), m1, m2)
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
