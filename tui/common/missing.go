package common

import (
	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/outbox"
)

// MissingMarker is how a merge variable without a value shows in a
// preview, so "the {{plan}} plan" reads "the ⟨missing: plan⟩ plan" and not
// "the  plan". It only ever reaches the screen: a missing variable blocks
// the send.
func MissingMarker(name string) string { return "⟨missing: " + name + "⟩" }

// MarkMissing returns p with its subject and text part rendered again from
// the templates they came from, each missing variable shown as
// MissingMarker. A preview with nothing missing, or a template that does not
// parse, comes back as it is. It parses and renders, so screens call it in
// the command that fetched the preview.
func MarkMissing(p outbox.Preview, subject, body, signature string) outbox.Preview {
	if len(p.Missing()) == 0 {
		return p
	}
	vals := mail.Values{}
	for _, it := range p.Lint {
		vals[it.Name] = it.Value
		if it.Missing {
			vals[it.Name] = MissingMarker(it.Name)
		}
	}
	subj, err := mail.ParseTemplate(subject)
	if err != nil {
		return p
	}
	text, err := markedBody(body, vals)
	if err != nil {
		return p
	}
	if signature != "" {
		sig, err := markedBody(signature, vals)
		if err != nil {
			return p
		}
		text = outbox.AppendSignature(text, sig)
	}
	s, _ := subj.Render(vals)
	p.Subject, p.Text = mail.SanitizeHeader(s), text.Text
	return p
}

func markedBody(src string, vals mail.Values) (mail.Body, error) {
	t, err := mail.ParseTemplate(src)
	if err != nil {
		return mail.Body{}, err
	}
	return mail.RenderBody(t, vals)
}
