package mail

import (
	"reflect"
	"strings"
	"testing"
)

// FuzzParseAddressList: a typed To or Cc field never panics the parser, and
// every address it accepts is formatted back into a list that parses to the
// same addresses (what Personalize shows is what it sends).
func FuzzParseAddressList(f *testing.F) {
	for _, s := range []string{
		"jane@acme.example",
		"Jane Doe <jane@acme.example>, bob@b.example; ",
		`"Doe, Jane" <jane@acme.example>; =?utf-8?q?J=C3=BCrgen?= <jm@acme.example>`,
		"Jürgen Müller <jm@acme.example>,,",
		"a@b, c",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		as, err := ParseAddressList(s)
		if err != nil {
			return
		}
		parts := make([]string, len(as))
		for i, a := range as {
			if !strings.Contains(a.Email, "@") {
				t.Fatalf("accepted %q as an address", a.Email)
			}
			parts[i] = a.String()
		}
		back, err := ParseAddressList(strings.Join(parts, ", "))
		if err != nil {
			t.Fatalf("formatted list %q does not parse: %v", parts, err)
		}
		if len(as) == 0 {
			as = nil
		}
		if len(back) == 0 {
			back = nil
		}
		if !reflect.DeepEqual(back, as) {
			t.Fatalf("round trip changed\n%q\n%q", as, back)
		}
	})
}
