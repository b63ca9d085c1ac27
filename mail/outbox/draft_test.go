package outbox_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
)

// writeFile writes size bytes (a PDF-ish header then padding) to dir/name.
func writeFile(t *testing.T, dir, name string, size int) string {
	t.Helper()
	p := filepath.Join(dir, name)
	data := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), max(0, size-9))...)
	if err := os.WriteFile(p, data[:size], 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func (e *env) signature(t *testing.T, name, body string, def bool) store.Signature {
	t.Helper()
	s := store.Signature{UserID: e.sender.ID, Name: name, Body: body, IsDefault: def}
	if err := e.db.CreateSignature(t.Context(), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func header(t *testing.T, in mail.Inspected, key string) (string, bool) {
	t.Helper()
	for _, h := range in.Headers {
		if strings.EqualFold(h.Key, key) {
			return h.Value, true
		}
	}
	return "", false
}

func TestSendDraftComposesOneMessage(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	sig := e.signature(t, "Formal", "Best regards,\n**{{user.name}}**, {{user.title}}", true)
	e.signature(t, "Short", "— S", false)
	other := store.Contact{Kind: store.KindContact, Status: store.StatusContact, FirstName: "Olga", Email: "olga@partner.example"}
	if err := e.db.CreateContact(ctx, &other); err != nil {
		t.Fatal(err)
	}
	d, err := e.svc.NewDraft(ctx, e.contact.ID, e.email.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.SignatureID != sig.ID || d.Subject != e.email.Subject || d.FromEmail != e.sender.Email {
		t.Fatalf("NewDraft = %+v", d)
	}
	dir := t.TempDir()
	for _, name := range []string{"Präsentation Q4.pdf", "Café menu.txt", "naïve résumé.docx", "日本語.png"} {
		a, err := e.svc.CheckAttachment(writeFile(t, dir, name, 1000), d.Attachments)
		if err != nil {
			t.Fatal(err)
		}
		d.Attachments = append(d.Attachments, a)
	}
	d.Body += "\n\nP.S. for {{first_name}}"
	d.To = []outbox.Recipient{{Email: "pat@elsewhere.example"}}
	d.Cc = []outbox.Recipient{{Name: other.Name(), Email: other.Email, ContactID: other.ID}}
	d.Bcc = []outbox.Recipient{{Email: "archive@hidden.example"}}

	p, err := e.svc.PreviewDraft(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.To, "pat@elsewhere.example") || len(p.Cc) != 1 || len(p.Bcc) != 1 || len(p.Attachments) != 4 {
		t.Fatalf("preview = %+v", p)
	}
	m, err := e.svc.SendDraft(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if e.messageCount(t) != 1 || m.Status != store.MessageQueued || m.ContactID != e.contact.ID || m.EmailID != e.email.ID {
		t.Fatalf("message = %+v", m)
	}
	for _, want := range []string{"jurgen@example.com", "pat@elsewhere.example", "olga@partner.example", "archive@hidden.example"} {
		if !slices.Contains(m.Recipients, want) {
			t.Errorf("envelope %v lacks %s", m.Recipients, want)
		}
	}
	if bytes.Contains(bytes.ToLower(m.Raw), []byte("archive@hidden.example")) || bytes.Contains(m.Raw, []byte("\r\nBcc:")) {
		t.Error("the BCC recipient appears in the message bytes")
	}
	in, err := mail.Inspect(m.Raw)
	if err != nil {
		t.Fatal(err)
	}
	if cc, ok := header(t, in, "Cc"); !ok || !strings.Contains(cc, "olga@partner.example") {
		t.Errorf("Cc = %q", cc)
	}
	if _, ok := header(t, in, "Bcc"); ok {
		t.Error("a Bcc header was written")
	}
	var names []string
	for _, a := range in.Attachments {
		names = append(names, a.Filename)
	}
	if !slices.Equal(names, []string{"Präsentation Q4.pdf", "Café menu.txt", "naïve résumé.docx", "日本語.png"}) {
		t.Errorf("attachments = %q", names)
	}
	if !strings.Contains(in.Text, "\n-- \nBest regards,") || !strings.Contains(in.Text, "Sam Rivera") ||
		!strings.Contains(in.Text, "P.S. for Jürgen") {
		t.Errorf("text part:\n%s", in.Text)
	}
	if !strings.Contains(in.HTML, `<div class="signature"`) || !strings.Contains(in.HTML, "<strong>Sam Rivera</strong>") {
		t.Errorf("html part:\n%s", in.HTML)
	}
	// The draft is stored and comes back; the template is untouched (S5).
	back, err := e.svc.DraftOf(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if back.Body != d.Body || len(back.Attachments) != 4 || len(back.Cc) != 1 || back.SignatureID != sig.ID {
		t.Errorf("DraftOf = %+v", back)
	}
	if tmpl, _ := e.db.GetEmail(ctx, e.email.ID); tmpl.Body != e.email.Body {
		t.Error("SendDraft changed the template")
	}
	got, err := e.svc.Deliver(ctx, m.ID)
	if err != nil || got.Status != store.MessageSent {
		t.Fatalf("Deliver = %+v, %v", got.Status, err)
	}
	recv := e.srv.Messages()
	if len(recv) != 1 || !bytes.Equal(recv[0].Data, m.Raw) || len(recv[0].To) != 4 {
		t.Fatalf("server got %d messages; last envelope %v", len(recv), recv[len(recv)-1].To)
	}
}

func TestSendDraftSchedulesAndReplaces(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d, err := e.svc.NewDraft(ctx, e.contact.ID, e.email.ID)
	if err != nil {
		t.Fatal(err)
	}
	d.SendAt = e.now.Add(2 * time.Hour)
	m, err := e.svc.SendDraft(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != store.MessageScheduled || !m.SendAt.Equal(d.SendAt) {
		t.Fatalf("scheduled = %+v", m)
	}
	d.Subject = "Changed {{first_name}}"
	d.SendAt = time.Time{}
	r, err := e.svc.ReplaceDraft(ctx, m.ID, d)
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != m.ID || r.MessageID != m.MessageID || r.Subject != "Changed Jürgen" || r.Status != store.MessageQueued {
		t.Fatalf("replaced = %+v", r)
	}
	if e.messageCount(t) != 1 {
		t.Fatal("ReplaceDraft added a message")
	}
	if _, err := e.svc.Deliver(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	before, _ := e.db.GetMessage(ctx, m.ID)
	d.Subject = "Too late"
	var ref *outbox.RefusalError
	if _, err := e.svc.ReplaceDraft(ctx, m.ID, d); !errors.As(err, &ref) {
		t.Fatalf("replace a sent message: %v", err)
	}
	if after, _ := e.db.GetMessage(ctx, m.ID); !bytes.Equal(after.Raw, before.Raw) || after.Status != store.MessageSent {
		t.Error("a refused replace changed the sent message")
	}
}

func TestDraftOfQuickSend(t *testing.T) {
	e := newEnv(t)
	e.signature(t, "Formal", "x", true)
	m, err := e.svc.Schedule(t.Context(), e.contact.ID, e.email.ID, e.now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.svc.DraftOf(t.Context(), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Body != e.email.Body || d.SignatureID != 0 || !d.SendAt.Equal(m.SendAt) || d.ContactID != e.contact.ID {
		t.Fatalf("DraftOf quick send = %+v", d)
	}
	// Quick Send stays as it was: no signature, no stored draft.
	got, _ := e.db.GetMessage(t.Context(), m.ID)
	if got.Draft != nil || bytes.Contains(got.Raw, []byte("\n-- \r\n")) {
		t.Error("Quick Send stored a draft or a signature")
	}
}

// Every refusal is a sentence and leaves the database as it was.
func TestSendDraftRefusals(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	colleague, err := e.db.UpsertUser(ctx, store.User{Name: "Kim", Email: "kim@brightpath.example", Role: store.RoleSalesManager})
	if err != nil {
		t.Fatal(err)
	}
	noEmail := store.Contact{Kind: store.KindContact, Status: store.StatusContact, FirstName: "Ada"}
	if err := e.db.CreateContact(ctx, &noEmail); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	small := writeFile(t, dir, "a.pdf", 100)
	big := writeFile(t, dir, "big.pdf", 2<<20)
	base, err := e.svc.NewDraft(ctx, e.contact.ID, e.email.ID)
	if err != nil {
		t.Fatal(err)
	}
	att := outbox.Attachment{Path: small, Name: "a.pdf"}
	tight := e.serviceWith(t, func(c *outbox.Config) { c.MaxAttachmentMB = 1 })
	cases := []struct {
		name   string
		svc    *outbox.Service
		edit   func(d *outbox.Draft)
		wantIn string
	}{
		{"unverified From", e.svc, func(d *outbox.Draft) { d.FromEmail = "sam@gmail.example" }, "verified domain"},
		{"CRM user in CC", e.svc, func(d *outbox.Draft) { d.Cc = []outbox.Recipient{{Email: colleague.Email}} }, "is a leadmail user (sales_manager)"},
		{"CRM user in BCC", e.svc, func(d *outbox.Draft) { d.Bcc = []outbox.Recipient{{Email: "SAM@brightpath.example"}} }, "CRM users cannot be copied"},
		{"missing variable", e.svc, func(d *outbox.Draft) { d.Body += " {{phone}}" }, "phone"},
		{"past schedule", e.svc, func(d *outbox.Draft) { d.SendAt = e.now.Add(-time.Minute) }, "in the past"},
		{"fifth attachment", e.svc, func(d *outbox.Draft) { d.Attachments = slices.Repeat([]outbox.Attachment{att}, 5) }, "at most 4"},
		{"oversize", tight, func(d *outbox.Draft) { d.Attachments = []outbox.Attachment{{Path: big}} }, "1 MB limit"},
		{"unreadable file", e.svc, func(d *outbox.Draft) { d.Attachments = []outbox.Attachment{{Path: filepath.Join(dir, "gone.pdf")}} }, "cannot read"},
		{"invalid address", e.svc, func(d *outbox.Draft) { d.To = []outbox.Recipient{{Email: "not an address"}} }, "not a valid email address"},
		{"recipient without email", e.svc, func(d *outbox.Draft) { d.Cc = []outbox.Recipient{{Name: "Ada", ContactID: noEmail.ID}} }, "Ada in CC has no email address"},
		{"primary without email", e.svc, func(d *outbox.Draft) { d.ContactID = noEmail.ID; d.Body = "Hi" }, "has no email address"},
		{"broken template", e.svc, func(d *outbox.Draft) { d.Body = "Hi {{frist_name}}" }, "line 1, column 4"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := base
			tc.edit(&d)
			before, _ := e.db.Timeline(ctx, e.contact.ID, 0)
			_, err := tc.svc.SendDraft(ctx, d)
			if err == nil || !strings.Contains(err.Error(), tc.wantIn) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.wantIn)
			}
			var ref *outbox.RefusalError
			var miss *outbox.MissingVarsError
			if !errors.As(err, &ref) && !errors.As(err, &miss) {
				t.Errorf("err %T is not a refusal", err)
			}
			if n := e.messageCount(t); n != 0 {
				t.Errorf("%d messages queued, want none", n)
			}
			if after, _ := e.db.Timeline(ctx, e.contact.ID, 0); len(after) != len(before) {
				t.Error("a refusal wrote an event")
			}
		})
	}
}

func TestCheckAttachment(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	pdf := writeFile(t, dir, "deck.PDF", 10)
	a, err := e.svc.CheckAttachment(pdf, nil)
	if err != nil || a.ContentType != "application/pdf" || a.Name != "deck.PDF" || a.Size != 10 {
		t.Fatalf("pdf = %+v, %v", a, err)
	}
	noExt := filepath.Join(dir, "image")
	if err := os.WriteFile(noExt, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 0o600); err != nil {
		t.Fatal(err)
	}
	if a, err := e.svc.CheckAttachment(noExt, nil); err != nil || a.ContentType != "image/png" {
		t.Errorf("sniffed = %+v, %v", a, err)
	}
	four := slices.Repeat([]outbox.Attachment{a}, 4)
	huge := []outbox.Attachment{{Size: 20<<20 - 5}}
	for name, tc := range map[string]struct {
		path   string
		have   []outbox.Attachment
		wantIn string
	}{
		"fifth":     {pdf, four, "at most 4"},
		"oversize":  {pdf, huge, "over the 20 MB limit"},
		"directory": {dir, nil, "is a folder"},
		"missing":   {filepath.Join(dir, "nope"), nil, "cannot read"},
	} {
		_, err := e.svc.CheckAttachment(tc.path, tc.have)
		var ref *outbox.RefusalError
		if !errors.As(err, &ref) || !strings.Contains(err.Error(), tc.wantIn) {
			t.Errorf("%s: %v, want a refusal mentioning %q", name, err, tc.wantIn)
		}
	}
}

func TestCheckRecipient(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	if err := e.svc.CheckRecipient(ctx, outbox.Recipient{Email: e.sender.Email}, "to"); err != nil {
		t.Errorf("a user in To: %v", err)
	}
	err := e.svc.CheckRecipient(ctx, outbox.Recipient{Email: e.sender.Email}, "cc")
	if err == nil || err.Error() != "sam@brightpath.example is a leadmail user (salesperson): CRM users cannot be copied on Smart Mail" {
		t.Errorf("a user in CC: %v", err)
	}
	if err := e.svc.CheckRecipient(ctx, outbox.Recipient{Email: "x@"}, "bcc"); err == nil {
		t.Error("an invalid address passed")
	}
	if err := e.svc.CheckRecipient(ctx, outbox.Recipient{Email: "Olga <olga@partner.example>"}, "bcc"); err != nil {
		t.Errorf("a stranger in BCC: %v", err)
	}
}

func TestSignaturesListsTheSenders(t *testing.T) {
	e := newEnv(t)
	e.signature(t, "B", "b", false)
	e.signature(t, "A", "a", true)
	got, err := e.svc.Signatures(t.Context())
	if err != nil || len(got) != 2 || got[0].Name != "A" {
		t.Fatalf("Signatures = %+v, %v", got, err)
	}
}

func TestAppendSignature(t *testing.T) {
	b := outbox.AppendSignature(mail.Body{Text: "Hi\n", HTML: "<html><body>\n<p>Hi</p>\n</body></html>"},
		mail.Body{Text: "Sam\n", HTML: "<html><body style=\"x\">\n<p>Sam</p>\n</body></html>"})
	if b.Text != "Hi\n\n-- \nSam\n" {
		t.Errorf("text = %q", b.Text)
	}
	if !strings.Contains(b.HTML, "<p>Hi</p>\n<div class=\"signature\"") || !strings.HasSuffix(b.HTML, "<p>Sam</p>\n</div>\n</body></html>") {
		t.Errorf("html = %q", b.HTML)
	}
}

// A message that may have reached a server (an uncertain attempt, then
// requeued) gets a new Message-ID when edited: the old one is never reused.
func TestReplaceDraftNewMessageIDAfterAttempt(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d, err := e.svc.NewDraft(ctx, e.contact.ID, e.email.ID)
	if err != nil {
		t.Fatal(err)
	}
	m, err := e.svc.SendDraft(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.ClaimMessage(ctx, m.ID, e.now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := e.db.MarkUncertain(ctx, m.ID, "connection lost"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.RequeueMessage(ctx, m.ID, e.now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	d.Subject = "Second try"
	r, err := e.svc.ReplaceDraft(ctx, m.ID, d)
	if err != nil {
		t.Fatal(err)
	}
	if r.MessageID == m.MessageID || r.ID != m.ID || r.Subject != "Second try" {
		t.Fatalf("replaced = %+v (old Message-ID %s)", r, m.MessageID)
	}
}
