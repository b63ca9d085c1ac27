package mail

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func mustParse(t testing.TB, src string) *Template {
	t.Helper()
	tmpl, err := ParseTemplate(src)
	if err != nil {
		t.Fatalf("ParseTemplate(%q): %v", src, err)
	}
	return tmpl
}

func TestParseTemplateVars(t *testing.T) {
	tests := []struct {
		src  string
		want []Var
	}{
		{"no variables", nil},
		{"Hi {{first_name}}!", []Var{{Name: "first_name", Line: 1, Col: 4}}},
		{"Hi {{contact.first_name}}", []Var{{Name: "first_name", Line: 1, Col: 4}}},
		{"{{ First_Name }}", []Var{{Name: "first_name", Line: 1, Col: 1}}},
		{"{{custom.Industry-2}}", []Var{{Name: "custom.Industry-2", Line: 1, Col: 1}}},
		{"{{user.name}} {{user.email}} {{user.title}} {{user.phone}}", []Var{
			{Name: "user.name", Line: 1, Col: 1}, {Name: "user.email", Line: 1, Col: 15},
			{Name: "user.title", Line: 1, Col: 30}, {Name: "user.phone", Line: 1, Col: 45},
		}},
		{"{{opportunity.name}}{{opportunity.value}}{{opportunity.stage}}", []Var{
			{Name: "opportunity.name", Line: 1, Col: 1}, {Name: "opportunity.value", Line: 1, Col: 21},
			{Name: "opportunity.stage", Line: 1, Col: 42},
		}},
		{"{{Opportunity.Close_Date}} {{opportunity.owner_name}}", []Var{
			{Name: "opportunity.close_date", Line: 1, Col: 1}, {Name: "opportunity.owner_name", Line: 1, Col: 28},
		}},
		{`Hi {{first_name | "there"}}`, []Var{{Name: "first_name", Fallback: "there", HasFallback: true, Line: 1, Col: 4}}},
		{"{{\tfirst_name|\"\"\t}}", []Var{{Name: "first_name", HasFallback: true, Line: 1, Col: 1}}},
		{`{{company | "your \"team\" \\ co"}}`, []Var{{Name: "company", Fallback: `your "team" \ co`, HasFallback: true, Line: 1, Col: 1}}},
		{`{{company | "a}}b"}}`, []Var{{Name: "company", Fallback: "a}}b", HasFallback: true, Line: 1, Col: 1}}},
		{"Grüße\nÄ {{city}}", []Var{{Name: "city", Line: 2, Col: 3}}},
		{`\{{first_name}} {{kind}}`, []Var{{Name: "kind", Line: 1, Col: 17}}},
		{"{ x } }} {{status}}", []Var{{Name: "status", Line: 1, Col: 10}}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			got := mustParse(t, tt.src).Vars()
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Vars() = %+v\nwant     %+v", got, tt.want)
			}
		})
	}
}

func TestParseTemplateErrors(t *testing.T) {
	tests := []struct {
		src  string
		want string
	}{
		{"Hi,\nHello {{frist_name}},", `unknown variable "frist_name" at line 2, column 7`},
		{"Hello\nDear {{frist_name}},", `unknown variable "frist_name" at line 2, column 6`},
		{"Hi {{first_name", "unclosed {{ at line 1, column 4"},
		{"Hi {{first_name\n}}", "unclosed {{ at line 1, column 4"},
		{"{{first_name | \"x\"", "unclosed {{ at line 1, column 1"},
		{"{{}}", "empty variable name at line 1, column 1"},
		{"{{  | \"x\"}}", "empty variable name at line 1, column 1"},
		{"{{first_name | there}}", `fallback must be in double quotes, like {{first_name | "there"}} at line 1, column 16`},
		{"{{first_name | 'there'}}", `fallback must be in double quotes, like {{first_name | "there"}} at line 1, column 16`},
		{"{{first_name |}}", `fallback must be in double quotes, like {{first_name | "there"}} at line 1, column 15`},
		{"{{first_name | \"there}}", "unterminated fallback string at line 1, column 16"},
		{"{{first_name | \"the\nre\"}}", "unterminated fallback string at line 1, column 16"},
		{"{{first name}}", `unexpected 'n' in {{...}}: expected a name, | or }} at line 1, column 9`},
		{"{{first_name \"x\"}}", `unexpected '"' in {{...}}: expected a name, | or }} at line 1, column 14`},
		{"{{custom.}}", `unknown variable "custom." at line 1, column 1`},
		{"{{custom.a.b}}", `unknown variable "custom.a.b" at line 1, column 1`},
		{"{{user.password}}", `unknown variable "user.password" at line 1, column 1`},
		{"{{contact.custom}}", `unknown variable "contact.custom" at line 1, column 1`},
		{"{{{first_name}}}", `unexpected '{' in {{...}}: expected a name, | or }} at line 1, column 3`},
		{"ÄÖÜ {{x}}", `unknown variable "x" at line 1, column 5`},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, err := ParseTemplate(tt.src)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error = %v, want *SyntaxError", err)
			}
			if err.Error() != tt.want {
				t.Errorf("error = %q\nwant    %q", err.Error(), tt.want)
			}
		})
	}
}

func TestRender(t *testing.T) {
	vals := Values{
		"first_name": "Jane", "company": "  ", "custom.industry": "Logistics",
		"user.name": "Sam Seller", "title": "<b>CTO</b>",
	}
	tests := []struct {
		src         string
		want        string
		wantMissing []string
	}{
		{"Hi {{first_name}}!", "Hi Jane!", nil},
		{`Hi {{last_name | "there"}}!`, "Hi there!", nil},
		{`{{first_name | "there"}}`, "Jane", nil},
		{"{{company}} in {{custom.industry}}", " in Logistics", []string{"company"}},
		{"{{city}} {{company}} {{city}}", "  ", []string{"city", "company"}},
		{`{{company | ""}}x`, "x", nil},
		{`\{{first_name}} is {{first_name}}`, "{{first_name}} is Jane", nil},
		{"{{title}}", "<b>CTO</b>", nil},
		{"-- \n{{user.name}}", "-- \nSam Seller", nil},
		{`back\slash \{ {\{`, `back\slash \{ {\{`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			got, missing := mustParse(t, tt.src).Render(vals)
			if got != tt.want {
				t.Errorf("Render = %q, want %q", got, tt.want)
			}
			if !reflect.DeepEqual(missing, tt.wantMissing) {
				t.Errorf("missing = %q, want %q", missing, tt.wantMissing)
			}
		})
	}
}

func TestLint(t *testing.T) {
	subject := mustParse(t, "Offer for {{company}}, {{first_name}}")
	body := mustParse(t, `Hi {{first_name | "there"}}, {{last_name | "friend"}} from {{custom.industry}} {{company}} {{city | "your city"}}`)
	got := Lint(Values{"first_name": "", "company": "Acme", "city": "Köln"}, subject, nil, body)
	want := []LintItem{
		{Name: "company", Value: "Acme"},
		{Name: "first_name", Fallback: "there", Missing: true}, // the subject has no fallback
		{Name: "last_name", Value: "friend", Fallback: "friend"},
		{Name: "custom.industry", Missing: true},
		{Name: "city", Value: "Köln", Fallback: "your city"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Lint =\n%+v\nwant\n%+v", got, want)
	}
	if got := Lint(Values{}); got != nil {
		t.Errorf("Lint() with no templates = %v", got)
	}
}

func TestSanitizeHeader(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hello", "Hello"},
		{"  Hi there  ", "Hi there"},
		{"Hi\r\nBcc: evil@x", "Hi Bcc: evil@x"},
		{"a\r\n\r\n\tb", "a b"},
		{"a\nb\rc", "a b c"},
		{"nul\x00byte\x7f", "nul byte"},
		{"line\u2028sep\u0085nel", "line sep nel"},
		{"Grüße", "Grüße"},
		{"\r\n", ""},
	}
	for _, tt := range tests {
		if got := SanitizeHeader(tt.in); got != tt.want {
			t.Errorf("SanitizeHeader(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestKnownVariablesParse(t *testing.T) {
	for _, name := range KnownVariables() {
		vars := mustParse(t, "{{"+name+"}}").Vars()
		if len(vars) != 1 || vars[0].Name != name {
			t.Errorf("{{%s}} parsed as %+v", name, vars)
		}
		if !strings.Contains(name, ".") {
			if v := mustParse(t, "{{contact."+name+"}}").Vars(); v[0].Name != name {
				t.Errorf("{{contact.%s}} normalised to %q", name, v[0].Name)
			}
		}
	}
}

func TestVarsIsACopy(t *testing.T) {
	tmpl := mustParse(t, "{{first_name}}")
	tmpl.Vars()[0].Name = "changed"
	if got, _ := tmpl.Render(Values{"first_name": "Jane"}); got != "Jane" {
		t.Errorf("Render after mutating Vars() = %q", got)
	}
}

// FuzzParseTemplate checks that any input either fails with a positioned
// *SyntaxError or parses into a template that renders deterministically.
// Seeds live in testdata/fuzz/FuzzParseTemplate.
func FuzzParseTemplate(f *testing.F) {
	f.Fuzz(func(t *testing.T, src string) {
		tmpl, err := ParseTemplate(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Line < 1 || se.Col < 1 || se.Msg == "" {
				t.Fatalf("ParseTemplate(%q) error %#v", src, err)
			}
			return
		}
		vals := Values{}
		for i, v := range tmpl.Vars() {
			if v.Name == "" || v.Line < 1 || v.Col < 1 {
				t.Fatalf("bad var %+v", v)
			}
			if i%2 == 0 {
				vals[v.Name] = "value of " + v.Name
			}
		}
		out1, missing1 := tmpl.Render(vals)
		out2, missing2 := tmpl.Render(vals)
		if out1 != out2 || !reflect.DeepEqual(missing1, missing2) {
			t.Fatalf("Render not deterministic for %q", src)
		}
		if !strings.Contains(src, "{{") && !strings.Contains(src, `\`) && out1 != src {
			t.Fatalf("text without tags changed: %q -> %q", src, out1)
		}
		lint := Lint(vals, tmpl)
		for _, it := range lint {
			if it.Missing && !containsString(missing1, it.Name) {
				t.Fatalf("Lint says %s missing, Render does not", it.Name)
			}
		}
	})
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
