package mail

import (
	"regexp"
	"strings"
	"testing"
)

func render(t *testing.T, src string, v Values) Body {
	t.Helper()
	b, err := RenderBody(mustParse(t, src), v)
	if err != nil {
		t.Fatalf("RenderBody: %v", err)
	}
	return b
}

func TestRenderBodyEscapesValues(t *testing.T) {
	const hostile = "<script>alert(1)</script> & *x*"
	b := render(t, "Hi **{{first_name}}**, from {{company}}.", Values{"first_name": hostile, "company": "A_B_C"})

	wantHTML := "<p>Hi <strong>&lt;script&gt;alert(1)&lt;/script&gt; &amp; *x*</strong>, from A_B_C.</p>"
	if !strings.Contains(b.HTML, wantHTML) {
		t.Errorf("HTML lacks %q:\n%s", wantHTML, b.HTML)
	}
	if strings.Contains(b.HTML, "<script>") {
		t.Error("HTML contains an unescaped <script>")
	}
	if want := "Hi " + hostile + ", from A_B_C.\n"; b.Text != want {
		t.Errorf("Text = %q, want %q", b.Text, want)
	}
	for _, want := range []string{"<!DOCTYPE html>", `<meta charset="utf-8">`, "<body style=", "</body>\n</html>\n"} {
		if !strings.Contains(b.HTML, want) {
			t.Errorf("HTML document lacks %q", want)
		}
	}
}

func TestRenderBodyPlaceholdersNeverLeak(t *testing.T) {
	src := "_{{first_name}}_ and {{first_name}}{{last_name}} {{city | \"x\"}}\n\n`{{phone}}`\n\n[{{company}}]({{custom.site}})"
	b1 := render(t, src, Values{"first_name": "Jo", "last_name": "Lo", "phone": "1", "company": "Acme", "custom.site": "https://acme.example/a b"})
	b2 := render(t, src, Values{"first_name": "Jo", "last_name": "Lo", "phone": "1", "company": "Acme", "custom.site": "https://acme.example/a b"})
	leak := regexp.MustCompile(`LM[0-9a-f]{16}\d+Z`)
	for _, s := range []string{b1.HTML, b1.Text} {
		if leak.MatchString(s) {
			t.Errorf("placeholder left in output:\n%s", s)
		}
	}
	if b1 != b2 {
		t.Error("two renders of the same input differ")
	}
	for _, want := range []string{"<em>Jo</em>", "JoLo", "<code>1</code>", `<a href="https://acme.example/a%20b">Acme</a>`, " x</p>"} {
		if !strings.Contains(b1.HTML, want) {
			t.Errorf("HTML lacks %q:\n%s", want, b1.HTML)
		}
	}
	if want := "Acme (https://acme.example/a b)"; !strings.Contains(b1.Text, want) {
		t.Errorf("Text lacks %q:\n%s", want, b1.Text)
	}
}

func TestRenderBodyURLValues(t *testing.T) {
	tests := []struct {
		name, site, wantHref string
	}{
		{"javascript dropped", "javascript:alert(1)", `href=""`},
		{"vbscript dropped", "VBScript:x", `href=""`},
		{"quote cannot break out", `https://x.example/"onmouseover="x`, `href="https://x.example/%22onmouseover=%22x"`},
		{"ampersand escaped", "https://x.example/?a=1&b=2", `href="https://x.example/?a=1&amp;b=2"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := render(t, "[site]({{custom.site}}) ![logo]({{custom.site}})", Values{"custom.site": tt.site})
			if !strings.Contains(b.HTML, tt.wantHref) {
				t.Errorf("HTML lacks %s:\n%s", tt.wantHref, b.HTML)
			}
			if strings.Count(b.HTML, "src=") != 1 || strings.Contains(b.HTML, `onmouseover="`) {
				t.Errorf("unexpected attributes:\n%s", b.HTML)
			}
		})
	}
}

func TestRenderBodyText(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"paragraphs and hard wraps", "Hi {{first_name}},\nthanks.\n\n\nBye", "Hi Jane,\nthanks.\n\nBye\n"},
		{"heading", "# Offer for {{company}}\n\nText", "Offer for Acme\n\nText\n"},
		{"emphasis dropped", "*a* **b** ~~c~~ `d`", "a b c d\n"},
		{"bullets", "- one\n- two\n  - nested", "- one\n- two\n  - nested\n"},
		{"numbers", "3. three\n4. four", "3. three\n4. four\n"},
		{"loose list", "- one\n\n- two", "- one\n\n- two\n"},
		{"link", "[our site](https://acme.example)", "our site (https://acme.example)\n"},
		{"link same as text", "[https://acme.example](https://acme.example)", "https://acme.example\n"},
		{"autolink", "see https://acme.example/x and <mail@acme.example>", "see https://acme.example/x and mail@acme.example\n"},
		{"javascript link", "[click](javascript:alert(1))", "click\n"},
		{"image", "![logo](https://acme.example/l.png)", "logo (https://acme.example/l.png)\n"},
		{"code block", "```\nx := *y*\n```", "x := *y*\n"},
		{"quote", "> said\n>\n> twice", "> said\n>\n> twice\n"},
		{"rule", "a\n\n---\n\nb", "a\n\n----------\n\nb\n"},
		{"raw html dropped", "<div>x</div>\n\nok <b>bold</b>", "ok bold\n"},
		{"escapes and entities", `1\*2 &amp; &#x41; &copy;`, "1*2 & A ©\n"},
		{"table", "| a | b |\n|---|---|\n| 1 | {{city}} |", "a | b\n1 | Köln\n"},
		{"tasks", "- [x] done\n- [ ] todo", "- [x] done\n- [ ] todo\n"},
		{"empty", "", ""},
	}
	vals := Values{"first_name": "Jane", "company": "Acme", "city": "Köln"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := render(t, tt.src, vals).Text; got != tt.want {
				t.Errorf("Text = %q\nwant   %q", got, tt.want)
			}
		})
	}
}

func TestRenderBodyRawHTMLOmitted(t *testing.T) {
	b := render(t, "<script>alert(1)</script>\n\nHi <img src=x onerror=alert(1)>", nil)
	if strings.Contains(b.HTML, "<script") || strings.Contains(b.HTML, "onerror") {
		t.Errorf("raw HTML reached the HTML part:\n%s", b.HTML)
	}
}
