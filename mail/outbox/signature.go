package outbox

import (
	"strings"

	"github.com/leadmail/leadmail/mail"
)

// AppendSignature appends a rendered signature to both parts of a rendered
// body (S8): after a "-- " separator line in the text part, and in a
// <div class="signature"> at the end of the HTML document's body.
func AppendSignature(b, sig mail.Body) mail.Body {
	text := strings.TrimRight(b.Text, "\n")
	if st := strings.TrimSpace(sig.Text); st != "" {
		text += "\n\n-- \n" + st
	}
	out := mail.Body{Text: text + "\n", HTML: b.HTML}
	inner := htmlBodyOf(sig.HTML)
	if strings.TrimSpace(inner) == "" {
		return out
	}
	div := "<div class=\"signature\" style=\"margin-top:16px;color:#555\">\n" + inner + "</div>\n"
	if i := strings.LastIndex(b.HTML, "</body>"); i >= 0 {
		out.HTML = b.HTML[:i] + div + b.HTML[i:]
	} else {
		out.HTML = b.HTML + div
	}
	return out
}

// htmlBodyOf returns what is between <body ...> and </body> in a document
// made by mail.RenderBody, or the whole string when it is a fragment.
func htmlBodyOf(doc string) string {
	i := strings.Index(doc, "<body")
	if i < 0 {
		return doc
	}
	j := strings.IndexByte(doc[i:], '>')
	if j < 0 {
		return doc
	}
	rest := doc[i+j+1:]
	if k := strings.LastIndex(rest, "</body>"); k >= 0 {
		rest = rest[:k]
	}
	return strings.TrimLeft(rest, "\n")
}
