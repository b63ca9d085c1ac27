package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Body is the two alternative renderings of one email body.
type Body struct {
	Text string // text/plain
	HTML string // a complete text/html document
}

// htmlHead and htmlFoot wrap the rendered Markdown. Styles are inline because
// many mail clients drop <style> blocks; they only set a readable font.
const (
	htmlHead = "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n" +
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n</head>\n" +
		"<body style=\"margin:0;padding:16px;font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;" +
		"font-size:15px;line-height:1.5;color:#1f2328;\">\n"
	htmlFoot = "</body>\n</html>\n"
)

// urlAttr finds the attributes goldmark writes URLs into.
var urlAttr = regexp.MustCompile(`(href|src)="([^"]*)"`)

// RenderBody renders a Markdown template for one contact into text and HTML.
//
// Variables are replaced by random alphanumeric placeholders before goldmark
// sees the text, and by their values only afterwards. So a value is never
// parsed as Markdown or HTML, "**{{first_name}}**" still bolds the name, and
// the HTML part receives values escaped while the text part receives them
// verbatim. Raw HTML in the template is dropped (no html.WithUnsafe): a
// template must not be able to smuggle script into mail.
func RenderBody(tmpl *Template, v Values) (Body, error) {
	if tmpl == nil {
		return Body{}, errors.New("render body: no template")
	}
	nonce := make([]byte, 8)
	_, _ = rand.Read(nonce) // never fails since Go 1.24
	prefix := "LM" + hex.EncodeToString(nonce)
	vals := make([]string, len(tmpl.vars))
	src := tmpl.expand(func(i int, x Var) string {
		vals[i], _ = effective(x, v)
		return prefix + strconv.Itoa(i) + "Z" // Z ends it: 1Z is no prefix of 10Z
	})

	md := goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithRendererOptions(ghtml.WithHardWraps()),
	)
	source := []byte(src)
	doc := md.Parser().Parse(text.NewReader(source))
	var out bytes.Buffer
	if err := md.Renderer().Render(&out, source, doc); err != nil {
		return Body{}, fmt.Errorf("render markdown: %w", err)
	}

	htmlPairs := make([]string, 0, 2*len(vals))
	textPairs := make([]string, 0, 2*len(vals))
	for i, val := range vals {
		tok := prefix + strconv.Itoa(i) + "Z"
		htmlPairs = append(htmlPairs, tok, html.EscapeString(val))
		textPairs = append(textPairs, tok, val)
	}
	textRepl := strings.NewReplacer(textPairs...)

	// URLs first: a value inside href must be URL-escaped and must not turn
	// the link into javascript:, which goldmark could only check before.
	body := urlAttr.ReplaceAllStringFunc(out.String(), func(attr string) string {
		if !strings.Contains(attr, prefix) {
			return attr
		}
		m := urlAttr.FindStringSubmatch(attr)
		u := html.UnescapeString(m[2])
		u = urlRepl(prefix, vals).Replace(u)
		if ghtml.IsDangerousURL([]byte(u)) {
			u = ""
		}
		return m[1] + `="` + html.EscapeString(u) + `"`
	})
	body = strings.NewReplacer(htmlPairs...).Replace(body)

	tr := textRenderer{src: source}
	plain := strings.TrimSpace(tr.blocks(doc, "\n\n"))
	if plain != "" {
		plain += "\n"
	}
	return Body{
		Text: textRepl.Replace(plain),
		HTML: htmlHead + body + htmlFoot,
	}, nil
}

func urlRepl(prefix string, vals []string) *strings.Replacer {
	pairs := make([]string, 0, 2*len(vals))
	for i, val := range vals {
		pairs = append(pairs, prefix+strconv.Itoa(i)+"Z", string(util.URLEscape([]byte(val), false)))
	}
	return strings.NewReplacer(pairs...)
}

// textRenderer turns the Markdown AST into readable plain text: what a
// person would have typed in a plain-text mail.
type textRenderer struct {
	src []byte
}

// blocks renders the block children of parent joined by sep.
func (r *textRenderer) blocks(parent ast.Node, sep string) string {
	var parts []string
	for c := parent.FirstChild(); c != nil; c = c.NextSibling() {
		if s := r.block(c); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, sep)
}

func (r *textRenderer) block(n ast.Node) string {
	switch n := n.(type) {
	case *ast.Paragraph, *ast.TextBlock, *ast.Heading:
		return strings.TrimRight(r.inlines(n), " \n")
	case *ast.ThematicBreak:
		return "----------"
	case *ast.CodeBlock, *ast.FencedCodeBlock:
		var b strings.Builder
		lines := n.Lines()
		for i := range lines.Len() {
			seg := lines.At(i)
			b.Write(seg.Value(r.src))
		}
		return strings.TrimRight(b.String(), "\n")
	case *ast.Blockquote:
		return prefixLines(r.blocks(n, "\n\n"), "> ", ">")
	case *ast.List:
		return r.list(n)
	case *ast.HTMLBlock:
		return "" // omitted from the HTML part too
	case *east.Table:
		var rows []string
		for row := n.FirstChild(); row != nil; row = row.NextSibling() {
			var cells []string
			for cell := row.FirstChild(); cell != nil; cell = cell.NextSibling() {
				cells = append(cells, strings.TrimSpace(r.inlines(cell)))
			}
			rows = append(rows, strings.Join(cells, " | "))
		}
		return strings.Join(rows, "\n")
	default:
		return r.blocks(n, "\n\n")
	}
}

func (r *textRenderer) list(n *ast.List) string {
	sep := "\n\n"
	if n.IsTight {
		sep = "\n"
	}
	num := n.Start
	var items []string
	for li := n.FirstChild(); li != nil; li = li.NextSibling() {
		marker := "- "
		if n.IsOrdered() {
			marker = strconv.Itoa(num) + ". "
			num++
		}
		body := r.blocks(li, sep)
		items = append(items, marker+indentRest(body, strings.Repeat(" ", len(marker))))
	}
	return strings.Join(items, sep)
}

// inlines renders the inline children of parent.
func (r *textRenderer) inlines(parent ast.Node) string {
	var b strings.Builder
	for c := parent.FirstChild(); c != nil; c = c.NextSibling() {
		r.inline(&b, c)
	}
	return b.String()
}

func (r *textRenderer) inline(b *strings.Builder, n ast.Node) {
	switch n := n.(type) {
	case *ast.Text:
		v := n.Value(r.src)
		if !n.IsRaw() {
			v = util.UnescapePunctuations(util.ResolveNumericReferences(util.ResolveEntityNames(v)))
		}
		b.Write(v)
		if n.SoftLineBreak() || n.HardLineBreak() {
			b.WriteByte('\n')
		}
	case *ast.String:
		b.Write(n.Value)
	case *ast.CodeSpan:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if t, ok := c.(*ast.Text); ok {
				b.WriteString(strings.ReplaceAll(string(t.Value(r.src)), "\n", " "))
			}
		}
	case *ast.RawHTML:
		// omitted, as in the HTML part
	case *ast.Link:
		b.WriteString(linkText(r.inlines(n), string(n.Destination)))
	case *ast.Image:
		b.WriteString(linkText(r.inlines(n), string(n.Destination)))
	case *ast.AutoLink:
		b.Write(n.Label(r.src))
	case *east.TaskCheckBox:
		if n.IsChecked {
			b.WriteString("[x] ")
		} else {
			b.WriteString("[ ] ")
		}
	default: // emphasis, strikethrough: keep the words, drop the markers
		b.WriteString(r.inlines(n))
	}
}

// linkText writes a link as "text (url)", or just one of them when the other
// adds nothing.
func linkText(label, url string) string {
	if ghtml.IsDangerousURL([]byte(url)) {
		url = ""
	}
	switch {
	case url == "" || label == url || "mailto:"+label == url:
		return label
	case label == "":
		return url
	}
	return label + " (" + url + ")"
}

// prefixLines prefixes every line of s; empty lines get bare.
func prefixLines(s, prefix, bare string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l == "" {
			lines[i] = bare
		} else {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}

// indentRest indents every line but the first, so list item bodies line up
// under the text after the marker.
func indentRest(s, indent string) string {
	lines := strings.Split(s, "\n")
	for i := 1; i < len(lines); i++ {
		if lines[i] != "" {
			lines[i] = indent + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}
