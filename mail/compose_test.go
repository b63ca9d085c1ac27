package mail

import (
	"bytes"
	"errors"
	"io"
	"mime"
	netmail "net/mail"
	"reflect"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"
)

var testDate = time.Date(2026, 11, 26, 10, 30, 0, 0, time.FixedZone("CET", 3600))

func fullDraft() Draft {
	return Draft{
		From:    Address{Name: "Müller, Jürgen", Email: "jm@brightpath.example"},
		ReplyTo: &Address{Name: "Sales", Email: "sales@brightpath.example"},
		To:      []Address{{Name: "Doe, Jane (Sales)", Email: "jane@customer.example"}, {Email: "joe@customer.example"}},
		Cc:      []Address{{Name: "Ann", Email: "ann@customer.example"}},
		Bcc:     []Address{{Email: "crm-archive@brightpath.example"}, {Email: "JANE@customer.example"}},
		Subject: "Grüße aus Köln – Angebot für 2027",
		Body:    Body{Text: "Hallo Jane,\nanbei das Angebot.\n", HTML: "<p>Hallo Jane,<br>\nanbei das Angebot.</p>\n"},
		Attachments: []Attachment{
			{Filename: "Preisliste Ü.csv", Data: []byte("a,b\n1,2\n")},
			{Filename: "angebot.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.7 fake")},
		},
		Date:            testDate,
		MessageIDDomain: "crm.brightpath.example",
		Headers:         map[string]string{"X-Mailer": "leadmail", "X-Leadmail-Contact": "42"},
	}
}

func mustCompose(t *testing.T, d Draft) *Composed {
	t.Helper()
	c, err := Compose(d)
	if err != nil {
		t.Fatalf("Compose: %v", err)
	}
	return c
}

func TestComposeRoundTrip(t *testing.T) {
	d := fullDraft()
	c := mustCompose(t, d)

	if c.From != "jm@brightpath.example" {
		t.Errorf("From = %q", c.From)
	}
	wantRcpts := []string{"jane@customer.example", "joe@customer.example", "ann@customer.example", "crm-archive@brightpath.example"}
	if !reflect.DeepEqual(c.Recipients, wantRcpts) {
		t.Errorf("Recipients = %q, want %q", c.Recipients, wantRcpts)
	}
	if !strings.HasSuffix(c.MessageID, "@crm.brightpath.example") || strings.ContainsAny(c.MessageID, "<>") {
		t.Errorf("MessageID = %q", c.MessageID)
	}
	if bytes.Contains(bytes.ReplaceAll(c.Raw, []byte("\r\n"), nil), []byte("\n")) {
		t.Error("raw message has a bare LF")
	}
	if bytes.Contains(bytes.ToLower(c.Raw), []byte("crm-archive")) || bytes.Contains(c.Raw, []byte("\nBcc:")) {
		t.Error("Bcc recipient leaked into the message")
	}

	r, err := gomail.CreateReader(bytes.NewReader(c.Raw))
	if err != nil {
		t.Fatalf("CreateReader: %v", err)
	}
	h := r.Header
	if got, err := h.Date(); err != nil || !got.Equal(testDate) {
		t.Errorf("Date = %v, %v", got, err)
	}
	checkAddrs := func(key string, want []Address) {
		t.Helper()
		list, err := h.AddressList(key)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		var got []Address
		for _, a := range list {
			got = append(got, Address{Name: a.Name, Email: a.Address})
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %+v, want %+v", key, got, want)
		}
	}
	checkAddrs("From", []Address{d.From})
	checkAddrs("Reply-To", []Address{*d.ReplyTo})
	checkAddrs("To", d.To)
	checkAddrs("Cc", d.Cc)
	checkAddrs("Bcc", nil)
	if got, _ := h.Subject(); got != d.Subject {
		t.Errorf("Subject = %q, want %q", got, d.Subject)
	}
	if got, _ := h.MessageID(); got != c.MessageID {
		t.Errorf("Message-Id = %q, want %q", got, c.MessageID)
	}
	if h.Get("X-Mailer") != "leadmail" || h.Get("X-Leadmail-Contact") != "42" || h.Get("Mime-Version") != "1.0" {
		t.Errorf("extra headers: X-Mailer %q, X-Leadmail-Contact %q, MIME-Version %q",
			h.Get("X-Mailer"), h.Get("X-Leadmail-Contact"), h.Get("Mime-Version"))
	}

	var texts []string
	var atts []Attachment
	for {
		p, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(p.Body)
		switch ph := p.Header.(type) {
		case *gomail.InlineHeader:
			ct, params, _ := ph.ContentType()
			if params["charset"] != "utf-8" {
				t.Errorf("%s charset = %q", ct, params["charset"])
			}
			texts = append(texts, ct+":"+strings.ReplaceAll(string(data), "\r\n", "\n"))
		case *gomail.AttachmentHeader:
			name, _ := ph.Filename()
			ct, _, _ := ph.ContentType()
			atts = append(atts, Attachment{Filename: name, ContentType: ct, Data: data})
		}
	}
	wantTexts := []string{"text/plain:" + d.Body.Text, "text/html:" + d.Body.HTML}
	if !reflect.DeepEqual(texts, wantTexts) {
		t.Errorf("inline parts = %q, want %q", texts, wantTexts)
	}
	wantAtts := []Attachment{
		{Filename: "Preisliste Ü.csv", ContentType: "text/csv", Data: d.Attachments[0].Data},
		{Filename: "angebot.pdf", ContentType: "application/pdf", Data: d.Attachments[1].Data},
	}
	if !reflect.DeepEqual(atts, wantAtts) {
		t.Errorf("attachments = %+v, want %+v", atts, wantAtts)
	}
	if !bytes.Contains(c.Raw, []byte(`filename*=utf-8''Preisliste%20%C3%9C.csv`)) {
		t.Error("non-ASCII file name not written as RFC 2231")
	}
	if bytes.Contains(c.Raw, []byte(`filename="=?`)) {
		t.Error("file name written as an RFC 2047 word in quotes")
	}

	// The standard library must agree.
	m, err := netmail.ReadMessage(bytes.NewReader(c.Raw))
	if err != nil {
		t.Fatalf("net/mail: %v", err)
	}
	if got, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject")); got != d.Subject {
		t.Errorf("net/mail Subject = %q", got)
	}
	if _, ok := m.Header["Bcc"]; ok {
		t.Error("net/mail sees a Bcc header")
	}
}

func TestComposeStructure(t *testing.T) {
	att := []Attachment{{Filename: "a.txt", Data: []byte("x")}}
	tests := []struct {
		name  string
		body  Body
		atts  []Attachment
		want  string // top-level media type
		parts []string
	}{
		{"text only", Body{Text: "hi"}, nil, "text/plain", []string{"text/plain"}},
		{"text and html", Body{Text: "hi", HTML: "<p>hi</p>"}, nil, "multipart/alternative", []string{"text/plain", "text/html"}},
		{"text and attachment", Body{Text: "hi"}, att, "multipart/mixed", []string{"text/plain", "text/plain;a.txt"}},
		{"both and attachment", Body{Text: "hi", HTML: "<p>hi</p>"}, att, "multipart/mixed", []string{"text/plain", "text/html", "text/plain;a.txt"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Draft{From: Address{Email: "a@x.example"}, To: []Address{{Email: "b@y.example"}},
				Subject: "s", Body: tt.body, Attachments: tt.atts, Date: testDate, MessageIDDomain: "x.example"}
			c := mustCompose(t, d)
			r, err := gomail.CreateReader(bytes.NewReader(c.Raw))
			if err != nil {
				t.Fatal(err)
			}
			if mt, _, _ := r.Header.ContentType(); mt != tt.want {
				t.Errorf("Content-Type = %q, want %q", mt, tt.want)
			}
			var parts []string
			for {
				p, err := r.NextPart()
				if err != nil {
					break
				}
				switch ph := p.Header.(type) {
				case *gomail.InlineHeader:
					mt, _, _ := ph.ContentType()
					parts = append(parts, mt)
				case *gomail.AttachmentHeader:
					mt, _, _ := ph.ContentType()
					name, _ := ph.Filename()
					parts = append(parts, mt+";"+name)
				}
			}
			if !reflect.DeepEqual(parts, tt.parts) {
				t.Errorf("parts = %q, want %q", parts, tt.parts)
			}
		})
	}
}

func TestComposeHeaderInjection(t *testing.T) {
	const evil = "Hi\r\nBcc: evil@attacker.example"
	d := fullDraft()
	d.Subject = evil
	d.From.Name = evil
	d.To[0].Name = evil
	d.ReplyTo.Name = "x\nBcc: evil@attacker.example"
	d.Headers = map[string]string{"X-Note": evil}
	d.Attachments = []Attachment{{Filename: "a\r\nBcc: evil@attacker.example.txt", Data: []byte("x")}}
	c := mustCompose(t, d)

	for _, line := range strings.Split(string(c.Raw), "\r\n") {
		if strings.HasPrefix(strings.ToLower(line), "bcc:") {
			t.Errorf("injected header line %q", line)
		}
	}
	m, err := netmail.ReadMessage(bytes.NewReader(c.Raw))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.Header["Bcc"]; ok {
		t.Error("a Bcc header was injected")
	}
	if got, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject")); got != "Hi Bcc: evil@attacker.example" {
		t.Errorf("Subject = %q", got)
	}
	if !reflect.DeepEqual(c.Recipients, []string{"jane@customer.example", "joe@customer.example", "ann@customer.example", "crm-archive@brightpath.example"}) {
		t.Errorf("Recipients = %q", c.Recipients)
	}
}

func TestComposeErrors(t *testing.T) {
	tests := []struct {
		name   string
		modify func(d *Draft)
		want   string
	}{
		{"no From", func(d *Draft) { d.From = Address{} }, "From address is empty"},
		{"bad From", func(d *Draft) { d.From.Email = "jm@" }, `From: "jm@" is not a valid email address (expected name@domain)`},
		{"no To", func(d *Draft) { d.To = nil }, "at least one To recipient is required"},
		{"bad To", func(d *Draft) { d.To[1].Email = "joe" }, `To: "joe" is not a valid email address (expected name@domain)`},
		{"CRLF in address", func(d *Draft) { d.Cc[0].Email = "ann@x.example\r\nBcc: e@x" }, `Cc address "ann@x.example\r\nBcc: e@x" contains a line break`},
		{"bad Bcc", func(d *Draft) { d.Bcc[0].Email = "a@b, c@d" }, `Bcc: "a@b, c@d" holds more than one email address`},
		{"bad Reply-To", func(d *Draft) { d.ReplyTo.Email = "" }, "Reply-To address is empty"},
		{"no date", func(d *Draft) { d.Date = time.Time{} }, "the message has no date"},
		{"no domain", func(d *Draft) { d.MessageIDDomain = "" }, "no domain for the Message-ID: set the message id domain"},
		{"bad domain", func(d *Draft) { d.MessageIDDomain = "x.example>\r\nBcc: e" }, `Message-ID domain "x.example>\r\nBcc: e" is not a valid domain name`},
		{"bad id", func(d *Draft) { d.MessageID = "no-at-sign" }, `Message-ID "no-at-sign" is not valid`},
		{"too many attachments", func(d *Draft) {
			d.Attachments = make([]Attachment, 5)
		}, "a message may carry at most 4 attachments, this one has 5"},
		{"reserved header", func(d *Draft) { d.Headers = map[string]string{"bcc": "x@y"} }, `header "bcc" is set by the composer and cannot be overridden`},
		{"content header", func(d *Draft) { d.Headers = map[string]string{"Content-Type": "text/html"} }, `header "Content-Type" is set by the composer and cannot be overridden`},
		{"bad header name", func(d *Draft) { d.Headers = map[string]string{"X-A: b\r\nBcc": "x"} }, `header name "X-A: b\r\nBcc" is not valid`},
		{"bad content type", func(d *Draft) { d.Attachments[0].ContentType = "not a type" }, `compose message: attachment "Preisliste Ü.csv" has an invalid content type "not a type"`},
		{"path only", func(d *Draft) { d.Attachments[0].Filename = "/tmp/" }, `compose message: attachment "/tmp/" has no usable file name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := fullDraft()
			tt.modify(&d)
			_, err := Compose(d)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error = %v\nwant    %s", err, tt.want)
			}
		})
	}
}

func TestComposeMessageID(t *testing.T) {
	a, b := mustCompose(t, fullDraft()), mustCompose(t, fullDraft())
	if a.MessageID == b.MessageID {
		t.Errorf("two composes share Message-ID %q", a.MessageID)
	}
	d := fullDraft()
	d.MessageID = "<kept.1@crm.brightpath.example>"
	if c := mustCompose(t, d); c.MessageID != "kept.1@crm.brightpath.example" ||
		!bytes.Contains(c.Raw, []byte("Message-Id: <kept.1@crm.brightpath.example>\r\n")) {
		t.Errorf("MessageID = %q", c.MessageID)
	}
}

func TestComposeAttachmentTypes(t *testing.T) {
	tests := []struct {
		att      Attachment
		wantName string
		wantType string
	}{
		{Attachment{Filename: "Offer.PDF"}, "Offer.PDF", "application/pdf"},
		{Attachment{Filename: "README"}, "README", "application/octet-stream"},
		{Attachment{Filename: "data.bin", ContentType: "image/png"}, "data.bin", "image/png"},
		{Attachment{Filename: `C:\Users\sam\quote.txt`}, "quote.txt", "text/plain"},
		{Attachment{Filename: "../../etc/passwd"}, "passwd", "application/octet-stream"},
	}
	for _, tt := range tests {
		t.Run(tt.att.Filename, func(t *testing.T) {
			ah, err := attachmentHeader(tt.att)
			if err != nil {
				t.Fatal(err)
			}
			name, _ := ah.Filename()
			mt, _, _ := ah.ContentType()
			if name != tt.wantName || mt != tt.wantType {
				t.Errorf("got %q %q, want %q %q", name, mt, tt.wantName, tt.wantType)
			}
		})
	}
}
